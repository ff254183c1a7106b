"""The conclusion for one lot from its plan and the findings so far (pure)."""

from dataclasses import dataclass

ACCEPTED, WIDEN, REFER, PENDING = "accepted", "widen", "refer", "pending"
# A petition reported resolved that is not, or only partly, is a false resolution.
FAILURE_VERDICTS = frozenset({"not_resolved", "partially_resolved"})


@dataclass(frozen=True)
class StageResult:
    drawn: int  # items in this stage's sample
    judged: int  # items with a finding
    failures: int

    @property
    def complete(self) -> bool:
        return self.judged >= self.drawn


def conclude(first: StageResult, second: StageResult | None, second_stage_planned: bool) -> str:
    """accepted | widen | refer | pending, by the pre-registered two-stage plan.

    0 failures in the first stage: accepted. Exactly 1: the planned second stage is drawn and the lot
    is accepted only if it finds none (no plan: refer). 2 or more at any time: refer.
    """
    failures = first.failures + (second.failures if second else 0)
    if failures >= 2:
        return REFER
    if not first.complete:
        return PENDING
    if first.failures == 0:
        return ACCEPTED
    if not second_stage_planned:
        return REFER
    if second is None or not second.complete:
        return WIDEN
    return ACCEPTED
