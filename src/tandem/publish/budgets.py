"""Publish budgets: how many posts of one account, and of one platform, may be on their way at
once, and how many publish calls one account may make per rolling window.

Platforms refuse posts over their limits (and some suspend apps that keep trying), so Tandem
spends each account's budget itself instead of learning it from 429s. Every figure is read
from the database — live leases of `publications` (in flight) and `publish_attempts` (calls
made) — so the budgets hold across any number of workers on any number of machines. A
candidate over budget is never failed: it waits (its `next_attempt_at` moves to when the
budget frees) and says why on the publication. claims.py applies them while claiming.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from tandem.publish.ledger import PublicationRow, PublicationState, PublishAttemptRow
from tandem.publish.model import AccountHealth
from tandem.publish.store import SocialAccountRow

S = PublicationState
# A live lease in one of these states is a post on its way to the platform.
IN_FLIGHT = (S.PUBLISHING, S.OUTCOME_UNKNOWN)
# error_kind of a publication put back after an HTTP 429; its next_attempt_at (the platform's
# Retry-After, or our backoff) pauses the whole account until then.
RATE_LIMITED = "rate_limited"
WAITING = "waiting"  # error_kind of a publication deferred by a budget


@dataclass(frozen=True)
class Window:
    """At most `posts` publish calls per account in any rolling `period`."""

    posts: int
    period: timedelta

    def describe(self) -> str:
        seconds = int(self.period.total_seconds())
        if seconds % 3600 == 0:
            span = f"{seconds // 3600} h"
        elif seconds % 60 == 0:
            span = f"{seconds // 60} min"
        else:
            span = f"{seconds} s"
        noun = "post" if self.posts == 1 else "posts"
        return f"{self.posts} {noun} per {span}"


@dataclass(frozen=True)
class PlatformBudget:
    windows: tuple[Window, ...] = ()  # per account
    in_flight: int | None = None  # across every account of the platform; None: no cap


HOUR, DAY = timedelta(hours=1), timedelta(hours=24)

# X, POST /2/tweets, per user (https://docs.x.com/x-api/fundamentals/rate-limits): Free 17
# per 24 h, Basic 100 per 24 h, Pro 100 per 15 min. The tier is a setting (publish_x_tier).
X_TIERS: dict[str, tuple[Window, ...]] = {
    "free": (Window(17, DAY),),
    "basic": (Window(100, DAY),),
    "pro": (Window(100, timedelta(minutes=15)),),
}

# Per-account windows, each with its source. In-flight caps per platform are ours: they keep
# one Tandem from spending a shared app quota in a burst (8 posts on their way at once).
DEFAULTS: dict[str, PlatformBudget] = {
    # content_publishing_limit: 100 API-published posts per 24 h moving period, a carousel
    # counting once (https://developers.facebook.com/docs/instagram-platform/content-publishing;
    # older pages say 25 or 50: lower it if GET /{ig-user-id}/content_publishing_limit does).
    "instagram": PlatformBudget((Window(100, DAY),), 8),
    # 250 API-published posts per 24 h moving period
    # (https://developers.facebook.com/docs/threads/overview#rate-limiting).
    "threads": PlatformBudget((Window(250, DAY),), 8),
    "x": PlatformBudget(X_TIERS["basic"], 8),
    # 5,000 points per hour and 35,000 per day per account, a created record costing 3
    # points: 1,666 records per hour, 11,666 per day
    # (https://docs.bsky.app/docs/advanced-guides/rate-limits). A thread is several records
    # but one call here, so threads of many parts can still reach the PDS's own limit (429).
    "bluesky": PlatformBudget((Window(1666, HOUR), Window(11666, DAY)), 8),
    # 300 requests per 5 minutes per account, every endpoint together
    # (https://docs.joinmastodon.org/api/rate-limits/). Per instance, so no shared cap.
    "mastodon": PlatformBudget((Window(300, timedelta(minutes=5)),), None),
    # LinkedIn does not publish its standard limits (they show on the app's Analytics tab in
    # the Developer Portal, https://learn.microsoft.com/linkedin/shared/api-guide/concepts/
    # rate-limits); 150 member posts per day is the widely reported figure. Conservative.
    "linkedin": PlatformBudget((Window(150, DAY),), 8),
    # Facebook Pages have no documented posting cap, only the Business Use Case call budget
    # (https://developers.facebook.com/docs/graph-api/overview/rate-limiting). 100 per 24 h
    # is our conservative choice, far above what a Page should post.
    "facebook": PlatformBudget((Window(100, DAY),), 8),
    # Our own network has no posting limit (it injects 429s only when asked to).
    "sandbox": PlatformBudget((), None),
}
FALLBACK = PlatformBudget(
    (Window(100, DAY),), 8
)  # a platform added without a line here

NAMES = {
    "x": "X",
    "instagram": "Instagram",
    "threads": "Threads",
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "sandbox": "The Sandbox",
}


@dataclass(frozen=True)
class Budgets:
    """What the claimer enforces. `account_in_flight` 1 keeps an account's posts in order
    and a thread from interleaving with the account's next post."""

    account_in_flight: int = 1
    platforms: Mapping[str, PlatformBudget] = field(
        default_factory=lambda: dict(DEFAULTS)
    )

    def of(self, platform: str) -> PlatformBudget:
        return self.platforms.get(platform, FALLBACK)


