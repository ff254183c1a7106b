"""A petition's life in monitoring, in one place: routing's assignment, an agency's report (in progress
with a roadmap, resolved, unresolved for lack of resources, returned), a spot-check reopening, and what
each does to the deadline, the status version and the versions the monthly ledgers count.

Pure: no SQL, no HTTP. The service loads the petition, calls one method, stores the `Step` it returns
(a version, a timeline entry, the events) and commits; refusals are `LifecycleError`s.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from services.monitoring.tracking import state_machine as sm
from services.monitoring.tracking.deadlines import due_date, overdue_from
from services.monitoring.tracking.ledger import (
    deadline_key,
    month_of,
    state_key,
    topic_key,
)
from shared.events import (
    EventData,
    PetitionReturned,
    PetitionRouted,
    ResolutionDisputed,
    StatusChanged,
    is_stale,
)

NOT_RESOLVED = "not_resolved"  # the spot-check verdict that reopens a resolved petition


class PetitionState(Protocol):
    """What the lifecycle reads and changes of a petition (the stored row satisfies it)."""

    code: str
    status: str
    level: str | None
    agency_code: str | None
    topic: str | None
    assigned_at: datetime | None
    due_on: date | None
    deadline_at: datetime | None
    answered_at: datetime | None
    resolved_at: datetime | None
    planned_completion: date | None
    disputed: bool
    changed_at: datetime | None
    routing_seq: int
    status_version: int


@dataclass(frozen=True)
class Deadlines:
    """Answer deadlines: days per level from assignment, counted in local dates."""

    days_for: Callable[[str], int]
    tz: ZoneInfo


@dataclass(frozen=True)
class AgencyReport:
    """An agency's report (báo cáo kết quả giải quyết); refused at once if its status lacks what it needs."""

    status: str
    by: str
    note: str | None = None
    planned_completion: date | None = None
    resolution: str | None = None
    reason: str | None = None

    def __post_init__(self):
        missing = sm.missing_fields(self.status, {"note": self.note, "planned_completion": self.planned_completion,
                                                  "resolution": self.resolution, "reason": self.reason})
        if missing:
            raise sm.MissingDetails(missing)


@dataclass(frozen=True)
class Step:
    """What one change did, for the store to keep: a timeline entry (at its true time `at`), a new version
    from `version_from` when the state changed, and the events announced under status version `sequence`."""

    entry_type: str
    at: datetime
    by: str
    details: dict
    version_from: datetime | None = None  # None: the state a version records did not change
    status_entered: bool = False
    events: tuple[EventData, ...] = field(default=())
    sequence: int | None = None


