"""Use cases of tracked links: create, follow (record a click), ship clicks to the warehouse.

Functions take the session and clock and never commit: the edge owns the transaction
(except `ship_clicks`, a job that commits per batch).
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, User, allows, audit
from tandem.accounts import store as accounts
from tandem.core import Clock, Conflict, Forbidden, InvalidInput, NotFound, new_id
from tandem.links import bots, store
from tandem.links.model import (
    CHANNELS,
    Click,
    Platform,
    TrackedLink,
    TrackedUrl,
    Visit,
)
from tandem.links.store import LinkClickRow, TrackedLinkRow
from tandem.links.utm import tracked_url
from tandem.storage.queue import enqueue
from tandem.storage.warehouse import EventType, WarehouseEvent
from tandem.storage.warehouse_open import Appender

SHIP_LINK_CLICKS = "ship_link_clicks"
# Clicks wait this long so one job ships many; collection is durable before that anyway.
SHIP_DELAY = timedelta(seconds=30)
BATCH_SIZE = 1000
MAX_BATCHES = 20  # per job run; the job queues a successor when more are waiting

# 62**8 = 2.2e14 codes: guessing one of a million live links takes ~1e8 requests on average.
CODE_ALPHABET = string.digits + string.ascii_letters
CODE_LENGTH = 8
CODE_ATTEMPTS = 10
CODE_SHAPE = re.compile(r"^[0-9A-Za-z]{4,16}$")
MAX_VARIANT_ID = 64
MAX_CAMPAIGN_KEY = 100
MAX_REFERRER_HOST = 255


def random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _actor_user(actor: Member | User | None, workspace_id: str) -> User | None:
    """The user to audit. A Member is also checked: the composer may call this directly."""
    if not isinstance(actor, Member):
        return actor
    if actor.workspace.id != workspace_id or not allows(
        actor.role, Permission.CONTENT_EDIT
    ):
        raise Forbidden("Your role does not allow creating links in this workspace.")
    return actor.user


def _variant_id(value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_VARIANT_ID:
        raise InvalidInput(
            f"Use at most {MAX_VARIANT_ID} characters for the variant id.",
            field="variant_id",
        )
    return value or None


def _campaign_key(value: str) -> str:
    key = value.strip()
    if len(key) > MAX_CAMPAIGN_KEY:
        raise InvalidInput(
            f"Use at most {MAX_CAMPAIGN_KEY} characters for the campaign key.",
            field="campaign_key",
        )
    return key


def _insert_with_free_code(
    session: Session, row: TrackedLinkRow, generate_code: Callable[[], str]
) -> None:
    """Give `row` a code no other link has, retrying on collisions (also concurrent ones)."""
    for _ in range(CODE_ATTEMPTS):
        row.code = generate_code()
        if store.code_taken(session, row.code):
            continue
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # another request took the same code meanwhile
            continue
        return
    raise Conflict("No free short code was found; try again.")


def preview_link(
    *,
    destination: str,
    campaign_key: str,
    platform: str | Platform,
    content: str | None = None,
    variant_id: str | None = None,
    term: str | None = None,
) -> TrackedUrl:
    """The tracked URL `create_link` would store, without storing anything."""
    _campaign_key(campaign_key)
    return tracked_url(
        destination,
        platform=platform,
        campaign=campaign_key,
        content=content or _variant_id(variant_id),
        term=term,
    )


def _audit_creation(
    session: Session, link: TrackedLink, user: User | None, organisation_id: str
) -> None:
    audit.record(
        session,
        actor=user,
        organisation_id=organisation_id,
        workspace_id=link.workspace_id,
        action="link.create",
        entity_type="tracked_link",
        entity_id=link.id,
        after=link,
        summary=f"created short link {link.short_path} to {link.destination}",
        now=link.created_at,
    )


def create_link(
    session: Session,
    *,
    workspace_id: str,
    destination: str,
    campaign_key: str,
    platform: str | Platform,
    content: str | None = None,
    variant_id: str | None = None,
    actor: Member | User | None,
    clock: Clock,
    term: str | None = None,
    generate_code: Callable[[], str] = random_code,
) -> TrackedLink:
    """A short link to `destination` tagged with UTM; utm_content is `content` or the variant.

    Raises InvalidInput naming the field at fault (destination, campaign_key, platform,
    content, term, variant_id).
    """
    user = _actor_user(actor, workspace_id)
    workspace = accounts.workspace_by_id(session, workspace_id)
    variant = _variant_id(variant_id)
    built = preview_link(
        destination=destination,
        campaign_key=campaign_key,
        platform=platform,
        content=content,
        variant_id=variant,
        term=term,
    )
    row = TrackedLinkRow(
        id=new_id(),
        workspace_id=workspace.id,
        destination=built.url,
        platform=built.platform.value,
        source=built.tags.source,
        medium=built.tags.medium,
        campaign_key=_campaign_key(campaign_key),
        campaign=built.tags.campaign,
        content=built.tags.content,
        term=built.tags.term,
        variant_id=variant,
        created_by=user.id if user else None,
        created_at=clock.now(),
    )
    _insert_with_free_code(session, row, generate_code)
    link = store.to_link(row)
    _audit_creation(session, link, user, workspace.organisation_id)
    return link


def referrer_host(referrer: str | None) -> str | None:
    """Only the host of the Referer header: its path can name a private page or a person."""
    try:
        host = urlsplit((referrer or "").strip()).hostname
    except ValueError:
        return None
    return host[:MAX_REFERRER_HOST] if host else None


def follow_link(session: Session, *, code: str, visit: Visit, clock: Clock) -> str:
    """Record one request for the short link `code` and return where it goes.

    The click row is written in the caller's transaction, so it is stored before the
    redirect is sent; the warehouse gets it later from the ship_link_clicks job.
    """
    link = store.link_by_code(session, code) if CODE_SHAPE.match(code) else None
    if link is None:
        raise NotFound(
            "This short link does not exist. Check the address, or ask whoever shared it."
        )
    reason = bots.bot_reason(visit)
    now = clock.now()
    session.add(
        LinkClickRow(
            id=new_id(),
            link_id=link.id,
            workspace_id=link.workspace_id,
            at=now,
            is_bot=reason is not None,
            bot_reason=reason.value if reason else None,
            referrer_host=referrer_host(visit.referrer),
            ua_family=bots.user_agent_family(visit.user_agent)[: bots.MAX_FAMILY],
            shipped_at=None,
        )
    )
    schedule_shipping(session, now=now)
    return link.destination


def schedule_shipping(
    session: Session, *, now: datetime, delay: timedelta = SHIP_DELAY
) -> None:
    """Queue one ship_link_clicks job unless one is already waiting."""
    if not store.job_queued(session, SHIP_LINK_CLICKS):
        enqueue(session, SHIP_LINK_CLICKS, {}, now=now, run_at=now + delay)


def click_event(click: Click, link: TrackedLink) -> WarehouseEvent:
    """The warehouse `click` event of a click; its id is the click's, so re-runs add nothing."""
    return WarehouseEvent(
        event_id=click.id,
        workspace_id=click.workspace_id,
        type=EventType.CLICK,
        occurred_at=click.at,
        received_at=click.at,
        channel=CHANNELS[link.platform].ga4_channel,
        source=link.source,
        medium=link.medium,
        campaign=link.campaign,
        content=link.content,
        term=link.term,
        url=link.destination,
        referrer=click.referrer_host,
        properties={
            "link_id": link.id,
            "code": link.code,
            "campaign_key": link.campaign_key,
            "variant_id": link.variant_id,
            "platform": link.platform.value,
            "ua_family": click.ua_family,
        },
    )


def ship_clicks(
    session: Session,
    warehouse: Appender,
    *,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
) -> int:
    """Append unshipped clicks by people to the warehouse and mark every click shipped.

    Bots and prefetches are marked but not appended: they stay in the operational database
    only. A crash between the append and the commit is harmless: the next run appends the
    same event ids, which the warehouse ignores. Returns the clicks marked shipped.

    The one use case here that commits, like the collector's shipping: after reading each
    batch, so the warehouse append runs outside any transaction (on SQLite every
    transaction holds the write lock a redirect needs to record its click), and after
    marking it, so the lock is held for one batch at a time.
    """
    shipped = 0
    for _ in range(max_batches):
        batch = store.unshipped(session, limit=batch_size)
        session.commit()
        if not batch:
            return shipped
        warehouse.append([click_event(c, link) for c, link in batch if not c.is_bot])
        store.mark_shipped(session, [c.id for c, _ in batch], now=now)
        session.commit()
        shipped += len(batch)
    if store.unshipped_count(session):
        schedule_shipping(session, now=now, delay=timedelta(0))
    return shipped
