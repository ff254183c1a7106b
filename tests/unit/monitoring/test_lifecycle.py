"""The petition's life cycle in monitoring (tracking/lifecycle.py), without a database: each step's effect
on status, deadline, status version and the version the ledgers count, and the events it announces."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.monitoring.tracking import state_machine as sm
from services.monitoring.tracking.lifecycle import AgencyReport, Deadlines, PetitionLifecycle, ledger_postings
from shared.events import PetitionReturned, PetitionRouted, ResolutionDisputed, StatusChanged

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = timezone.utc
START = datetime(2025, 1, 31, 20, 0, tzinfo=UTC)  # already 1 February in Vietnam
DEADLINES = Deadlines(days_for={"province": 60, "district": 30}.__getitem__, tz=VN)


@dataclass
class PetitionRow:
    """The state a stored petition holds (what the lifecycle reads and changes)."""

    code: str = "KN-2025-000001"
    status: str = ""
    level: str | None = None
    agency_code: str | None = None
    topic: str | None = None
    assigned_at: datetime | None = None
    due_on: date | None = None
    deadline_at: datetime | None = None
    answered_at: datetime | None = None
    resolved_at: datetime | None = None
    planned_completion: date | None = None
    disputed: bool = False
    changed_at: datetime | None = None
    routing_seq: int = 0
    status_version: int = 0


def decision(agency_code="08.SGTVT", level="province", topic="giao_thong") -> PetitionRouted:
    return PetitionRouted(level=level, agency_code=agency_code, topic=topic, confidence=0.9, explanation=["ĐT.185"],
                          decided_by="classifier")


def received() -> tuple[PetitionRow, PetitionLifecycle]:
    petition = PetitionRow(changed_at=START)
    life = PetitionLifecycle(petition)
    life.receive(START, "intake", {"code": petition.code})
    return petition, life


def assigned(at=START + timedelta(hours=1)) -> tuple[PetitionRow, PetitionLifecycle]:
    petition, life = received()
    life.route(decision(), at, 1, DEADLINES)
    return petition, life


def status_changes(step) -> list[tuple[str, str]]:
    return [(e.from_status, e.to_status) for e in step.events if isinstance(e, StatusChanged)]


def test_receipt_waits_for_routing_as_a_first_version_with_nothing_announced():
    petition, life = received()
    assert petition.status == sm.AWAITING_ROUTING
    step = life.receive(START, "intake", {})
    assert step.version_from == START and step.status_entered and step.events == ()


def test_assignment_starts_the_deadline_in_local_dates_and_announces_the_status():
    petition, life = received()
    at = START + timedelta(hours=1)
    step = life.route(decision(), at, 1, DEADLINES)
    assert (petition.status, petition.agency_code, petition.level) == (sm.ASSIGNED, "08.SGTVT", "province")
    assert petition.assigned_at == at and petition.due_on == date(2025, 4, 2)  # 1 Feb + 60 days
    assert petition.deadline_at == datetime(2025, 4, 2, 17, 0, tzinfo=UTC)  # local midnight ending 2 April
    assert status_changes(step) == [(sm.AWAITING_ROUTING, sm.ASSIGNED)]
    assert step.events[0].agency_code == "08.SGTVT" and step.events[0].by == "classifier"
    assert step.sequence == petition.status_version == 1
    assert step.version_from == at and step.status_entered
    assert step.details["to_status"] == sm.ASSIGNED and step.details["deadline"] == date(2025, 4, 2)


def test_confirming_the_same_agency_keeps_the_deadline_and_announces_nothing():
    petition, life = assigned()
    due_on, deadline_at = petition.due_on, petition.deadline_at
    same = life.route(decision(), START + timedelta(days=5), 2, DEADLINES)
    assert same.events == () and same.version_from is None and same.sequence is None
    assert (petition.due_on, petition.deadline_at, petition.status_version) == (due_on, deadline_at, 1)
    topic_only = life.route(decision(topic="xay_dung_quy_hoach"), START + timedelta(days=6), 3, DEADLINES)
    assert topic_only.events == () and topic_only.version_from is not None and not topic_only.status_entered
    assert petition.topic == "xay_dung_quy_hoach" and petition.due_on == due_on


def test_an_older_routing_decision_changes_nothing():
    petition, life = assigned()
    life.route(decision(agency_code="076.UBND", level="district"), START + timedelta(days=2), 3, DEADLINES)
    before = PetitionRow(**vars(petition))
    assert life.route(decision(), START + timedelta(days=3), 2, DEADLINES) is None
    assert petition == before


def test_reassignment_to_another_agency_starts_a_new_deadline():
    petition, life = assigned()
    later = START + timedelta(days=10)
    step = life.route(decision(agency_code="076.UBND", level="district"), later, 2, DEADLINES)
    assert status_changes(step) == [(sm.ASSIGNED, sm.ASSIGNED)] and step.sequence == 2
    assert petition.agency_code == "076.UBND" and petition.due_on == date(2025, 3, 13)  # 11 Feb + 30 days


def test_an_answer_in_progress_keeps_its_roadmap_and_counts_as_answered():
    petition, life = assigned()
    at = START + timedelta(days=3)
    step = life.report(AgencyReport(sm.IN_PROGRESS, "so-gtvt", note="Đã khảo sát",
                                    planned_completion=date(2025, 6, 30)), at)
    assert petition.status == sm.IN_PROGRESS and petition.answered_at == at
    assert petition.planned_completion == date(2025, 6, 30)
    [change] = step.events
    assert (change.from_status, change.to_status, change.agency_code) == (sm.ASSIGNED, sm.IN_PROGRESS, "08.SGTVT")
    assert change.planned_completion == date(2025, 6, 30) and step.sequence == 2
    assert "by" not in step.details and step.details["to_status"] == sm.IN_PROGRESS
    # a second roadmap replaces the first; the first answer's time stays the answer's time
    life.report(AgencyReport(sm.IN_PROGRESS, "so-gtvt", planned_completion=date(2025, 9, 30)), at + timedelta(days=9))
    assert petition.planned_completion == date(2025, 9, 30) and petition.answered_at == at


def test_unresolved_for_lack_of_resources_needs_its_reason():
    petition, life = assigned()
    with pytest.raises(sm.MissingDetails) as refused:
        AgencyReport(sm.UNRESOLVED, "so-gtvt", reason="  ")
    assert refused.value.fields == ["reason"]
    step = life.report(AgencyReport(sm.UNRESOLVED, "so-gtvt", reason="Chưa bố trí được vốn"), START + timedelta(days=4))
    assert petition.status == sm.UNRESOLVED and status_changes(step) == [(sm.ASSIGNED, sm.UNRESOLVED)]


def test_a_return_sends_it_back_to_routing_and_the_next_assignment_is_fresh():
    petition, life = assigned()
    step = life.report(AgencyReport(sm.RETURNED, "so-gtvt", note="Thuộc thẩm quyền của UBND huyện"),
                       START + timedelta(days=2))
    assert petition.status == sm.RETURNED
    assert (petition.agency_code, petition.level, petition.due_on, petition.deadline_at) == (None, None, None, None)
    assert [type(e) for e in step.events] == [StatusChanged, PetitionReturned] and step.sequence == 2
    assert step.events[1].agency_code == "08.SGTVT"  # who returned it
    again = life.route(decision(agency_code="076.UBND", level="district"), START + timedelta(days=3), 2, DEADLINES)
    assert status_changes(again) == [(sm.RETURNED, sm.ASSIGNED)] and again.sequence == 3
    assert petition.due_on == date(2025, 3, 6)


def test_a_refused_transition_names_what_is_allowed_and_changes_nothing():
    petition, life = assigned()
    life.report(AgencyReport(sm.RESOLVED, "so-gtvt", resolution="Đã rải nhựa 2 km"), START + timedelta(days=5))
    before = PetitionRow(**vars(petition))
    with pytest.raises(sm.IllegalTransition) as refused:
        life.report(AgencyReport(sm.IN_PROGRESS, "so-gtvt", planned_completion=date(2025, 6, 1)), START)
    assert (refused.value.current, refused.value.target, refused.value.allowed) == (sm.RESOLVED, sm.IN_PROGRESS, [])
    assert refused.value.code == petition.code and petition == before


def test_a_late_answer_never_starts_before_the_state_it_replaces():
    petition, life = assigned(at=START + timedelta(days=2))
    early = START + timedelta(days=1)  # the agency's clock, or a delayed request
    step = life.report(AgencyReport(sm.RESOLVED, "so-gtvt", resolution="Xong"), early)
    assert step.at == step.version_from == petition.answered_at == petition.resolved_at == START + timedelta(days=2)


def test_a_failed_spot_check_reopens_a_resolved_petition_and_a_new_resolution_answers_it():
    petition, life = assigned()
    life.report(AgencyReport(sm.RESOLVED, "so-gtvt", resolution="Xong"), START + timedelta(days=5))
    check_id, at = uuid.uuid4(), START + timedelta(days=20)
    step = life.judge(check_id, "not_resolved", "Đường vẫn sạt lở", "ban-phap-che", at)
    assert petition.status == sm.IN_PROGRESS and petition.disputed
    assert [type(e) for e in step.events] == [ResolutionDisputed, StatusChanged] and step.sequence == 3
    assert status_changes(step) == [(sm.RESOLVED, sm.IN_PROGRESS)] and step.events[0].spot_check_id == check_id
    assert step.entry_type == "resolution_disputed" and step.status_entered and step.version_from == at
    life.report(AgencyReport(sm.RESOLVED, "so-gtvt", resolution="Đã kè lại"), at + timedelta(days=3))
    assert not petition.disputed


@pytest.mark.parametrize("verdict, status", [("resolved", sm.RESOLVED), ("not_resolved", sm.IN_PROGRESS)])
def test_other_findings_only_go_on_the_timeline(verdict, status):
    petition, life = assigned()
    if status == sm.RESOLVED:
        life.report(AgencyReport(sm.RESOLVED, "so-gtvt", resolution="Xong"), START + timedelta(days=5))
    else:
        life.report(AgencyReport(sm.IN_PROGRESS, "so-gtvt", planned_completion=date(2025, 6, 1)), START)
    version = petition.status_version
    step = life.judge(uuid.uuid4(), verdict, None, "ban-phap-che", START + timedelta(days=20))
    assert step.entry_type == "spot_check_finding" and step.events == () and step.version_from is None
    assert petition.status == status and petition.status_version == version


def test_every_status_it_changes_after_receipt_is_announced_once_under_a_new_version():
    _, life = received()
    steps = [
        life.route(decision(), START + timedelta(hours=1), 1, DEADLINES),
        life.report(AgencyReport(sm.RETURNED, "so-gtvt", note="Không thuộc thẩm quyền"), START + timedelta(days=1)),
        life.route(decision(agency_code="076.UBND", level="district"), START + timedelta(days=2), 2, DEADLINES),
        life.report(AgencyReport(sm.UNRESOLVED, "ubnd", reason="Thiếu vốn"), START + timedelta(days=3)),
        life.report(AgencyReport(sm.RESOLVED, "ubnd", resolution="Xong"), START + timedelta(days=9)),
        life.judge(uuid.uuid4(), "not_resolved", None, "ban-phap-che", START + timedelta(days=20)),
    ]
    announced = [change for step in steps for change in status_changes(step)]
    assert announced == [(sm.AWAITING_ROUTING, sm.ASSIGNED), (sm.ASSIGNED, sm.RETURNED), (sm.RETURNED, sm.ASSIGNED),
                         (sm.ASSIGNED, sm.UNRESOLVED), (sm.UNRESOLVED, sm.RESOLVED), (sm.RESOLVED, sm.IN_PROGRESS)]
    assert [step.sequence for step in steps] == [1, 2, 3, 4, 5, 6]


def test_a_version_change_moves_one_petition_between_ledger_rows_in_the_local_month():
    petition, life = received()
    opened_before = PetitionRow(**vars(petition))
    life.route(decision(), START + timedelta(hours=1), 1, DEADLINES)
    postings = ledger_postings(opened_before, petition, START + timedelta(hours=1), VN)
    assert {p.key["month"] for p in postings} == {"2025-02"}
    by_ledger = {(p.ledger, p.delta): p.key for p in postings}
    assert by_ledger[("state", -1)]["status"] == sm.AWAITING_ROUTING
    assert by_ledger[("state", +1)] == {"month": "2025-02", "status": sm.ASSIGNED, "level": "province",
                                        "agency_code": "08.SGTVT"}
    assert by_ledger[("deadline", -1)]["kind"] == "not_assigned"
    assert by_ledger[("deadline", +1)] == {"month": "2025-02", "agency_code": "08.SGTVT", "kind": "unanswered",
                                           "deadline_month": "2025-04"}
    assert sum(p.delta for p in postings) == 0
    first = ledger_postings(None, opened_before, START, VN)
    assert [p.delta for p in first] == [1, 1, 1]


def test_a_withdrawal_ends_the_follow_up_once_and_later_decisions_are_only_kept():
    petition, life = assigned()
    at = START + timedelta(days=3)
    step = life.withdraw("Cử tri rút kiến nghị", "thu-ky", at)
    assert petition.status == sm.WITHDRAWN and petition.deadline_at is None and petition.agency_code == "08.SGTVT"
    assert status_changes(step) == [(sm.ASSIGNED, sm.WITHDRAWN)] and step.sequence == petition.status_version == 2
    assert step.status_entered and step.version_from == at and step.details["reason"] == "Cử tri rút kiến nghị"
    assert life.withdraw("Lần nữa", "thu-ky", at) is None
    late = life.route(decision(agency_code="076.UBND", level="district"), at + timedelta(days=1), 2, DEADLINES)
    assert late.entry_type == "routed_ignored" and late.events == () and late.version_from is None
    assert (petition.status, petition.agency_code) == (sm.WITHDRAWN, "08.SGTVT")
    with pytest.raises(sm.IllegalTransition):
        life.report(AgencyReport(status=sm.RESOLVED, by="co-quan", resolution="Đã xong"), at + timedelta(days=2))
