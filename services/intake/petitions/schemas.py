import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.intake.changes.schemas import WithdrawnFields
from shared.events import Topic
from shared.text import CleanText, OptionalText

CONTENT_MIN, CONTENT_MAX = 10, 10_000


class PetitionerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanText = Field(min_length=1, max_length=200)
    address: OptionalText = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=30, pattern=r"^\+?[0-9 .\-]{6,20}$")


def checked_content(content: str) -> str:
    # Checked after NFC and whitespace clean-up, on what we would store.
    if len(content) < CONTENT_MIN:
        raise ValueError(f"Nội dung quá ngắn: cần ít nhất {CONTENT_MIN} ký tự (có {len(content)})")
    if len(content) > CONTENT_MAX:
        raise ValueError(f"Nội dung quá dài: tối đa {CONTENT_MAX} ký tự (có {len(content)})")
    return content


class PetitionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meeting_id: uuid.UUID
    content: CleanText = Field(description="Nội dung kiến nghị (10 đến 10.000 ký tự)")
    voters_count: int | None = Field(default=None, ge=1, le=1_000_000)
    petitioners: list[PetitionerIn] = Field(default_factory=list, max_length=200)
    unit_code: str | None = Field(default=None, min_length=2, max_length=10)
    topic: Topic | None = None

    _content_length = field_validator("content")(checked_content)


class PetitionCorrection(BaseModel):
    """A correction (đính chính): only the fields sent change; the reason goes into the history."""

    model_config = ConfigDict(extra="forbid")

    reason: CleanText = Field(min_length=1, max_length=2000, description="Lý do đính chính")
    content: CleanText | None = Field(default=None, description="Nội dung kiến nghị (10 đến 10.000 ký tự)")
    meeting_id: uuid.UUID | None = None
    unit_code: str | None = Field(default=None, min_length=2, max_length=10)
    topic: Topic | None = None
    voters_count: int | None = Field(default=None, ge=1, le=1_000_000)
    petitioners: list[PetitionerIn] | None = Field(default=None, max_length=200)

    _content_length = field_validator("content")(lambda content: content and checked_content(content))


class PetitionerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    address: str | None
    phone: str | None


class PetitionOut(WithdrawnFields):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    meeting_id: uuid.UUID
    session_id: uuid.UUID
    unit_code: str
    content: str
    topic: Topic | None
    voters_count: int | None
    repeat_of: uuid.UUID | None
    matter_id: uuid.UUID | None
    latest_status: str
    agency_code: str | None
    created_at: datetime
    created_by: str
    revision: int = 0
    petitioners: list[PetitionerOut] | None = Field(
        default=None, description="Chỉ trả về cho văn phòng (secretariat): dữ liệu cá nhân")
    matched: list[str] | None = Field(
        default=None, description="Khi tìm kiếm: các từ trong nội dung khớp với từ đã gõ (để tô sáng)")


class PetitionPage(BaseModel):
    items: list[PetitionOut]
    next_cursor: str | None


class SimilarPetition(BaseModel):
    id: uuid.UUID
    code: str
    content: str
    unit_code: str
    created_at: datetime
    score: float = Field(description="Độ giống nhau 0..1 (lời lẽ, cộng thêm khi cùng nơi, cùng lĩnh vực)")
    place: str | None = Field(description="unit: cùng đơn vị; district: cùng huyện; null: nơi khác")
    topic: Topic | None
    latest_status: str
    agency_code: str | None
    matter_id: uuid.UUID | None


class SimilarList(BaseModel):
    petition_id: uuid.UUID
    items: list[SimilarPetition]


class DraftIn(BaseModel):
    """A petition being typed: its likely repeats are shown before it is saved."""

    model_config = ConfigDict(extra="forbid")

    content: CleanText = Field(min_length=1, max_length=CONTENT_MAX)
    unit_code: str | None = Field(default=None, min_length=2, max_length=10)
    meeting_id: uuid.UUID | None = None
    topic: Topic | None = None


class DraftSimilarList(BaseModel):
    items: list[SimilarPetition]


class LinkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    earlier_id: uuid.UUID
    matter_id: uuid.UUID
    linked_at: datetime
    linked_by: str
    undone_at: datetime | None
    undone_by: str | None


class LinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    earlier_id: uuid.UUID
