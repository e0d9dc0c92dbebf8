"""Attribution models side by side, from the journeys in the warehouse.

Every model credits the same journeys (journeys.py): the six rule-based models, the
order-1 Markov chain (removal effects) and Shapley values of the Markov game
(tandem.analytics.attribution). Credits are conversions and value per channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tandem.analytics import attribution
from tandem.measure.journeys import SqlRunner, journeys
from tandem.measure.model import Journey

MODELS: tuple[tuple[str, str], ...] = (
    ("first_touch", "First touch"),
    ("last_touch", "Last touch"),
    ("last_non_direct", "Last non-direct"),
    ("linear", "Linear"),
    ("time_decay", "Time decay"),
    ("position_based", "Position-based"),
    ("markov", "Markov"),
    ("shapley", "Shapley"),
)


@dataclass(frozen=True)
class ChannelCredit:
    channel: str
    conversions: dict[str, float]  # model -> credited conversions
    value: dict[str, float]  # model -> credited value


@dataclass(frozen=True)
class Comparison:
    channels: tuple[ChannelCredit, ...]
    conversions: int  # converting journeys with at least one touch
    value: float
    journeys: int


def journey_frame(found: list[Journey]) -> Any:
    """The journeys as attribution's journeys table (one row per touch)."""
    import pandas as pd  # noqa: PLC0415  (pandas costs 0.3 s to import; only callers pay)

    rows = [
        {
            "journey_id": i,
            "channel": touch.channel,
            "timestamp": touch.at,
            "total_conversions": int(j.converted),
            "total_conversion_value": j.value if j.converted else 0.0,
            "total_null": int(not j.converted),
            "converted_at": j.ends_at if j.converted else None,
        }
        for i, j in enumerate(found)
        for touch in j.touches
    ]
    return pd.DataFrame(rows)


def _credits(frame: Any, model: str) -> Any:
    if model == "markov":
        return attribution.markov(frame)
    if model == "shapley":
        return attribution.shapley(frame)
    return attribution.heuristic(frame, model, direct_channels=("Direct", "direct"))


def compare_models(
    runner: SqlRunner, *, workspace_id: str, since: datetime, until: datetime
) -> Comparison:
    """Credits per channel for every model; no channels when nothing converted."""
    found = [j for j in journeys(runner, workspace_id=workspace_id, since=since, until=until)
             if j.touches]  # fmt: skip
    converted = [j for j in found if j.converted]
    if not converted:
        return Comparison((), 0, 0.0, len(found))
    frame = journey_frame(found)
    conversions: dict[str, dict[str, float]] = {}
    value: dict[str, dict[str, float]] = {}
    for model, _ in MODELS:
        result = _credits(frame, model)
        for channel, conv, money in zip(
            result["channel_name"],
            result["total_conversions"],
            result["total_conversion_value"],
            strict=True,
        ):
            conversions.setdefault(str(channel), {})[model] = float(conv)
            value.setdefault(str(channel), {})[model] = float(money)
    channels = tuple(
        ChannelCredit(c, conversions[c], value[c])
        for c in sorted(
            conversions, key=lambda c: -conversions[c].get("last_touch", 0.0)
        )
    )
    return Comparison(
        channels, len(converted), sum(j.value for j in converted), len(found)
    )
