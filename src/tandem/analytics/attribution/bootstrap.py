"""Bootstrap intervals per channel for any attribution model.

The unit resampled is the journey, not the path row: a path seen with 30 conversions and 70
nulls is 100 journeys. Each resample draws the same number of journeys with replacement (one
multinomial draw over the (path, outcome) cells), keeps each path's mean value per conversion,
and reruns the model. Intervals are percentile intervals; with the default 200 resamples their
ends move by about a tenth of their width between seeds, so state the seed when quoting them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from tandem.analytics.attribution.chain import build_chain
from tandem.analytics.attribution.heuristic import MODELS, credit, touch_weights
from tandem.analytics.attribution.markov import load, markov_frame
from tandem.analytics.attribution.shapley import shapley_frame
from tandem.analytics.attribution.tables import Paths
from tandem.core import InvalidInput

Model = Callable[[Paths], pd.DataFrame]


def model_function(
    model: str,
    *,
    order: int = 1,
    half_life_days: float = 7.0,
    position_weights: tuple[float, float, float] = (0.4, 0.2, 0.4),
    direct_channels: Sequence[str] = ("direct",),
) -> Model:
    """The model named `model` ("markov", "shapley" or a heuristic) as Paths -> DataFrame."""
    if model == "markov":
        return lambda p: markov_frame(build_chain(p, order), p.has_value)
    if model == "shapley":
        return lambda p: shapley_frame(build_chain(p, order), p.has_value)
    if model in MODELS:
        options: dict[str, Any] = {
            "half_life_days": half_life_days,
            "position_weights": position_weights,
            "direct_channels": direct_channels,
        }
        return lambda p: credit(p, touch_weights(p, model, **options))
    raise InvalidInput(
        f"model must be markov, shapley or one of {', '.join(MODELS)}; got {model!r}",
        field="model",
    )


def resample(paths: Paths, rng: np.random.Generator) -> Paths:
    """The same number of journeys drawn with replacement from the (path, outcome) cells."""
    cells = np.concatenate([paths.conv, paths.null])
    total = int(round(float(cells.sum())))
    drawn = rng.multinomial(total, cells / cells.sum()).astype(np.float64)
    conv, null = drawn[: paths.size], drawn[paths.size :]
    per_conversion = np.divide(
        paths.value, paths.conv, out=np.zeros_like(paths.value), where=paths.conv > 0
    )
    return replace(paths, conv=conv, null=null, value=conv * per_conversion)


def bootstrap(
    paths: Any,
    model: str = "markov",
    var_path: str = "path",
    var_conv: str = "total_conversions",
    var_value: str | None = "total_conversion_value",
    var_null: str | None = "total_null",
    sep: str = ">",
    *,
    order: int = 1,
    n_resamples: int = 200,
    confidence: float = 0.95,
    seed: int = 0,
    **options: Any,
) -> pd.DataFrame:
    """The model's credits per channel with percentile intervals from journey resampling.

    Returns `channel_name`, `total_conversions`, `total_conversions_low`,
    `total_conversions_high`, and the same three for `total_conversion_value` (NaN without a
    value column). `options` go to the heuristic models (half_life_days, position_weights...).
    """
    if n_resamples < 20:
        raise InvalidInput(
            f"n_resamples must be at least 20, got {n_resamples}", field="n_resamples"
        )
    if not 0.5 <= confidence < 1.0:
        raise InvalidInput(
            f"confidence must be in [0.5, 1), got {confidence}", field="confidence"
        )
    parsed = load(
        paths,
        var_path=var_path,
        var_conv=var_conv,
        var_value=var_value,
        var_null=var_null,
        sep=sep,
    )
    run = model_function(model, order=order, **options)
    point = run(parsed)
    rng = np.random.default_rng(seed)
    conv = np.empty((n_resamples, len(point)))
    value = np.empty((n_resamples, len(point)))
    for i in range(n_resamples):
        again = (
            run(resample(parsed, rng))
            .set_index("channel_name")
            .reindex(point["channel_name"])
        )
        conv[i] = again["total_conversions"].fillna(0.0).to_numpy()
        value[i] = again["total_conversion_value"].to_numpy()
    tail = (1.0 - confidence) / 2.0 * 100.0
    out = point[["channel_name", "total_conversions"]].copy()
    out["total_conversions_low"] = np.percentile(conv, tail, axis=0)
    out["total_conversions_high"] = np.percentile(conv, 100.0 - tail, axis=0)
    out["total_conversion_value"] = point["total_conversion_value"]
    nan = np.full(len(point), np.nan)
    out["total_conversion_value_low"] = (
        np.percentile(value, tail, axis=0) if parsed.has_value else nan
    )
    out["total_conversion_value_high"] = (
        np.percentile(value, 100.0 - tail, axis=0) if parsed.has_value else nan
    )
    return out
