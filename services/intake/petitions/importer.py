"""Reading CSV and XLSX uploads into rows (pure: no database)."""

import csv
import io
import zipfile

from openpyxl import load_workbook

from shared.errors import invalid
from shared.text import fold

# Accepted column headers, English or Vietnamese (compared folded: case and diacritics ignored).
COLUMN_ALIASES = {
    "meeting_id": ("meeting_id", "ma buoi tiep xuc"),
    "content": ("content", "noi dung", "noi dung kien nghi"),
    "voters_count": ("voters_count", "so cu tri"),
    "unit_code": ("unit_code", "ma don vi"),
    "topic": ("topic", "linh vuc"),
    "petitioner_name": ("petitioner_name", "ho ten", "nguoi kien nghi"),
    "petitioner_address": ("petitioner_address", "dia chi"),
    "petitioner_phone": ("petitioner_phone", "so dien thoai", "dien thoai"),
}
_HEADER_TO_FIELD = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}


def read_rows(filename: str, data: bytes, max_rows: int) -> list[dict[str, str]]:
    """Rows as {field: text}; a 422 on the `file` field when the upload cannot be read."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        table = _xlsx_table(data)
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        table = _csv_table(data)
    else:
        raise invalid("file", "Chỉ nhận tệp .csv hoặc .xlsx")
    return _rows_from_table(table, max_rows)


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise invalid("file", "Tệp CSV phải mã hóa UTF-8") from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise invalid("file", f"Tệp CSV sai định dạng: {exc}") from exc


def _xlsx_table(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise invalid("file", "Tệp XLSX hỏng hoặc không đúng định dạng") from exc
    sheet = workbook.worksheets[0]
    table = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return [row for row in table if any(cell.strip() for cell in row)]


def _rows_from_table(table: list[list[str]], max_rows: int) -> list[dict[str, str]]:
    if not table:
        raise invalid("file", "Tệp trống: cần một dòng tiêu đề và ít nhất một dòng kiến nghị")
    header = [_HEADER_TO_FIELD.get(fold(cell).replace("_", " ").strip()) or
              _HEADER_TO_FIELD.get(fold(cell).strip()) for cell in table[0]]
    unknown = [cell for cell, field in zip(table[0], header) if field is None and cell.strip()]
    if unknown:
        raise invalid("file", f"Cột không nhận ra: {', '.join(unknown)}. Cột hợp lệ: {', '.join(COLUMN_ALIASES)}")
    if "content" not in header:
        raise invalid("file", "Thiếu cột 'content' (nội dung kiến nghị)")
    body = table[1:]
    if not body:
        raise invalid("file", "Tệp không có dòng kiến nghị nào")
    if len(body) > max_rows:
        raise invalid("file", f"Tệp có {len(body)} dòng; tối đa {max_rows} dòng mỗi lần nhập")
    return [
        {field: cell.strip() for field, cell in zip(header, row) if field and cell and cell.strip()}
        for row in body
    ]
