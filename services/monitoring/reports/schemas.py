import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class Share(BaseModel):
    count: int
    percent: float


Breakdown = dict[str, Share]


class AgencyRow(BaseModel):
    agency_code: str
    name: str
    total: int
    by_status: dict[str, int]
    on_time: int
    late: int
    overdue: int


class OverdueItem(BaseModel):
    petition_id: uuid.UUID
    code: str
    status: str
    level: str | None
    agency_code: str | None
    topic: str | None
    deadline: date
    days_overdue: int


class OverdueList(BaseModel):
    count: int = Field(description="Tổng số kiến nghị quá hạn chưa trả lời")
    items: list[OverdueItem] = Field(description="Quá hạn lâu nhất trước (có giới hạn)")


class Comparison(BaseModel):
    this_month: int
    last_month: int
    change: int


class RepeatedMatter(BaseModel):
    matter_id: uuid.UUID
    code: str | None
    petitions: int
    status: str | None
    agency_code: str | None
    topic: str | None


class RepeatedMatters(BaseModel):
    matters: int = Field(description="Số vụ việc (kiến nghị lặp lại tính một lần)")
    repeated_matters: int = Field(description="Vụ việc được kiến nghị từ hai lần trở lên")
    petitions_in_repeated_matters: int
    repeat_petitions: int = Field(description="Số lần kiến nghị lặp lại")
    top: list[RepeatedMatter]


class SpotCheckLotOutcome(BaseModel):
    agency_code: str
    lot_size: int
    sample_size: int
    judged: int
    failures: int
    upper_bound: float | None
    conclusion: str


class SpotCheckOutcome(BaseModel):
    id: uuid.UUID
    assigned_to: str
    period_from: date
    period_to: date
    created_at: datetime
    lots: list[SpotCheckLotOutcome]


class SpotCheckSummary(BaseModel):
    count: int
    conclusions: dict[str, int]
    items: list[SpotCheckOutcome]


class MonthlyReport(BaseModel):
    council_name: str = Field(description="Hội đồng nhân dân lập báo cáo (COUNCIL_NAME)")
    month: str
    as_of: datetime = Field(description="Thời điểm lấy số liệu: cuối tháng, hoặc hiện tại với tháng đang diễn ra")
    current_month: bool
    generated_at: datetime
    total: int
    by_status: Breakdown
    by_outcome: Breakdown = Field(description="Trong số đã trả lời: đã giải quyết, đang giải quyết, chưa có nguồn lực")
    by_level: Breakdown
    by_agency: Breakdown
    by_topic: Breakdown
    timeliness: Breakdown = Field(description="Mọi kiến nghị: đúng hạn, trễ hạn, quá hạn, còn hạn, chưa giao")
    answered: Breakdown = Field(description="Trong số đã trả lời: đúng hạn và trễ hạn")
    agencies: list[AgencyRow]
    overdue: OverdueList
    new: Comparison
    resolved: Comparison
    repeated_matters: RepeatedMatters
    spot_checks: SpotCheckSummary
    labels: dict[str, dict[str, str]]
