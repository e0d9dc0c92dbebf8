"""Budget guidance against simulator channels with known true response curves: the fitted
curves recover the truth and the recommended direction per channel matches the truth's."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from tandem.plan.budget import Curve, adstock, allocate, fit, guidance
from tandem.sim.media_mix import (
    DEFAULT_CHANNELS,
    TrueChannel,
    simulate,
    true_allocation,
)


def history(rows):  # type: ignore[no-untyped-def]
    out = defaultdict(lambda: ([], []))
    for r in rows:
        out[r.channel][0].append(r.spend)
        out[r.channel][1].append(r.revenue)
    return dict(out)


def test_adstock_carries_part_of_each_day_into_the_next():
    assert adstock([100, 0, 0], 0.5).tolist() == [100, 50, 25]


def test_a_fit_recovers_the_true_curve_of_a_channel():
    truth = DEFAULT_CHANNELS[0].curve
    h = history(simulate(DEFAULT_CHANNELS[:1], seed=3))["search_ads"]
    curve = fit(*h)
    assert curve is not None
    assert abs(curve.decay - truth.decay) <= 0.15
    for spend in (200.0, 400.0, 600.0):  # the response where the channel is spent
        assert curve.steady(spend) == pytest.approx(truth.steady(spend), rel=0.1)


def _directions(moves: dict[str, float], current: dict[str, float]) -> dict[str, int]:
    return {c: int(np.sign(round(moves[c] - current[c], 0))) for c in current}


@pytest.mark.parametrize(
    "channels",
    [
        DEFAULT_CHANNELS,
        # the other way round: search has room, social is saturated
        (
            TrueChannel("search_ads", Curve(2400.0, 1500.0, 1.0, 0.1), 350.0),
            TrueChannel("paid_social", Curve(700.0, 120.0, 1.3, 0.4), 400.0),
        ),
    ],
    ids=["search-saturated", "social-saturated"],
)
def test_the_recommended_direction_matches_the_true_curves(channels):
    g = guidance(history(simulate(channels, seed=5)), bootstrap=15)
    assert g is not None
    current = {a.channel: a.current for a in g.channels}
    recommended = {a.channel: a.recommended for a in g.channels}
    truth = true_allocation(channels, current)
    assert _directions(recommended, current) == _directions(truth, current)
    assert sum(recommended.values()) == pytest.approx(sum(current.values()))
    assert 0 < g.uplift_low <= g.uplift <= g.uplift_high * 1.05
    true_gain = sum(
        c.curve.steady(recommended[c.name]) - c.curve.steady(current[c.name])
        for c in channels
    )
    assert true_gain > 0  # the move really helps under the true curves


def test_channels_without_varied_spend_are_skipped_not_guessed():
    flat = {
        "email": ([50.0] * 60, [80.0] * 60),
        "search_ads": ([10.0] * 10, [5.0] * 10),
    }
    assert guidance(flat) is None


def test_allocation_keeps_the_total_and_the_bounds():
    curves = {"a": Curve(100, 10, 1, 0), "b": Curve(1000, 1000, 1, 0)}
    moved = allocate(curves, {"a": 100.0, "b": 100.0})
    assert sum(moved.values()) == pytest.approx(200.0)
    assert moved["a"] == pytest.approx(50.0) and moved["b"] == pytest.approx(150.0)
