"""The spot-check statistics against values computed independently with scipy."""

import math

import pytest
from scipy.stats import beta, binom, hypergeom

from services.monitoring.spot_checks.statistics import (
    acceptance_risk, binomial_cdf, clopper_pearson_upper, plan_lot, tolerable_defects, zero_failure_sample_size,
)


@pytest.mark.parametrize("lot_size, expected", [(50, 31), (200, 51), (1000, 57), (10000, 59)])
def test_zero_failure_sizes_of_the_issue(lot_size, expected):
    assert zero_failure_sample_size(lot_size, 0.05, 0.95) == expected


def _none_prob(lot_size, defects, n):
    return hypergeom(lot_size, defects, n).pmf(0)


GRID = [(n, rate, conf) for n in (1, 2, 7, 20, 37, 50, 99, 200, 513, 1000, 4000)
        for rate in (0.02, 0.05, 0.1, 0.2) for conf in (0.9, 0.95, 0.99)]


@pytest.mark.parametrize("lot_size, rate, confidence", GRID)
def test_first_stage_is_the_smallest_size_scipy_agrees(lot_size, rate, confidence):
    defects = math.ceil(round(rate * lot_size, 9))
    assert tolerable_defects(lot_size, rate) == defects
    n1 = zero_failure_sample_size(lot_size, rate, confidence)
    alpha = 1 - confidence
    assert _none_prob(lot_size, defects, n1) <= alpha + 1e-12
    if n1 > 1:
        assert _none_prob(lot_size, defects, n1 - 1) > alpha - 1e-12


def _scipy_two_stage_risk(lot_size, defects, n1, n2):
    first = hypergeom(lot_size, defects, n1)
    return first.pmf(0) + first.pmf(1) * hypergeom(lot_size - n1, defects - 1, n2).pmf(0)


@pytest.mark.parametrize("lot_size, rate, confidence", GRID)
def test_second_stage_keeps_the_plans_risk_within_alpha(lot_size, rate, confidence):
    plan = plan_lot(lot_size, rate, confidence)
    alpha = 1 - confidence
    if plan.n2 is None:
        # One failure can never be accepted: either it proves the lot bad (D = 1) or no size would do.
        assert plan.defects_assumed < 2 or _scipy_two_stage_risk(lot_size, plan.defects_assumed, plan.n1,
                                                                 lot_size - plan.n1) > alpha
        return
    risk = _scipy_two_stage_risk(lot_size, plan.defects_assumed, plan.n1, plan.n2)
    assert risk <= alpha + 1e-12
    assert plan.risk == pytest.approx(risk, rel=1e-9, abs=1e-15)
    if plan.n2 > 1:
        assert _scipy_two_stage_risk(lot_size, plan.defects_assumed, plan.n1, plan.n2 - 1) > alpha - 1e-12
    assert plan.n1 + plan.n2 <= lot_size


def test_unplanned_widening_would_raise_the_risk_to_about_7_5_percent():
    # The SPEC's warning: stop at 59 with no failure, or after one failure add the c=1 plan's 34 more.
    lot_size, defects = 100_000, 5_000
    unplanned = acceptance_risk(lot_size, defects, 59, 34)
    assert unplanned == pytest.approx(_scipy_two_stage_risk(lot_size, defects, 59, 34), rel=1e-9)
    assert 0.07 < unplanned < 0.08
    assert plan_lot(lot_size, 0.05, 0.95).risk <= 0.05


@pytest.mark.parametrize("failures, trials", [(0, 1), (0, 31), (1, 31), (2, 57), (5, 59), (3, 200), (10, 1000),
                                              (0, 10000), (59, 60), (60, 60)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_clopper_pearson_upper_bound_matches_the_beta_quantile(failures, trials, confidence):
    expected = 1.0 if failures >= trials else beta.ppf(confidence, failures + 1, trials - failures)
    assert clopper_pearson_upper(failures, trials, confidence) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("failures, trials, rate", [(0, 10, 0.1), (3, 40, 0.05), (7, 100, 0.2), (50, 1000, 0.04)])
def test_binomial_cdf_matches_scipy(failures, trials, rate):
    assert binomial_cdf(failures, trials, rate) == pytest.approx(binom.cdf(failures, trials, rate), rel=1e-10)


def test_empty_lot_needs_no_sample():
    plan = plan_lot(0, 0.1, 0.95)
    assert (plan.n1, plan.n2) == (0, None)
