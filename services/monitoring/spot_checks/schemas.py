import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.events import Level, Verdict
from shared.text import CleanText, OptionalText

Conclusion = Literal["accepted", "widen", "refer", "pending"]


class SpotCheckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_from: date = Field(description="Từ ngày (báo cáo đã giải quyết)")
    period_to: date = Field(description="Đến ngày")
    agency_codes: list[str] | None = Field(default=None, max_length=500)
    level: Level | None = None
    confidence: float = Field(default=0.95, ge=0.5, lt=1.0, description="Độ tin cậy")
    tolerable_rate: float = Field(default=0.10, gt=0.0, lt=1.0, description="Tỷ lệ sai sót chấp nhận được")
    seed: Annotated[str, AfterValidator(str.strip)] | None = Field(default=None, min_length=1, max_length=200)
    assigned_to: CleanText = Field(min_length=1, max_length=300, description="Ban/Tổ đại biểu được giao")

    @model_validator(mode="after")
    def _period_in_order(self) -> "SpotCheckCreate":
        if self.period_to < self.period_from:
            raise ValueError("period_to phải sau hoặc bằng period_from")
        return self


class FindingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    petition_id: uuid.UUID
    verdict: Verdict
    note: OptionalText = Field(default=None, max_length=5000)


class LotPlanOut(BaseModel):
    agency_code: str
    lot_size: int
    lot_hash: str
    defects_assumed: int = Field(description="D = ceil(tolerable_rate × N)")
    n1: int = Field(description="Cỡ mẫu giai đoạn 1 (chấp nhận nếu không có sai sót)")
    n2: int | None = Field(description="Cỡ mẫu giai đoạn 2, chỉ rút khi giai đoạn 1 có đúng 1 sai sót")
    risk: float = Field(description="Xác suất chấp nhận nhầm một lô có D sai sót theo kế hoạch")


class PlanOut(BaseModel):
    method: str
    order: str
    confidence: float
    tolerable_rate: float
    lots: list[LotPlanOut]


class SampleItem(BaseModel):
    petition_id: uuid.UUID
    agency_code: str
    code: str | None = None
    stage: int
    rank: int
    verdict: Verdict | None = None
    note: str | None = None


class LotOut(BaseModel):
    agency_code: str
    lot_size: int
    sample_size: int
    judged: int
    failures: int
    failure_rate: float | None
    upper_bound: float | None = Field(description="Cận trên một phía Clopper-Pearson của tỷ lệ sai sót")
    conclusion: Conclusion


class SpotCheckOut(BaseModel):
    id: uuid.UUID
    seed: str
    period_from: date
    period_to: date
    agency_codes: list[str] | None
    level: Level | None
    assigned_to: str
    created_by: str
    created_at: datetime
    plan: PlanOut
    sample: list[SampleItem]
    lots: list[LotOut]


class SpotCheckSummary(BaseModel):
    """One line of the list of spot-checks (giám sát xác suất) already drawn."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    period_from: date
    period_to: date
    level: Level | None
    confidence: float
    tolerable_rate: float
    assigned_to: str
    created_by: str
    created_at: datetime


class SpotCheckList(BaseModel):
    items: list[SpotCheckSummary]
