import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.intake.changes.schemas import WithdrawnFields
from shared.text import CleanText


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanText = Field(min_length=1, max_length=300, description="Tên kỳ họp")
    term: CleanText = Field(min_length=1, max_length=100, description="Nhiệm kỳ, ví dụ 2021-2026")
    starts_on: date


class SessionCorrection(BaseModel):
    """A correction of a session (đính chính): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    reason: CleanText = Field(min_length=1, max_length=2000, description="Lý do đính chính")
    name: CleanText | None = Field(default=None, min_length=1, max_length=300)
    term: CleanText | None = Field(default=None, min_length=1, max_length=100)
    starts_on: date | None = None


class SessionOut(WithdrawnFields):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    term: str
    starts_on: date
    created_at: datetime


class SessionList(BaseModel):
    items: list[SessionOut]
