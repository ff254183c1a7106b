"""The monthly report as an Excel workbook: a summary sheet with charts, the lists on their own sheets."""

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from services.monitoring import labels
from services.monitoring.reports.schemas import MonthlyReport
from services.monitoring.reports.sections import Section, as_of_text, breakdown_sections, title

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


def _header(sheet: Worksheet, row: int, values: list[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font, cell.fill = BOLD, HEADER_FILL


def _write_summary(sheet: Worksheet, report: MonthlyReport, tz) -> None:
    sheet["A1"] = title(report)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = as_of_text(report, tz)
    sheet["A3"], sheet["B3"] = "Tổng số kiến nghị", report.total
    row = 5
    for section in breakdown_sections(report):
        row = _write_section(sheet, section, row)
    row = _write_comparisons(sheet, report, row)
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 12


def _write_section(sheet: Worksheet, section: Section, row: int) -> int:
    sheet.cell(row=row, column=1, value=section.title).font = BOLD
    _header(sheet, row + 1, ["Nội dung", "Số lượng", "Tỷ lệ (%)"])
    first = row + 2
    for offset, item in enumerate(section.rows):
        sheet.cell(row=first + offset, column=1, value=item.label)
        sheet.cell(row=first + offset, column=2, value=item.count)
        sheet.cell(row=first + offset, column=3, value=item.percent)
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
    sheet.cell(row=row, column=1, value="So sánh với tháng trước").font = BOLD
    _header(sheet, row + 1, ["Nội dung", "Tháng này", "Tháng trước", "Tăng/giảm"])
    for offset, (text, item) in enumerate((("Tiếp nhận mới", report.new), ("Giải quyết xong", report.resolved))):
        for column, value in enumerate((text, item.this_month, item.last_month, item.change), start=1):
            sheet.cell(row=row + 2 + offset, column=column, value=value)
    matters = report.repeated_matters
    row += 5
    sheet.cell(row=row, column=1, value="Kiến nghị lặp lại").font = BOLD
    for offset, (text, value) in enumerate((("Số vụ việc", matters.matters),
                                            ("Vụ việc kiến nghị từ 2 lần trở lên", matters.repeated_matters),
                                            ("Số lần kiến nghị lặp lại", matters.repeat_petitions))):
        sheet.cell(row=row + 1 + offset, column=1, value=text)
        sheet.cell(row=row + 1 + offset, column=2, value=value)
    return row + 5


def _write_agencies(sheet: Worksheet, report: MonthlyReport) -> None:
    statuses = list(labels.STATUS)
    _header(sheet, 1, ["Mã cơ quan", "Tên cơ quan", "Tổng số", *[labels.STATUS[s] for s in statuses],
                       "Đúng hạn", "Trễ hạn", "Quá hạn"])
    for index, agency in enumerate(report.agencies, start=2):
        values = [agency.agency_code, agency.name, agency.total, *[agency.by_status.get(s, 0) for s in statuses],
                  agency.on_time, agency.late, agency.overdue]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=index, column=column, value=value)
    sheet.column_dimensions["B"].width = 45


def _write_overdue(sheet: Worksheet, report: MonthlyReport) -> None:
    sheet["A1"] = f"Kiến nghị quá hạn chưa trả lời: {report.overdue.count} (liệt kê {len(report.overdue.items)})"
    sheet["A1"].font = BOLD
    _header(sheet, 2, ["Mã kiến nghị", "Cơ quan", "Cấp", "Lĩnh vực", "Hạn trả lời", "Số ngày quá hạn"])
    for index, item in enumerate(report.overdue.items, start=3):
        values = [item.code, item.agency_code, labels.LEVEL.get(item.level or "unassigned"),
                  labels.TOPIC.get(item.topic or "unclassified", item.topic), item.deadline, item.days_overdue]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=index, column=column, value=value)


def _write_spot_checks(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(sheet, 1, ["Đợt giám sát", "Được giao", "Cơ quan", "Số đã giải quyết (lô)", "Cỡ mẫu", "Đã kiểm tra",
                       "Sai sót", "Cận trên tỷ lệ sai sót", "Kết luận"])
    row = 2
    for check in report.spot_checks.items:
        for lot in check.lots:
            values = [str(check.id), check.assigned_to, lot.agency_code, lot.lot_size, lot.sample_size, lot.judged,
                      lot.failures, lot.upper_bound, labels.CONCLUSION[lot.conclusion]]
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=value)
            row += 1
