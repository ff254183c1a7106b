"""Human references for petitions: KN-<year>-<6 digits>."""

from datetime import datetime
from zoneinfo import ZoneInfo


def code_year(at: datetime, timezone_name: str) -> int:
    return at.astimezone(ZoneInfo(timezone_name)).year


def format_code(year: int, number: int) -> str:
    return f"KN-{year}-{number:06d}"
