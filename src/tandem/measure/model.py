"""First-party measurement, the pure part: sites, hits, touches, journeys, path rows.

No SQLAlchemy, HTTP or DuckDB here; see store.py, actions.py and journeys.py for those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class PrivacyMode(StrEnum):
    """How a site's visitors are told apart (docs/collection.md compares the two).

    COOKIELESS: a hash of a salt that changes every UTC day, the site, the user agent and
    the truncated IP address; nothing is stored on the device and a visitor becomes
    someone new each day, so journeys never cross midnight.
    CONSENT: the snippet keeps a random first-party id in localStorage, but only after the
    page told it that the visitor consented; until then it behaves as COOKIELESS.
    """

    COOKIELESS = "cookieless"
    CONSENT = "consent"


class HitKind(StrEnum):
    PAGEVIEW = "pageview"
    EVENT = "event"  # a custom event, named by the site
    CONVERSION = "conversion"
    IDENTIFY = "identify"  # the visitor is a known contact from now, and was before


class FilterReason(StrEnum):
    """Why a request was not counted as a person's; such hits are never stored."""

    USER_AGENT = "user_agent"  # a crawler, monitor or HTTP library
    NO_USER_AGENT = "no_user_agent"
    PREFETCH = "prefetch"  # Sec-Purpose/Purpose: prefetch, or a prerendered page
    HEADLESS = "headless"  # an automated browser (navigator.webdriver, Headless*)


@dataclass(frozen=True)
class Site:
    """A website that may send events: its public key and the hosts it may send from."""

    id: str
    workspace_id: str
    key: str  # public: it is in every page's HTML, like a GA measurement id
    name: str
    domains: tuple[str, ...]  # "example.com" (and its subdomains) or "shop.example.com"
    privacy: PrivacyMode
    created_at: datetime


@dataclass(frozen=True)
class Request:
    """What the collector knows of the HTTP request; built at the edge, never stored.

    The IP address is used only to compute a cookieless visitor hash, in memory.
    """

    user_agent: str | None
    ip: str | None
    origin: str | None  # the Origin header, else None
    purpose: str | None = None  # Sec-Purpose / Purpose / X-Purpose, joined
    webdriver: bool = False  # the snippet saw navigator.webdriver


@dataclass(frozen=True)
class Hit:
    """One event as a page (or the HTTP API) sent it, validated but not yet stored."""

    kind: HitKind
    url: str
    referrer: str | None = None
    name: str | None = None  # custom event or conversion name
    value: float | None = None
    currency: str | None = None
    order_id: str | None = None
    contact_key: str | None = None  # identify: the site's own id for the person
    visitor: str | None = None  # consented first-party id from the snippet
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Traffic:
    """Where a landing came from, GA4 style: source / medium / campaign and the channel."""

    source: str
    medium: str
    channel: str
    campaign: str | None = None
    content: str | None = None
    term: str | None = None


@dataclass(frozen=True)
class Accepted:
    """The collector's answer: events stored, dropped as bots, and repeats of an order."""

    stored: int = 0
    filtered: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class Conversion:
    """A conversion recorded server-side (API or CSV import), idempotent by order id."""

    event_id: str
    workspace_id: str
    order_id: str
    name: str
    value: float | None
    currency: str | None
    occurred_at: datetime
    contact_id: str | None
    visitor_id: str | None


@dataclass(frozen=True)
class ConversionIn:
    """A conversion as sent to the API or read from one CSV row."""

    order_id: str
    occurred_at: datetime
    value: float | None = None
    currency: str | None = None
    name: str = "purchase"
    contact_key: str | None = None
    visitor_id: str | None = None


@dataclass(frozen=True)
class RowError:
    row: int  # 1 = the first data row, as spreadsheets number them after the header
    field: str | None
    message: str


@dataclass(frozen=True)
class ImportResult:
    imported: int
    duplicates: int
    errors: list[RowError]
    stored: bool  # False when all-or-nothing refused the file


@dataclass(frozen=True)
class Touch:
    """One marketing touch in a journey: a landing (or tracked-link visit) with its channel."""

    at: datetime
    channel: str
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class Journey:
    """The touches of one person before one conversion, or before the window's end."""

    person: str  # the contact id when stitched, else the visitor id
    touches: tuple[Touch, ...]
    converted: bool
    value: float
    ends_at: datetime  # the conversion's time, or the last touch's
    currency: str | None = None  # the conversion value's currency (None: no value)

    @property
    def path(self) -> str:
        return " > ".join(t.channel for t in self.touches)


@dataclass(frozen=True)
class PathRow:
    """One row of a ChannelAttribution path table (one distinct path)."""

    path: str
    total_conversions: int
    total_conversion_value: float
    total_null: int
