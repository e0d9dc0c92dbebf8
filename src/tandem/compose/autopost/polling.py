"""Polling a watched feed in three steps, so no database lock is held while the network is
slow: `start_poll` claims the feed (a lease, one poller at a time), `fetch_and_parse` talks
to the feed's server, `finish_poll` records new entries and creates their posts.

Duplicates are prevented twice: the lease keeps two pollers off one feed, and the unique
(feed, entry key) row stops a second poller even when the lease ran out (each new item is
inserted in its own savepoint; losing that race means another poller owns the entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, allows
from tandem.accounts import store as accounts_store
from tandem.compose.autopost import store
from tandem.compose.autopost.actions import watched_since
from tandem.compose.autopost.fetching import Fetched, FetchError, fetch_feed
from tandem.compose.autopost.filters import passes
from tandem.compose.autopost.model import Entry, ItemStatus, ParsedFeed, PollResult
from tandem.compose.autopost.parsing import parse_feed
from tandem.compose.autopost.posting import post_entry
from tandem.core import Clock, InvalidInput, TandemError, new_id

LEASE = timedelta(minutes=5)
POSTS_PER_POLL = (
    20  # a feed that suddenly lists hundreds of new items is spread over polls
)
BACKOFF_MAX = timedelta(hours=24)


@dataclass(frozen=True)
class PollTarget:
    feed_id: str
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Fetch:
    fetched: Fetched | None
    parsed: ParsedFeed | None
    error: str = ""
    retry_after: float | None = None


@dataclass(frozen=True)
class PollOptions:
    """What polling needs from settings and ports, passed explicitly (no global reads)."""

    base_url: str
    max_bytes: int


def start_poll(
    session: Session, *, feed_id: str, now: datetime, force: bool = False
) -> PollTarget | None:
    """Claim the feed; None when it is not due or another poller has it."""
    if not store.claim_feed(session, feed_id, now=now, until=now + LEASE, force=force):
        return None
    row = session.get(store.FeedRow, feed_id, populate_existing=True)
    assert row is not None  # just claimed
    return PollTarget(row.id, row.url, row.etag, row.last_modified)


def fetch_and_parse(
    client: httpx.Client, target: PollTarget, *, max_bytes: int, now: datetime
) -> Fetch:
    try:
        fetched = fetch_feed(
            client,
            target.url,
            etag=target.etag,
            last_modified=target.last_modified,
            max_bytes=max_bytes,
            now=now,
        )
    except FetchError as exc:
        return Fetch(None, None, exc.message, exc.retry_after)
    if fetched.not_modified:
        return Fetch(fetched, None)
    try:
        parsed = parse_feed(fetched.content, content_type=fetched.content_type)
    except InvalidInput as exc:
        return Fetch(fetched, None, exc.message)
    return Fetch(fetched, parsed)


def _backoff(row: store.FeedRow, retry_after: float | None) -> timedelta:
    interval = timedelta(minutes=int(row.settings.get("interval_minutes", 30)))
    factor: int = 2 ** min(row.failures - 1, 10)
    delay: timedelta = min(interval * factor, BACKOFF_MAX)
    if retry_after is not None:
        delay = max(delay, min(timedelta(seconds=retry_after), BACKOFF_MAX))
    return delay


def _fail(
    row: store.FeedRow, message: str, retry_after: float | None, now: datetime
) -> None:
    row.failures += 1
    row.last_error = message
    row.next_poll_at = now + _backoff(row, retry_after)


def _acting_member(session: Session, row: store.FeedRow) -> Member | str:
    """Whom the feed posts as (who last saved it), or why nobody can."""
    problem = (
        "The person who last saved this feed can no longer create posts in this "
        "workspace; save the feed again to post as yourself."
    )
    if row.created_by is None:
        return problem
    workspace = accounts_store.workspace_by_id(session, row.workspace_id)
    user = accounts_store.to_user(accounts_store.get_user_row(session, row.created_by))
    member = accounts_store.member_in(session, user, workspace)
    if member is None or not user.is_active:
        return problem
    if not allows(member.role, Permission.CONTENT_EDIT):
        return problem
    return member


def _unique_entries(entries: tuple[Entry, ...]) -> list[Entry]:
    """Oldest first (feeds list newest first), each key once."""
    seen: dict[str, Entry] = {}
    for entry in reversed(entries):
        seen.setdefault(entry.key, entry)
    return list(seen.values())


def _status_for(
    entry: Entry, row: store.FeedRow, since: datetime
) -> tuple[ItemStatus | None, str]:
    """The item's status when it will not be posted, or (None, "") when it will be."""
    only_new = bool(row.settings.get("only_new", True))
    fresh = entry.published_at is not None and entry.published_at > since
    if only_new and not row.baseline_done and not fresh:
        return ItemStatus.BASELINE, ""
    if only_new and entry.published_at is not None and not fresh:
        return ItemStatus.OLD, ""
    reason = passes(
        entry,
        row.settings.get("include_keywords", ()),
        row.settings.get("exclude_keywords", ()),
    )
    if reason:
        return ItemStatus.FILTERED, reason
    return None, ""


