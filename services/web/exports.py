"""Every list page as an XLSX file: /xuat/<list>.xlsx with the page's filters and its sort order.

The web service reads the list from the services' API with the officer's own token (every page of
it, up to MAX_ROWS), names units, agencies, statuses and levels in Vietnamese, writes dates as
dd/mm/yyyy date cells, and sorts the whole list as the page was sorted (Vietnamese text without regard
to diacritics or case).
"""

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from services.web import labels
from services.web.accounts.sessions import require_user, upstream_bearer
from services.web.dependencies import upstreams as upstreams_of
from services.web.proxy import Upstreams
from services.web.render import EVERYONE, READERS
from shared.errors import ProblemError, invalid
from shared.spreadsheet_cells import cell_row
from shared.text import nfc

router = APIRouter(include_in_schema=False)
MAX_ROWS = 5000
PAGE = 200
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str  # the API's field: also the sort key the page sends
    header: str
    value: Callable[[dict, "Names"], object]
    width: int = 16


@dataclass(frozen=True)
class ListExport:
    title: str
    roles: tuple[str, ...]
    upstream: str
    path: str
    filters: tuple[str, ...]
    columns: tuple[Column, ...]
    fixed: tuple[tuple[str, str], ...] = ()
    with_content: bool = False  # monitoring keeps no text: each page's contents are read from routing


@dataclass
class Names:
    units: dict[str, str]
    agencies: dict[str, str]
    contents: dict[str, str]

    def unit(self, code):
        return f"{self.units[code]} ({code})" if code in self.units else code

    def agency(self, code):
        return f"{self.agencies[code]} ({code})" if code in self.agencies else code


def _day(text: str | None) -> date | None:
    """An ISO date, or a time shown as its day in Vietnam."""
    if not text:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text).astimezone(LOCAL).date()


def _label(table: dict) -> Callable[[object], object]:
    return lambda key: table.get(key, key) if key is not None else None


status, level, topic = _label(labels.STATUS), _label(labels.LEVEL), _label(labels.TOPIC)
TRACKING = (
    Column("code", "Mã kiến nghị", lambda p, n: p["code"], 16),
    Column("content", "Nội dung", lambda p, n: n.contents.get(p["petition_id"]), 70),
    Column("status", "Trạng thái", lambda p, n: status(p["status"]) + (" — giám sát: chưa đạt" if p.get("disputed") else ""), 24),
    Column("level", "Cấp", lambda p, n: level(p.get("level")), 12),
    Column("agency_code", "Cơ quan", lambda p, n: n.agency(p.get("agency_code")), 36),
    Column("topic", "Lĩnh vực", lambda p, n: topic(p.get("topic")), 20),
    Column("deadline", "Hạn trả lời", lambda p, n: _day(p.get("deadline")), 13),
    Column("overdue", "Quá hạn", lambda p, n: "Quá hạn" if p.get("overdue") else "", 10),
    Column("planned_completion", "Dự kiến xong", lambda p, n: _day(p.get("planned_completion")), 13),
)
EXPORTS = {
    "kien-nghi": ListExport(
        "Danh sách kiến nghị cử tri", READERS, "intake", "petitions",
        ("q", "session_id", "unit_code", "created_from", "created_to"), (
            Column("code", "Mã kiến nghị", lambda p, n: p["code"], 16),
            Column("created_at", "Ngày nhập", lambda p, n: _day(p["created_at"]), 12),
            Column("unit_code", "Đơn vị hành chính", lambda p, n: n.unit(p.get("unit_code")), 34),
            Column("content", "Nội dung", lambda p, n: p["content"], 70),
            Column("latest_status", "Trạng thái", lambda p, n: status(p.get("latest_status")), 24),
            Column("agency_code", "Cơ quan giải quyết", lambda p, n: n.agency(p.get("agency_code")), 36),
        )),
    "theo-doi": ListExport("Theo dõi giải quyết kiến nghị", EVERYONE, "monitoring", "petitions",
                           ("status", "level", "agency", "overdue"), TRACKING, with_content=True),
    "phan-loai": ListExport(
        "Kiến nghị chờ xác nhận phân loại", ("secretariat", "admin", "committee"), "routing", "routings",
        (), (
            Column("petition_code", "Mã kiến nghị", lambda r, n: r["petition_code"], 16),
            Column("queued_at", "Vào hàng chờ", lambda r, n: _day(r["queued_at"]), 13),
            Column("unit_code", "Đơn vị hành chính", lambda r, n: n.unit(r.get("unit_code")), 34),
            Column("content", "Nội dung", lambda r, n: r["content"], 70),
            Column("level", "Đề xuất: cấp", lambda r, n: level(r.get("level")), 12),
            Column("agency_code", "Đề xuất: cơ quan", lambda r, n: n.agency(r.get("agency_code")), 36),
            Column("topic", "Lĩnh vực", lambda r, n: topic(r.get("topic")), 20),
            Column("confidence", "Độ tin cậy", lambda r, n: r.get("confidence"), 11),
        ), fixed=(("state", "needs_review"),)),
}


