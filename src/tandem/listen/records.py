"""What the listening product stores: tracked topics, sources, mentions, alerts, notes.

Pure dataclasses (the rows are in `store.py`, the library's values in `model.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tandem.listen.topics import Topic, TopicKind


class SourceKind(StrEnum):
    FEED = "feed"  # an RSS/Atom feed (news, blogs, forums)
    SEARCH = "search"  # a connected account's public search, run for every topic


class AlertKind(StrEnum):
    SPIKE = "spike"
    EMERGING = "emerging"
    SENTIMENT_DROP = "sentiment_drop"


@dataclass(frozen=True)
class TrackedTopic:
    id: str
    workspace_id: str
    name: str
    kind: TopicKind
    query: str
    languages: tuple[str, ...]
    platforms: tuple[str, ...]
    created_at: datetime

    def topic(self) -> Topic:
        """The library's Topic (the query was validated when it was saved)."""
        return Topic.parse(
            self.name,
            self.query,
            kind=self.kind,
            languages=frozenset(self.languages),
            platforms=frozenset(self.platforms),
        )


@dataclass(frozen=True)
class TopicInput:
    name: str
    query: str
    kind: str = TopicKind.BRAND.value
    languages: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    workspace_id: str
    kind: SourceKind
    name: str
    url: str  # feeds
    account_id: str | None  # searches
    active: bool
    last_polled_at: datetime | None
    last_error: str
    collected: int
    created_at: datetime


@dataclass(frozen=True)
class SourceInput:
    kind: str
    name: str = ""
    url: str = ""
    account_id: str = ""
    active: bool = True


@dataclass(frozen=True)
class MentionInput:
    """One mention from any source, before it is stored. `created_at` is timezone-aware."""

    text: str
    created_at: datetime
    platform: str = ""
    platform_id: str = ""
    url: str = ""
    author: str = ""
    author_followers: int | None = None
    language: str = ""  # from the source when it says; triage decides otherwise


@dataclass(frozen=True)
class StoredMention:
    id: str
    source: str  # "feed", "search", "csv", "sim"
    platform: str
    platform_id: str
    url: str
    author: str
    author_followers: int | None
    text: str
    language: str
    sentiment: float
    intent: str
    created_at: datetime
    collected_at: datetime
    topic_ids: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class IngestResult:
    received: int
    stored: int
    duplicates: int
    matched: int  # stored mentions that match at least one topic


@dataclass(frozen=True)
class Alert:
    id: str
    kind: AlertKind
    title: str
    body: str
    url: str
    created_at: datetime


@dataclass(frozen=True)
class CampaignNote:
    id: str
    campaign_id: str
    trend_label: str
    note: str
    created_at: datetime