class PetitionLifecycle:
    def __init__(self, petition: PetitionState):
        self.petition = petition

    def effective_time(self, at: datetime) -> datetime:
        """Events may arrive late; a change never starts before the state it replaces."""
        changed_at = self.petition.changed_at
        return max(at, changed_at) if changed_at else at

    def receive(self, at: datetime, source: str, details: dict) -> Step:
        """The petition as intake entered it: waiting for routing, its first version."""
        self.petition.status = sm.AWAITING_ROUTING
        return self._step("received", at, source, {**details, "to_status": sm.AWAITING_ROUTING}, status_entered=True)

    def route(self, decision: PetitionRouted, at: datetime, sequence: int | None, deadlines: Deadlines) -> Step | None:
        """Routing's decision: a new agency (or the first) starts a fresh deadline; the same one keeps it.
        None when an older decision than one already applied arrives late."""
        petition = self.petition
        if is_stale(sequence, petition.routing_seq):
            return None
        petition.routing_seq = sequence if sequence is not None else petition.routing_seq
        if petition.status == sm.WITHDRAWN:  # decided before routing learnt of the withdrawal: kept, not applied
            return Step("routed_ignored", at, decision.decided_by, decision.model_dump(mode="json"))
        previous_status = petition.status
        reassigned = petition.status in sm.UNROUTED or petition.agency_code != decision.agency_code
        changed = reassigned or petition.level != decision.level or bool(decision.topic and decision.topic != petition.topic)
        petition.level = decision.level
        petition.topic = decision.topic or petition.topic
        if reassigned:
            self._assign(decision.agency_code, at, deadlines)
        details = {**decision.model_dump(mode="json"), "deadline": petition.due_on,
                   "to_status": sm.ASSIGNED if reassigned else None}
        # Monitoring owns the status: it announces the assignment itself, so no one merges two producers' clocks.
        events = (StatusChanged(from_status=previous_status, to_status=sm.ASSIGNED, agency_code=petition.agency_code,
                                by=decision.decided_by),) if reassigned else ()
        return self._step("routed", at, decision.decided_by, details, state_changed=changed,
                          status_entered=reassigned, events=events)

    def _assign(self, agency_code: str, at: datetime, deadlines: Deadlines) -> None:
        petition = self.petition
        petition.status = sm.ASSIGNED
        petition.agency_code = agency_code
        petition.assigned_at = at
        petition.due_on = due_date(at, deadlines.days_for(petition.level), deadlines.tz)
        petition.deadline_at = overdue_from(petition.due_on, deadlines.tz)
        petition.answered_at = petition.planned_completion = None

    def report(self, report: AgencyReport, now: datetime) -> Step:
        """The agency's answer; a return sends the petition back to routing without agency or deadline."""
        petition = self.petition
        sm.check_agency_transition(petition.status, report.status, petition.code)
        previous, agency_code = petition.status, petition.agency_code
        at = self.effective_time(now)
        petition.status = report.status
        if report.status == sm.RETURNED:
            petition.agency_code = petition.level = None
            petition.assigned_at = petition.due_on = petition.deadline_at = petition.answered_at = None
        else:
            petition.answered_at = petition.answered_at or at
            if report.status == sm.IN_PROGRESS:
                petition.planned_completion = report.planned_completion
            if report.status == sm.RESOLVED:
                petition.resolved_at = at
                petition.disputed = False  # a new resolution answers the dispute; the timeline keeps it
        change = StatusChanged(
            from_status=previous, to_status=report.status, agency_code=agency_code, note=report.note,
            planned_completion=report.planned_completion, resolution=report.resolution, reason=report.reason,
            disputed=petition.disputed, by=report.by,
        )
        returned = (PetitionReturned(agency_code=agency_code, note=report.note, by=report.by),) \
            if report.status == sm.RETURNED else ()
        return self._step("status_changed", at, report.by, change.model_dump(mode="json", exclude={"by"}),
                          status_entered=True, events=(change, *returned))

    def judge(self, spot_check_id: uuid.UUID, verdict: str, note: str | None, by: str, at: datetime) -> Step:
        """A spot-check verdict; `not_resolved` reopens a resolved petition (in progress, disputed)."""
        petition = self.petition
        details = {"spot_check_id": str(spot_check_id), "verdict": verdict, "note": note}
        if verdict != NOT_RESOLVED or not sm.can_reopen(petition.status):
            return Step("spot_check_finding", at, by, details)
        agency_code = petition.agency_code
        petition.status, petition.disputed = sm.IN_PROGRESS, True
        events = (ResolutionDisputed(spot_check_id=spot_check_id, agency_code=agency_code, verdict=verdict,
                                     note=note, by=by),
                  StatusChanged(from_status=sm.RESOLVED, to_status=sm.IN_PROGRESS, agency_code=agency_code,
                                note=note, disputed=True, by=by))
        return self._step("resolution_disputed", at, by,
                          {**details, "from_status": sm.RESOLVED, "to_status": sm.IN_PROGRESS},
                          status_entered=True, events=events)

    def withdraw(self, reason: str, by: str, at: datetime) -> Step | None:
        """Intake withdrew the petition: no longer followed up, no deadline; None when it already was."""
        petition = self.petition
        if petition.status == sm.WITHDRAWN:
            return None
        previous = petition.status
        petition.status, petition.deadline_at = sm.WITHDRAWN, None
        change = StatusChanged(from_status=previous, to_status=sm.WITHDRAWN, agency_code=petition.agency_code,
                               note=reason, by=by)
        return self._step("withdrawn", at, by, {"reason": reason, "from_status": previous, "to_status": sm.WITHDRAWN},
                          status_entered=True, events=(change,))

    def _step(self, entry_type: str, at: datetime, by: str, details: dict, *, state_changed: bool = True,
              status_entered: bool = False, events: tuple[EventData, ...] = ()) -> Step:
        petition = self.petition
        version_from = None
        if state_changed:
            # The timeline keeps the true time; only the version interval is clamped, so intervals never overlap.
            version_from = petition.changed_at = self.effective_time(at)
        sequence = None
        if events:
            petition.status_version += 1  # the events of one change share the petition's next status version
            sequence = petition.status_version
        return Step(entry_type, at, by, details, version_from, status_entered, events, sequence)


@dataclass(frozen=True)
class Posting:
    """One delta to one row of a monthly ledger."""

    ledger: str  # "state" | "topic" | "deadline"
    key: dict
    delta: int


def ledger_postings(closed, opened, at: datetime, tz: ZoneInfo) -> list[Posting]:
    """A version change in the month of `at`: -1 for the state left (if any), +1 for the state entered."""
    month = month_of(at, tz)
    moves = ([(closed, -1)] if closed is not None else []) + [(opened, +1)]
    return [Posting(ledger, {"month": month, **key}, delta)
            for version, delta in moves
            for ledger, key in (("state", state_key(version)), ("topic", topic_key(version)),
                                ("deadline", deadline_key(version, tz)))]
