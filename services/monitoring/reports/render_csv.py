"""The monthly report as one CSV table (UTF-8 with BOM, so spreadsheet programs show Vietnamese)."""

import csv
import io

from services.monitoring import labels
from services.monitoring.reports.cells import cell_row
from services.monitoring.reports.schemas import MonthlyReport
from services.monitoring.reports.sections import breakdown_sections

HEADER = ["muc", "ma", "noi_dung", "so_luong", "ty_le_phan_tram", "ghi_chu"]


def _write(writer, values: list) -> None:
    writer.writerow(cell_row(values))


def render_csv(report: MonthlyReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    _write(writer, HEADER)
    _write(writer, ["tong_so", "total", "Tổng số kiến nghị", report.total, 100.0 if report.total else 0.0,
                     f"tháng {report.month}, tính đến {report.as_of.isoformat()}"])
    for section in breakdown_sections(report):
        for row in section.rows:
            _write(writer, [section.key, row.key, row.label, row.count, row.percent, ""])
    for key, comparison, text in (("new", report.new, "Tiếp nhận mới"), ("resolved", report.resolved, "Giải quyết xong")):
        _write(writer, ["so_sanh", f"{key}_this_month", f"{text} trong tháng", comparison.this_month, "", ""])
        _write(writer, ["so_sanh", f"{key}_last_month", f"{text} tháng trước", comparison.last_month, "", ""])
    matters = report.repeated_matters
    _write(writer, ["lap_lai", "matters", "Số vụ việc", matters.matters, "", ""])
    _write(writer, ["lap_lai", "repeated_matters", "Vụ việc kiến nghị nhiều lần", matters.repeated_matters, "", ""])
    _write(writer, ["lap_lai", "repeat_petitions", "Số lần kiến nghị lặp lại", matters.repeat_petitions, "", ""])
    for item in report.overdue.items:
        _write(writer, ["qua_han", item.code, item.agency_code or "", item.days_overdue, "",
                         f"hạn {item.deadline.isoformat()}; {labels.status(item.status)}"])
    for check in report.spot_checks.items:
        for lot in check.lots:
            bound = "" if lot.upper_bound is None else f"cận trên {lot.upper_bound:.1%}"
            _write(writer, ["giam_sat_xac_suat", lot.agency_code, labels.CONCLUSION[lot.conclusion], lot.failures,
                             "", f"đợt {check.id}; mẫu {lot.sample_size}/{lot.lot_size}; {bound}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
