"""How a Sandbox post's numbers grow: deterministic functions of its age, the account's
audience and a per-post quality draw, so reading a post at time T always gives the same
cumulative figures and tests can assert exact growth.

The shape follows what real posts show: most engagement in the first hours, a long tail
that saturates over two to three days (a mix of a 4 h and a 24 h exponential), nothing new
after `HORIZON`. Rates are of the order organic posts show: impressions around a third of
the audience, a few percent of them engaging, and a rare post that travels further.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

HOUR = 3600.0
DAY = 24 * HOUR
HORIZON = timedelta(days=7)  # a post older than this gets no new engagement
_FAST, _SLOW, _FAST_WEIGHT = 4 * HOUR, 24 * HOUR, 0.7
FOLLOWER_GROWTH_PER_DAY = 0.004  # 0.4 % a day: slow, but visible over a month


def rng_for(*key: object) -> random.Random:
    """A random stream named by `key`, the same in every process and on every run
    (Python's str hashing is salted per process, so the name is digested explicitly)."""
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _raw(age: float) -> float:
    return 1.0 - (
        _FAST_WEIGHT * math.exp(-age / _FAST)
        + (1 - _FAST_WEIGHT) * math.exp(-age / _SLOW)
    )


_RAW_AT_HORIZON = _raw(HORIZON.total_seconds())


def progress(age_seconds: float) -> float:
    """The share (0..1) of a post's final engagement it has at this age."""
    if age_seconds <= 0:
        return 0.0
    return _raw(min(age_seconds, HORIZON.total_seconds())) / _RAW_AT_HORIZON


def age_at(share: float) -> float:
    """The age in seconds at which `progress` reaches `share` (inverse, by bisection)."""
    low, high = 0.0, HORIZON.total_seconds()
    if share >= 1.0:
        return high
    for _ in range(50):  # 7 days / 2**50: far below a microsecond
        middle = (low + high) / 2
        if progress(middle) < share:
            low = middle
        else:
            high = middle
    return high


@dataclass(frozen=True)
class PostTotals:
    """What a post will have reached at `HORIZON` (comments as an expected count)."""

    impressions: float
    reach: float
    likes: float
    shares: float
    saves: float
    clicks: float
    comments: float


def totals(post_id: str, followers: int) -> PostTotals:
    """The post's final figures: its audience times a quality draw seeded by its id."""
    rng = rng_for("post-totals", post_id)
    quality = rng.lognormvariate(0.0, 0.5)
    if rng.random() < 0.03:  # the occasional post that travels beyond the audience
        quality *= 5
    impressions = max(followers, 1) * 0.3 * quality
    likes = impressions * rng.uniform(0.02, 0.05) * math.sqrt(quality)
    return PostTotals(
        impressions=impressions,
        reach=impressions * rng.uniform(0.6, 0.85),
        likes=likes,
        shares=likes * rng.uniform(0.05, 0.15),
        saves=likes * rng.uniform(0.05, 0.2),
        clicks=impressions * rng.uniform(0.005, 0.02),
        comments=likes * rng.uniform(0.1, 0.25),
    )


@dataclass(frozen=True)
class PostFigures:
    impressions: int
    reach: int
    likes: int
    shares: int
    saves: int
    clicks: int


def figures_at(
    post_id: str, followers: int, created_at: datetime, at: datetime
) -> PostFigures:
    """Cumulative figures at `at` (zero before the post exists). Comments are counted from
    the post's real thread instead, so the two never disagree."""
    final = totals(post_id, followers)
    share = progress((at - created_at).total_seconds())
    return PostFigures(
        impressions=math.floor(final.impressions * share),
        reach=math.floor(final.reach * share),
        likes=math.floor(final.likes * share),
        shares=math.floor(final.shares * share),
        saves=math.floor(final.saves * share),
        clicks=math.floor(final.clicks * share),
    )


def followers_at(base: int, since: datetime, at: datetime) -> int:
    """An account's followers: `base` when first seen, growing slowly and steadily."""
    days = max(0.0, (at - since).total_seconds() / DAY)
    return base + math.floor(base * FOLLOWER_GROWTH_PER_DAY * days)


def following(handle: str) -> int:
    return 40 + rng_for("following", handle).randrange(460)
