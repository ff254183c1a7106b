import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.validation_messages import vietnamese_message


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=3)
    count: int = Field(ge=1)
    when: date
    kind: Literal["voter_meeting", "hotline"]
    ref: uuid.UUID

    @field_validator("name")
    @classmethod
    def _no_digits(cls, name: str) -> str:
        if any(ch.isdigit() for ch in name):
            raise ValueError("Tên không được chứa chữ số")
        return name


def _messages(payload: dict) -> dict[str, str]:
    try:
        Sample.model_validate(payload)
    except ValidationError as exc:
        return {str(e["loc"][0]): vietnamese_message(e) for e in exc.errors()}
    return {}


def test_messages_are_vietnamese_with_the_limits_filled_in():
    messages = _messages({"name": "ab", "count": 0, "when": "31/01/2025", "kind": "picnic", "ref": "x", "extra": 1})
    assert messages == {
        "name": "Quá ngắn: cần ít nhất 3 ký tự",
        "count": "Phải lớn hơn hoặc bằng 1",
        "when": "Phải là ngày dạng YYYY-MM-DD",
        "kind": "Phải là một trong: 'voter_meeting' hoặc 'hotline'",
        "ref": "Phải là mã định danh UUID hợp lệ",
        "extra": "Trường không được phép",
    }


def test_our_own_value_errors_keep_their_text_and_missing_fields_are_named():
    messages = _messages({"name": "abc1"})
    assert messages["name"] == "Tên không được chứa chữ số"
    assert messages["count"] == "Trường bắt buộc, chưa có giá trị"