class BudgetConfigError(ValueError):
    """A budget setting that cannot be read; the message names the setting and the fix."""


_WINDOW = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|m|min|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_windows(text: str, *, setting: str) -> tuple[Window, ...]:
    """'100/24h', '300/5m', '1666/1h,11666/24h'; 'none' or '' for no limit."""
    if text.strip().lower() in ("", "none"):
        return ()
    windows = []
    for piece in text.split(","):
        match = _WINDOW.match(piece)
        if match is None or int(match[1]) < 1:
            raise BudgetConfigError(
                f"{setting}: {piece.strip()!r} is not a posting limit; write posts/period "
                "such as '100/24h', '300/5m' or '1666/1h,11666/24h' (units s, m, h, d), "
                "or 'none'."
            )
        seconds = int(match[2] or 1) * _UNITS[match[3]]
        windows.append(Window(int(match[1]), timedelta(seconds=seconds)))
    return tuple(windows)


def budgets_from(
    *,
    account_in_flight: int = 1,
    x_tier: str = "basic",
    limits: Mapping[str, str] | None = None,
    platform_in_flight: Mapping[str, int] | None = None,
) -> Budgets:
    """The defaults with the settings' overrides applied (0 in flight: no cap)."""
    if x_tier not in X_TIERS:
        raise BudgetConfigError(
            f"publish_x_tier: {x_tier!r} is not an X API tier; use one of "
            f"{', '.join(sorted(X_TIERS))}."
        )
    platforms = dict(DEFAULTS)
    platforms["x"] = PlatformBudget(X_TIERS[x_tier], DEFAULTS["x"].in_flight)
    for name, text in (limits or {}).items():
        setting = f"publish_account_limits[{name!r}]"
        cap = platforms.get(name, FALLBACK).in_flight
        platforms[name] = PlatformBudget(parse_windows(text, setting=setting), cap)
    for name, cap in (platform_in_flight or {}).items():
        if cap < 0:
            raise BudgetConfigError(
                f"publish_platform_in_flight[{name!r}]: {cap} is negative; use a number "
                "of posts, or 0 for no cap."
            )
        windows = platforms.get(name, FALLBACK).windows
        platforms[name] = PlatformBudget(windows, cap or None)
    return Budgets(max(1, account_in_flight), platforms)


# --- reading the budgets from the database ----------------------------------------------


def _live(now: datetime) -> ColumnElement[bool]:
    return and_(PublicationRow.state.in_(IN_FLIGHT), PublicationRow.lease_until >= now)


