"""Rule-based attribution: first, last, last non-direct, linear, time decay, position-based.

Each model gives every touch of a path a weight, the weights of a path sum to one, and a path's
conversions and value are shared by those weights. Touches are raw (repeats count): linear gives
each touch conversions / length, so "a > a > b" credits a with two thirds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tandem.analytics.attribution.markov import load
from tandem.analytics.attribution.tables import FloatArray, Paths
from tandem.core import InvalidInput

MODELS = (
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "time_decay",
    "position_based",
)


def touch_weights(
    paths: Paths,
    model: str,
    *,
    half_life_days: float = 7.0,
    position_weights: tuple[float, float, float] = (0.4, 0.2, 0.4),
    direct_channels: Sequence[str] = ("direct",),
) -> FloatArray:
    """One weight per touch (aligned with `paths.codes`); each path's weights sum to one."""
    lengths = paths.lengths
    if model in ("first_touch", "last_touch"):
        weights = np.zeros(len(paths.codes))
        weights[
            paths.offsets[:-1] if model == "first_touch" else paths.offsets[1:] - 1
        ] = 1.0
        return weights
    if model == "linear":
        return np.repeat(1.0 / lengths, lengths)
    path_of = paths.path_index()
    position = np.arange(len(paths.codes)) - paths.offsets[path_of]
    length = lengths[path_of]
    if model == "last_non_direct":
        return _last_non_direct(paths, path_of, direct_channels)
    if model == "position_based":
        return _position_based(position, length, position_weights)
    if model == "time_decay":
        return _time_decay(paths, path_of, half_life_days)
    raise InvalidInput(
        f"model must be one of {', '.join(MODELS)}; got {model!r}", field="model"
    )


def _last_non_direct(
    paths: Paths,
    path_of: np.ndarray[Any, Any],
    direct: Sequence[str],
) -> FloatArray:
    """The last touch that is not direct; an all-direct path credits its last touch (as GA)."""
    lowered = {d.lower() for d in direct}
    is_direct = np.array([c.lower() in lowered for c in paths.channels], dtype=bool)[
        paths.codes
    ]
    candidate = ~is_direct
    idx = np.arange(len(paths.codes))
    best = np.full(paths.size, -1, dtype=np.int64)
    np.maximum.at(best, path_of[candidate], idx[candidate])
    fallback = best < 0
    best[fallback] = paths.offsets[1:][fallback] - 1
    weights = np.zeros(len(paths.codes))
    weights[best] = 1.0
    return weights


def _position_based(
    position: np.ndarray[Any, Any],
    length: np.ndarray[Any, Any],
    shares: tuple[float, float, float],
) -> FloatArray:
    first_share, middle_share, last_share = shares
    if min(shares) < 0 or abs(sum(shares) - 1.0) > 1e-9:
        raise InvalidInput(
            f"position_weights must be three shares >= 0 summing to 1 (first, middle, last); got {shares}",
            field="position_weights",
        )
    ends = first_share + last_share
    weights = np.zeros(len(position))
    one = length == 1
    two = length == 2
    many = length >= 3
    weights[one] = 1.0
    # Two touches have no middle: the middle share goes to the ends in proportion (GA's rule).
    at_first = position == 0
    weights[two & at_first] = first_share / ends if ends else 0.5
    weights[two & ~at_first] = last_share / ends if ends else 0.5
    weights[many & at_first] = first_share
    weights[many & (position == length - 1)] = last_share
    middle = many & (position > 0) & (position < length - 1)
    weights[middle] = middle_share / (length[middle] - 2)
    return weights


def _time_decay(
    paths: Paths, path_of: np.ndarray[Any, Any], half_life_days: float
) -> FloatArray:
    if paths.times is None:
        raise InvalidInput(
            "time_decay needs timestamps: pass a journeys table (one row per touch with "
            "journey_id, channel, timestamp and the journey's total_conversions)",
            field="model",
        )
    if not half_life_days > 0:
        raise InvalidInput(
            f"half_life_days must be > 0, got {half_life_days}", field="half_life_days"
        )
    raw = np.exp2(-paths.times / half_life_days)
    totals = np.bincount(path_of, weights=raw, minlength=paths.size)
    return np.asarray(raw / totals[path_of], dtype=np.float64)


def credit(paths: Paths, weights: FloatArray) -> pd.DataFrame:
    """Per-channel totals of each touch's weight times its path's conversions and value."""
    path_of = paths.path_index()
    n = len(paths.channels)
    conv = np.bincount(paths.codes, weights=weights * paths.conv[path_of], minlength=n)
    value = np.bincount(
        paths.codes, weights=weights * paths.value[path_of], minlength=n
    )
    frame = pd.DataFrame(
        {
            "channel_name": list(paths.channels),
            "total_conversions": conv,
            "total_conversion_value": value if paths.has_value else np.full(n, np.nan),
        }
    )
    return frame.sort_values("channel_name", ignore_index=True)


def heuristic(
    paths: Any,
    model: str,
    var_path: str = "path",
    var_conv: str = "total_conversions",
    var_value: str | None = "total_conversion_value",
    var_null: str | None = "total_null",
    sep: str = ">",
    *,
    half_life_days: float = 7.0,
    position_weights: tuple[float, float, float] = (0.4, 0.2, 0.4),
    direct_channels: Sequence[str] = ("direct",),
) -> pd.DataFrame:
    """Credited conversions and value per channel by a rule-based `model` (see `MODELS`).

    Same argument names and path-table shape as `markov`. `time_decay` needs a journeys
    table (timestamps): a touch `t` days before the conversion (or the journey's last touch)
    weighs 2^(-t / half_life_days). Returns `channel_name`, `total_conversions`,
    `total_conversion_value` (NaN without a value column).
    """
    if model not in MODELS:
        raise InvalidInput(
            f"model must be one of {', '.join(MODELS)}; got {model!r}", field="model"
        )
    parsed = load(
        paths,
        var_path=var_path,
        var_conv=var_conv,
        var_value=var_value,
        var_null=var_null,
        sep=sep,
    )
    weights = touch_weights(
        parsed,
        model,
        half_life_days=half_life_days,
        position_weights=position_weights,
        direct_channels=direct_channels,
    )
    return credit(parsed, weights)
