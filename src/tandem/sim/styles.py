"""How each imitated platform behaves: audience, posting habit, metric mix and decay.

Figures are round, plausible orders of magnitude for a small brand (engagement rates of a few
per cent, Instagram above LinkedIn above X), not measurements; the simulator only needs them to
be distinct per platform so analytics have something real to find.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tandem.sim.model import ContentType, PlatformStyle


@dataclass(frozen=True)
class StyleProfile:
    key: str
    label: str
    starting_followers: tuple[int, int]
    base_engagement_rate: tuple[float, float]
    reach_per_follower: tuple[float, float]
    daily_follower_growth: tuple[float, float]
    content_mix: Mapping[ContentType, float]
    content_multipliers: Mapping[ContentType, float]
    # Shares of engagements: likes, comments, shares, saves (sums to 1).
    engagement_mix: tuple[float, float, float, float]
    # Hours for engagement to reach 63 % of its 7-day total: X decays fast, LinkedIn slowly.
    decay_hours: float
    # Relative posting frequency per local hour; hours absent here never get posts.
    posting_hours: Mapping[int, float]
    weekday_multipliers: tuple[float, ...]
    # The true best hour is drawn from here, so it always lies where the brand posts often
    # enough for analytics (and tests) to observe it.
    peak_hours: tuple[int, ...]
    hashtags: int


_OFFICE_HOURS = {
    7: 2.0, 8: 5.0, 9: 8.0, 10: 9.0, 11: 8.0, 12: 6.0, 13: 6.0, 14: 7.0,
    15: 8.0, 16: 7.0, 17: 5.0, 18: 4.0, 19: 3.0, 20: 2.0, 21: 1.0,
}  # fmt: skip
_EVENING_TILT = {
    7: 1.0, 8: 3.0, 9: 6.0, 10: 7.0, 11: 7.0, 12: 7.0, 13: 6.0, 14: 6.0,
    15: 6.0, 16: 6.0, 17: 6.0, 18: 6.0, 19: 5.0, 20: 4.0, 21: 2.0,
}  # fmt: skip

PROFILES: dict[PlatformStyle, StyleProfile] = {
    PlatformStyle.INSTAGRAM: StyleProfile(
        key="insta",
        label="Instagram style",
        starting_followers=(9_000, 15_000),
        base_engagement_rate=(0.035, 0.05),
        reach_per_follower=(0.22, 0.3),
        daily_follower_growth=(0.0025, 0.004),
        content_mix={
            ContentType.TEXT: 0.05,
            ContentType.IMAGE: 0.55,
            ContentType.VIDEO: 0.35,
            ContentType.LINK: 0.05,
        },
        content_multipliers={
            ContentType.TEXT: 0.8,
            ContentType.IMAGE: 1.1,
            ContentType.VIDEO: 1.45,
            ContentType.LINK: 0.6,
        },
        engagement_mix=(0.8, 0.06, 0.04, 0.1),
        decay_hours=8.0,
        posting_hours=_EVENING_TILT,
        weekday_multipliers=(0.95, 0.95, 1.0, 1.0, 1.05, 1.15, 1.1),
        peak_hours=(11, 12, 13, 16, 17, 18),
        hashtags=4,
    ),
    PlatformStyle.LINKEDIN: StyleProfile(
        key="linkedin",
        label="LinkedIn style",
        starting_followers=(3_000, 6_000),
        base_engagement_rate=(0.02, 0.032),
        reach_per_follower=(0.3, 0.42),
        daily_follower_growth=(0.002, 0.0035),
        content_mix={
            ContentType.TEXT: 0.35,
            ContentType.IMAGE: 0.25,
            ContentType.VIDEO: 0.1,
            ContentType.LINK: 0.3,
        },
        content_multipliers={
            ContentType.TEXT: 1.15,
            ContentType.IMAGE: 1.05,
            ContentType.VIDEO: 1.25,
            ContentType.LINK: 0.7,
        },
        engagement_mix=(0.78, 0.12, 0.1, 0.0),
        decay_hours=18.0,
        posting_hours=_OFFICE_HOURS,
        weekday_multipliers=(1.05, 1.15, 1.15, 1.1, 0.95, 0.65, 0.6),
        peak_hours=(8, 9, 10, 11),
        hashtags=3,
    ),
    PlatformStyle.X: StyleProfile(
        key="x",
        label="X style",
        starting_followers=(6_000, 11_000),
        base_engagement_rate=(0.008, 0.015),
        reach_per_follower=(0.12, 0.2),
        daily_follower_growth=(0.0012, 0.0025),
        content_mix={
            ContentType.TEXT: 0.5,
            ContentType.IMAGE: 0.2,
            ContentType.VIDEO: 0.1,
            ContentType.LINK: 0.2,
        },
        content_multipliers={
            ContentType.TEXT: 1.0,
            ContentType.IMAGE: 1.2,
            ContentType.VIDEO: 1.3,
            ContentType.LINK: 0.75,
        },
        engagement_mix=(0.72, 0.08, 0.17, 0.03),
        decay_hours=2.5,
        posting_hours=_OFFICE_HOURS,
        weekday_multipliers=(1.05, 1.05, 1.0, 1.0, 1.0, 0.9, 0.9),
        peak_hours=(9, 10, 12, 13, 14, 15),
        hashtags=1,
    ),
    PlatformStyle.BLUESKY: StyleProfile(
        key="bsky",
        label="Bluesky style",
        starting_followers=(1_000, 2_500),
        base_engagement_rate=(0.025, 0.04),
        reach_per_follower=(0.35, 0.5),
        daily_follower_growth=(0.004, 0.007),
        content_mix={
            ContentType.TEXT: 0.55,
            ContentType.IMAGE: 0.25,
            ContentType.VIDEO: 0.05,
            ContentType.LINK: 0.15,
        },
        content_multipliers={
            ContentType.TEXT: 1.1,
            ContentType.IMAGE: 1.15,
            ContentType.VIDEO: 1.0,
            ContentType.LINK: 0.8,
        },
        engagement_mix=(0.76, 0.11, 0.13, 0.0),
        decay_hours=3.5,
        posting_hours=_EVENING_TILT,
        weekday_multipliers=(1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.05),
        peak_hours=(10, 11, 14, 15, 16, 17),
        hashtags=2,
    ),
}

# Click-through per impression: links exist to be clicked; other formats get profile clicks.
CLICK_RATES: dict[ContentType, float] = {
    ContentType.TEXT: 0.002,
    ContentType.IMAGE: 0.0015,
    ContentType.VIDEO: 0.001,
    ContentType.LINK: 0.018,
}

SNAPSHOT_OFFSETS_HOURS: tuple[float, ...] = (1.0, 6.0, 24.0, 72.0, 168.0)
