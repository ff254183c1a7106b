"""The keys a petition version posts to the monthly ledgers (pure)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from services.monitoring.tracking.state_machine import WITHDRAWN
from shared.labels import NO_LEVEL as UNASSIGNED
from shared.labels import NO_TOPIC as UNCLASSIFIED


def month_of(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m")


def state_key(version) -> dict:
    return {"status": version.status, "level": version.level or UNASSIGNED,
            "agency_code": version.agency_code or UNASSIGNED}


def topic_key(version) -> dict:
    return {"topic": version.topic or UNCLASSIFIED}


def deadline_key(version, tz: ZoneInfo) -> dict:
    """Unanswered petitions are kept by the month their deadline passes, so "overdue at t" is a sum."""
    agency_code = version.agency_code or UNASSIGNED
    if version.status == WITHDRAWN:  # neither on time nor late: its own kind
        return {"agency_code": agency_code, "kind": WITHDRAWN, "deadline_month": ""}
    if version.deadline_at is None:
        return {"agency_code": agency_code, "kind": "not_assigned", "deadline_month": ""}
    if version.answered_at is None:
        return {"agency_code": agency_code, "kind": "unanswered", "deadline_month": month_of(version.deadline_at, tz)}
    kind = "late" if version.answered_at >= version.deadline_at else "on_time"
    return {"agency_code": agency_code, "kind": kind, "deadline_month": ""}
