"""An account's audience over time, its posting calendar and each post's engagement history."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tandem.sim.content import post_text
from tandem.sim.model import (
    AccountTruth,
    ContentType,
    DailyFollowers,
    MetricSnapshot,
    PlatformStyle,
    SimPost,
)
from tandem.sim.sampling import binomial, noise, poisson
from tandem.sim.styles import SNAPSHOT_OFFSETS_HOURS, StyleProfile

SANDBOX_URL = "https://sandbox.tandem.test"
POSTS_PER_DAY = (1, 2, 3)
_POSTS_PER_DAY_WEIGHTS = (3.0, 5.0, 2.0)
# A post's own appeal (copy, image, luck) around the truth; sigma 0.25 keeps single posts
# believable while leaving the hour and content effects visible in a few dozen posts.
_POST_NOISE = 0.25
_IMPRESSION_NOISE = 0.35
_VIRAL_CHANCE = 0.02
_FINAL_HOURS = SNAPSHOT_OFFSETS_HOURS[-1]


def local_days(now: datetime, days: int, zone: ZoneInfo) -> tuple[date, ...]:
    """The last `days` calendar days in `zone`, today (possibly still running) last."""
    today = now.astimezone(zone).date()
    return tuple(today - timedelta(days=days - 1 - i) for i in range(days))


def follower_series(
    rng: random.Random, truth: AccountTruth, starting: int, days: tuple[date, ...]
) -> tuple[DailyFollowers, ...]:
    series, followers = [], starting
    for day in days:
        gained = poisson(rng, followers * truth.daily_follower_growth)
        lost = poisson(rng, followers * truth.daily_follower_churn)
        followers = max(0, followers + gained - lost)
        series.append(DailyFollowers(day, followers))
    return tuple(series)


@dataclass(frozen=True)
class _Slot:
    published_at: datetime
    day_index: int
    hour: int
    weekday: int
    content_type: ContentType


def _minute_and_second(rng: random.Random) -> tuple[int, int]:
    # Scheduled posts go out on the quarter hour; the rest are posted by hand.
    if rng.random() < 0.6:
        return rng.choice((0, 15, 30, 45)), 0
    return rng.randrange(60), rng.randrange(60)


def calendar(
    rng: random.Random,
    profile: StyleProfile,
    days: tuple[date, ...],
    zone: ZoneInfo,
    now: datetime,
) -> list[_Slot]:
    hours = sorted(profile.posting_hours)
    hour_weights = [profile.posting_hours[h] for h in hours]
    types = list(profile.content_mix)
    type_weights = [profile.content_mix[t] for t in types]
    slots = []
    for index, day in enumerate(days):
        (count,) = rng.choices(POSTS_PER_DAY, weights=_POSTS_PER_DAY_WEIGHTS)
        for hour in rng.choices(hours, weights=hour_weights, k=count):
            minute, second = _minute_and_second(rng)
            (content_type,) = rng.choices(types, weights=type_weights)
            local = datetime.combine(day, time(hour, minute, second), tzinfo=zone)
            published_at = local.astimezone(UTC)
            if published_at < now:
                slots.append(
                    _Slot(published_at, index, hour, local.weekday(), content_type)
                )
    slots.sort(key=lambda s: s.published_at)
    return slots


@dataclass(frozen=True)
class _Totals:
    """What a post has gathered after seven days, the horizon of the last snapshot."""

    impressions: int
    reach: int
    likes: int
    comments: int
    shares: int
    saves: int
    clicks: int


def _totals(
    rng: random.Random,
    truth: AccountTruth,
    profile: StyleProfile,
    slot: _Slot,
    followers: int,
) -> _Totals:
    audience = followers * truth.reach_per_follower * noise(rng, _IMPRESSION_NOISE)
    if rng.random() < _VIRAL_CHANCE:
        audience *= rng.uniform(3.0, 6.0)
    impressions = poisson(rng, audience)
    rate = truth.expected_engagement_rate(slot.content_type, slot.hour, slot.weekday)
    engagements = impressions * rate * noise(rng, _POST_NOISE)
    likes, comments, shares, saves = (
        poisson(rng, engagements * share) for share in profile.engagement_mix
    )
    clicks = poisson(
        rng, impressions * truth.click_rates[slot.content_type] * noise(rng, 0.3)
    )
    reach = binomial(rng, impressions, rng.uniform(0.72, 0.9))
    return _Totals(impressions, reach, likes, comments, shares, saves, clicks)


def _snapshots(
    totals: _Totals, published_at: datetime, now: datetime, decay_hours: float
) -> tuple[MetricSnapshot, ...]:
    """Cumulative pulls at +1h, +6h, +1d, +3d, +7d; a young post's last pull is at `now`.

    One saturating curve per post scales every metric, so rounding keeps each series
    non-decreasing and the engagement rate stable while a post matures.
    """
    horizon = 1.0 - math.exp(-_FINAL_HOURS / decay_hours)
    age_hours = (now - published_at).total_seconds() / 3600.0
    points: list[tuple[datetime, float]] = []
    for offset in SNAPSHOT_OFFSETS_HOURS:
        if offset >= age_hours:
            points.append((now, age_hours))
            break
        points.append((published_at + timedelta(hours=offset), offset))
    out = []
    for i, (at, hours) in enumerate(points):
        f = (1.0 - math.exp(-hours / decay_hours)) / horizon
        out.append(
            MetricSnapshot(
                at=at,
                impressions=round(totals.impressions * f),
                reach=round(totals.reach * f),
                likes=round(totals.likes * f),
                comments=round(totals.comments * f),
                shares=round(totals.shares * f),
                saves=round(totals.saves * f),
                clicks=round(totals.clicks * f),
                is_latest=i == len(points) - 1,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class AccountStreams:
    """Separate generators, so changing one model (say, metrics) keeps the calendar intact."""

    calendar: random.Random
    text: random.Random
    metrics: random.Random


def account_posts(
    streams: AccountStreams,
    *,
    account_key: str,
    handle: str,
    style: PlatformStyle,
    profile: StyleProfile,
    truth: AccountTruth,
    starting_followers: int,
    followers: tuple[DailyFollowers, ...],
    zone: ZoneInfo,
    now: datetime,
    website: str,
) -> list[SimPost]:
    days = tuple(d.day for d in followers)
    posts = []
    for number, slot in enumerate(
        calendar(streams.calendar, profile, days, zone, now), start=1
    ):
        # Reach follows the audience at the start of the publishing day.
        audience = (
            followers[slot.day_index - 1].followers
            if slot.day_index
            else starting_followers
        )
        totals = _totals(streams.metrics, truth, profile, slot, audience)
        decay = profile.decay_hours * noise(streams.metrics, 0.3)
        posts.append(
            SimPost(
                account_key=account_key,
                number=number,
                platform_post_id=str(number),
                url=f"{SANDBOX_URL}/{handle}/{number}",
                text=post_text(
                    streams.text, style, slot.content_type, profile.hashtags, website
                ),
                content_type=slot.content_type,
                published_at=slot.published_at,
                snapshots=_snapshots(totals, slot.published_at, now, decay),
            )
        )
    return posts
