import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import AGENCY_STATUSES, Level, Status, Topic
from shared.text import OptionalText

# The values an agency may report (plain strings: a 422 then lists them as the client writes them).
AgencyStatus = Literal[tuple(status.value for status in AGENCY_STATUSES)]  # type: ignore[valid-type]


class StatusUpdate(BaseModel):
    """An agency's report on a petition (báo cáo kết quả giải quyết)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"status": "in_progress", "note": "Đã khảo sát hiện trạng", "planned_completion": "2024-12-31"},
        {"status": "resolved", "note": "Đã sửa xong", "resolution": "Đã rải nhựa 2 km đường ĐT.185"},
        {"status": "unresolved_lack_of_resources", "note": "", "reason": "Chưa bố trí được vốn"},
        {"status": "returned", "note": "Thuộc thẩm quyền của UBND huyện Sơn Dương"},
    ]})

    status: AgencyStatus
    note: OptionalText = Field(default=None, max_length=5000)
    planned_completion: date | None = Field(default=None, description="Ngày dự kiến hoàn thành (lộ trình)")
    resolution: OptionalText = Field(default=None, max_length=10000, description="Kết quả giải quyết")
    reason: OptionalText = Field(default=None, max_length=5000, description="Lý do chưa giải quyết được")


class TimelineItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    at: datetime
    type: str
    by: str


class PetitionStatusOut(BaseModel):
    petition_id: uuid.UUID
    code: str
    status: Status
    level: Level | None
    agency_code: str | None
    topic: Topic | None
    deadline: date | None = Field(description="Hạn trả lời (ngày, giờ Việt Nam)")
    overdue: bool
    disputed: bool
    planned_completion: date | None
    received_at: datetime
    assigned_at: datetime | None
    answered_at: datetime | None
    repeat_of: uuid.UUID | None = None
    matter_id: uuid.UUID | None = None
    timeline: list[TimelineItem] = []


class PetitionPage(BaseModel):
    items: list[PetitionStatusOut]
    next_cursor: str | None


def timeline_item(entry: Any, details: dict) -> TimelineItem:
    extra = {"event_id": entry.event_id, "request_id": entry.request_id, **details}
    return TimelineItem(at=entry.at, type=entry.type, by=entry.by,
                        **{k: v for k, v in extra.items() if v is not None})
