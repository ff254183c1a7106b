"""Pure rules: the status state machine, deadlines, sampling order, lot decisions, report arithmetic."""

import hashlib
import random
import uuid
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from services.monitoring.errors import InvalidValue
from services.monitoring.reports.breakdowns import breakdown, percentages
from services.monitoring.reports.periods import month_period
from services.monitoring.spot_checks.decision import StageResult, conclude
from services.monitoring.spot_checks.sampling import draw_order, lot_hash, order_key
from services.monitoring.tracking import state_machine as sm
from services.monitoring.tracking.deadlines import due_date, is_late, is_overdue, overdue_from

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = timezone.utc

LEGAL = {
    (sm.ASSIGNED, sm.IN_PROGRESS), (sm.ASSIGNED, sm.RESOLVED), (sm.ASSIGNED, sm.UNRESOLVED), (sm.ASSIGNED, sm.RETURNED),
    (sm.IN_PROGRESS, sm.IN_PROGRESS), (sm.IN_PROGRESS, sm.RESOLVED), (sm.IN_PROGRESS, sm.UNRESOLVED),
    (sm.IN_PROGRESS, sm.RETURNED), (sm.UNRESOLVED, sm.IN_PROGRESS), (sm.UNRESOLVED, sm.RESOLVED),
    (sm.UNRESOLVED, sm.UNRESOLVED),
}


@pytest.mark.parametrize("current", sm.STATUSES)
@pytest.mark.parametrize("target", sm.AGENCY_STATUSES)
def test_agency_transitions(current, target):
    if (current, target) in LEGAL:
        sm.check_agency_transition(current, target)
    else:
        with pytest.raises(sm.IllegalTransition):
            sm.check_agency_transition(current, target)


@pytest.mark.parametrize("target, field", [(sm.IN_PROGRESS, "planned_completion"), (sm.RESOLVED, "resolution"),
                                           (sm.UNRESOLVED, "reason"), (sm.RETURNED, "note")])
def test_required_fields(target, field):
    assert sm.missing_fields(target, {}) == [field]
    assert sm.missing_fields(target, {field: "  "}) == [field]
    assert sm.missing_fields(target, {field: date(2025, 1, 1) if field == "planned_completion" else "x"}) == []


def test_deadline_is_counted_in_local_dates():
    # 20:00 UTC on 31 Jan is already 1 Feb in Vietnam: 60 days from 1 Feb 2024 is 1 April.
    assigned = datetime(2024, 1, 31, 20, 0, tzinfo=UTC)
    due = due_date(assigned, 60, VN)
    assert due == date(2024, 4, 1)
    moment = overdue_from(due, VN)
    assert moment == datetime(2024, 4, 1, 17, 0, tzinfo=UTC)  # local midnight that ends 1 April
    assert not is_overdue(moment, None, datetime(2024, 4, 1, 16, 59, tzinfo=UTC))
    assert is_overdue(moment, None, moment)
    assert not is_overdue(moment, moment, moment)  # answered (late) is not overdue
    assert is_late(moment, moment) and not is_late(moment, datetime(2024, 4, 1, 16, 0, tzinfo=UTC))


def test_sampling_order_can_be_redrawn_by_anyone():
    seed = "ky-hop-thu-7"
    ids = [uuid.uuid4() for _ in range(300)]
    ordered = draw_order(seed, ids)
    independent = sorted(ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())
    assert [petition_id for petition_id, _ in ordered] == independent
    assert ordered[0][1] == order_key(seed, ordered[0][0])
    shuffled = ids[:]
    random.shuffle(shuffled)
    assert draw_order(seed, shuffled) == ordered
    assert lot_hash(shuffled) == lot_hash(ids) == hashlib.sha256("\n".join(sorted(map(str, ids))).encode()).hexdigest()
    assert draw_order("another seed", ids) != ordered


@pytest.mark.parametrize("first, second, planned, expected", [
    (StageResult(31, 10, 0), None, True, "pending"),
    (StageResult(31, 31, 0), None, True, "accepted"),
    (StageResult(31, 31, 1), None, True, "widen"),
    (StageResult(31, 31, 1), StageResult(18, 5, 0), True, "widen"),
    (StageResult(31, 31, 1), StageResult(18, 18, 0), True, "accepted"),
    (StageResult(31, 31, 1), StageResult(18, 3, 1), True, "refer"),
    (StageResult(31, 31, 1), None, False, "refer"),
    (StageResult(31, 12, 2), None, True, "refer"),
])
def test_lot_conclusions(first, second, planned, expected):
    assert conclude(first, second, planned) == expected


def test_percentages_sum_to_exactly_100():
    rng = random.Random(7)
    for _ in range(500):
        counts = {f"k{i}": rng.randint(0, 1000) for i in range(rng.randint(1, 60))}
        shares = percentages(counts)
        if sum(counts.values()):
            assert round(sum(shares.values()), 6) == 100.0
            for key, count in counts.items():
                assert abs(shares[key] - 100 * count / sum(counts.values())) < 0.1 + 1e-9


def test_breakdown_keeps_fixed_keys_and_the_provinces_example():
    result = breakdown({"resolved": 402, "in_progress": 333, "unresolved_lack_of_resources": 265},
                       ("resolved", "in_progress", "unresolved_lack_of_resources", "returned"))
    assert result["resolved"] == {"count": 402, "percent": 40.2}
    assert result["in_progress"]["percent"] == 33.3 and result["unresolved_lack_of_resources"]["percent"] == 26.5
    assert result["returned"] == {"count": 0, "percent": 0.0}


def test_month_periods_in_vietnam_time():
    now = datetime(2024, 6, 15, 3, 0, tzinfo=UTC)
    may = month_period("2024-05", VN, now)
    assert may.start == datetime(2024, 4, 30, 17, 0, tzinfo=UTC)
    assert may.end == datetime(2024, 5, 31, 17, 0, tzinfo=UTC)
    assert may.previous_start == datetime(2024, 3, 31, 17, 0, tzinfo=UTC)
    assert may.as_of < may.end and not may.current
    june = month_period(None, VN, now)
    assert june.month == "2024-06" and june.current and june.as_of == now
    january = month_period("2024-01", VN, now)
    assert january.previous_start == datetime(2023, 11, 30, 17, 0, tzinfo=UTC)
    for bad in ("2024-13", "24-05", "2024-07"):
        with pytest.raises(InvalidValue) as error:
            month_period(bad, VN, now)
        assert error.value.field == "month"
