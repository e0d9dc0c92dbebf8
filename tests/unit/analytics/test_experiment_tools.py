"""SRM, CUPED, multiple-testing corrections, sample size and verdicts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from tandem.analytics.experiments import (
    benjamini_hochberg,
    cuped,
    duration_days,
    holm,
    sample_size_proportions,
    srm,
    two_proportions,
    verdict,
    welch,
)
from tandem.core import InvalidInput


def test_srm_matches_scipy_and_flags_only_below_one_in_a_thousand() -> None:
    close = srm([50_000, 51_000], [0.5, 0.5])
    reference = stats.chisquare([50_000, 51_000], [50_500, 50_500])
    assert close.chi2 == pytest.approx(reference.statistic)
    assert close.p_value == pytest.approx(reference.pvalue)
    assert 0.001 < close.p_value < 0.01 and not close.mismatch
    assert srm([50_000, 51_500], [1, 1]).mismatch
    three = srm([20_000, 20_100, 40_500], [1, 1, 2])
    assert three.expected == pytest.approx((20_150.0, 20_150.0, 40_300.0))
    assert not three.mismatch


def test_srm_needs_matching_counts_and_weights() -> None:
    with pytest.raises(InvalidInput, match="one expected weight per variant"):
        srm([10, 20, 30], [1, 1])


def test_cuped_uses_the_regression_slope_and_removes_the_explained_variance() -> None:
    rng = np.random.default_rng(4)
    x_a, x_b = rng.gamma(2.0, 10.0, 5000), rng.gamma(2.0, 10.0, 5000)
    y_a = 0.8 * x_a + rng.normal(0, 5, 5000)
    y_b = 0.8 * x_b + 1.0 + rng.normal(0, 5, 5000)
    result = cuped(y_a, x_a, y_b, x_b)
    x, y = np.concatenate([x_a, x_b]), np.concatenate([y_a, y_b])
    slope = np.polyfit(x, y, 1)[0]
    assert result.theta == pytest.approx(slope, rel=1e-3)
    assert result.variance_reduction == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2)
    raw = welch(y_a.mean(), y_a.std(ddof=1), 5000, y_b.mean(), y_b.std(ddof=1), 5000)
    adjusted = result.test.absolute_interval
    assert adjusted.high - adjusted.low < 0.5 * (
        raw.absolute_interval.high - raw.absolute_interval.low
    )
    assert adjusted.contains(1.0)


@pytest.mark.parametrize(
    "p_values",
    [[0.01, 0.04, 0.03, 0.2], [0.001, 0.5, 0.0001, 0.049, 0.051, 0.9], [0.3]],
)
def test_corrections_match_statsmodels(p_values: list[float]) -> None:
    for ours, method in (
        (holm(p_values), "holm"),
        (benjamini_hochberg(p_values), "fdr_bh"),
    ):
        reject, adjusted, _, _ = multipletests(p_values, alpha=0.05, method=method)
        assert ours.p_values == pytest.approx(adjusted.tolist())
        assert list(ours.reject) == reject.tolist()


def test_sample_size_by_hand_and_close_to_statsmodels() -> None:
    # By hand: pbar 0.11; (1.959964 * 0.442493 + 0.841621 * 0.442267)^2 / 0.02^2 = 3840.85.
    n = sample_size_proportions(0.10, 0.02)
    assert n == 3841
    assert sample_size_proportions(0.10, 0.2, relative=True) == n
    arcsine = NormalIndPower().solve_power(
        proportion_effectsize(0.12, 0.10), alpha=0.05, power=0.8
    )
    assert n == pytest.approx(arcsine, rel=0.02)


def test_smaller_effects_need_quadratically_more_visitors() -> None:
    ratio = sample_size_proportions(0.05, 0.0025) / sample_size_proportions(0.05, 0.005)
    assert 3.8 < ratio < 4.2


def test_duration_rounds_up_and_covers_a_week() -> None:
    assert duration_days(3841, 2, 1000) == 8
    assert duration_days(3841, 2, 1000, traffic_share=0.5) == 16
    assert duration_days(100, 2, 1000) == 7


@pytest.mark.parametrize("mde", [0.0, 0.95])
def test_impossible_effects_are_refused(mde: float) -> None:
    with pytest.raises(InvalidInput, match="mde must be non-zero"):
        sample_size_proportions(0.1, mde)


def test_a_sample_ratio_mismatch_overrides_a_winning_result() -> None:
    test = two_proportions(1000, 10_000, 1300, 11_000)
    result = verdict(test, srm=srm([10_000, 11_000], [1, 1]))
    assert result.outcome == "untrustworthy"
    assert result.headline == "Sample ratio mismatch: don't trust this"
    assert "10,000 and 11,000" in result.caveats[0]


def test_too_little_data_says_so() -> None:
    result = verdict(two_proportions(1, 40, 5, 40))
    assert (result.outcome, result.headline) == (
        "not_enough_data",
        "Not enough data yet",
    )


def test_a_clear_win_is_reported_with_its_interval_and_caveats() -> None:
    result = verdict(
        two_proportions(1000, 10_000, 1200, 10_000), planned_per_variant=20_000
    )
    assert result.outcome == "better"
    assert result.headline.startswith("B is better than A: +20.0% (from +")
    assert any("stopped before the planned 20,000" in c for c in result.caveats)


def test_no_difference_is_not_called_proof() -> None:
    result = verdict(two_proportions(1000, 10_000, 1010, 10_000), peeking=True)
    assert result.outcome == "no_difference"
    assert "not proof of no difference" in " ".join(result.caveats)
    assert any("sequential" in c for c in result.caveats)


def test_a_significant_loss_is_called_worse() -> None:
    result = verdict(welch(10.0, 4.0, 5000, 9.5, 4.0, 5000))
    assert result.outcome == "worse"
    assert result.headline.startswith("B is worse than A: -5.0%")
