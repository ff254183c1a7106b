"""Reading CSV and XLSX uploads into rows (pure: no database)."""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator

from shared.errors import invalid
from shared.openpyxl_import import load_openpyxl
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
# Columns an office adds that say nothing about the petition: the row's ordinal (số thứ tự).
IGNORED_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu"})
# A title block (the council's name, the list's title, a date) may stand above the header row.
TITLE_ROWS_MAX = 20
PROGRESS_EVERY = 250  # rows between two progress reports


MAX_COLUMNS = 32  # more than the known columns; cells further right are not read
# An XLSX may unpack to at most 10 × its own size (at least 10 MiB): a zip bomb is refused unread.
UNPACKED_RATIO = 10


Row = tuple[int, dict[str, str]]  # (its number in the spreadsheet, {field: text})


def read_rows(filename: str, data: bytes, max_rows: int, progress: Callable[[int], None] | None = None) -> list[Row]:
    """The rows with content, numbered as the officer sees them; a 422 on `file` when unreadable.

    CPU-bound and blocking: callers on the event loop run it in a worker thread. `progress` is told
    the number of lines read every few hundred lines.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _rows_from_table(_xlsx_table(data), max_rows, progress)
    if name.endswith(".csv") or name.endswith(".txt") or not name:
        return _rows_from_table(_csv_table(data), max_rows, progress)
    raise invalid("file", "Chỉ nhận tệp .csv hoặc .xlsx")


def _cell_text(value: object) -> str:
    """A cell as text; a whole number stored as a float (12.0) reads as 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Excel's way to keep a CSV cell as text: ="0912000111".
_FORMULA_TEXT = re.compile(r'^="(.*)"$')


def phone_text(value: str) -> str:
    """A Vietnamese phone number with the leading zero a numeric cell dropped (912000111 -> 0912000111)."""
    value = _FORMULA_TEXT.sub(r"\1", value.strip())
    if not value.isdigit() or value.startswith("0"):
        return value
    return "+" + value if value.startswith("84") and len(value) >= 11 else "0" + value


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
    load_openpyxl()
    from services.intake.petitions.xlsx_table import sheet_values  # openpyxl comes with the first XLSX file
    try:
        # The declared size (<dimension ref="A1:XFD1048576">) is the file's claim, not its content: not read.
        for row in sheet_values(data, MAX_COLUMNS):
            yield [_cell_text(cell) for cell in row]
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


def _header_key(cell: str) -> str:
    return " ".join(fold(cell).replace("_", " ").replace(".", " ").split())


def _field_of(cell: str) -> str | None:
    return _HEADER_TO_FIELD.get(_header_key(cell)) or _HEADER_TO_FIELD.get(fold(cell).strip())


def _is_header(line: list[str]) -> bool:
    return any(_field_of(cell) == "content" for cell in line)


def _header_fields(header: list[str]) -> list[str | None]:
    fields = [_field_of(cell) for cell in header]
    unknown = [cell for cell, field in zip(header, fields)
               if field is None and cell.strip() and _header_key(cell) not in IGNORED_HEADERS]
    if unknown:
        raise invalid("file", f"Cột không nhận ra: {', '.join(unknown)}. Cột hợp lệ: {', '.join(COLUMN_ALIASES)}")
    if "content" not in fields:
        raise invalid("file", "Thiếu cột 'content' (nội dung kiến nghị)")
    return fields


def _row_values(header: list[str | None], line: list[str]) -> dict[str, str]:
    values = {field: cell.strip() for field, cell in zip(header, line) if field and cell and cell.strip()}
    if "petitioner_phone" in values:
        values["petitioner_phone"] = phone_text(values["petitioner_phone"])
    return values


def _rows_from_table(table: Iterable[list[str]], max_rows: int,
                     progress: Callable[[int], None] | None = None) -> list[Row]:
    """Counted while streaming: a sheet of a million (even blank) rows is refused at the limit, not read.

    Numbers are the sheet's own (blank and title rows counted). The header is the first row naming the
    content column; the rows above it (at most TITLE_ROWS_MAX with text) are a title block.
    """
    header, rows, scanned, above = None, [], 0, []
    for line in table:
        scanned += 1
        if progress and scanned % PROGRESS_EVERY == 0:
            progress(scanned)
        if scanned > 2 * max_rows + TITLE_ROWS_MAX + 1:
            raise invalid("file", f"Tệp có hơn {2 * max_rows} dòng (kể cả dòng trống); tối đa {max_rows} dòng kiến nghị")
        if not any(cell.strip() for cell in line):
            continue
        if header is None:
            if _is_header(line):
                header = _header_fields(line)
            elif len(above) == TITLE_ROWS_MAX:
                header = _header_fields(above[0])  # no header anywhere: say what is wrong with the first row
            else:
                above.append(line)
            continue
        if len(rows) == max_rows:
            raise invalid("file", f"Tệp có hơn {max_rows} dòng; tối đa {max_rows} dòng mỗi lần nhập")
        rows.append((scanned, _row_values(header, line)))
    if header is None and above:
        header = _header_fields(above[0])
    if header is None:
        raise invalid("file", "Tệp trống: cần một dòng tiêu đề và ít nhất một dòng kiến nghị")
    if not rows:
        raise invalid("file", "Tệp không có dòng kiến nghị nào")
    return rows
