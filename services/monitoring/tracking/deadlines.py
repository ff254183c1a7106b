"""Answer deadlines (hạn trả lời): a number of days from assignment, counted in local dates."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def due_date(assigned_at: datetime, days: int, tz: ZoneInfo) -> date:
    return assigned_at.astimezone(tz).date() + timedelta(days=days)


def overdue_from(due_on: date, tz: ZoneInfo) -> datetime:
    """The first moment after the due date (local midnight that ends it), in UTC."""
    return local_day_start(due_on, tz, plus_days=1)


def is_overdue(deadline_at: datetime | None, answered_at: datetime | None, now: datetime) -> bool:
    return deadline_at is not None and answered_at is None and now >= deadline_at


def is_late(deadline_at: datetime | None, answered_at: datetime | None) -> bool:
    return deadline_at is not None and answered_at is not None and answered_at >= deadline_at


def local_day_start(day: date, tz: ZoneInfo, plus_days: int = 0) -> datetime:
    """Local midnight starting `day` (+ plus_days), in UTC: [start of from, start of to + 1) is a closed date range."""
    return datetime.combine(day + timedelta(days=plus_days), time(0), tzinfo=tz).astimezone(UTC)
