"""Journeys across channels, each channel with a known true incremental effect.

A journey is a walk over channels. It enters at a channel (weights `entry`); at every touch of
channel c the visitor converts with probability baseline + lift[c], so the conversion hazard of
a journey is the sum of the baseline and the lifts of the channels it touched; otherwise the
visitor moves on to channel d with probability onward[c][d] or leaves.

The truth is what happens when a channel is removed: the visits it would have brought never
happen (journeys entering there never start, and visitors about to move to it leave). Because
the process is known, the expected conversions with any set of channels removed is an exact
absorbing-chain solve on the true parameters (done here with plain numpy, independently of
`tandem.analytics`), and so are every channel's true removal effect, its true share and the
true Shapley values of the "keep only these channels" game. Attribution models are validated
by recovering these from the generated journeys alone.

`FUNNEL` is built to fool last-click: social and video bring visitors who rarely buy on that
visit but come back through email and search, where they buy. Randomness is the simulator's
usual seeded `random.Random` stream, so a seed always gives the same journeys.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from tandem.core import InvalidInput
from tandem.sim.sampling import stream


@dataclass(frozen=True)
class ChannelTruth:
    """A channel's true parameters: where journeys start, its lift, where visitors go next."""

    name: str
    entry: float
    lift: float
    onward: Mapping[str, float]


@dataclass(frozen=True)
class SimJourney:
    touches: tuple[str, ...]
    times: tuple[datetime, ...]
    converted: bool
    value: float


FUNNEL = (
    ChannelTruth(
        "social", 0.42, 0.004, {"email": 0.25, "search": 0.35, "social": 0.10}
    ),
    ChannelTruth("video", 0.22, 0.008, {"search": 0.35, "social": 0.10, "email": 0.10}),
    ChannelTruth("display", 0.13, 0.001, {"search": 0.05, "display": 0.20}),
    ChannelTruth("email", 0.10, 0.060, {"search": 0.25, "email": 0.15}),
    ChannelTruth("referral", 0.08, 0.050, {"search": 0.15, "email": 0.05}),
    ChannelTruth("search", 0.05, 0.120, {"email": 0.10, "search": 0.10}),
)
BASELINE = 0.005
_MAX_TOUCHES = 200  # a walk this long is a stuck loop in bad parameters, not a journey


@dataclass(frozen=True)
class JourneyWorld:
    """Generated journeys and the true parameters they were drawn from."""

    channels: tuple[ChannelTruth, ...]
    baseline: float
    journeys: tuple[SimJourney, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)

    def conversion_probability(self, kept: frozenset[str] | None = None) -> float:
        """P(a journey converts) when only the `kept` channels exist (all when None)."""
        names = self.names
        keep = [i for i, n in enumerate(names) if kept is None or n in kept]
        if not keep:
            return 0.0
        n = len(names)
        moves = np.zeros((n, n))
        convert = np.zeros(n)
        for i, c in enumerate(self.channels):
            convert[i] = self.baseline + c.lift
            for target, p in c.onward.items():
                moves[i, names.index(target)] = (1.0 - convert[i]) * p
        entry = np.array([c.entry for c in self.channels])
        entry = entry / entry.sum()
        q = moves[np.ix_(keep, keep)]
        x = np.linalg.solve(np.eye(len(keep)) - q, convert[keep])
        return float(entry[keep] @ x)

    def removal_effects(self) -> dict[str, float]:
        """1 - P(conversion without the channel) / P(conversion), per channel."""
        everything = frozenset(self.names)
        p = self.conversion_probability()
        return {
            n: 1.0 - self.conversion_probability(everything - {n}) / p
            for n in self.names
        }

    def true_shares(self) -> dict[str, float]:
        """Removal effects normalised to one: each channel's true share of conversions."""
        effects = self.removal_effects()
        total = sum(effects.values())
        return {n: e / total for n, e in effects.items()}

    def shapley_shares(self) -> dict[str, float]:
        """True Shapley values of v(S) = P(conversion | only S), normalised to one."""
        names = self.names
        n = len(names)
        values = dict.fromkeys(names, 0.0)
        for size in range(n):
            weight = (
                math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            )
            for coalition in itertools.combinations(names, size):
                base = self.conversion_probability(frozenset(coalition))
                for player in set(names) - set(coalition):
                    gain = (
                        self.conversion_probability(frozenset((*coalition, player)))
                        - base
                    )
                    values[player] += weight * gain
        total = sum(values.values())
        return {k: v / total for k, v in values.items()}

    def path_table(self) -> pd.DataFrame:
        """One row per distinct path, ChannelAttribution's shape."""
        frame = pd.DataFrame(
            {
                "path": [" > ".join(j.touches) for j in self.journeys],
                "total_conversions": [int(j.converted) for j in self.journeys],
                "total_conversion_value": [j.value for j in self.journeys],
                "total_null": [int(not j.converted) for j in self.journeys],
            }
        )
        return frame.groupby("path", as_index=False, sort=True).sum()

    def journeys_table(self) -> pd.DataFrame:
        """One row per touch with the journey's outcome repeated, for time-based models."""
        rows = [
            (n, channel, at, int(j.converted), j.value, int(not j.converted))
            for n, j in enumerate(self.journeys)
            for channel, at in zip(j.touches, j.times, strict=True)
        ]
        columns = ["journey_id", "channel", "timestamp", "total_conversions"]
        return pd.DataFrame(
            rows, columns=[*columns, "total_conversion_value", "total_null"]
        )


