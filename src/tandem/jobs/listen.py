"""The listening job: read every active source, then send alerts and the daily digest.

`listen.collect` re-queues itself `COLLECT_EVERY` later and the worker's minute sweep keeps
one run waiting (jobs/periodic.py). Sources are read in units of work of their own; the
alerts are written in the job's session, after the reading is done.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tandem.compose.autopost import feed_client
from tandem.inbox.ingest import AccountRefFor
from tandem.jobs.inbox import credentialed_ref
from tandem.jobs.periodic import ensure_periodic
from tandem.jobs.publishing import credential_access
from tandem.listen import alerts
from tandem.listen.collect import SearcherFor, collect_all
from tandem.listen.ports import Searcher
from tandem.publish.ports import AccountRef, PublisherFor
from tandem.publish.store import SocialAccountRow

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext

log = logging.getLogger(__name__)

LISTEN_COLLECT = "listen.collect"
COLLECT_EVERY = timedelta(minutes=15)


def searchers_from(publishers: PublisherFor, refs: AccountRefFor) -> SearcherFor:
    """An account -> its connector and credentials, when the connector can search."""

    def resolve(
        session: Session, account: SocialAccountRow
    ) -> tuple[Searcher, AccountRef] | None:
        connector = publishers(account.platform)
        if not callable(getattr(connector, "search", None)):
            return None
        return connector, refs(session, account)  # type: ignore[return-value]  # checked structurally

    return resolve


def collect_listening(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Job handler: read sources, then alerts and the digest; payload: nothing."""
    refs = credentialed_ref(credential_access(ctx.settings))
    with feed_client(ctx.settings) as client:
        results = collect_all(
            ctx.database,
            client=client,
            searchers=searchers_from(ctx.publishers, refs),
            clock=ctx.clock,
            max_bytes=ctx.settings.feeds_max_bytes,
        )
    now = ctx.clock.now()
    sent = alerts.check_all(ctx.session, now=now, base_url=ctx.settings.base_url)
    log.info(
        "listening collected",
        extra={
            "sources": len(results),
            "new": sum(r.stored for r in results),
            "errors": sum(1 for r in results if r.error),
            "alerts": sum(len(a) for a in sent.values()),
        },
    )
    ensure_periodic(ctx.session, LISTEN_COLLECT, now=now, delay=COLLECT_EVERY)
