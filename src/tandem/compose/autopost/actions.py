"""Use cases for watched feeds: add, edit, pause, delete, read. Nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, allows, audit
from tandem.compose.autopost import store
from tandem.compose.autopost.filters import clean_keywords
from tandem.compose.autopost.model import Feed, FeedInput, FeedItem, Mode
from tandem.compose.autopost.template import check_template
from tandem.core import Clock, Conflict, Forbidden, InvalidInput, NotFound, new_id
from tandem.publish import store as publish_store

INTERVAL_MIN = 5
INTERVAL_MAX = 24 * 60
ACCOUNTS_MAX = 20


def parse_mode(value: str) -> Mode:
    try:
        return Mode(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"mode must be “draft” or “queue”, not “{value}”.", field="mode"
        ) from None


def _url(value: str) -> str:
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "Give the feed's full address starting with https:// (or http://).",
            field="url",
        )
    if len(url) > store.URL_MAX:
        raise InvalidInput(
            f"Keep the feed URL under {store.URL_MAX} characters.", field="url"
        )
    return url


def _clean(session: Session, member: Member, data: FeedInput) -> FeedInput:
    url = _url(data.url)
    name = " ".join(data.name.split()) or (urlsplit(url).hostname or url)
    if len(name) > store.NAME_MAX:
        raise InvalidInput(
            f"Keep the name under {store.NAME_MAX} characters.", field="name"
        )
    account_ids = tuple(dict.fromkeys(a for a in data.account_ids if a.strip()))
    if not account_ids:
        raise InvalidInput(
            "Choose at least one account to post the feed's new items to.",
            field="account_ids",
        )
    if len(account_ids) > ACCOUNTS_MAX:
        raise InvalidInput(
            f"Choose at most {ACCOUNTS_MAX} accounts.", field="account_ids"
        )
    for index, account_id in enumerate(account_ids):
        try:
            publish_store.account_in(session, member.workspace.id, account_id)
        except NotFound:
            raise InvalidInput(
                f"account_ids[{index}] is not a connected account of this workspace.",
                field="account_ids",
            ) from None
    if not INTERVAL_MIN <= data.interval_minutes <= INTERVAL_MAX:
        raise InvalidInput(
            f"interval_minutes must be between {INTERVAL_MIN} and {INTERVAL_MAX}.",
            field="interval_minutes",
        )
    if data.mode is Mode.QUEUE and not allows(member.role, Permission.CONTENT_APPROVE):
        raise Forbidden(
            f"As {member.role.label} you cannot approve posts, so a feed cannot queue them "
            "for you; choose “draft” so they are reviewed first.",
            field="mode",
        )
    campaign = data.campaign_key.strip().lower()
    if len(campaign) > 100:
        raise InvalidInput(
            "Keep the campaign under 100 characters.", field="campaign_key"
        )
    return FeedInput(
        url=url,
        account_ids=account_ids,
        name=name,
        template=check_template(data.template),
        mode=data.mode,
        include_keywords=clean_keywords(
            data.include_keywords, field="include_keywords"
        ),
        exclude_keywords=clean_keywords(
            data.exclude_keywords, field="exclude_keywords"
        ),
        only_new=data.only_new,
        campaign_key=campaign,
        interval_minutes=data.interval_minutes,
        active=data.active,
    )


def _settings(data: FeedInput, since: datetime) -> dict[str, Any]:
    return {
        "account_ids": list(data.account_ids),
        "template": data.template,
        "include_keywords": list(data.include_keywords),
        "exclude_keywords": list(data.exclude_keywords),
        "only_new": data.only_new,
        "campaign_key": data.campaign_key,
        "interval_minutes": data.interval_minutes,
        "since": since.isoformat(),
    }


def watched_since(feed_row: store.FeedRow) -> datetime:
    """From when entries count as new: when the feed (or its current URL) was added."""
    raw = feed_row.settings.get("since")
    return datetime.fromisoformat(raw) if raw else feed_row.created_at


def _unique_url(
    session: Session, member: Member, url: str, feed_id: str | None
) -> None:
    if store.url_taken(session, member.workspace.id, url, feed_id):
        raise Conflict(
            "This workspace already watches that feed; edit it to add accounts.",
            field="url",
        )


def add_feed(session: Session, *, actor: Member, data: FeedInput, clock: Clock) -> Feed:
    data = _clean(session, actor, data)
    _unique_url(session, actor, data.url, None)
    now = clock.now()
    row = store.FeedRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        created_by=actor.user.id,
        name=data.name,
        url=data.url,
        settings=_settings(data, now),
        mode=data.mode.value,
        active=data.active,
        baseline_done=False,
        failures=0,
        last_error="",
        next_poll_at=now,  # the first poll records what is already there
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    store.ensure_polling(session, now=now, delay=timedelta(0))
    audit.record_change(
        session,
        actor=actor,
        action="autopost.add",
        entity_type="autopost_feed",
        entity_id=row.id,
        after={"url": data.url, "mode": data.mode.value},
        summary=f"started watching the feed “{data.name}”",
        now=now,
    )
    return store.to_feed(row)


def update_feed(
    session: Session, *, actor: Member, feed_id: str, data: FeedInput, clock: Clock
) -> Feed:
    """Change a feed. The editor becomes the person the feed posts as. A new URL starts over:
    what that feed already lists counts as old."""
    row = store.feed_row(session, actor.workspace.id, feed_id)
    data = _clean(session, actor, data)
    _unique_url(session, actor, data.url, row.id)
    now = clock.now()
    before = store.to_feed(row)
    since = watched_since(row)
    if data.url != row.url:
        since = now
        row.etag = row.last_modified = None
        row.baseline_done = False
        row.next_poll_at = now
    if data.active and not row.active:
        row.next_poll_at = now
    row.name, row.url, row.mode, row.active = (
        data.name,
        data.url,
        data.mode.value,
        data.active,
    )
    row.settings = _settings(data, since)
    row.created_by = actor.user.id
    row.failures, row.last_error, row.updated_at = 0, "", now
    if row.active:
        store.ensure_polling(session, now=now, delay=timedelta(0))
    audit.record_change(
        session,
        actor=actor,
        action="autopost.update",
        entity_type="autopost_feed",
        entity_id=row.id,
        before={"url": before.url, "mode": before.mode.value, "active": before.active},
        after={"url": data.url, "mode": data.mode.value, "active": data.active},
        summary=f"edited the feed “{data.name}”",
        now=now,
    )
    return store.to_feed(row)


def delete_feed(session: Session, *, actor: Member, feed_id: str, clock: Clock) -> None:
    """Stop watching; posts already created stay, only the feed and its item history go."""
    row = store.feed_row(session, actor.workspace.id, feed_id)
    audit.record_change(
        session,
        actor=actor,
        action="autopost.delete",
        entity_type="autopost_feed",
        entity_id=row.id,
        before={"url": row.url},
        summary=f"stopped watching the feed “{row.name}”",
        now=clock.now(),
    )
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class FeedDetail:
    feed: Feed
    items: tuple[FeedItem, ...]
    counts: dict[str, int]


def feed_detail(session: Session, workspace_id: str, feed_id: str) -> FeedDetail:
    row = store.feed_row(session, workspace_id, feed_id)
    return FeedDetail(
        store.to_feed(row),
        tuple(store.items_of(session, row.id)),
        store.item_counts(session, row.id),
    )
