"""Attribution models side by side, from the journeys in the warehouse.

Every model credits the same journeys (journeys.py): the six rule-based models, the
Markov chain of the chosen order (removal effects) and Shapley values of the same Markov
game (tandem.analytics.attribution). Credits are conversions and value per channel.
`ModelParams` holds what a user may tune: the Markov order, the time-decay half-life, the
position-based first and last shares, and the journeys' lookback window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tandem.analytics import attribution
from tandem.core.errors import InvalidInput
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


MODEL_KEYS = tuple(key for key, _ in MODELS)


@dataclass(frozen=True)
class ModelParams:
    """The tunable parameters; `checked()` names the field of the first bad one."""

    order: int = 1  # Markov (and Shapley's Markov game) order, 1 to 4
    half_life: float = 7.0  # time decay, days
    first_share: float = 0.4  # position-based, the first touch's share
    last_share: float = 0.4  # position-based, the last touch's share
    lookback: int = 30  # days of touches before a conversion that count

    @property
    def position_weights(self) -> tuple[float, float, float]:
        middle = max(0.0, 1.0 - self.first_share - self.last_share)
        return (self.first_share, middle, self.last_share)

    def checked(self) -> ModelParams:
        if not 1 <= self.order <= 4:
            raise InvalidInput("order: the Markov order is 1 to 4.", field="order")
        if not 0.1 <= self.half_life <= 365:
            raise InvalidInput(
                "half_life: the time-decay half-life is 0.1 to 365 days.",
                field="half_life",
            )
        for name, share in (("first_share", self.first_share),
                            ("last_share", self.last_share)):  # fmt: skip
            if not 0 <= share <= 1:
                raise InvalidInput(
                    f"{name}: a position-based share is 0 to 1 (0.4 is 40%).",
                    field=name,
                )
        if self.first_share + self.last_share > 1 + 1e-9:
            raise InvalidInput(
                "last_share: the first and last shares add up to at most 1; the middle "
                "touches share the rest.",
                field="last_share",
            )
        if not 1 <= self.lookback <= 365:
            raise InvalidInput(
                "lookback: the lookback window is 1 to 365 days.", field="lookback"
            )
        return self

    def as_json(self) -> dict[str, float | int]:
        return {
            "order": self.order,
            "half_life": self.half_life,
            "first_share": self.first_share,
            "last_share": self.last_share,
            "lookback": self.lookback,
        }


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


def _credits(frame: Any, model: str, params: ModelParams) -> Any:
    if model == "markov":
        return attribution.markov(frame, order=params.order)
    if model == "shapley":
        return attribution.shapley(frame, order=params.order)
    return attribution.heuristic(
        frame, model, direct_channels=("Direct", "direct"),
        half_life_days=params.half_life, position_weights=params.position_weights,
    )  # fmt: skip


def compare_models(
    runner: SqlRunner,
    *,
    workspace_id: str,
    since: datetime,
    until: datetime,
    params: ModelParams | None = None,
    models: Sequence[str] = MODEL_KEYS,
) -> Comparison:
    """Credits per channel for `models` (default all); no channels when nothing converted."""
    params = (params or ModelParams()).checked()
    unknown = [m for m in models if m not in MODEL_KEYS]
    if unknown or not models:
        raise InvalidInput(
            f"model: choose among {', '.join(MODEL_KEYS)}; not {', '.join(unknown)}.",
            field="model",
        )
    found = [j for j in journeys(runner, workspace_id=workspace_id, since=since,
                                 until=until, lookback=timedelta(days=params.lookback))
             if j.touches]  # fmt: skip
    converted = [j for j in found if j.converted]
    if not converted:
        return Comparison((), 0, 0.0, len(found))
    frame = journey_frame(found)
    conversions: dict[str, dict[str, float]] = {}
    value: dict[str, dict[str, float]] = {}
    for model in models:
        result = _credits(frame, model, params)
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
            conversions, key=lambda c: (-conversions[c].get("last_touch", 0.0), c)
        )
    )
    return Comparison(
        channels, len(converted), sum(j.value for j in converted), len(found)
    )