def _check(channels: tuple[ChannelTruth, ...], baseline: float) -> None:
    names = {c.name for c in channels}
    for c in channels:
        unknown = set(c.onward) - names
        if unknown:
            raise InvalidInput(
                f"channel {c.name!r} moves on to unknown channels {sorted(unknown)}",
                field="onward",
            )
        if sum(c.onward.values()) > 1.0 or not 0.0 <= baseline + c.lift < 1.0:
            raise InvalidInput(
                f"channel {c.name!r}: onward probabilities must sum to at most 1 and "
                "baseline + lift must be in [0, 1)",
                field=c.name,
            )


def generate_journeys(
    seed: int,
    *,
    journeys: int = 20_000,
    channels: tuple[ChannelTruth, ...] = FUNNEL,
    baseline: float = BASELINE,
    mean_order_value: float = 60.0,
    end: datetime,
) -> JourneyWorld:
    """`journeys` journeys ending within 30 days before `end` (aware datetime).

    Touches are a mean of two days apart. Order values are log-normal around
    `mean_order_value`, independent of the channels, so true value shares equal the true
    conversion shares.
    """
    if end.tzinfo is None:
        raise InvalidInput("end must be an aware datetime (UTC)", field="end")
    _check(channels, baseline)
    rng = stream(seed, "journeys")
    by_name = {c.name: c for c in channels}
    entries = [c.name for c in channels]
    entry_weights = [c.entry for c in channels]
    out = []
    for _ in range(journeys):
        here = rng.choices(entries, entry_weights)[0]
        touches = [here]
        converted = False
        while len(touches) < _MAX_TOUCHES:
            channel = by_name[here]
            if rng.random() < baseline + channel.lift:
                converted = True
                break
            roll, nxt = rng.random(), None
            for target, p in channel.onward.items():
                roll -= p
                if roll < 0.0:
                    nxt = target
                    break
            if nxt is None:
                break
            here = nxt
            touches.append(here)
        value = (
            round(mean_order_value * rng.lognormvariate(-0.125, 0.5), 2)
            if converted
            else 0.0
        )
        finish = end - timedelta(days=rng.uniform(0.0, 30.0))
        gaps = [rng.expovariate(0.5) for _ in touches[1:]]
        times = [finish]
        for gap in reversed(gaps):
            times.append(times[-1] - timedelta(days=gap))
        out.append(SimJourney(tuple(touches), tuple(reversed(times)), converted, value))
    return JourneyWorld(channels=channels, baseline=baseline, journeys=tuple(out))
