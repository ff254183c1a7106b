import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import Level, Topic
from shared.text import CleanText


class HistoryEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    action: str = Field(description="classified | queued | confirmed | corrected | returned | return_ignored")
    by: str
    level: str | None
    agency_code: str | None
    topic: Topic | None
    confidence: float | None
    reason: str | None
    explanation: list[str] | None
    decision: dict | None = Field(default=None, description="Quyết định dạng trường: rule_id, rule_hits, "
                                  "model_version, candidates (3 khả năng cao nhất), place, cooperating")
    source: str | None


class CandidateOut(BaseModel):
    level: str
    agency_code: str
    probability: float


class RoutingSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    petition_id: uuid.UUID
    petition_code: str
    state: Literal["assigned", "needs_review", "withdrawn"]
    level: str
    agency_code: str
    topic: Topic | None
    confidence: float
    explanation: list[str]
    returned_by: list[str]
    rule_id: str | None = Field(description="Quy tắc thẩm quyền đã khớp (mã trong rules.yaml)")
    rule_hits: list[str] = Field(description="Các từ trong nội dung đã khớp quy tắc")
    model_version: int | None = Field(description="Phiên bản mô hình đã ra quyết định (không có: chỉ theo quy tắc)")
    candidates: list[CandidateOut] = Field(description="Ba khả năng cao nhất của mô hình")
    place: dict = Field(description="Địa bàn: commune, district, source (text | petition | none), mentions")
    cooperating: list[str] = Field(description="Cơ quan phối hợp (các đề nghị khác trong cùng kiến nghị)")
    unit_code: str
    content: str
    queued_at: datetime
    updated_at: datetime


class RoutingOut(RoutingSummary):
    history: list[HistoryEntryOut]


class RoutingPage(BaseModel):
    items: list[RoutingSummary]
    next_cursor: str | None


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level
    agency_code: str = Field(min_length=1, max_length=40)
    reason: CleanText = Field(min_length=3, max_length=2000, description="Lý do xác nhận hoặc điều chỉnh")
    topic: Topic | None = Field(default=None, description="Lĩnh vực, nếu cần sửa")