_DIGITS = re.compile(r"(\d+)")


def collation_key(text: str) -> tuple:
    """Vietnamese order as the pages sort (Intl.Collator "vi", base letters, numbers by value):
    marks and case ignored, "đ" a letter of its own right after "d", "KN-9" before "KN-10"."""
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold().replace("đ", "d\uffff"))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(letters))


def _sort_key(column: Column, names: Names):
    def key(row: dict):
        value = column.value(row, names)
        if value is None or value == "":
            return (1, ())  # blanks last, whichever the order
        return (0, collation_key(value) if isinstance(value, str) else value)

    return key


async def _rows(upstreams: Upstreams, export: ListExport, params: list[tuple[str, str]], bearer: str) -> list[dict]:
    rows, cursor = [], None
    while len(rows) < MAX_ROWS:
        page_params = [*params, ("limit", str(PAGE)), *([("cursor", cursor)] if cursor else [])]
        page = await upstreams.get_json(export.upstream, export.path, page_params, bearer)
        rows.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return rows[:MAX_ROWS]


async def _catalog(upstreams: Upstreams, path: str, bearer: str) -> dict[str, str]:
    """Code → name from routing's catalog; codes alone when routing cannot say (the list is still useful)."""
    try:
        return {item["code"]: item["name"] for item in (await upstreams.get_json("routing", path, [], bearer))["items"]}
    except ProblemError:
        return {}


async def _names(upstreams: Upstreams, export: ListExport, rows: list[dict], bearer: str) -> Names:
    contents: dict[str, str] = {}
    if export.with_content:
        ids = [row["petition_id"] for row in rows]
        for start in range(0, len(ids), PAGE):
            chunk = [("petition_id", pid) for pid in ids[start:start + PAGE]] + [("limit", str(PAGE))]
            found = await upstreams.get_json("routing", "routings", chunk, bearer)
            contents.update({r["petition_id"]: r["content"] for r in found["items"]})
    return Names(await _catalog(upstreams, "units", bearer), await _catalog(upstreams, "agencies", bearer), contents)


def workbook(export: ListExport, rows: list[dict], names: Names, filters: list[tuple[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([export.title])
    sheet["A1"].font = Font(bold=True, size=13)
    shown = "; ".join(f"{key} = {value}" for key, value in filters) or "không lọc"
    sheet.append(cell_row([f"Lập lúc {datetime.now(LOCAL):%d/%m/%Y %H:%M}; {len(rows)} dòng; điều kiện: {shown}"]))
    sheet.append([])
    sheet.append(["STT", *(column.header for column in export.columns)])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *cell_row(column.value(row, names) for column in export.columns)])
    for index, column in enumerate(export.columns, start=2):
        letter = sheet.cell(row=4, column=index).column_letter
        sheet.column_dimensions[letter].width = column.width
        for (cell,) in sheet.iter_rows(min_row=5, min_col=index, max_col=index):
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            elif column.key == "confidence" and isinstance(cell.value, float):
                cell.number_format = "0%"
    sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@router.get("/xuat/{name}.xlsx")
async def export_list(request: Request, name: str, sort: str | None = None, order: str = "asc"):
    export = EXPORTS.get(name)
    if export is None:
        raise ProblemError(404, f"Không có danh sách «{name}» để xuất", type="/problems/not-found")
    user = await require_user(request, *export.roles)
    columns = {column.key: column for column in export.columns}
    if sort is not None and sort not in columns:
        raise invalid("sort", f"Không sắp xếp được theo «{sort}»; chọn một trong: {', '.join(columns)}")
    if order not in ("asc", "desc"):
        raise invalid("order", "Thứ tự là asc (tăng dần) hoặc desc (giảm dần)")
    filters = [(key, value) for key, value in request.query_params.multi_items() if key in export.filters and value]
    bearer = "Bearer " + upstream_bearer(request, user)
    upstreams = upstreams_of(request)
    rows = await _rows(upstreams, export, [*filters, *export.fixed], bearer)
    names = await _names(upstreams, export, rows, bearer)
    if sort:
        rows.sort(key=_sort_key(columns[sort], names), reverse=order == "desc")
        if order == "desc":  # blanks stay last
            rows.sort(key=lambda row: _sort_key(columns[sort], names)(row)[0])
    content = workbook(export, rows, names, filters)
    filename = f"{name}-{datetime.now(LOCAL):%Y%m%d-%H%M}.xlsx"
    return Response(content, media_type=XLSX, headers={"content-disposition": f'attachment; filename="{filename}"'})
