"""The collector use case: validate a site's hits, filter bots, store them durably.

A hit is stored in the operational database's outbox inside the caller's transaction, so
the 2xx the edge sends after the commit means the event is stored. The warehouse gets it
later, in batches (shipping.py). When the outbox backlog passes its limit the collector
refuses with 503 + Retry-After (backpressure) rather than accepting what it cannot keep.

`admit` does everything but the insert, so the web edge's group commit (group_commit.py)
can admit the hits of many requests and insert them in one statement and one commit. What
it reads that rarely changes (the site, the day's salt, the backlog) comes through a
`Reads`: straight from the database here, cached per process there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from tandem.core import Clock, Forbidden, NotFound, TooManyRequests, new_id
from tandem.measure import store
from tandem.measure.bots import filter_reason
from tandem.measure.conversions import claim_orders
from tandem.measure.model import (
    Accepted,
    Hit,
    HitKind,
    PrivacyMode,
    Request,
    Site,
)
from tandem.measure.privacy import consented_visitor, contact_id, cookieless_visitor
from tandem.measure.shipping import schedule_shipping
from tandem.measure.sites import host_allowed
from tandem.measure.traffic import host_of, traffic_of
from tandem.storage.warehouse import EventType, WarehouseEvent

RETRY_AFTER_SECONDS = 5
IDENTIFY = "identify"  # the `name` property of an identify event in the warehouse


class Backpressure(TooManyRequests):
    """The outbox is full: the sender should retry after `retry_after` seconds."""

    status = 503
    title = "Service unavailable"


class Reads(Protocol):
    """Where `admit` gets the site, the day's salt and the outbox backlog."""

    def site(self, session: Session, key: str) -> Site | None: ...

    def salt(self, session: Session, day: date) -> bytes: ...

    def backlog(self, session: Session) -> int: ...

    def added(self, count: int) -> None:
        """`count` events were admitted (they will be in the outbox once committed)."""


class DirectReads:
    """Every read from the database, in the caller's transaction."""

    def site(self, session: Session, key: str) -> Site | None:
        return store.site_by_key(session, key)

    def salt(self, session: Session, day: date) -> bytes:
        return store.daily_salt(session, day)

    def backlog(self, session: Session) -> int:
        return store.backlog(session)

    def added(self, count: int) -> None:
        return None


def _check_origin(site: Site, request: Request, hits: list[Hit]) -> None:
    hosts = {host_of(request.origin)} if request.origin else set()
    hosts |= {host_of(h.url) for h in hits}
    for host in sorted(h or "" for h in hosts):
        if not host_allowed(site, host):
            allowed = ", ".join(site.domains)
            raise Forbidden(
                f"The site {site.name!r} accepts events from {allowed} only, not from "
                f"{host or 'a page without a host'}. Add that domain to the site in Tandem "
                "(Settings > Sites) if it is yours."
            )


def _visitor(
    session: Session,
    site: Site,
    hit: Hit,
    request: Request,
    now: datetime,
    reads: Reads,
) -> str:
    if site.privacy is PrivacyMode.CONSENT:
        consented = consented_visitor(hit.visitor)
        if consented:
            return consented
    salt = reads.salt(session, now.date())
    return cookieless_visitor(
        salt, site_id=site.id, user_agent=request.user_agent, ip=request.ip
    )


def _event(
    session: Session, site: Site, hit: Hit, visitor: str, now: datetime
) -> WarehouseEvent:
    """The warehouse event of one hit; pageviews carry their traffic source and channel."""
    kinds = {
        HitKind.PAGEVIEW: EventType.PAGEVIEW,
        HitKind.EVENT: EventType.CUSTOM,
        HitKind.CONVERSION: EventType.CONVERSION,
        HitKind.IDENTIFY: EventType.CUSTOM,
    }
    properties = dict(hit.properties)
    properties["site_id"] = site.id
    name = IDENTIFY if hit.kind is HitKind.IDENTIFY else hit.name
    if name:
        properties["name"] = name
    if hit.order_id:
        properties["order_id"] = hit.order_id
    traffic = None
    if hit.kind is HitKind.PAGEVIEW:
        traffic = traffic_of(
            hit.url, hit.referrer, is_own_host=lambda h: host_allowed(site, h)
        )
    if traffic is not None and traffic.medium not in ("(none)", "organic"):
        link_id = store.link_for_tags(session, site.workspace_id, traffic)
        if link_id:
            properties["link_id"] = link_id
    return WarehouseEvent(
        event_id=new_id(),
        workspace_id=site.workspace_id,
        type=kinds[hit.kind],
        occurred_at=now,
        received_at=now,
        visitor_id=visitor,
        contact_id=(
            contact_id(site.workspace_id, hit.contact_key) if hit.contact_key else None
        ),
        channel=traffic.channel if traffic else None,
        source=traffic.source if traffic else None,
        medium=traffic.medium if traffic else None,
        campaign=traffic.campaign if traffic else None,
        content=traffic.content if traffic else None,
        term=traffic.term if traffic else None,
        url=hit.url,
        referrer=host_of(hit.referrer),
        value=hit.value,
        currency=hit.currency,
        properties=properties,
    )


def admit(
    session: Session,
    *,
    site_key: str,
    hits: list[Hit],
    request: Request,
    clock: Clock,
    max_backlog: int,
    reads: Reads,
) -> tuple[Accepted, list[WarehouseEvent]]:
    """The answer for `hits` and the events to insert into the outbox, or why not.

    Writes nothing but the order claims (and the day's salt on its first use), so the
    caller inserts the events and commits. Every refusal is raised before any write.
    NotFound: unknown key. Forbidden: a host outside the site's domains. Backpressure
    (503): the outbox holds `max_backlog` events already. Bots are answered, not stored.
    Conversions repeating an order id already recorded are counted as duplicates.
    """
    site = reads.site(session, site_key)
    if site is None:
        raise NotFound(
            "Unknown site key. Copy the snippet again from Tandem (Settings > Sites)."
        )
    _check_origin(site, request, hits)
    if filter_reason(request) is not None:
        return Accepted(filtered=len(hits)), []
    if reads.backlog(session) >= max_backlog:
        raise Backpressure(
            "Tandem is catching up with stored events; retry shortly.",
            retry_after=RETRY_AFTER_SECONDS,
        )
    now = clock.now()
    visitor = _visitor(session, site, hits[0], request, now, reads)
    events = [_event(session, site, hit, visitor, now) for hit in hits]
    kept, duplicates = claim_orders(session, site.workspace_id, events, now=now)
    reads.added(len(kept))
    return Accepted(stored=len(kept), duplicates=duplicates), kept


def collect(
    session: Session,
    *,
    site_key: str,
    hits: list[Hit],
    request: Request,
    clock: Clock,
    max_backlog: int,
    reads: Reads | None = None,
) -> Accepted:
    """Store `hits` of the site `site_key` in the outbox, or say why not (see `admit`)."""
    accepted, events = admit(
        session,
        site_key=site_key,
        hits=hits,
        request=request,
        clock=clock,
        max_backlog=max_backlog,
        reads=reads or DirectReads(),
    )
    if events:
        store.add_events(session, events)
        schedule_shipping(session, now=events[0].received_at)
    return accepted
