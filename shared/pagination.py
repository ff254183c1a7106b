"""Keyset pages for list endpoints: an opaque cursor names (a timestamp, an id) of a page's last item.

One meaning everywhere: a repository fetches `limit + 1` rows after the cursor (`after`), and
`page_of` keeps `limit` of them and hands out a next cursor only when another row exists, so a
client is never sent to an empty last page.
"""

import base64
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Annotated, TypeVar

from pydantic import AfterValidator, AwareDatetime
from sqlalchemy import Select, and_, or_

from shared.errors import invalid


def utc_instant(when: datetime) -> datetime:
    """`when` in UTC; a ValueError for a naive time or one outside the calendar once in UTC."""
    if when.tzinfo is None:
        raise ValueError("Cần ghi rõ múi giờ, ví dụ 2025-01-31T08:00:00+07:00")
    try:
        return when.astimezone(timezone.utc)
    except OverflowError as exc:
        raise ValueError("Thời điểm nằm ngoài lịch") from exc


# A time given as a query parameter (created_from=...): with its offset, stored-comparable in UTC.
Instant = Annotated[AwareDatetime, AfterValidator(utc_instant)]


def encode_cursor(at: datetime, item_id: uuid.UUID) -> str:
    raw = f"{at.isoformat()}|{item_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """None for no cursor; a 422 on the field `cursor` for one we did not hand out."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, item_id = raw.split("|", 1)
        return utc_instant(datetime.fromisoformat(at)), uuid.UUID(item_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("cursor", "Con trỏ trang (cursor) không hợp lệ; dùng giá trị next_cursor của trang trước") from exc


Row = TypeVar("Row")


def after(query: Select, at_column, id_column, cursor: tuple[datetime, uuid.UUID] | None, limit: int,
          newest_first: bool = True) -> Select:
    """`query` ordered on (at, id), from just past the cursor's item, with one row more than a page."""
    if cursor is not None:
        at, item_id = cursor
        if newest_first:
            query = query.where(or_(at_column < at, and_(at_column == at, id_column < item_id)))
        else:
            query = query.where(or_(at_column > at, and_(at_column == at, id_column > item_id)))
    order = (at_column.desc(), id_column.desc()) if newest_first else (at_column, id_column)
    return query.order_by(*order).limit(limit + 1)


def page_of(rows: Sequence[Row], limit: int, key: Callable[[Row], tuple[datetime, uuid.UUID]]
            ) -> tuple[list[Row], str | None]:
    """The page (at most `limit` rows of the `limit + 1` fetched) and the next cursor, None on the last page."""
    items = list(rows[:limit])
    return items, (encode_cursor(*key(items[-1])) if len(rows) > limit else None)


# Ranked results (a search) have no stable keyset: their cursor is the position of the next page.
_OFFSET = "offset:"


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_OFFSET}{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    """0 for no cursor; a 422 on the field `cursor` for one we did not hand out."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith(_OFFSET) and raw[len(_OFFSET):].isdigit():
            return int(raw[len(_OFFSET):])
    except (ValueError, UnicodeDecodeError):
        pass
    raise invalid("cursor", "Con trỏ trang (cursor) không hợp lệ; dùng giá trị next_cursor của trang trước")
