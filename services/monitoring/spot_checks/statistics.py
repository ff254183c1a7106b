"""Statistics of giám sát xác suất, in pure Python (standard library only).

A lot is one agency's list of petitions reported resolved in the period. The null hypothesis: the lot
of N holds at least D = ceil(tolerable_rate x N) false resolutions. The first-stage size n1 is the
smallest n whose chance of drawing none of them is at most alpha = 1 - confidence (exact
hypergeometric). The second stage is planned before drawing: if the first stage finds exactly one
failure, n2 more items are checked and the lot is accepted only if they hold none. n2 is the smallest
size that keeps the plan's total risk of accepting a bad lot at most alpha:

    P(X1 = 0) + P(X1 = 1) * P(X2 = 0 | N - n1 items, D - 1 bad)  <=  alpha

(Drawing more after a failure without such a plan raises the risk from 5% to about 7.5%.)
"""

import math
from dataclasses import dataclass
from fractions import Fraction

_NEAR = 1e-9  # float results this close to alpha are re-checked exactly


def exact(value: float | str | Fraction) -> Fraction:
    """0.1 means one tenth, not the binary float nearest to it."""
    return value if isinstance(value, Fraction) else Fraction(str(value))


def tolerable_defects(lot_size: int, tolerable_rate: float) -> int:
    return math.ceil(exact(tolerable_rate) * lot_size)


def prob_none_exact(lot_size: int, defects: int, sample_size: int) -> Fraction:
    """P(no defective in a sample without replacement): C(N-D, n) / C(N, n)."""
    if sample_size > lot_size - defects:
        return Fraction(0)
    return Fraction(math.comb(lot_size - defects, sample_size), math.comb(lot_size, sample_size))


def prob_none(lot_size: int, defects: int, sample_size: int) -> float:
    if sample_size > lot_size - defects:
        return 0.0
    result = 1.0
    for i in range(sample_size):
        result *= (lot_size - defects - i) / (lot_size - i)
    return result


def prob_one(lot_size: int, defects: int, sample_size: int) -> float:
    """P(exactly one defective) = D x C(N-D, n-1) / C(N, n) = D x n / N x P(none | N-1, D-1, n-1)."""
    if defects == 0 or sample_size == 0:
        return 0.0
    return defects * sample_size / lot_size * prob_none(lot_size - 1, defects - 1, sample_size - 1)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def zero_failure_sample_size(lot_size: int, tolerable_rate: float, confidence: float) -> int:
    """Smallest n with P(no failure | N, D = ceil(rate x N), n) <= 1 - confidence (exact)."""
    if lot_size <= 0:
        return 0
    defects = tolerable_defects(lot_size, tolerable_rate)
    alpha = 1 - exact(confidence)
    ratio = Fraction(1)
    for n in range(1, lot_size + 1):
        ratio *= Fraction(lot_size - defects - (n - 1), lot_size - (n - 1))
        if ratio <= alpha:
            return n
    return lot_size


def acceptance_risk(lot_size: int, defects: int, n1: int, n2: int | None) -> float:
    """Chance that the two-stage plan accepts a lot holding `defects` false resolutions."""
    risk = prob_none(lot_size, defects, n1)
    if n2:
        risk += prob_one(lot_size, defects, n1) * prob_none(lot_size - n1, defects - 1, n2)
    return risk


def second_stage_size(lot_size: int, defects: int, n1: int, confidence: float) -> int | None:
    """Smallest n2 keeping the two-stage risk <= alpha; None when one failure can never be accepted."""
    alpha = float(1 - exact(confidence))
    first, one = prob_none(lot_size, defects, n1), prob_one(lot_size, defects, n1)
    if defects < 2 or one == 0.0:
        return None
    remaining, bad = lot_size - n1, defects - 1
    p_none = 1.0
    for n2 in range(1, remaining + 1):
        p_none *= (remaining - bad - (n2 - 1)) / (remaining - (n2 - 1))
        risk = first + one * p_none
        if risk <= alpha - _NEAR or (risk <= alpha + _NEAR and _exact_risk_ok(lot_size, defects, n1, n2, confidence)):
            return n2
    return None


def _exact_risk_ok(lot_size: int, defects: int, n1: int, n2: int, confidence: float) -> bool:
    one = Fraction(defects * math.comb(lot_size - defects, n1 - 1), math.comb(lot_size, n1))
    risk = prob_none_exact(lot_size, defects, n1) + one * prob_none_exact(lot_size - n1, defects - 1, n2)
    return risk <= 1 - exact(confidence)


@dataclass(frozen=True)
class LotPlan:
    lot_size: int
    defects_assumed: int  # D = ceil(tolerable_rate x N), the smallest bad lot to detect
    n1: int  # first stage: accepted if no failure
    n2: int | None  # second stage, drawn only after exactly one failure; None: one failure refers
    risk: float  # the plan's chance of accepting a lot with D false resolutions (<= 1 - confidence)


def plan_lot(lot_size: int, tolerable_rate: float, confidence: float) -> LotPlan:
    defects = tolerable_defects(lot_size, tolerable_rate)
    n1 = zero_failure_sample_size(lot_size, tolerable_rate, confidence)
    n2 = second_stage_size(lot_size, defects, n1, confidence) if lot_size else None
    return LotPlan(lot_size, defects, n1, n2, acceptance_risk(lot_size, defects, n1, n2) if lot_size else 0.0)


def binomial_cdf(failures: int, trials: int, rate: float) -> float:
    """P(X <= failures) for X ~ Binomial(trials, rate)."""
    if rate <= 0.0:
        return 1.0
    if rate >= 1.0:
        return 1.0 if failures >= trials else 0.0
    log_p, log_q = math.log(rate), math.log1p(-rate)
    return min(1.0, sum(math.exp(_log_comb(trials, k) + k * log_p + (trials - k) * log_q)
                        for k in range(min(failures, trials) + 1)))


def clopper_pearson_upper(failures: int, trials: int, confidence: float) -> float:
    """One-sided upper confidence bound on the failure rate: the p with P(X <= failures | p) = 1 - confidence."""
    if trials <= 0 or failures >= trials:
        return 1.0
    alpha = 1.0 - float(confidence)
    if failures == 0:
        return 1.0 - alpha ** (1.0 / trials)
    low, high = 0.0, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if binomial_cdf(failures, trials, middle) > alpha:
            low = middle
        else:
            high = middle
        if high - low < 1e-15:
            break
    return (low + high) / 2
