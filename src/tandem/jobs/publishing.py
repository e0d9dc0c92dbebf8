"""Every worker also publishes: due publications are a queue of their own (claimed with a lease
in the publications table), so N workers publish in parallel and each post goes out once."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from tandem.connectors.connect import connector_options, keyring_for
from tandem.connectors.registry import UnknownPlatform, publisher_for
from tandem.core import Clock
from tandem.jobs import periodic
from tandem.media.public import outbound_paths, signing_key
from tandem.publish.alerts import alert_failure
from tandem.publish.budgets import BudgetConfigError, Budgets, budgets_from
from tandem.publish.claims import Claim, claim_batch
from tandem.publish.ledger import PublicationState
from tandem.publish.policy import Policy
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OutboundPost,
    PublishedRef,
    Publisher,
    PublisherFor,
    PublishError,
    RemotePost,
)
from tandem.publish.refresh import CredentialAccess, refresh_expiring
from tandem.publish.worker import run_publication, sweep_overdue
from tandem.settings import ConfigError, Settings, read_secret_key
from tandem.storage import Database
from tandem.storage.queue import JobRow, JobStatus, enqueue

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
                    options = connector_options(platform, settings)
                    options |= media_url_options(platform, settings)
                    cache[platform] = publisher_for(platform, options)
                except UnknownPlatform:
                    cache[platform] = MissingConnector(platform)
            return cache[platform]

    return resolve


# Platforms that download a post's media from a public URL instead of taking its bytes.
MEDIA_URL_PLATFORMS = frozenset({"instagram", "threads"})


def media_url_options(platform: str, settings: Settings) -> dict[str, str]:
    """The registry's options for signed public media URLs (tandem.media.public): the
    public address, the URL signing key (derived, never the secret key itself) and the
    lifetime. Without a secret key there are none, and such media posts fail explaining it."""
    if platform not in MEDIA_URL_PLATFORMS:
        return {}
    try:
        secret = read_secret_key(settings)
    except ConfigError:
        return {}
    return {
        "media_base_url": settings.base_url,
        "media_url_key": signing_key(secret).hex(),
        "media_url_ttl": str(settings.public_media_ttl_seconds),
    }


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def credential_access(settings: Settings) -> CredentialAccess | None:
    """Decrypting stored credentials needs the secret key; without one (a test set-up, a
    misconfigured worker) accounts act without credentials and real platforms answer 401."""
    try:
        secret = read_secret_key(settings)
    except ConfigError:
        return None
    return CredentialAccess(keyring_for(settings, secret), settings.base_url)


def policy_for(settings: Settings) -> Policy:
    return Policy(
        settle=timedelta(seconds=settings.publish_settle_seconds),
        credentials=credential_access(settings),
        media_paths=outbound_paths(settings.media_dir),
    )


def budgets_for(settings: Settings) -> Budgets:
    """The publish budgets: each platform's documented limits, with the settings' overrides."""
    try:
        return budgets_from(
            account_in_flight=settings.publish_account_in_flight,
            x_tier=settings.publish_x_tier,
            limits=settings.publish_account_limits,
            platform_in_flight=settings.publish_platform_in_flight,
        )
    except BudgetConfigError as exc:
        raise ConfigError(str(exc)) from exc


def publish_next(
    database: Database,
    *,
    publishers: PublisherFor,
    clock: Clock,
    lease: timedelta,
    policy: Policy | None = None,
    base_url: str = "",
    budgets: Budgets | None = None,
    batch: int = 1,
) -> bool:
    """Claim up to `batch` due publications (distinct accounts, within `budgets`) in one
    transaction and publish them, in parallel threads when there are several; a failure is
    announced to the team at once. Returns False when none could be claimed."""
    with database.session() as session:
        claims = claim_batch(
            session,
            worker=worker_name(),
            now=clock.now(),
            lease=lease,
            budgets=budgets,
            limit=batch,
            begin=True,
        )

    def send(claim: Claim) -> None:
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

    if len(claims) == 1:
        send(claims[0])
    elif claims:
        # Each claim has its own lease and ledger; threads only overlap the platform calls.
        with ThreadPoolExecutor(len(claims), thread_name_prefix="publish") as pool:
            for _ in pool.map(send, claims):
                pass
    return bool(claims)


def sweep(
    database: Database, *, clock: Clock, grace: timedelta = timedelta(minutes=30)
) -> int:
    """Mark long-overdue posts missed; also keeps the token refresh job on the calendar
    (the runtime sweeps every minute, so this is Tandem's periodic tick)."""
    with database.session() as session:
        schedule_token_refresh(session, now=clock.now())
        periodic.tick(session, now=clock.now())
        return sweep_overdue(session, now=clock.now(), grace=grace)


REFRESH_TOKENS = "refresh_tokens"
REFRESH_EVERY = timedelta(minutes=5)


def schedule_token_refresh(session: Any, *, now: datetime) -> bool:
    """Queue the next token refresh unless one is queued or running; returns True if it
    queued one. Two workers may both queue one in a race: refreshing is idempotent."""
    waiting = session.scalar(
        select(JobRow.id)
        .where(
            JobRow.kind == REFRESH_TOKENS,
            JobRow.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
        .limit(1)
    )
    if waiting is not None:
        return False
    last = session.scalar(
        select(JobRow.finished_at)
        .where(JobRow.kind == REFRESH_TOKENS, JobRow.status == JobStatus.DONE)
        .order_by(JobRow.finished_at.desc())
        .limit(1)
    )
    run_at = max(now, last + REFRESH_EVERY) if last is not None else now
    enqueue(session, REFRESH_TOKENS, {}, now=now, run_at=run_at, max_attempts=1)
    return True


def refresh_tokens(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Refresh the tokens that expire within `token_refresh_window_minutes`; flag the ones
    that cannot be refreshed. Payload: nothing."""
    access = credential_access(ctx.settings)
    if access is None:
        return
    refresh_expiring(
        ctx.database,
        access,
        connector_for=ctx.publishers,
        clock=ctx.clock,
        worker=worker_name(),
        window=timedelta(minutes=ctx.settings.token_refresh_window_minutes),
        base_url=ctx.settings.base_url,
    )


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
            budgets=budgets_for(ctx.settings),
            batch=ctx.settings.publish_batch_size,
        ):
            break
