"""services.intake.petitions.xlsx_table reads what openpyxl's read-only iter_rows(values_only=True) reads
(issue 14: the same values, without reading the sheet twice or building a tree per inline string)."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from services.intake.petitions.xlsx_table import sheet_values

COLUMNS = 32
SHEET = "xl/worksheets/sheet1.xml"
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def reference(data: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = [list(row) for row in sheet.iter_rows(max_col=COLUMNS, values_only=True)]
    workbook.close()
    return rows


def read(data: bytes) -> list[list]:
    return [line or [None] * COLUMNS for line in sheet_values(data, COLUMNS)]


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows() -> list[list]:
    return [["STT", "Nội dung", "Số cử tri", "Ngày", "Đúng", "Số điện thoại"],
            [1, "Cử tri đề nghị sửa đường ĐT.186", 12, date(2024, 11, 25), True, 912000111],
            [2.5, "  khoảng trắng  ", None, datetime(2024, 1, 2, 3, 4, 5), False, "0912 000 111"],
            [None, None, None, None, None, None],
            [3, "=\"0912\"", 1e20, -7, "", "x" * 40] + list(range(40))]


def written(write_only: bool) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    for row in _rows():
        sheet.append(row)
    if not write_only:
        sheet.cell(row=9, column=2, value="after a gap")
        sheet.cell(row=10, column=3, value="=1+1")
        rich = CellRichText("Đề nghị ", TextBlock(InlineFont(b=True), "khẩn"), " cấp")
        sheet.cell(row=11, column=2, value=rich)
        workbook.create_sheet("second").append(["not read"])
    return _saved(workbook)


def replaced_sheet(sheet_xml: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(written(False))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, sheet_xml if item.filename == SHEET else source.read(item.filename))
    return out.getvalue()


CASES = {
    "write-only (inline strings, no declared size)": written(True),
    "ordinary (shared strings, dates, a formula, rich text, a gap, a second sheet)": written(False),
    "inline rich text and phonetic runs": replaced_sheet(
        f'{HEAD}<sheetData><row r="2"><c r="A2" t="inlineStr"><is><r><t>Đề </t></r><r><rPr><b/></rPr><t>nghị</t>'
        '</r><rPh sb="0" eb="1"><t>PH</t></rPh></is></c><c r="C2" t="inlineStr"><is><t xml:space="preserve"> a </t>'
        '</is></c><c r="D2" t="inlineStr"><is/></c><c r="E2" t="inlineStr"/></row></sheetData></worksheet>'),
    "rows out of order, cells without references, far columns": replaced_sheet(
        f'{HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="3"><c t="inlineStr"><is><t>x</t></is></c>'
        '<c><v>4</v></c><c r="AZ3"><v>1</v></c></row><row r="2"><c r="A2"><v>9</v></c></row><row><c t="b"><v>1</v>'
        '</c><c t="str"><v>s</v></c><c t="e"><v>#N/A</v></c></row></sheetData></worksheet>'),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_values_are_those_openpyxl_reads(name):
    assert read(CASES[name]) == reference(CASES[name])
