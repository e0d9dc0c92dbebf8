"""Drawing the hidden parameters (the ground truth) of one simulated account."""

from __future__ import annotations

import math
import random

from tandem.sim.model import AccountTruth, ContentType
from tandem.sim.sampling import between
from tandem.sim.styles import CLICK_RATES, StyleProfile

# The curve never drops below ~0.55x nor peaks above ~1.7x: a three-fold spread between the
# worst and best hour is strong enough to find in 90 days of posts, yet not cartoonish.
_FLOOR = (0.5, 0.6)
_PEAK_GAIN = (0.95, 1.1)
_PEAK_WIDTH = (1.8, 2.6)
_SECOND_GAIN = (0.2, 0.4)
_SECOND_WIDTH = 1.5
# A secondary bump this far from the peak cannot lift a neighbour of the peak above it.
_SECOND_MIN_DISTANCE = 5


def _hour_distance(a: int, b: int) -> int:
    d = abs(a - b) % 24
    return min(d, 24 - d)


def _bump(hour: int, centre: int, gain: float, width: float) -> float:
    d = _hour_distance(hour, centre)
    return gain * math.exp(-(d * d) / (2.0 * width * width))


def hour_curve(rng: random.Random, profile: StyleProfile) -> tuple[float, ...]:
    """24 multipliers (local hours) with one peak in `profile.peak_hours` and a smaller bump."""
    peak = rng.choice(profile.peak_hours)
    far = [
        h
        for h in sorted(profile.posting_hours)
        if _hour_distance(h, peak) >= _SECOND_MIN_DISTANCE
    ]
    second = rng.choice(far)
    floor, gain, width = (
        between(rng, _FLOOR),
        between(rng, _PEAK_GAIN),
        between(rng, _PEAK_WIDTH),
    )
    second_gain = gain * between(rng, _SECOND_GAIN)
    return tuple(
        round(
            floor
            + _bump(h, peak, gain, width)
            + _bump(h, second, second_gain, _SECOND_WIDTH),
            3,
        )
        for h in range(24)
    )


def _jitter(rng: random.Random, value: float, spread: float) -> float:
    return round(value * rng.uniform(1.0 - spread, 1.0 + spread), 3)


def draw_account_truth(
    rng: random.Random, account_key: str, profile: StyleProfile
) -> AccountTruth:
    growth = between(rng, profile.daily_follower_growth)
    return AccountTruth(
        account_key=account_key,
        base_engagement_rate=round(between(rng, profile.base_engagement_rate), 4),
        hour_multipliers=hour_curve(rng, profile),
        weekday_multipliers=tuple(
            _jitter(rng, m, 0.05) for m in profile.weekday_multipliers
        ),
        content_multipliers={
            c: _jitter(rng, profile.content_multipliers[c], 0.08) for c in ContentType
        },
        click_rates={
            c: round(CLICK_RATES[c] * rng.uniform(0.8, 1.2), 5) for c in ContentType
        },
        reach_per_follower=round(between(rng, profile.reach_per_follower), 3),
        daily_follower_growth=round(growth, 5),
        daily_follower_churn=round(growth * rng.uniform(0.25, 0.45), 5),
    )
