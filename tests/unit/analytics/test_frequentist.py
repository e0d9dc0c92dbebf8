"""z-test and Welch's test against statsmodels and scipy, computed in the test."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from tandem.analytics.experiments import two_proportions, welch
from tandem.core import InvalidInput


@pytest.mark.parametrize(
    ("conv_a", "n_a", "conv_b", "n_b"),
    [
        (100, 1000, 120, 1000),  # everyday
        (0, 50, 4, 50),  # zero conversions in A
        (3, 7, 1, 5),  # tiny
        (31_000_000, 1_000_000_000, 31_050_000, 1_000_000_000),  # huge
        (500, 10_000, 430, 9_000),  # B worse, unequal groups
    ],
)
def test_two_proportions_matches_statsmodels(
    conv_a: int, n_a: int, conv_b: int, n_b: int
) -> None:
    result = two_proportions(conv_a, n_a, conv_b, n_b)
    z, p = proportions_ztest([conv_b, conv_a], [n_b, n_a])
    low, high = confint_proportions_2indep(
        conv_b, n_b, conv_a, n_a, method="wald", compare="diff"
    )
    assert result.statistic == pytest.approx(z, rel=1e-9)
    assert result.p_value == pytest.approx(p, rel=1e-7, abs=1e-300)
    assert result.absolute_lift == pytest.approx(conv_b / n_b - conv_a / n_a)
    assert (
        result.absolute_interval.low,
        result.absolute_interval.high,
    ) == pytest.approx((low, high), rel=1e-9)


def test_relative_lift_interval_by_the_delta_method() -> None:
    # By hand: pA 0.10, pB 0.12, n 1000 each. se^2 = (0.1056/1000)/0.01 + 0.0144 (0.09/1000)
    # / 1e-4 = 0.02352, so 0.2 +- 1.959964 * 0.153362.
    result = two_proportions(100, 1000, 120, 1000)
    assert result.relative_lift == pytest.approx(0.2)
    assert result.relative_interval is not None
    assert result.relative_interval.low == pytest.approx(-0.100584, abs=1e-6)
    assert result.relative_interval.high == pytest.approx(0.500584, abs=1e-6)


def test_no_conversions_anywhere_is_no_evidence_and_no_relative_lift() -> None:
    result = two_proportions(0, 100, 0, 100)
    assert (result.statistic, result.p_value) == (0.0, 1.0)
    assert result.relative_lift is None and result.relative_interval is None
    assert not result.significant


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((5, 0, 1, 10), "n_a"),
        ((11, 10, 1, 10), "n_a"),
        ((1, 10, -1, 10), "conv_b"),
        ((1.5, 10, 1, 10), "conv_a"),
    ],
)
def test_impossible_counts_are_refused_naming_the_field(
    args: tuple[float, ...], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        two_proportions(*args)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize("sizes", [(12, 9), (400, 380), (200_000, 150_000)])
def test_welch_matches_scipy_and_statsmodels(sizes: tuple[int, int]) -> None:
    rng = np.random.default_rng(sizes[0])
    a = rng.lognormal(3.0, 1.0, sizes[0])
    b = rng.lognormal(3.05, 1.2, sizes[1])
    result = welch(a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b))
    reference = stats.ttest_ind(b, a, equal_var=False)
    low, high = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(
        usevar="unequal"
    )
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-7)
    assert (
        result.absolute_interval.low,
        result.absolute_interval.high,
    ) == pytest.approx((low, high), rel=1e-9)


def test_welch_relative_interval_covers_the_true_lift_at_about_the_nominal_rate() -> (
    None
):
    rng = np.random.default_rng(11)
    covered = 0
    for _ in range(400):
        a = rng.exponential(10.0, 300)
        b = rng.exponential(11.0, 300)
        r = welch(a.mean(), a.std(ddof=1), 300, b.mean(), b.std(ddof=1), 300)
        assert r.relative_interval is not None
        covered += r.relative_interval.contains(0.1)
    assert 0.91 <= covered / 400 <= 0.98


def test_welch_needs_two_observations_per_group() -> None:
    with pytest.raises(InvalidInput, match="n_b must be at least 2"):
        welch(1.0, 1.0, 10, 1.0, 1.0, 1)
