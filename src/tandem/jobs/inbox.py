"""Polling every connected account's conversations into the inbox.

The connector for a platform is the same object that publishes (one per platform, from
`publishers_for`); it takes part in the inbox when it implements `ConversationSource`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.core import Clock
from tandem.inbox.ingest import AccountRefFor, IngestResult, ingest_account, plain_ref
from tandem.inbox.ports import ConversationSource
from tandem.jobs.periodic import ensure_periodic
from tandem.jobs.publishing import credential_access
from tandem.publish.credentials import load_credentials
from tandem.publish.model import AccountHealth
from tandem.publish.ports import AccountRef, PublisherFor
from tandem.publish.refresh import CredentialAccess
from tandem.publish.store import SocialAccountRow
from tandem.storage import Database

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext

log = logging.getLogger(__name__)

SourceFor = Callable[[str], ConversationSource | None]


def sources_from(publishers: PublisherFor) -> SourceFor:
    """Platform -> its connector when that connector reads conversations, else None."""

    def resolve(platform: str) -> ConversationSource | None:
        connector = publishers(platform)
        if callable(getattr(connector, "interactions", None)) and callable(
            getattr(connector, "reply", None)
        ):
            return connector  # type: ignore[return-value]  # checked structurally above
        return None

    return resolve


def poll_inboxes(
    database: Database,
    sources: SourceFor,
    clock: Clock,
    *,
    account_ref: AccountRefFor = plain_ref,
    workspace_id: str | None = None,
) -> list[IngestResult]:
    """One pass over every account that can be read (skipping ones that need reconnecting)."""
    with database.session() as s:
        query = select(SocialAccountRow.id, SocialAccountRow.platform).where(
            SocialAccountRow.health != AccountHealth.NEEDS_RECONNECT
        )
        if workspace_id:
            query = query.where(SocialAccountRow.workspace_id == workspace_id)
        accounts = s.execute(query.order_by(SocialAccountRow.id)).all()
    results = []
    for account_id, platform in accounts:
        source = sources(platform)
        if source is None:
            continue
        result = ingest_account(
            database, account_id, source, clock, account_ref=account_ref
        )
        if result.error:
            log.warning(
                "inbox poll error", extra={"account": account_id, "error": result.error}
            )
        results.append(result)
    return results


def credentialed_ref(access: CredentialAccess | None) -> AccountRefFor:
    """AccountRef with the account's decrypted credentials (none stored: a bare ref)."""

    def ref(session: Session, row: SocialAccountRow) -> AccountRef:
        if access is None:
            return plain_ref(session, row)
        stored = load_credentials(session, access.keyring, row.id)
        if stored is None:
            return plain_ref(session, row)
        return AccountRef(row.id, row.platform, row.handle, stored.bag())

    return ref


POLL_INBOXES = "poll_inboxes"
POLL_EVERY = timedelta(minutes=1)


def poll_inboxes_job(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Job handler: one pass over every readable account, then the next pass a minute on."""
    results = poll_inboxes(
        ctx.database,
        sources_from(ctx.publishers),
        ctx.clock,
        account_ref=credentialed_ref(credential_access(ctx.settings)),
    )
    log.info(
        "inboxes polled",
        extra={
            "accounts": len(results),
            "new": sum(r.new for r in results),
            "errors": sum(1 for r in results if r.error),
        },
    )
    ensure_periodic(ctx.session, POLL_INBOXES, now=ctx.clock.now(), delay=POLL_EVERY)
