"""Shapley values: exact over all coalitions up to `EXACT_MAX` players, sampled beyond.

`shapley_values` works on any game given as a function of a coalition (a frozenset of players).
Exact: every one of the 2^n coalitions is evaluated once and each player's value is the
weighted sum of its marginal contributions, |S|! (n - |S| - 1)! / n!.

Sampled (Castro, Gomez & Tejada 2009): the mean marginal contribution over m random orderings.
Error bound (Hoeffding, union bound over the n players): when every marginal contribution lies
in an interval of width R, all estimates are within R * sqrt(ln(2n / delta) / (2m)) of the exact
values with probability at least 1 - delta. For a monotone game R = v(N) - v(empty).

`shapley` applies this to attribution. The game is the Markov chain's: v(S) is P(conversion)
when only the channels in S are kept (every other channel removed, convention 3). The game is
monotone, since restoring a channel can only open paths to conversion, so the bound above holds
with R = P(conversion). Credits are the values scaled to the total conversions (and value).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tandem.analytics.attribution.chain import Chain, build_chain
from tandem.analytics.attribution.markov import load
from tandem.core import InvalidInput

EXACT_MAX = 15


@dataclass(frozen=True)
class ShapleyResult:
    """Values per player, in the order given; `error_bound` is 0 when exact."""

    players: tuple[Hashable, ...]
    values: tuple[float, ...]
    exact: bool
    error_bound: float
    confidence: float
    evaluations: int


def hoeffding_bound(
    width: float, players: int, permutations: int, confidence: float
) -> float:
    """Half-width holding for all players at once with probability `confidence`."""
    delta = 1.0 - confidence
    return width * math.sqrt(math.log(2.0 * players / delta) / (2.0 * permutations))


def permutations_for(
    width: float, players: int, error: float, confidence: float
) -> int:
    """How many orderings make `hoeffding_bound` at most `error`."""
    delta = 1.0 - confidence
    return math.ceil(
        width * width * math.log(2.0 * players / delta) / (2.0 * error * error)
    )


def _exact(
    n: int, value_of: Callable[[int], float]
) -> tuple[np.ndarray[Any, Any], int]:
    size = 1 << n
    v = np.fromiter(
        (value_of(mask) for mask in range(size)), dtype=np.float64, count=size
    )
    masks = np.arange(size)
    popcount = np.zeros(size, dtype=np.int64)
    for i in range(n):
        popcount += (masks >> i) & 1
    # weight[k] = k! (n-k-1)! / n!, for coalitions of size k without the player
    weight = np.array(
        [
            math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
            for k in range(n)
        ]
    )
    values = np.zeros(n)
    for i in range(n):
        without = masks[((masks >> i) & 1) == 0]
        values[i] = float(
            np.sum(weight[popcount[without]] * (v[without | (1 << i)] - v[without]))
        )
    return values, size


def shapley_values(
    players: Sequence[Hashable],
    game: Callable[[frozenset[Hashable]], float],
    *,
    exact_max: int = EXACT_MAX,
    permutations: int = 2_000,
    width: float | None = None,
    confidence: float = 0.95,
    seed: int = 0,
) -> ShapleyResult:
    """Shapley values of `game`; exact up to `exact_max` players, else sampled by orderings.

    For the sampled case `width` is the range R of marginal contributions used in the bound;
    without it the bound uses the widest marginal contribution seen (then it is an estimate,
    not a guarantee, and the documentation says so).
    """
    names = tuple(players)
    n = len(names)
    if n == 0:
        raise InvalidInput(
            "Shapley values need at least one player (channel)", field="channels"
        )
    cache: dict[int, float] = {}

    def value_of(mask: int) -> float:
        if mask not in cache:
            cache[mask] = float(
                game(frozenset(names[i] for i in range(n) if mask >> i & 1))
            )
        return cache[mask]

    if n <= exact_max:
        values, evaluations = _exact(n, value_of)
        return ShapleyResult(names, tuple(values.tolist()), True, 0.0, 1.0, evaluations)
    rng = random.Random(seed)
    totals = np.zeros(n)
    seen_low, seen_high = math.inf, -math.inf
    order = list(range(n))
    for _ in range(permutations):
        rng.shuffle(order)
        mask, before = 0, value_of(0)
        for i in order:
            mask |= 1 << i
            after = value_of(mask)
            totals[i] += after - before
            seen_low, seen_high = (
                min(seen_low, after - before),
                max(seen_high, after - before),
            )
            before = after
    bound_width = width if width is not None else seen_high - seen_low
    bound = hoeffding_bound(bound_width, n, permutations, confidence)
    return ShapleyResult(
        names,
        tuple((totals / permutations).tolist()),
        False,
        bound,
        confidence,
        len(cache),
    )


def chain_game(
    chain: Chain,
    *,
    value: bool = False,
    solved: dict[frozenset[Hashable], tuple[float, float]] | None = None,
) -> Callable[[frozenset[Hashable]], float]:
    """v(S) = P(conversion) (or expected value) when only the channels in S are kept.

    `solved` shares solves between the conversion and the value game: one solve gives both.
    """
    cache = {} if solved is None else solved
    code = {c: i for i, c in enumerate(chain.channels)}

    def game(kept: frozenset[Hashable]) -> float:
        if kept not in cache:
            allowed = np.zeros(len(chain.channels), dtype=bool)
            allowed[[code[str(c)] for c in kept]] = True
            cache[kept] = chain.solve(
                np.asarray(~(chain.members & ~allowed).any(axis=1))
            )
        return cache[kept][1 if value else 0]

    return game


def shapley(
    paths: Any,
    order: int = 1,
    var_path: str = "path",
    var_conv: str = "total_conversions",
    var_value: str | None = "total_conversion_value",
    var_null: str | None = "total_null",
    sep: str = ">",
    *,
    exact_max: int = EXACT_MAX,
    permutations: int = 2_000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Credited conversions and value per channel by Shapley values of the Markov game.

    Returns `channel_name`, `total_conversions`, `total_conversion_value`, `shapley_value`
    (in units of P(conversion)) and `error_bound` (conversions; 0 when exact, else the
    Hoeffding half-width at `confidence` for all channels together).
    """
    parsed = load(
        paths,
        var_path=var_path,
        var_conv=var_conv,
        var_value=var_value,
        var_null=var_null,
        sep=sep,
    )
    return shapley_frame(
        build_chain(parsed, order),
        parsed.has_value,
        exact_max=exact_max,
        permutations=permutations,
        confidence=confidence,
        seed=seed,
    )


def shapley_frame(chain: Chain, has_value: bool, **options: Any) -> pd.DataFrame:
    """The result frame of `shapley` for a built chain; `options` go to `shapley_values`."""
    p_all, v_all = chain.conversion()
    solved: dict[frozenset[Hashable], tuple[float, float]] = {}
    conv = shapley_values(
        chain.channels, chain_game(chain, solved=solved), width=p_all, **options
    )
    scale = chain.total_conversions / p_all if p_all > 0 else 0.0
    n = len(chain.channels)
    value_credit = np.full(n, np.nan)
    if has_value:
        val = shapley_values(
            chain.channels,
            chain_game(chain, value=True, solved=solved),
            width=v_all,
            **options,
        )
        value_credit = np.array(val.values) * (
            chain.total_value / v_all if v_all > 0 else 0.0
        )
    frame = pd.DataFrame(
        {
            "channel_name": list(chain.channels),
            "total_conversions": np.array(conv.values) * scale,
            "total_conversion_value": value_credit,
            "shapley_value": np.array(conv.values),
            "error_bound": np.full(n, conv.error_bound * scale),
        }
    )
    return frame.sort_values("channel_name", ignore_index=True)
