import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.intake.changes.schemas import WithdrawnFields
from shared.events import MeetingKind
from shared.text import CleanText, OptionalText

DelegateName = Annotated[CleanText, Field(min_length=1, max_length=200)]


class MeetingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: uuid.UUID
    held_on: date
    kind: MeetingKind
    unit_code: str = Field(min_length=2, max_length=10, description="Mã đơn vị hành chính nơi tổ chức")
    delegates: list[DelegateName] = Field(default_factory=list, max_length=50)
    note: OptionalText = Field(default=None, max_length=5000)


class MeetingCorrection(BaseModel):
    """A correction of a meeting (đính chính): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    reason: CleanText = Field(min_length=1, max_length=2000, description="Lý do đính chính")
    held_on: date | None = None
    kind: MeetingKind | None = None
    unit_code: str | None = Field(default=None, min_length=2, max_length=10)
    delegates: list[DelegateName] | None = Field(default=None, max_length=50)
    note: OptionalText = Field(default=None, max_length=5000)


class MeetingOut(WithdrawnFields):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    session_id: uuid.UUID
    held_on: date
    kind: MeetingKind
    unit_code: str
    delegates: list[str]
    note: str | None
    created_at: datetime


class MeetingList(BaseModel):
    items: list[MeetingOut]
