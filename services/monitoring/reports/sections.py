"""The report laid out as labelled sections and tables, shared by the CSV, XLSX and HTML renderers.

Every breakdown and list of the JSON report is here, with Vietnamese titles and headers: a renderer
only lays them out (the test walks the JSON report and finds each of them in the XLSX and CSV).
"""

from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]  # cells: text, numbers, dates (renderers show dates as dd/mm/yyyy), None


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _rows(breakdown: dict, names: dict[str, str]) -> list[Row]:
    return [Row(key, names.get(key, key), share.count, share.percent) for key, share in breakdown.items()]


def breakdown_sections(report: MonthlyReport) -> list[Section]:
    agencies = report.labels.get("agency", {})
    return [
        Section("by_status", "Theo trạng thái giải quyết", _rows(report.by_status, labels.STATUS)),
        Section("by_outcome", "Đã trả lời: đã giải quyết, đang giải quyết, chưa có nguồn lực",
                _rows(report.by_outcome, labels.STATUS)),
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


def _agency(report: MonthlyReport, code: str | None) -> str:
    return report.labels.get("agency", {}).get(code, code) if code else labels.UNASSIGNED_AGENCY


def summary_tables(report: MonthlyReport) -> list[Table]:
    """The small tables of the summary: comparisons, repeated matters, spot-check conclusions."""
    matters, checks = report.repeated_matters, report.spot_checks
    return [
        Table("comparison", "So sánh với tháng trước", ["Nội dung", "Tháng này", "Tháng trước", "Tăng/giảm"], [
            [text, item.this_month, item.last_month, item.change]
            for text, item in (("Tiếp nhận mới", report.new), ("Giải quyết xong", report.resolved))]),
        Table("repeated_matters", "Kiến nghị lặp lại", ["Nội dung", "Số lượng"], [
            ["Số vụ việc (kiến nghị lặp lại tính một lần)", matters.matters],
            ["Vụ việc được kiến nghị từ 2 lần trở lên", matters.repeated_matters],
            ["Số kiến nghị thuộc các vụ việc đó", matters.petitions_in_repeated_matters],
            ["Số lần kiến nghị lặp lại", matters.repeat_petitions]]),
        Table("spot_check_conclusions", f"Giám sát xác suất: {checks.count} đợt, kết luận theo lô",
              ["Kết luận", "Số lô"], [[labels.CONCLUSION.get(key, key), count]
                                      for key, count in checks.conclusions.items()]),
    ]


def list_tables(report: MonthlyReport) -> list[Table]:
    """The long lists, each on its own sheet: agencies, overdue petitions, repeated matters, spot-check lots."""
    statuses = list(labels.STATUS)
    return [
        Table("agencies", "Kết quả giải quyết của từng cơ quan",
              ["Mã cơ quan", "Tên cơ quan", "Tổng số", *[labels.STATUS[s] for s in statuses],
               "Trả lời đúng hạn", "Trả lời trễ hạn", "Quá hạn chưa trả lời"],
              [[a.agency_code, a.name, a.total, *[a.by_status.get(s, 0) for s in statuses], a.on_time, a.late,
                a.overdue] for a in report.agencies]),
        Table("overdue", f"Kiến nghị quá hạn chưa trả lời: {report.overdue.count} (liệt kê {len(report.overdue.items)})",
              ["Mã kiến nghị", "Trạng thái", "Cơ quan", "Cấp", "Lĩnh vực", "Hạn trả lời", "Số ngày quá hạn"],
              [[i.code, labels.status(i.status), _agency(report, i.agency_code), labels.LEVEL.get(i.level or "unassigned"),
                labels.TOPIC.get(i.topic or "unclassified", i.topic), i.deadline, i.days_overdue]
               for i in report.overdue.items]),
        Table("repeated_top", "Vụ việc được kiến nghị nhiều lần",
              ["Mã kiến nghị đầu tiên", "Số lần kiến nghị", "Trạng thái", "Cơ quan", "Lĩnh vực"],
              [[m.code, m.petitions, labels.status(m.status) if m.status else "", _agency(report, m.agency_code),
                labels.TOPIC.get(m.topic or "unclassified", m.topic)] for m in report.repeated_matters.top]),
        Table("spot_checks", "Giám sát xác suất",
              ["Từ ngày", "Đến ngày", "Được giao", "Cơ quan", "Số đã giải quyết (lô)", "Cỡ mẫu", "Đã kiểm tra",
               "Sai sót", "Cận trên tỷ lệ sai sót (%)", "Kết luận"],
              [[c.period_from, c.period_to, c.assigned_to, _agency(report, lot.agency_code), lot.lot_size,
                lot.sample_size, lot.judged, lot.failures,
                None if lot.upper_bound is None else round(100 * lot.upper_bound, 1),
                labels.CONCLUSION.get(lot.conclusion, lot.conclusion)] for c in report.spot_checks.items for lot in c.lots]),
    ]
