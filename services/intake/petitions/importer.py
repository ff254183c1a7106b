"""Reading CSV and XLSX uploads into rows (pure: no database)."""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator

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


MAX_COLUMNS = 32  # more than the known columns; cells further right are not read
# An XLSX may unpack to at most 10 × its own size (at least 10 MiB): a zip bomb is refused unread.
UNPACKED_RATIO = 10


Row = tuple[int, dict[str, str]]  # (its number in the spreadsheet, {field: text})


def read_rows(filename: str, data: bytes, max_rows: int) -> list[Row]:
    """The rows with content, numbered as the officer sees them; a 422 on `file` when unreadable.

    CPU-bound and blocking: callers on the event loop run it in a worker thread.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _rows_from_table(_xlsx_table(data), max_rows)
    if name.endswith(".csv") or name.endswith(".txt") or not name:
        return _rows_from_table(_csv_table(data), max_rows)
    raise invalid("file", "Chỉ nhận tệp .csv hoặc .xlsx")


def _csv_table(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise invalid("file", "Tệp CSV phải mã hóa UTF-8") from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as exc:
        raise invalid("file", f"Tệp CSV sai định dạng: {exc}") from exc


def _xlsx_table(data: bytes) -> Iterator[list[str]]:
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The declared size (<dimension ref="A1:XFD1048576">) is the file's claim, not its content.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                yield ["" if cell is None else str(cell) for cell in row]
        finally:
            workbook.close()
    except Exception as exc:  # noqa: BLE001 - a hostile file can break the parser in any of its layers
        raise invalid("file", "Tệp XLSX hỏng hoặc không đúng định dạng") from exc


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise invalid("file", "Tệp XLSX hỏng hoặc không đúng định dạng") from exc
    if unpacked > UNPACKED_RATIO * max(len(data), 1 << 20):
        raise invalid("file", "Tệp XLSX giải nén ra quá lớn so với kích thước tệp; hãy lưu lại tệp bằng Excel")


def _header_fields(header: list[str]) -> list[str | None]:
    fields = [_HEADER_TO_FIELD.get(fold(cell).replace("_", " ").strip()) or
              _HEADER_TO_FIELD.get(fold(cell).strip()) for cell in header]
    unknown = [cell for cell, field in zip(header, fields) if field is None and cell.strip()]
    if unknown:
        raise invalid("file", f"Cột không nhận ra: {', '.join(unknown)}. Cột hợp lệ: {', '.join(COLUMN_ALIASES)}")
    if "content" not in fields:
        raise invalid("file", "Thiếu cột 'content' (nội dung kiến nghị)")
    return fields


def _rows_from_table(table: Iterable[list[str]], max_rows: int) -> list[Row]:
    """Counted while streaming: a sheet of a million (even blank) rows is refused at the limit, not read."""
    header, rows, scanned = None, [], 0
    for line in table:
        scanned += 1
        if scanned > 2 * max_rows + 1:
            raise invalid("file", f"Tệp có hơn {2 * max_rows} dòng (kể cả dòng trống); tối đa {max_rows} dòng kiến nghị")
        if not any(cell.strip() for cell in line):
            continue
        if header is None:
            header = _header_fields(line)
            continue
        if len(rows) == max_rows:
            raise invalid("file", f"Tệp có hơn {max_rows} dòng; tối đa {max_rows} dòng mỗi lần nhập")
        rows.append((scanned, {field: cell.strip() for field, cell in zip(header, line) if field and cell and cell.strip()}))
    if header is None:
        raise invalid("file", "Tệp trống: cần một dòng tiêu đề và ít nhất một dòng kiến nghị")
    if not rows:
        raise invalid("file", "Tệp không có dòng kiến nghị nào")
    return rows
