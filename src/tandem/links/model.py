"""Tracked links, their UTM tags and their clicks: the pure part (no SQLAlchemy, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from tandem.core import InvalidInput

SHORT_PATH = "/l/"


class Platform(StrEnum):
    """Where a link is shared; each has one fixed utm_source/utm_medium (see CHANNELS)."""

    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"
    X = "x"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    THREADS = "threads"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    PINTEREST = "pinterest"
    REDDIT = "reddit"
    GOOGLE_BUSINESS = "google_business"


@dataclass(frozen=True)
class Channel:
    """The utm_source/utm_medium pair of a platform and the GA4 channel it lands in."""

    label: str
    source: str
    medium: str
    ga4_channel: str


# GA4 default channel group (https://support.google.com/analytics/answer/9756891), rules
# evaluated top-down, first match wins:
#   Organic Social: source on Google's list of social sites, OR medium matches
#     ^(social|social-network|social-media|sm|social network|social media)$
#   Organic Search: source on Google's list of search sites, OR medium exactly "organic"
# Organic Social is evaluated before Organic Video, so medium "social" puts YouTube and TikTok
# in Organic Social even when GA4 lists the source as a video site. Mastodon and Bluesky are
# not on Google's lists; the medium alone classifies them. A Google Business Profile link is
# local search: google / organic lands in Organic Search, next to the listing's other visits.
# Campaign names containing "shop"/"shopping" or "cross-network" are claimed by earlier
# rules (Organic Shopping, Cross-network) whatever the medium; the user docs warn about it.
_SOCIAL = "Organic Social"
CHANNELS: dict[Platform, Channel] = {
    Platform.INSTAGRAM: Channel("Instagram", "instagram", "social", _SOCIAL),
    Platform.FACEBOOK: Channel("Facebook", "facebook", "social", _SOCIAL),
    Platform.LINKEDIN: Channel("LinkedIn", "linkedin", "social", _SOCIAL),
    Platform.X: Channel("X (Twitter)", "x", "social", _SOCIAL),
    Platform.BLUESKY: Channel("Bluesky", "bluesky", "social", _SOCIAL),
    Platform.MASTODON: Channel("Mastodon", "mastodon", "social", _SOCIAL),
    Platform.THREADS: Channel("Threads", "threads", "social", _SOCIAL),
    Platform.TIKTOK: Channel("TikTok", "tiktok", "social", _SOCIAL),
    Platform.YOUTUBE: Channel("YouTube", "youtube", "social", _SOCIAL),
    Platform.PINTEREST: Channel("Pinterest", "pinterest", "social", _SOCIAL),
    Platform.REDDIT: Channel("Reddit", "reddit", "social", _SOCIAL),
    Platform.GOOGLE_BUSINESS: Channel(
        "Google Business Profile", "google", "organic", "Organic Search"
    ),
}

# Other names people (and connectors) use for the same platforms.
ALIASES: dict[str, Platform] = {
    "twitter": Platform.X,
    "twitter.com": Platform.X,
    "x.com": Platform.X,
    "bsky": Platform.BLUESKY,
    "bsky.app": Platform.BLUESKY,
    "ig": Platform.INSTAGRAM,
    "fb": Platform.FACEBOOK,
    "google": Platform.GOOGLE_BUSINESS,
    "gbp": Platform.GOOGLE_BUSINESS,
    "google_business_profile": Platform.GOOGLE_BUSINESS,
}


def parse_platform(value: str | Platform) -> Platform:
    if isinstance(value, Platform):
        return value
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return ALIASES.get(key) or Platform(key)
    except ValueError:
        choices = ", ".join(p.value for p in Platform)
        raise InvalidInput(
            f"Unknown platform {value!r}; choose one of {choices}.", field="platform"
        ) from None


@dataclass(frozen=True)
class UtmTags:
    source: str
    medium: str
    campaign: str
    content: str | None = None
    term: str | None = None

    def as_params(self) -> list[tuple[str, str]]:
        """The query parameters, in the order GA4's URL builder writes them."""
        pairs = [
            ("utm_source", self.source),
            ("utm_medium", self.medium),
            ("utm_campaign", self.campaign),
            ("utm_content", self.content),
            ("utm_term", self.term),
        ]
        return [(k, v) for k, v in pairs if v]


@dataclass(frozen=True)
class TrackedUrl:
    """A destination with its UTM tags: what the builder shows before anything is saved."""

    url: str
    tags: UtmTags
    platform: Platform
    channel: str


@dataclass(frozen=True)
class TrackedLink:
    id: str
    workspace_id: str
    code: str
    destination: str  # the full tracked URL the short link redirects to
    platform: Platform
    source: str
    medium: str
    campaign_key: str  # as the campaign names it; `campaign` is its utm_campaign value
    campaign: str
    content: str | None
    term: str | None
    variant_id: str | None
    created_by: str | None
    created_at: datetime

    @property
    def short_path(self) -> str:
        return SHORT_PATH + self.code


def short_url(base_url: str, code: str) -> str:
    return base_url.rstrip("/") + SHORT_PATH + code


class BotReason(StrEnum):
    USER_AGENT = "user_agent"  # a crawler, link-preview fetcher or HTTP library
    NO_USER_AGENT = "no_user_agent"
    PREFETCH = "prefetch"  # the browser fetched ahead of a click that may never happen
    HEAD = "head"  # HEAD asks whether the link works; no person follows it


@dataclass(frozen=True)
class Visit:
    """What the redirect knows about one request; built at the edge, never holds an IP."""

    method: str
    user_agent: str | None
    referrer: str | None
    purpose: str | None = None  # `Sec-Purpose`, `Purpose` or `X-Purpose` header


@dataclass(frozen=True)
class Click:
    id: str
    link_id: str
    workspace_id: str
    at: datetime
    is_bot: bool
    bot_reason: BotReason | None
    referrer_host: str | None
    ua_family: str
    shipped_at: datetime | None


@dataclass(frozen=True)
class DayCount:
    day: date
    clicks: int  # by people
    bots: int


@dataclass(frozen=True)
class ClickCounts:
    total: int
    human: int
    bots: int
    by_day: list[DayCount] = field(default_factory=list)


@dataclass(frozen=True)
class LinkStats:
    link: TrackedLink
    clicks: int  # by people: bots and prefetches excluded


LINK_SORTS = ("created_at", "clicks", "campaign_key", "destination")


@dataclass(frozen=True)
class LinkQuery:
    campaign_key: str | None = None
    sort: str = "created_at"
    descending: bool = True
    limit: int = 25
    offset: int = 0

    def __post_init__(self) -> None:
        if self.sort not in LINK_SORTS:
            raise InvalidInput(
                f"sort must be one of {', '.join(LINK_SORTS)}.", field="sort"
            )
