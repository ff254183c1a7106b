"""The report laid out as labelled sections, shared by the CSV, XLSX and HTML renderers."""

from dataclasses import dataclass

from services.monitoring import labels
from services.monitoring.reports.schemas import MonthlyReport


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[Row]


def _rows(breakdown: dict, names: dict[str, str]) -> list[Row]:
    return [Row(key, names.get(key, key), share.count, share.percent) for key, share in breakdown.items()]


def breakdown_sections(report: MonthlyReport) -> list[Section]:
    agencies = report.labels.get("agency", {})
    return [
        Section("by_status", "Theo trạng thái giải quyết", _rows(report.by_status, labels.STATUS)),
        Section("timeliness", "Theo thời hạn trả lời", _rows(report.timeliness, labels.TIMELINESS)),
        Section("answered", "Đã trả lời: đúng hạn và trễ hạn", _rows(report.answered, labels.TIMELINESS)),
        Section("by_level", "Theo cấp giải quyết", _rows(report.by_level, labels.LEVEL)),
        Section("by_agency", "Theo cơ quan giải quyết", _rows(report.by_agency, agencies)),
        Section("by_topic", "Theo lĩnh vực", _rows(report.by_topic, labels.TOPIC)),
    ]


def title(report: MonthlyReport) -> str:
    year, month = report.month.split("-")
    return f"Báo cáo kết quả giải quyết kiến nghị cử tri tháng {int(month)}/{year}"


def as_of_text(report: MonthlyReport, tz) -> str:
    moment = report.as_of.astimezone(tz)
    suffix = " (tháng đang diễn ra)" if report.current_month else ""
    return f"Số liệu tính đến {moment:%H:%M} ngày {moment:%d/%m/%Y}{suffix}"
