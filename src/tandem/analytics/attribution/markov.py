"""Markov-chain attribution with exact removal effects, ChannelAttribution's `markov_model`.

Removal effect of a channel = 1 - P(conversion without it) / P(conversion), each probability
an absorbing-chain solve (chain.py). Credited conversions are the removal effects normalised to
the total conversions (convention 4); value likewise with the value-weighted solve.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tandem.analytics.attribution.chain import Chain, build_chain
from tandem.analytics.attribution.tables import (
    Columns,
    JourneyColumns,
    Paths,
    read_journeys,
    read_paths,
)


def load(
    paths: Any,
    *,
    var_path: str,
    var_conv: str,
    var_value: str | None,
    var_null: str | None,
    sep: str,
    journey: JourneyColumns | None = None,
) -> Paths:
    """A path table, or a journeys table when it has the journey id column."""
    columns = journey or JourneyColumns(conv=var_conv, value=var_value, null=var_null)
    frame_columns = getattr(paths, "columns", ())
    if columns.journey in frame_columns and var_path not in frame_columns:
        return read_journeys(paths, columns)
    return read_paths(paths, Columns(var_path, var_conv, var_value, var_null, sep))


def removal_effects(chain: Chain) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Removal effects per channel, for conversions and for value (zeros when no value)."""
    p_all, v_all = chain.conversion()
    conv = np.zeros(len(chain.channels))
    value = np.zeros(len(chain.channels))
    for code, channel in enumerate(chain.channels):
        p, v = chain.conversion([channel])
        conv[code] = 1.0 - p / p_all if p_all > 0 else 0.0
        value[code] = 1.0 - v / v_all if v_all > 0 else 0.0
    return conv, value


def _normalise(effects: np.ndarray[Any, Any], total: float) -> np.ndarray[Any, Any]:
    s = effects.sum()
    return effects / s * total if s > 0 else np.zeros_like(effects)


def markov(
    paths: Any,
    order: int = 1,
    var_path: str = "path",
    var_conv: str = "total_conversions",
    var_value: str | None = "total_conversion_value",
    var_null: str | None = "total_null",
    sep: str = ">",
) -> pd.DataFrame:
    """Credited conversions and value per channel by the order-`order` Markov model.

    `paths` is a pandas or polars DataFrame, one row per path ("a > b > c"), or a journeys
    table (one row per touch, with `journey_id`). Returns `channel_name`, `total_conversions`,
    `total_conversion_value` (NaN without a value column), `removal_effect` and
    `removal_effect_value`, sorted by channel name. Exact: the same input gives the same
    result to the last bit, unlike a Monte Carlo estimate.
    """
    parsed = load(
        paths,
        var_path=var_path,
        var_conv=var_conv,
        var_value=var_value,
        var_null=var_null,
        sep=sep,
    )
    chain = build_chain(parsed, order)
    return markov_frame(chain, parsed.has_value)


def markov_frame(chain: Chain, has_value: bool) -> pd.DataFrame:
    conv_effect, value_effect = removal_effects(chain)
    nan = np.full(len(chain.channels), np.nan)
    frame = pd.DataFrame(
        {
            "channel_name": list(chain.channels),
            "total_conversions": _normalise(conv_effect, chain.total_conversions),
            "total_conversion_value": (
                _normalise(value_effect, chain.total_value) if has_value else nan
            ),
            "removal_effect": conv_effect,
            "removal_effect_value": value_effect if has_value else nan,
        }
    )
    return frame.sort_values("channel_name", ignore_index=True)


def transition_matrix(
    paths: Any,
    order: int = 1,
    var_path: str = "path",
    var_conv: str = "total_conversions",
    var_null: str | None = "total_null",
    sep: str = ">",
) -> pd.DataFrame:
    """The fitted transition probabilities as rows (`channel_from`, `channel_to`,
    `transition_probability`), ChannelAttribution's `transition_matrix`; states of order > 1
    are channels joined by ",".
    """
    parsed = load(
        paths,
        var_path=var_path,
        var_conv=var_conv,
        var_value=None,
        var_null=var_null,
        sep=sep,
    )
    chain = build_chain(parsed, order)
    names = [",".join(s) for s in chain.states]
    coo = chain.transitions.tocoo()
    rows = [
        (names[i], names[j], float(p))
        for i, j, p in zip(coo.row, coo.col, coo.data, strict=True)
    ]
    rows += [
        (names[i], "(conversion)", float(p))
        for i, p in enumerate(chain.to_conv)
        if p > 0
    ]
    null = 1.0 - np.asarray(chain.transitions.sum(axis=1)).ravel() - chain.to_conv
    rows += [(names[i], "(null)", float(p)) for i, p in enumerate(null) if p > 1e-15]
    frame = pd.DataFrame(
        rows, columns=["channel_from", "channel_to", "transition_probability"]
    )
    return frame.sort_values(["channel_from", "channel_to"], ignore_index=True)
