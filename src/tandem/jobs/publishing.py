"""Every worker also publishes: due publications are a queue of their own (claimed with a lease
in the publications table), so N workers publish in parallel and each post goes out once."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tandem.connectors.registry import UnknownPlatform, publisher_for
from tandem.core import Clock
from tandem.publish.alerts import alert_failure
from tandem.publish.ledger import PublicationState
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OutboundPost,
    PublishedRef,
    Publisher,
    PublishError,
    RemotePost,
)
from tandem.publish.worker import (
    Policy,
    PublisherFor,
    claim_due,
    run_publication,
    sweep_overdue,
)
from tandem.settings import Settings
from tandem.storage import Database

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext


@dataclass(frozen=True)
class MissingConnector:
    """Stands in for a platform Tandem cannot publish to yet: every post fails with the reason."""

    platform: str

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        raise PublishError(
            f"Tandem has no connector for {self.platform} yet; publish this post by hand and "
            "mark it published.",
            kind=ErrorKind.PERMANENT,
        )

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        return ()

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        raise PublishError(
            f"Tandem has no connector for {self.platform} yet.",
            kind=ErrorKind.PERMANENT,
        )


def publishers_for(settings: Settings) -> PublisherFor:
    """Platform name -> connector, configured from settings; one connector per platform."""
    cache: dict[str, Publisher] = {}
    lock = threading.Lock()

    def resolve(platform: str) -> Publisher:
        with lock:
            if platform not in cache:
                try:
                    options = {
                        "base_url": settings.sandbox_url,
                        "timeout": str(settings.connector_timeout_seconds),
                    }
                    cache[platform] = publisher_for(platform, options)
                except UnknownPlatform:
                    cache[platform] = MissingConnector(platform)
            return cache[platform]

    return resolve


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def policy_for(settings: Settings) -> Policy:
    return Policy(settle=timedelta(seconds=settings.publish_settle_seconds))


def publish_next(
    database: Database,
    *,
    publishers: PublisherFor,
    clock: Clock,
    lease: timedelta,
    policy: Policy | None = None,
    base_url: str = "",
) -> bool:
    """Claim one due publication and publish it; a failure is announced to the team at once.
    Returns False when none was due."""
    with database.session() as session:
        claim = claim_due(session, worker=worker_name(), now=clock.now(), lease=lease)
    if claim is None:
        return False
    state = run_publication(
        database, claim, publishers=publishers, clock=clock, policy=policy
    )
    if state is PublicationState.FAILED:
        with database.session() as session:
            alert_failure(
                session,
                publication_id=claim.publication_id,
                base_url=base_url,
                now=clock.now(),
            )
    return True


def sweep(
    database: Database, *, clock: Clock, grace: timedelta = timedelta(minutes=30)
) -> int:
    with database.session() as session:
        return sweep_overdue(session, now=clock.now(), grace=grace)


PUBLISH_DUE_POSTS = "publish_due_posts"


def publish_due_posts(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Sweep, then send due posts until none is due or the budget (seconds) is spent.

    Payload (optional): budget_seconds (50), grace_minutes (30), limit (1000). Workers already
    publish continuously; this job is for `tandem worker --once` and explicit runs."""
    sweep(
        ctx.database,
        clock=ctx.clock,
        grace=timedelta(minutes=float(payload.get("grace_minutes", 30))),
    )
    lease = timedelta(seconds=ctx.settings.worker_lease_seconds)
    # A monotonic budget, not the injected clock: a frozen test clock would never end the loop.
    deadline = time.monotonic() + float(payload.get("budget_seconds", 50))
    for _ in range(int(payload.get("limit", 1000))):
        if time.monotonic() >= deadline:
            break
        if not publish_next(
            ctx.database,
            publishers=ctx.publishers,
            clock=ctx.clock,
            lease=lease,
            policy=policy_for(ctx.settings),
            base_url=ctx.settings.base_url,
        ):
            break
