"""Watched feeds and the items seen in them: the pure part (no SQLAlchemy, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Mode(StrEnum):
    """What a new feed item becomes."""

    DRAFT = "draft"  # a draft brief with one variant per account, for review
    QUEUE = "queue"  # approved variants in each account's next free queue slot

    @property
    def label(self) -> str:
        return {
            Mode.DRAFT: "Create drafts for review",
            Mode.QUEUE: "Approve and add to the queue",
        }[self]


class ItemStatus(StrEnum):
    """Why an item seen in a feed did or did not become a post. Every seen item keeps a row,
    so an entry that comes back (re-ordered, edited, re-published) is recognised."""

    BASELINE = "baseline"  # already in the feed when it was added
    OLD = "old"  # published before the feed was added
    FILTERED = "filtered"  # left out by the keyword filter
    DRAFTED = "drafted"
    QUEUED = "queued"
    SKIPPED = "skipped"  # could not become a post; `note` says why

    @property
    def label(self) -> str:
        return {
            ItemStatus.BASELINE: "Already in the feed when it was added",
            ItemStatus.OLD: "Published before the feed was added",
            ItemStatus.FILTERED: "Left out by the filter",
            ItemStatus.DRAFTED: "Draft created",
            ItemStatus.QUEUED: "Queued",
            ItemStatus.SKIPPED: "Skipped",
        }[self]


DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link}\n\n{hashtags}"
TEMPLATE_FIELDS = ("title", "link", "summary", "author", "hashtags")


@dataclass(frozen=True)
class FeedInput:
    """What a person sets on a watched feed (the web form, the API and the CLI share it)."""

    url: str
    account_ids: tuple[str, ...]
    name: str = ""
    template: str = DEFAULT_TEMPLATE
    mode: Mode = Mode.DRAFT
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    only_new: bool = True
    campaign_key: str = ""
    interval_minutes: int = 30
    active: bool = True


@dataclass(frozen=True)
class Feed:
    id: str
    workspace_id: str
    name: str
    url: str
    account_ids: tuple[str, ...]
    template: str
    mode: Mode
    include_keywords: tuple[str, ...]
    exclude_keywords: tuple[str, ...]
    only_new: bool
    campaign_key: str
    interval_minutes: int
    active: bool
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime
    failures: int
    last_error: str
    baseline_done: bool

    @property
    def healthy(self) -> bool:
        return not self.last_error


@dataclass(frozen=True)
class FeedItem:
    id: str
    feed_id: str
    key: str
    title: str
    link: str
    published_at: datetime | None
    status: ItemStatus
    note: str
    brief_ids: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class Entry:
    """One entry of a parsed feed, reduced to what a post needs. `key` identifies it across
    polls: the entry's id/guid, else its link, else a hash of its title and date."""

    key: str
    title: str
    link: str
    summary: str
    author: str
    categories: tuple[str, ...]
    published_at: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]
    warning: str = ""  # the feed had errors that were recovered from


@dataclass(frozen=True)
class PollResult:
    """What one poll did, for the feed page, the API and the CLI."""

    feed_id: str
    fetched: bool  # False when the server answered 304 Not Modified
    seen: int = 0
    created: tuple[str, ...] = ()  # item ids that became drafts or queued posts
    error: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
