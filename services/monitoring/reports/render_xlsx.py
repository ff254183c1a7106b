"""The monthly report as an Excel workbook: a summary sheet with charts, the lists on their own sheets."""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from services.monitoring import labels
from services.monitoring.reports.cells import cell_value
from services.monitoring.reports.schemas import MonthlyReport
from services.monitoring.reports.sections import (
    Section,
    as_of_text,
    breakdown_sections,
    title,
)

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
CHARTED = ("by_status", "timeliness", "by_level")


def render_xlsx(report: MonthlyReport, tz) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Tổng hợp"
    _write_summary(summary, report, tz)
    _write_agencies(workbook.create_sheet("Theo cơ quan"), report)
    _write_overdue(workbook.create_sheet("Quá hạn"), report)
    _write_spot_checks(workbook.create_sheet("Giám sát xác suất"), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet: Worksheet, row: int, column: int, value) -> Cell:
    # Every value goes through cell_value: stored text is never a formula nor a forbidden character.
    return sheet.cell(row=row, column=column, value=cell_value(value))


def _header(sheet: Worksheet, row: int, values: list[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = _put(sheet, row, column, value)
        cell.font, cell.fill = BOLD, HEADER_FILL


def _write_summary(sheet: Worksheet, report: MonthlyReport, tz) -> None:
    _put(sheet, 1, 1, title(report)).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, as_of_text(report, tz))
    _put(sheet, 3, 1, "Tổng số kiến nghị")
    _put(sheet, 3, 2, report.total)
    row = 5
    for section in breakdown_sections(report):
        row = _write_section(sheet, section, row)
    row = _write_comparisons(sheet, report, row)
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 12


def _write_section(sheet: Worksheet, section: Section, row: int) -> int:
    _put(sheet, row, 1, section.title).font = BOLD
    _header(sheet, row + 1, ["Nội dung", "Số lượng", "Tỷ lệ (%)"])
    first = row + 2
    for offset, item in enumerate(section.rows):
        _put(sheet, first + offset, 1, item.label)
        _put(sheet, first + offset, 2, item.count)
        _put(sheet, first + offset, 3, item.percent)
    last = first + len(section.rows) - 1
    if section.key in CHARTED and section.rows:
        chart = BarChart()
        chart.type, chart.title, chart.legend = "bar", section.title, None
        chart.add_data(Reference(sheet, min_col=2, min_row=first, max_row=last))
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        chart.height, chart.width = 7.5, 16  # centimetres: about 15 rows
        sheet.add_chart(chart, f"E{row}")
        return max(last + 3, row + 17)
    return last + 3


def _write_comparisons(sheet: Worksheet, report: MonthlyReport, row: int) -> int:
    _put(sheet, row, 1, "So sánh với tháng trước").font = BOLD
    _header(sheet, row + 1, ["Nội dung", "Tháng này", "Tháng trước", "Tăng/giảm"])
    for offset, (text, item) in enumerate((("Tiếp nhận mới", report.new), ("Giải quyết xong", report.resolved))):
        for column, value in enumerate((text, item.this_month, item.last_month, item.change), start=1):
            _put(sheet, row + 2 + offset, column, value)
    matters = report.repeated_matters
    row += 5
    _put(sheet, row, 1, "Kiến nghị lặp lại").font = BOLD
    for offset, (text, value) in enumerate((("Số vụ việc", matters.matters),
                                            ("Vụ việc kiến nghị từ 2 lần trở lên", matters.repeated_matters),
                                            ("Số lần kiến nghị lặp lại", matters.repeat_petitions))):
        _put(sheet, row + 1 + offset, 1, text)
        _put(sheet, row + 1 + offset, 2, value)
    return row + 5


def _write_agencies(sheet: Worksheet, report: MonthlyReport) -> None:
    statuses = list(labels.STATUS)
    _header(sheet, 1, ["Mã cơ quan", "Tên cơ quan", "Tổng số", *[labels.STATUS[s] for s in statuses],
                       "Đúng hạn", "Trễ hạn", "Quá hạn"])
    for index, agency in enumerate(report.agencies, start=2):
        values = [agency.agency_code, agency.name, agency.total, *[agency.by_status.get(s, 0) for s in statuses],
                  agency.on_time, agency.late, agency.overdue]
        for column, value in enumerate(values, start=1):
            _put(sheet, index, column, value)
    sheet.column_dimensions["B"].width = 45


def _write_overdue(sheet: Worksheet, report: MonthlyReport) -> None:
    _put(sheet, 1, 1, f"Kiến nghị quá hạn chưa trả lời: {report.overdue.count} "
                      f"(liệt kê {len(report.overdue.items)})").font = BOLD
    _header(sheet, 2, ["Mã kiến nghị", "Cơ quan", "Cấp", "Lĩnh vực", "Hạn trả lời", "Số ngày quá hạn"])
    for index, item in enumerate(report.overdue.items, start=3):
        values = [item.code, item.agency_code, labels.LEVEL.get(item.level or "unassigned"),
                  labels.TOPIC.get(item.topic or "unclassified", item.topic), item.deadline, item.days_overdue]
        for column, value in enumerate(values, start=1):
            _put(sheet, index, column, value)


def _write_spot_checks(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(sheet, 1, ["Đợt giám sát", "Được giao", "Cơ quan", "Số đã giải quyết (lô)", "Cỡ mẫu", "Đã kiểm tra",
                       "Sai sót", "Cận trên tỷ lệ sai sót", "Kết luận"])
    row = 2
    for check in report.spot_checks.items:
        for lot in check.lots:
            values = [str(check.id), check.assigned_to, lot.agency_code, lot.lot_size, lot.sample_size, lot.judged,
                      lot.failures, lot.upper_bound, labels.CONCLUSION[lot.conclusion]]
            for column, value in enumerate(values, start=1):
                _put(sheet, row, column, value)
            row += 1
