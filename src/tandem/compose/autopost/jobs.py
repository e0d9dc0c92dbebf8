"""The auto-posting job: poll every due feed, each in its own units of work.

One job kind, `poll_feeds`, re-queues itself (POLL_EVERY later) after each run, and adding,
re-activating or saving a feed queues a run unless one already waits (the same pattern as
publish.planner). It never touches the job's own session while fetching, so no database
lock is held while a feed's server is slow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

import httpx

from tandem.compose.autopost.model import PollResult
from tandem.compose.autopost.polling import (
    PollOptions,
    fetch_and_parse,
    finish_poll,
    start_poll,
)
from tandem.compose.autopost.store import due_feed_ids, ensure_polling
from tandem.core import Clock
from tandem.core.http import http_client
from tandem.settings import Settings
from tandem.storage import Database

POLL_EVERY = timedelta(minutes=1)
FEEDS_PER_RUN = 50


class JobContextLike(Protocol):
    """What the handler uses of tandem.jobs.JobContext (declared here: the registry imports
    this module, so importing it back would be a cycle and point a capability at an edge)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def database(self) -> Database: ...


def feed_client(settings: Settings) -> httpx.Client:
    """Tandem's guarded client with the feed settings: private addresses refused unless
    TANDEM_FEEDS_ALLOW_PRIVATE is on."""
    return http_client(
        allow_private=settings.feeds_allow_private,
        timeout=httpx.Timeout(settings.feeds_timeout_seconds, connect=5.0),
    )


def options_for(settings: Settings) -> PollOptions:
    return PollOptions(base_url=settings.base_url, max_bytes=settings.feeds_max_bytes)


def poll_feed(
    database: Database,
    *,
    feed_id: str,
    options: PollOptions,
    clock: Clock,
    client: httpx.Client,
    force: bool = False,
) -> PollResult | None:
    """Poll one feed: claim, fetch (outside any transaction), record. None when it was not
    due or another poller had it."""
    with database.session() as session:
        target = start_poll(session, feed_id=feed_id, now=clock.now(), force=force)
    if target is None:
        return None
    fetched = fetch_and_parse(
        client, target, max_bytes=options.max_bytes, now=clock.now()
    )
    with database.session() as session:
        return finish_poll(session, target, fetched, options=options, clock=clock)


def poll_due_feeds(
    database: Database,
    *,
    options: PollOptions,
    clock: Clock,
    client_factory: Callable[[], httpx.Client],
    limit: int = FEEDS_PER_RUN,
) -> list[PollResult]:
    with database.session() as session:
        ids = due_feed_ids(session, clock.now(), limit)
    results = []
    with client_factory() as client:
        for feed_id in ids:
            result = poll_feed(
                database, feed_id=feed_id, options=options, clock=clock, client=client
            )
            if result is not None:
                results.append(result)
    return results


def poll_feeds(ctx: JobContextLike, payload: dict[str, Any]) -> None:
    """Poll the due feeds, then queue the next run. Payload (optional): limit (50)."""
    try:
        poll_due_feeds(
            ctx.database,
            options=options_for(ctx.settings),
            clock=ctx.clock,
            client_factory=lambda: feed_client(ctx.settings),
            limit=int(payload.get("limit", FEEDS_PER_RUN)),
        )
    finally:
        with ctx.database.session() as session:
            ensure_polling(session, now=ctx.clock.now(), delay=POLL_EVERY)
