"""Social accounts and published posts: the pure part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# The Sandbox's own limits copy Mastodon's (connectors/sandbox/rules.py): a Sandbox account
# that imitates no platform is counted as Mastodon counts.
SANDBOX_RULES = "mastodon"


def rules_platform_of(platform: str, imitates: str | None) -> str:
    if imitates:
        return imitates
    return SANDBOX_RULES if platform == "sandbox" else platform


class AccountHealth(StrEnum):
    OK = "ok"
    TOKEN_EXPIRING = "token_expiring"
    RATE_LIMITED = "rate_limited"
    NEEDS_RECONNECT = "needs_reconnect"


@dataclass(frozen=True)
class SocialAccount:
    id: str
    workspace_id: str
    platform: str
    handle: str
    display_name: str
    health: AccountHealth
    health_message: str
    followers: int
    timezone: str | None
    created_at: datetime
    imitates: str | None = None

    @property
    def rules_platform(self) -> str:
        """The platform whose counting and limits apply (Sandbox accounts imitate one)."""
        return rules_platform_of(self.platform, self.imitates)


@dataclass(frozen=True)
class PublishedPost:
    id: str
    workspace_id: str
    account_id: str
    platform_post_id: str
    url: str
    text: str
    content_type: str
    published_at: datetime


@dataclass(frozen=True)
class PostPerformance:
    """A post with its latest metric snapshot."""

    post: PublishedPost
    account_handle: str
    impressions: int
    reach: int
    likes: int
    comments: int
    shares: int
    saves: int
    clicks: int

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares + self.saves

    @property
    def engagement_rate(self) -> float | None:
        """Engagements per impression; None when there were no impressions."""
        return self.engagements / self.impressions if self.impressions else None
