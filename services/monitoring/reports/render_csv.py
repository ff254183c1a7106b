"""The monthly report as CSV (UTF-8 with BOM, so spreadsheet programs show Vietnamese).

One block per breakdown and per list, each a title row, a header row and its rows, blocks separated by
a blank row; dates dd/mm/yyyy.
"""

import csv
import io
from datetime import date

from services.monitoring.reports.cells import cell_row
from services.monitoring.reports.schemas import MonthlyReport
from services.monitoring.reports.sections import (
    Table,
    as_of_text,
    breakdown_sections,
    list_tables,
    summary_tables,
    title,
    vn_date,
)

BREAKDOWN_HEADER = ["Nội dung", "Số lượng", "Tỷ lệ (%)"]


def _text(value):
    return vn_date(value) if isinstance(value, date) else value


def _block(writer, table: Table) -> None:
    writer.writerow(cell_row([table.title]))
    writer.writerow(cell_row(table.header))
    for values in table.rows:
        writer.writerow(cell_row([_text(value) for value in values]))
    writer.writerow([])


def render_csv(report: MonthlyReport, tz) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in (report.council_name, title(report), as_of_text(report, tz)):
        writer.writerow(cell_row([line]))
    writer.writerow(cell_row(["Tổng số kiến nghị", report.total]))
    writer.writerow([])
    for section in breakdown_sections(report):
        _block(writer, Table(section.key, section.title, BREAKDOWN_HEADER,
                             [[row.label, row.count, row.percent] for row in section.rows]))
    for table in summary_tables(report) + list_tables(report):
        _block(writer, table)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
