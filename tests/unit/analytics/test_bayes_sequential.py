"""Beta-binomial probabilities by numerical integration; always-valid p-values under peeking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from tandem.analytics.experiments import (
    prob_b_beats_a,
    sequential_proportions,
    two_proportions,
)
from tandem.core import InvalidInput


def integrated(conv_a: int, n_a: int, conv_b: int, n_b: int) -> float:
    a = stats.beta(1 + conv_a, 1 + n_a - conv_a)
    b = stats.beta(1 + conv_b, 1 + n_b - conv_b)
    lo = min(a.ppf(1e-12), b.ppf(1e-12))
    hi = max(a.ppf(1 - 1e-12), b.ppf(1 - 1e-12))
    value, _ = integrate.quad(
        lambda x: b.pdf(x) * a.cdf(x), lo, hi, limit=200, epsabs=1e-12
    )
    return float(value)


@pytest.mark.parametrize(
    "counts",
    [
        (10, 100, 15, 100),
        (0, 20, 0, 20),
        (0, 10, 3, 10),
        (1200, 10_000, 1180, 10_000),
        (1, 3, 2, 4),
    ],
)
def test_probability_b_beats_a_matches_numerical_integration(
    counts: tuple[int, int, int, int],
) -> None:
    assert prob_b_beats_a(*counts).prob_b_beats_a == pytest.approx(
        integrated(*counts), abs=1e-7
    )


def test_equal_data_is_a_coin_flip_and_losses_are_equal() -> None:
    result = prob_b_beats_a(40, 1000, 40, 1000)
    assert result.prob_b_beats_a == pytest.approx(0.5, abs=1e-9)
    assert result.expected_loss_a == pytest.approx(result.expected_loss_b, rel=1e-6)


def test_expected_loss_matches_a_large_simulation() -> None:
    rng = np.random.default_rng(5)
    a = rng.beta(1 + 30, 1 + 970, 2_000_000)
    b = rng.beta(1 + 42, 1 + 958, 2_000_000)
    result = prob_b_beats_a(30, 1000, 42, 1000)
    assert result.expected_loss_b == pytest.approx(
        np.maximum(a - b, 0).mean(), rel=0.02
    )
    assert result.expected_loss_a == pytest.approx(
        np.maximum(b - a, 0).mean(), rel=0.01
    )
    assert result.prob_b_beats_a == pytest.approx((b > a).mean(), abs=0.002)


def test_huge_samples_use_the_normal_approximation_seamlessly() -> None:
    exact = prob_b_beats_a(1_900_000, 50_000_000, 1_901_000, 50_000_000)
    approximate = prob_b_beats_a(2_100_000, 50_000_000, 2_101_000, 50_000_000)
    assert 0.5 < exact.prob_b_beats_a < 1.0 and 0.5 < approximate.prob_b_beats_a < 1.0
    se = math.sqrt(2 * 0.042 * 0.958 / 50_000_000)
    assert approximate.prob_b_beats_a == pytest.approx(
        stats.norm.cdf(1000 / 50_000_000 / se), abs=1e-4
    )


def test_bad_groups_are_refused() -> None:
    with pytest.raises(InvalidInput, match="group A"):
        prob_b_beats_a(5, 0, 1, 10)


def test_peeking_every_day_keeps_the_false_positive_rate_with_sequential_p_values() -> (
    None
):
    rng = np.random.default_rng(2026)
    experiments, looks, daily = 300, 30, 400
    sequential_hits = naive_hits = 0
    for _ in range(experiments):
        a = rng.binomial(daily, 0.1, looks).cumsum()
        b = rng.binomial(daily, 0.1, looks).cumsum()
        n = daily * np.arange(1, looks + 1)
        history = [(int(a[i]), int(n[i]), int(b[i]), int(n[i])) for i in range(looks)]
        sequential_hits += sequential_proportions(history).significant
        naive_hits += any(two_proportions(*h).significant for h in history)
    assert sequential_hits / experiments <= 0.05
    assert naive_hits / experiments >= 0.15  # the reason sequential testing exists


def test_a_real_effect_is_found_and_the_interval_covers_it() -> None:
    rng = np.random.default_rng(9)
    a = rng.binomial(2000, 0.10, 20).cumsum()
    b = rng.binomial(2000, 0.12, 20).cumsum()
    n = 2000 * np.arange(1, 21)
    result = sequential_proportions(
        [(int(a[i]), int(n[i]), int(b[i]), int(n[i])) for i in range(20)]
    )
    assert result.significant
    assert result.interval.contains(0.02)


def test_sequential_needs_looks() -> None:
    with pytest.raises(InvalidInput, match="at least one look"):
        sequential_proportions([])