def _claim_item(
    session: Session,
    row: store.FeedRow,
    entry: Entry,
    status: ItemStatus,
    now: datetime,
) -> store.FeedItemRow | None:
    """Insert the item's row; None when another poller inserted it first."""
    item = store.FeedItemRow(
        id=new_id(),
        feed_id=row.id,
        workspace_id=row.workspace_id,
        key_digest=store.key_digest(entry.key),
        key=entry.key,
        title=entry.title[:500],
        link=entry.link[: store.URL_MAX],
        published_at=entry.published_at,
        status=status.value,
        note="",
        brief_ids={"ids": []},
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
    except IntegrityError:
        return None
    return item


def _ingest(
    session: Session,
    row: store.FeedRow,
    parsed: ParsedFeed,
    member: Member,
    options: PollOptions,
    clock: Clock,
) -> tuple[int, list[str]]:
    """Record every new entry; post the ones that qualify. Returns (entries seen, created ids)."""
    entries = _unique_entries(parsed.entries)
    seen = store.seen_digests(
        session, row.id, [store.key_digest(e.key) for e in entries]
    )
    since = watched_since(row)
    feed = store.to_feed(row)
    created: list[str] = []
    for entry in entries:
        if store.key_digest(entry.key) in seen:
            continue  # an edited, re-ordered or re-added entry is still the same entry
        status, reason = _status_for(entry, row, since)
        if status is None and len(created) >= POSTS_PER_POLL:
            break  # the rest are new next time, in order
        item = _claim_item(
            session, row, entry, status or ItemStatus.SKIPPED, clock.now()
        )
        if item is None or status is not None:
            if item is not None:
                item.note = reason
            continue
        try:
            with session.begin_nested():
                posted = post_entry(
                    session,
                    feed=feed,
                    entry=entry,
                    member=member,
                    base_url=options.base_url,
                    clock=clock,
                )
        except TandemError as exc:
            item.status, item.note = ItemStatus.SKIPPED.value, exc.message
            continue
        item.status, item.note = posted.status.value, posted.note
        item.brief_ids = {"ids": list(posted.brief_ids)}
        created.append(item.id)
    return len(entries), created


def finish_poll(
    session: Session,
    target: PollTarget,
    result: Fetch,
    *,
    options: PollOptions,
    clock: Clock,
) -> PollResult:
    """Record the poll's outcome on the feed and release it."""
    now = clock.now()
    row = session.get(store.FeedRow, target.feed_id, populate_existing=True)
    if row is None:  # deleted while we were fetching
        return PollResult(target.feed_id, fetched=False, error="The feed was deleted.")
    row.lease_until = None
    row.last_polled_at = now
    if result.error:
        _fail(row, result.error, result.retry_after, now)
        return PollResult(
            row.id, fetched=result.fetched is not None, error=result.error
        )
    member = _acting_member(session, row)
    if isinstance(member, str):
        _fail(row, member, None, now)
        return PollResult(row.id, fetched=True, error=member)
    seen = 0
    created: list[str] = []
    notes: list[str] = []
    if result.parsed is not None:
        seen, created = _ingest(session, row, result.parsed, member, options, clock)
        if result.parsed.warning:
            notes.append(result.parsed.warning)
    if result.fetched is not None and not result.fetched.not_modified:
        row.etag, row.last_modified = result.fetched.etag, result.fetched.last_modified
    if result.parsed is not None:
        row.baseline_done = True
    row.failures, row.last_error, row.last_success_at = 0, "", now
    interval = timedelta(minutes=int(row.settings.get("interval_minutes", 30)))
    row.next_poll_at = now + interval
    session.flush()
    return PollResult(
        row.id,
        fetched=result.parsed is not None,
        seen=seen,
        created=tuple(created),
        notes=tuple(notes),
    )