def busy_accounts(session: Session, *, now: datetime, cap: int) -> set[str]:
    """Accounts with `cap` or more posts on their way (a small set: at most the workers'
    batches), so candidates can skip them without a subquery per row."""
    rows = session.scalars(
        select(PublicationRow.account_id)
        .where(_live(now))
        .group_by(PublicationRow.account_id)
        .having(func.count() >= cap)
    )
    return set(rows)


def account_in_flight(session: Session, account_id: str, *, now: datetime) -> int:
    query = select(func.count()).where(
        PublicationRow.account_id == account_id, _live(now)
    )
    return int(session.scalar(query) or 0)


def platform_in_flight(session: Session, platform: str, *, now: datetime) -> int:
    query = (
        select(func.count())
        .select_from(PublicationRow)
        .join(SocialAccountRow, SocialAccountRow.id == PublicationRow.account_id)
        .where(SocialAccountRow.platform == platform, _live(now))
    )
    return int(session.scalar(query) or 0)


def next_slot(
    session: Session, account_id: str, window: Window, *, now: datetime
) -> datetime | None:
    """When the account may call again within `window` (None: it may now).

    Workers commit a claim's pending attempt with the claim, so posts on their way are in
    the count already; a claim that must reconcile first is not (it may not send at all),
    so with `account_in_flight` above 1 a window can be passed by that many calls."""
    starts = list(
        session.scalars(
            select(PublishAttemptRow.started_at)
            .join(PublicationRow, PublicationRow.id == PublishAttemptRow.publication_id)
            .where(
                PublicationRow.account_id == account_id,
                PublishAttemptRow.started_at > now - window.period,
            )
            .order_by(PublishAttemptRow.started_at)
        )
    )
    over = len(starts) - window.posts
    if over < 0:
        return None
    # The slot frees when the (over+1)-th oldest call leaves the window.
    return starts[over] + window.period


def paused_until(
    session: Session, account_id: str, *, now: datetime
) -> datetime | None:
    """The end of a 429 pause: the latest retry time of the account's rate-limited posts."""
    until = session.scalar(
        select(func.max(PublicationRow.next_attempt_at)).where(
            PublicationRow.account_id == account_id,
            PublicationRow.state == S.SCHEDULED,
            PublicationRow.error_kind == RATE_LIMITED,
            PublicationRow.next_attempt_at > now,
        )
    )
    return until


@dataclass(frozen=True)
class Wait:
    until: datetime
    reason: str


def budget_wait(
    session: Session,
    *,
    account_id: str,
    platform: str,
    health: str,
    zone: str,
    budgets: Budgets,
    now: datetime,
) -> Wait | None:
    """Why (and until when) this account may not publish now; None when it may."""
    name = NAMES.get(platform, platform.title())
    if health == AccountHealth.RATE_LIMITED:  # only then can a 429 pause be running
        until = paused_until(session, account_id, now=now)
        if until is not None:
            when = _local(until, zone, now)
            reason = (
                f"waiting: {name} answered 429 Too Many Requests, so this account is "
                f"paused until {when}"
            )
            return Wait(until, reason)
    latest: tuple[datetime, Window] | None = None
    for window in budgets.of(platform).windows:  # the latest slot frees every window
        slot = next_slot(session, account_id, window, now=now)
        if slot is not None and (latest is None or slot > latest[0]):
            latest = (slot, window)
    if latest is None:
        return None
    slot, window = latest
    when = _local(slot, zone, now)
    return Wait(slot, f"waiting: {name} allows {window.describe()}; next slot {when}")


def _local(instant: datetime, zone: str, now: datetime) -> str:
    """'14:05 Europe/Paris', with the date when it is not today there."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz, zone = ZoneInfo("UTC"), "UTC"
    local = instant.astimezone(tz)
    same_day = local.date() == now.astimezone(tz).date()
    return f"{local:%H:%M} {zone}" if same_day else f"{local:%Y-%m-%d %H:%M} {zone}"
