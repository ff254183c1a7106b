"""A petition's status life cycle. Pure rules: no HTTP, no SQL.

awaiting_routing --routed--> assigned --agency--> in_progress | resolved | unresolved_lack_of_resources
                                                  | returned --routed--> assigned
A spot-check finding `not_resolved` reopens a resolved petition: resolved -> in_progress (disputed).
"""

from collections.abc import Mapping
from datetime import date

from services.monitoring.errors import DomainError
from shared.events import AGENCY_STATUSES, Status

AWAITING_ROUTING = Status.AWAITING_ROUTING
ASSIGNED = Status.ASSIGNED
IN_PROGRESS = Status.IN_PROGRESS
RESOLVED = Status.RESOLVED
UNRESOLVED = Status.UNRESOLVED
RETURNED = Status.RETURNED
WITHDRAWN = Status.WITHDRAWN

STATUSES = tuple(Status)
__all__ = ["AGENCY_STATUSES", "STATUSES"]
# An agency's reply to the council (có văn bản trả lời): any of these counts as answered.
ANSWERS = frozenset({IN_PROGRESS, RESOLVED, UNRESOLVED})
# Not with any agency: waiting for routing (first time or after a return).
UNROUTED = frozenset({AWAITING_ROUTING, RETURNED})

AGENCY_TRANSITIONS: Mapping[str, frozenset[str]] = {
    AWAITING_ROUTING: frozenset(),
    ASSIGNED: frozenset({IN_PROGRESS, RESOLVED, UNRESOLVED, RETURNED}),
    # A new roadmap (in_progress again) or a new reason replaces the previous one.
    IN_PROGRESS: frozenset({IN_PROGRESS, RESOLVED, UNRESOLVED, RETURNED}),
    UNRESOLVED: frozenset({IN_PROGRESS, RESOLVED, UNRESOLVED}),
    # Only a spot-check finding reopens a resolved petition.
    RESOLVED: frozenset(),
    RETURNED: frozenset(),
    WITHDRAWN: frozenset(),
}

REQUIRED_FIELDS: Mapping[str, tuple[str, ...]] = {
    IN_PROGRESS: ("planned_completion",),
    RESOLVED: ("resolution",),
    UNRESOLVED: ("reason",),
    RETURNED: ("note",),
}

FIELD_MESSAGES = {
    "planned_completion": "Cần ngày dự kiến hoàn thành (lộ trình) khi báo cáo đang giải quyết",
    "resolution": "Cần nêu kết quả giải quyết khi báo cáo đã giải quyết",
    "reason": "Cần nêu lý do (nguồn lực còn thiếu) khi báo cáo chưa giải quyết được",
    "note": "Cần nêu lý do trả lại (không thuộc thẩm quyền của cơ quan)",
}


PAST_DATE_MESSAGE = "Ngày dự kiến hoàn thành (lộ trình) không được ở quá khứ"


def past_roadmap(planned_completion: date | None, today: date) -> bool:
    """A roadmap must end today or later: a date already gone promises nothing."""
    return planned_completion is not None and planned_completion < today


class LifecycleError(DomainError):
    """A change the petition's life cycle refuses."""


class IllegalTransition(LifecycleError):
    def __init__(self, current: str, target: str, code: str | None = None):
        super().__init__(f"{current} -> {target}")
        self.current = current
        self.target = target
        self.code = code  # the petition's code, to name it in the answer
        self.allowed = allowed_next(current)


class MissingDetails(LifecycleError):
    """An agency's report without what its status requires (a roadmap date, the result, the reason...)."""

    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields
        self.messages = [FIELD_MESSAGES[name] for name in fields]


class PastRoadmap(MissingDetails):
    """A roadmap date (planned_completion) already gone: refused like a missing one, naming the field."""

    def __init__(self):
        super().__init__(["planned_completion"])
        self.messages = [PAST_DATE_MESSAGE]


def check_agency_transition(current: str, target: str, code: str | None = None) -> None:
    if target not in AGENCY_TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(current, target, code)


def allowed_next(current: str) -> list[str]:
    return sorted(AGENCY_TRANSITIONS.get(current, frozenset()))


def missing_fields(target: str, values: Mapping[str, object]) -> list[str]:
    """Required fields of a status update that are absent or blank."""
    return [name for name in REQUIRED_FIELDS.get(target, ())
            if values.get(name) is None or (isinstance(values.get(name), str) and not values[name].strip())]


def can_reopen(current: str) -> bool:
    return current == RESOLVED
