"""Opaque keyset cursors for list endpoints: (a timestamp, an id) of the last item on a page."""

import base64
import uuid
from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

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
    if at.tzinfo is None:  # SQLite hands back naive datetimes; every time we store is UTC
        at = at.replace(tzinfo=timezone.utc)
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
