"""Attribution against the simulator's truth (tandem.sim.journeys).

Stated tolerance: with 20,000 journeys (about 1,700 conversions), Markov order 1 and 2 shares
are within 0.02 of the true removal-effect shares and Shapley shares within 0.02 of the true
Shapley shares, and both rank the six channels as the truth does. Last-click is off by more
than 0.2 and gives social, the biggest real driver after search, under a fifth of its share.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from tandem.analytics.attribution import heuristic, markov, shapley
from tandem.core import InvalidInput
from tandem.sim.journeys import ChannelTruth, JourneyWorld, generate_journeys

TOLERANCE = 0.02
END = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="module", params=[1, 2, 3])
def world(request: pytest.FixtureRequest) -> JourneyWorld:
    return generate_journeys(request.param, journeys=20_000, end=END)


def shares(frame: pd.DataFrame, column: str = "total_conversions") -> dict[str, float]:
    total = frame[column].sum()
    return {
        c: v / total for c, v in zip(frame["channel_name"], frame[column], strict=True)
    }


def ranking(share: dict[str, float]) -> list[str]:
    return sorted(share, key=share.__getitem__, reverse=True)


def worst(estimate: dict[str, float], truth: dict[str, float]) -> float:
    return max(abs(estimate[c] - truth[c]) for c in truth)


@pytest.mark.parametrize("order", [1, 2])
def test_markov_recovers_the_true_shares(world: JourneyWorld, order: int) -> None:
    truth = world.true_shares()
    result = markov(world.path_table(), order=order)
    assert ranking(shares(result)) == ranking(truth)
    assert worst(shares(result), truth) <= TOLERANCE
    # Order values do not depend on the channel, so value shares follow conversion shares.
    assert worst(shares(result, "total_conversion_value"), truth) <= 2 * TOLERANCE


def test_shapley_recovers_the_true_shapley_shares(world: JourneyWorld) -> None:
    truth = world.shapley_shares()
    result = shares(shapley(world.path_table()))
    assert ranking(result) == ranking(world.true_shares()) == ranking(truth)
    assert worst(result, truth) <= TOLERANCE


def test_last_click_gets_the_funnel_wrong(world: JourneyWorld) -> None:
    truth = world.true_shares()
    last = shares(heuristic(world.path_table(), "last_touch"))
    assert worst(last, truth) > 0.2
    assert ranking(truth)[1] == "social"
    assert ranking(last) != ranking(truth)
    # Social drives a quarter of the conversions; last-click sees less than a fifth of that.
    assert truth["social"] > 0.25
    assert last["social"] < truth["social"] / 5
    assert last["search"] > truth["search"] + 0.2


def test_the_same_seed_gives_the_same_journeys_and_another_seed_does_not() -> None:
    a = generate_journeys(5, journeys=500, end=END)
    assert a == generate_journeys(5, journeys=500, end=END)
    assert a.journeys != generate_journeys(6, journeys=500, end=END).journeys


def test_the_truth_is_consistent() -> None:
    world = generate_journeys(1, journeys=10, end=END)
    assert sum(world.true_shares().values()) == pytest.approx(1.0)
    assert sum(world.shapley_shares().values()) == pytest.approx(1.0)
    # With every channel kept the conversion probability is the full one; with none, zero.
    assert (
        world.conversion_probability(frozenset(world.names))
        == world.conversion_probability()
    )
    assert world.conversion_probability(frozenset()) == 0.0


def test_the_journeys_table_folds_into_the_same_attribution_as_the_path_table() -> None:
    world = generate_journeys(4, journeys=3000, end=END)
    from_paths = heuristic(world.path_table(), "linear")
    from_journeys = heuristic(world.journeys_table(), "linear")
    assert from_journeys["total_conversions"].tolist() == pytest.approx(
        from_paths["total_conversions"].tolist()
    )
    decayed = heuristic(world.journeys_table(), "time_decay", half_life_days=2)
    assert decayed["total_conversions"].sum() == pytest.approx(
        from_paths["total_conversions"].sum()
    )


def test_impossible_parameters_are_refused() -> None:
    bad = (ChannelTruth("a", 1.0, 0.1, {"b": 0.5}),)
    with pytest.raises(InvalidInput, match="unknown channels"):
        generate_journeys(1, journeys=10, channels=bad, end=END)
    with pytest.raises(InvalidInput, match="aware"):
        generate_journeys(1, journeys=10, end=datetime(2026, 11, 1))  # noqa: DTZ001
