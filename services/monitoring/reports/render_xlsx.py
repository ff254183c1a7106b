"""The monthly report as an Excel workbook: a summary sheet with charts, the lists on their own sheets."""

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from services.monitoring.reports.cells import cell_value
from services.monitoring.reports.schemas import MonthlyReport
from services.monitoring.reports.sections import (
    Section,
    Table,
    as_of_text,
    breakdown_sections,
    list_tables,
    summary_tables,
    title,
)

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
CHARTED = ("by_status", "timeliness", "by_level")
DATE_FORMAT = "dd/mm/yyyy"
SHEETS = {"agencies": "Theo cơ quan", "overdue": "Quá hạn", "repeated_top": "Vụ việc lặp lại",
          "spot_checks": "Giám sát xác suất"}


def render_xlsx(report: MonthlyReport, tz) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Tổng hợp"
    _write_summary(summary, report, tz)
    for table in list_tables(report):
        sheet = workbook.create_sheet(SHEETS[table.key])
        _put(sheet, 1, 1, table.title).font = BOLD
        _write_rows(sheet, table, 2)
        for column, width in ((1, 18), (2, 40)):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet: Worksheet, row: int, column: int, value) -> Cell:
    # Every value goes through cell_value: stored text is never a formula nor a forbidden character.
    cell = sheet.cell(row=row, column=column, value=cell_value(value))
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def _header(sheet: Worksheet, row: int, values: list[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = _put(sheet, row, column, value)
        cell.font, cell.fill = BOLD, HEADER_FILL


def _write_rows(sheet: Worksheet, table: Table, row: int) -> int:
    """The table's header at `row` and its rows below; the row after the last."""
    _header(sheet, row, table.header)
    for offset, values in enumerate(table.rows, start=1):
        for column, value in enumerate(values, start=1):
            _put(sheet, row + offset, column, value)
    return row + len(table.rows) + 1


def _write_summary(sheet: Worksheet, report: MonthlyReport, tz) -> None:
    _put(sheet, 1, 1, title(report)).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, as_of_text(report, tz))
    _put(sheet, 3, 1, "Tổng số kiến nghị")
    _put(sheet, 3, 2, report.total)
    _put(sheet, 4, 1, report.council_name)
    row = 6
    for section in breakdown_sections(report):
        row = _write_section(sheet, section, row)
    for table in summary_tables(report):
        _put(sheet, row, 1, table.title).font = BOLD
        row = _write_rows(sheet, table, row + 1) + 1
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
