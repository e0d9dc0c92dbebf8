"""Rule-based models on hand-computed paths, and the journeys table they need for time decay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from tandem.analytics.attribution import heuristic
from tandem.core import InvalidInput

ONE = pd.DataFrame(
    {
        "path": ["a > b > a > c"],
        "total_conversions": [4],
        "total_conversion_value": [8.0],
    }
)


def credits(frame: pd.DataFrame, column: str = "total_conversions") -> dict[str, float]:
    return {
        k: v for k, v in zip(frame["channel_name"], frame[column], strict=True) if v
    }


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("first_touch", {"a": 4.0}),
        ("last_touch", {"c": 4.0}),
        # Repeats count: a is two of four touches.
        ("linear", {"a": 2.0, "b": 1.0, "c": 1.0}),
        # 40% first, 40% last, 20% shared by the two middle touches (b, then a again).
        ("position_based", {"a": 4 * 0.5, "b": 4 * 0.1, "c": 4 * 0.4}),
        ("last_non_direct", {"c": 4.0}),
    ],
)
def test_models_split_a_path_as_documented(
    model: str, expected: dict[str, float]
) -> None:
    result = heuristic(ONE, model)
    assert credits(result) == pytest.approx(expected)
    assert credits(result, "total_conversion_value") == pytest.approx(
        {k: 2 * v for k, v in expected.items()}
    )


def test_position_based_weights_are_configurable_and_two_touches_split_the_ends() -> (
    None
):
    paths = pd.DataFrame(
        {"path": ["a > b > c", "d > e"], "total_conversions": [10, 10]}
    )
    result = heuristic(paths, "position_based", position_weights=(0.6, 0.3, 0.1))
    assert credits(result) == pytest.approx(
        {"a": 6.0, "b": 3.0, "c": 1.0, "d": 10 * 0.6 / 0.7, "e": 10 * 0.1 / 0.7}
    )


def test_position_weights_must_sum_to_one() -> None:
    with pytest.raises(InvalidInput, match="position_weights"):
        heuristic(ONE, "position_based", position_weights=(0.5, 0.5, 0.5))


def test_last_non_direct_skips_direct_unless_there_is_nothing_else() -> None:
    paths = pd.DataFrame(
        {
            "path": ["email > Direct > direct", "direct > direct", "seo > email"],
            "total_conversions": [1, 2, 3],
        }
    )
    result = heuristic(paths, "last_non_direct")
    # "Direct" counts as direct too: the match ignores case.
    assert credits(result) == pytest.approx({"email": 4.0, "direct": 2.0})


@pytest.mark.parametrize(
    "model",
    ["first_touch", "last_touch", "linear", "position_based", "last_non_direct"],
)
def test_credits_sum_to_total_conversions_and_value(model: str) -> None:
    paths = pd.DataFrame(
        {
            "path": ["a > b > c > d > e", "e", "b > b > a", "direct > c"],
            "total_conversions": [3, 1, 2, 5],
            "total_conversion_value": [9.0, 1.5, 4.0, 10.0],
            "total_null": [10, 4, 0, 2],
        }
    )
    result = heuristic(paths, model)
    assert result["total_conversions"].sum() == pytest.approx(11.0)
    assert result["total_conversion_value"].sum() == pytest.approx(24.5)


def journeys(start: datetime) -> pd.DataFrame:
    """One journey: a 14 days before converting, b 7 days before, c on the day."""
    touches = [("a", 14), ("b", 7), ("c", 0)]
    return pd.DataFrame(
        {
            "journey_id": ["j1"] * 3,
            "channel": [c for c, _ in touches],
            "timestamp": [start - timedelta(days=d) for _, d in touches],
            "total_conversions": [1] * 3,
            "total_conversion_value": [70.0] * 3,
        }
    )


def test_time_decay_halves_the_weight_every_half_life() -> None:
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    result = heuristic(journeys(start), "time_decay", half_life_days=7)
    # Weights 1/4, 1/2, 1 normalised by 7/4.
    assert credits(result) == pytest.approx({"a": 1 / 7, "b": 2 / 7, "c": 4 / 7})
    assert credits(result, "total_conversion_value") == pytest.approx(
        {"a": 10.0, "b": 20.0, "c": 40.0}
    )


def test_time_decay_counts_back_from_the_conversion_time_when_given() -> None:
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    table = journeys(start).assign(converted_at=start + timedelta(days=7))
    result = heuristic(table, "time_decay", half_life_days=7)
    # 21, 14 and 7 days: weights 1/8, 1/4, 1/2, the same proportions.
    assert credits(result) == pytest.approx({"a": 1 / 7, "b": 2 / 7, "c": 4 / 7})
    wide = heuristic(journeys(start), "time_decay", half_life_days=1e9)
    assert credits(wide) == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


def test_journey_rows_are_ordered_by_time_not_by_position_in_the_table() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    shuffled = journeys(start).iloc[[2, 0, 1]]
    assert credits(heuristic(shuffled, "first_touch")) == {"a": 1.0}


def test_time_decay_needs_timestamps() -> None:
    with pytest.raises(InvalidInput, match="time_decay needs timestamps"):
        heuristic(ONE, "time_decay")


def test_a_journey_with_two_outcomes_is_rejected() -> None:
    table = journeys(datetime(2026, 11, 1, tzinfo=UTC))
    table.loc[1, "total_conversions"] = 2
    with pytest.raises(
        InvalidInput, match="journey 'j1' has different 'total_conversions'"
    ):
        heuristic(table, "linear")


def test_unknown_models_are_named_in_the_error() -> None:
    with pytest.raises(InvalidInput, match="model must be one of first_touch"):
        heuristic(ONE, "u_shaped")
