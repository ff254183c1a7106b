import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.text import CleanText



class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanText = Field(min_length=1, max_length=300, description="Tên kỳ họp")
    term: CleanText = Field(min_length=1, max_length=100, description="Nhiệm kỳ, ví dụ 2021-2026")
    starts_on: date


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    term: str
    starts_on: date
    created_at: datetime


class SessionList(BaseModel):
    items: list[SessionOut]
