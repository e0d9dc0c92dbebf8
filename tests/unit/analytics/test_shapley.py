"""Shapley values: textbook games exactly, the sampled estimate within its stated bound."""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd
import pytest

from tandem.analytics.attribution import (
    hoeffding_bound,
    permutations_for,
    shapley,
    shapley_values,
)
from tandem.core import InvalidInput


def test_the_glove_game_has_its_textbook_values() -> None:
    # One right glove, two left gloves; a pair is worth 1. Shapley: R 2/3, each L 1/6.
    def pairs(s: frozenset[Hashable]) -> float:
        return 1.0 if "R" in s and ({"L1", "L2"} & s) else 0.0

    result = shapley_values(["L1", "L2", "R"], pairs)
    assert result.exact
    assert result.values == pytest.approx((1 / 6, 1 / 6, 2 / 3))
    assert result.evaluations == 8


def weights(n: int) -> dict[str, float]:
    return {f"p{i}": 1.0 + i % 4 for i in range(n)}


def square_game(w: dict[str, float]):  # type: ignore[no-untyped-def]
    # v(S) = (sum of weights)^2 has Shapley values w_i * W: a known answer at any size.
    return lambda s: sum(w[p] for p in s) ** 2


def test_exact_values_at_fifteen_players() -> None:
    w = weights(15)
    result = shapley_values(list(w), square_game(w))
    total = sum(w.values())
    assert result.exact and result.error_bound == 0.0
    assert result.values == pytest.approx([w[p] * total for p in w])
    assert result.evaluations == 2**15


def test_beyond_the_exact_limit_values_are_sampled_within_the_bound() -> None:
    w = weights(20)
    total = sum(w.values())
    width = 2 * max(w.values()) * total  # marginal contributions lie in [0, 2 w_i W)
    result = shapley_values(
        list(w), square_game(w), permutations=400, width=width, seed=3
    )
    assert not result.exact
    assert result.error_bound == pytest.approx(hoeffding_bound(width, 20, 400, 0.95))
    errors = [abs(v - w[p] * total) for p, v in zip(w, result.values, strict=True)]
    assert max(errors) <= result.error_bound
    # The efficiency property survives sampling: every ordering hands out v(N) exactly.
    assert sum(result.values) == pytest.approx(total**2)


def test_the_bound_shrinks_as_one_over_root_permutations() -> None:
    assert hoeffding_bound(1.0, 20, 400, 0.95) == pytest.approx(
        2 * hoeffding_bound(1.0, 20, 1600, 0.95)
    )
    needed = permutations_for(1.0, 20, 0.05, 0.95)
    assert (
        hoeffding_bound(1.0, 20, needed, 0.95)
        <= 0.05
        < hoeffding_bound(1.0, 20, needed - 1, 0.95)
    )


def test_markov_shapley_on_the_golden_example() -> None:
    # v({}) = 0, v({ga}) = 0.4, v({mail}) = 0.2, v({ga, mail}) = 0.8, so ga 0.5 and mail 0.3,
    # scaled to the 4 conversions.
    paths = pd.DataFrame(
        {
            "path": ["ga", "mail", "ga > mail", "ga"],
            "total_conversions": [2, 1, 1, 0],
            "total_null": [0, 0, 0, 1],
        }
    )
    result = shapley(paths)
    got = dict(zip(result["channel_name"], result["shapley_value"], strict=True))
    assert got == pytest.approx({"ga": 0.5, "mail": 0.3})
    assert result["total_conversions"].tolist() == pytest.approx([2.5, 1.5])
    assert (result["error_bound"] == 0).all()


def test_sampled_markov_shapley_states_its_bound_in_conversions() -> None:
    channels = [f"c{i}" for i in range(17)]
    paths = pd.DataFrame(
        {
            "path": [" > ".join(channels[i : i + 3]) for i in range(15)] + channels,
            "total_conversions": list(range(1, 16)) + [1] * 17,
            "total_null": [3] * 32,
        }
    )
    result = shapley(paths, permutations=300)
    assert result["total_conversions"].sum() == pytest.approx(
        paths["total_conversions"].sum()
    )
    assert (result["error_bound"] > 0).all()


def test_a_game_needs_players() -> None:
    with pytest.raises(InvalidInput, match="at least one player"):
        shapley_values([], lambda _: 0.0)
