"""What the simulator produces: a brand's world and the ground truth it was drawn from.

Pure and immutable: frozen dataclasses and tuples, so two worlds compare (and print) equal
exactly when they were generated from the same seed and `now`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from tandem.accounts import Role


class ContentType(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    VIDEO = "video"
    LINK = "link"


class PlatformStyle(StrEnum):
    """The real platform a Sandbox account imitates (audience size, rhythm, metric mix)."""

    INSTAGRAM = "instagram"
    LINKEDIN = "linkedin"
    X = "x"
    BLUESKY = "bluesky"


@dataclass(frozen=True)
class Brand:
    name: str
    organisation_name: str
    timezone: str
    website: str


@dataclass(frozen=True)
class TeamMember:
    role: Role
    name: str
    email: str


@dataclass(frozen=True)
class DailyFollowers:
    """Followers at the end of `day`, a calendar day in the brand's time zone."""

    day: date
    followers: int


@dataclass(frozen=True)
class SimAccount:
    key: str
    platform: str
    style: PlatformStyle
    handle: str
    display_name: str
    created_at: datetime
    starting_followers: int
    followers: tuple[DailyFollowers, ...]

    @property
    def current_followers(self) -> int:
        return (
            self.followers[-1].followers if self.followers else self.starting_followers
        )


@dataclass(frozen=True)
class MetricSnapshot:
    """A post's cumulative metrics as a metrics pull at `at` would have seen them."""

    at: datetime
    impressions: int
    reach: int
    likes: int
    comments: int
    shares: int
    saves: int
    clicks: int
    is_latest: bool

    @property
    def engagements(self) -> int:
        # Same definition as tandem.publish.PostPerformance, so validation compares like with like.
        return self.likes + self.comments + self.shares + self.saves

    @property
    def engagement_rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None


@dataclass(frozen=True)
class SimPost:
    account_key: str
    number: int
    platform_post_id: str
    url: str
    text: str
    content_type: ContentType
    published_at: datetime
    snapshots: tuple[MetricSnapshot, ...]

    @property
    def latest(self) -> MetricSnapshot:
        return self.snapshots[-1]


@dataclass(frozen=True)
class AccountTruth:
    """The hidden parameters one account's metrics were drawn from.

    A post's expected engagement rate (engagements per impression) is
    `base_engagement_rate * hour_multipliers[h] * weekday_multipliers[d] * content_multipliers[c]`
    with `h` and `d` the local hour and weekday (Monday = 0) in `GroundTruth.timezone`; each
    post then carries its own mean-one noise, so single posts scatter around that value.
    """

    account_key: str
    base_engagement_rate: float
    hour_multipliers: tuple[float, ...]
    weekday_multipliers: tuple[float, ...]
    content_multipliers: Mapping[ContentType, float]
    click_rates: Mapping[ContentType, float]
    reach_per_follower: float
    daily_follower_growth: float
    daily_follower_churn: float

    @property
    def best_hour(self) -> int:
        """The local hour with the highest multiplier (unique by construction)."""
        return max(range(24), key=self.hour_multipliers.__getitem__)

    @property
    def best_weekday(self) -> int:
        return max(range(7), key=self.weekday_multipliers.__getitem__)

    @property
    def best_content_type(self) -> ContentType:
        return max(ContentType, key=lambda c: self.content_multipliers[c])

    def expected_engagement_rate(
        self, content_type: ContentType, hour: int, weekday: int
    ) -> float:
        return (
            self.base_engagement_rate
            * self.hour_multipliers[hour]
            * self.weekday_multipliers[weekday]
            * self.content_multipliers[content_type]
        )


@dataclass(frozen=True)
class GroundTruth:
    timezone: str
    accounts: tuple[AccountTruth, ...]

    def of(self, account_key: str) -> AccountTruth:
        for truth in self.accounts:
            if truth.account_key == account_key:
                return truth
        raise KeyError(account_key)

    @property
    def best_hours(self) -> dict[str, int]:
        return {t.account_key: t.best_hour for t in self.accounts}


@dataclass(frozen=True)
class SimWorld:
    seed: int
    now: datetime
    days: int
    brand: Brand
    team: tuple[TeamMember, ...]
    accounts: tuple[SimAccount, ...]
    posts: tuple[SimPost, ...]
    truth: GroundTruth

    def member(self, role: Role) -> TeamMember:
        return next(m for m in self.team if m.role is role)

    def account(self, key: str) -> SimAccount:
        for account in self.accounts:
            if account.key == key:
                return account
        raise KeyError(key)

    def posts_of(self, account_key: str) -> tuple[SimPost, ...]:
        return tuple(p for p in self.posts if p.account_key == account_key)
