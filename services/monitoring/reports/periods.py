"""Report months in Vietnam's calendar: the month's bounds and the moment its state is taken."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.monitoring.errors import InvalidValue
from services.monitoring.tracking.deadlines import local_day_start

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")  # ASCII digits: the month ends up in a header
FIRST_YEAR = 2000  # no council tracked petitions here before; also keeps "the month before" a real date
_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class ReportPeriod:
    month: str
    start: datetime  # first instant of the month (UTC)
    end: datetime  # first instant of the next month (UTC)
    previous_start: datetime  # first instant of the previous month
    as_of: datetime  # the state counted: the month's last instant, or now for the current month
    current: bool


def _first_of(year: int, month: int, shift: int) -> date:
    index = year * 12 + (month - 1) + shift
    return date(index // 12, index % 12 + 1, 1)


def month_period(month: str | None, tz: ZoneInfo, now: datetime) -> ReportPeriod:
    if month is None:
        month = now.astimezone(tz).strftime("%Y-%m")
    match = _MONTH.fullmatch(month)  # fullmatch: `$` would let a trailing newline through
    if not match:
        raise InvalidValue("month", "Tháng phải có dạng YYYY-MM, ví dụ 2024-05")
    year, number = int(match[1]), int(match[2])
    if year < FIRST_YEAR:
        raise InvalidValue("month", f"Tháng phải từ {FIRST_YEAR}-01 trở đi")
    start = local_day_start(_first_of(year, number, 0), tz)
    if start > now:
        raise InvalidValue("month", f"Tháng {month} chưa bắt đầu")
    end = local_day_start(_first_of(year, number, 1), tz)
    previous_start = local_day_start(_first_of(year, number, -1), tz)
    current = now < end
    return ReportPeriod(month, start, end, previous_start, now if current else end - _INSTANT, current)
