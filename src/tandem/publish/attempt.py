"""One claimed publication's writes, each fenced on the claim's lease.

`load_target` reads what the claim sends, and where; `begin_attempt` commits a pending
attempt (the evidence that a call may happen) before the platform call; `settle` writes the
outcome after it. Once the claim is lost, the publication is left to whoever holds it now
(only the attempt's own outcome is still recorded).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from tandem.core import new_id
from tandem.publish.alerts import announce_settled
from tandem.publish.claims import Claim
from tandem.publish.ledger import (
    AttemptOutcome,
    PublicationRow,
    PublicationState,
    PublishAttemptRow,
    next_attempt_number,
    publication_row,
    published_ids,
)
from tandem.publish.model import AccountHealth
from tandem.publish.policy import Policy
from tandem.publish.ports import AccountRef, OutboundPost, PublishedRef
from tandem.publish.refresh import current_tokens
from tandem.publish.store import SocialAccountRow
from tandem.storage import UnitOfWork

log = logging.getLogger("tandem.publish")
S = PublicationState


def rowcount(result: Any) -> int:
    # A CursorResult has rowcount; mypy only sees the base Result type.
    return int(getattr(result, "rowcount", 0))


def settle(
    uow: UnitOfWork,
    claim: Claim,
    *,
    now: datetime,
    values: dict[str, Any],
    attempt: tuple[int, AttemptOutcome, str] | None = None,
    account_health: tuple[AccountHealth, str] | None = None,
    keep: bool = False,
    recover: bool = False,
) -> bool:
    """Write the outcome if we still hold the claim; the attempt's truth is written anyway.

    The lease is released unless `keep` (the same claim goes on to reconcile or send).
    `recover`: a success ends the account's rate-limited spell (in this same transaction:
    one fewer per post).
    """
    release: dict[str, Any] = {} if keep else {"lease_until": None, "locked_by": None}
    with uow.session() as s:
        result = s.execute(
            update(PublicationRow)
            .where(
                PublicationRow.id == claim.publication_id,
                PublicationRow.locked_by == claim.worker,
                PublicationRow.state.in_([S.PUBLISHING, S.OUTCOME_UNKNOWN]),
            )
            .values(**(release | values), updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if attempt is not None:
            number, outcome, detail = attempt
            s.execute(
                update(PublishAttemptRow)
                .where(
                    PublishAttemptRow.publication_id == claim.publication_id,
                    PublishAttemptRow.number == number,
                )
                .values(outcome=outcome, detail=detail[:2000], finished_at=now)
            )
        if account_health is not None or recover:
            row = publication_row(s, claim.publication_id)
            account = s.get(SocialAccountRow, row.account_id)
            if account is not None and account_health is not None:
                account.health, account.health_message = account_health
            elif account is not None and account.health == AccountHealth.RATE_LIMITED:
                account.health, account.health_message = AccountHealth.OK, ""
        announce_settled(
            s,
            claim.publication_id,
            state=values.get("state"),
            won=rowcount(result) == 1,
            now=now,
        )
    won = rowcount(result) == 1
    if not won:
        log.warning("publication claim lost", extra={"id": claim.publication_id})
    return won


def published_values(ref: PublishedRef) -> dict[str, Any]:
    return {
        "state": S.PUBLISHED,
        "platform_post_id": ref.platform_post_id,
        "url": ref.url,
        "published_at": ref.published_at,
        "error_kind": None,
        "last_error": None,
    }


def failed_values(kind: str, message: str) -> dict[str, Any]:
    return {"state": S.FAILED, "error_kind": kind, "last_error": message[:2000]}


@dataclass(frozen=True)
class Target:
    """What a claimed publication sends, and where; `taken`: the platform ids the account's
    other publications own (reconciling never claims them)."""

    account: AccountRef
    post: OutboundPost
    since: datetime
    due_at: datetime
    taken: frozenset[str]
    version: int | None = None  # of the stored credentials; None when there are none


def load_target(uow: UnitOfWork, claim: Claim, policy: Policy) -> Target | None:
    """None when the claim is lost or the account is gone."""
    with uow.session() as s:
        row = publication_row(s, claim.publication_id)
        if row.locked_by != claim.worker or row.state != S.PUBLISHING:
            return None
        acc = s.get(SocialAccountRow, row.account_id)
        if acc is None:
            return None
        parts = tuple(row.parts.get("parts", ()))
        media = tuple(row.parts.get("media", ()))
        if media and policy.media_paths is not None:
            media = policy.media_paths(media)
        post = OutboundPost(
            parts, row.fingerprint, media_paths=media, first_comment=row.first_comment
        )
        taken = frozenset(published_ids(s, acc.id))
        ref = AccountRef(acc.id, acc.platform, acc.handle)
        since = row.due_at - policy.lookback
    stored = (
        current_tokens(uow, policy.credentials, ref.id) if policy.credentials else None
    )
    if stored is None:
        return Target(ref, post, since, row.due_at, taken)
    account = AccountRef(ref.id, ref.platform, ref.handle, stored.bag())
    return Target(account, post, since, row.due_at, taken, stored.version)


def begin_attempt(
    uow: UnitOfWork, claim: Claim, now: datetime
) -> tuple[int, int] | None:
    """Commit a pending attempt (the evidence) before calling out.

    Returns (ledger number, attempts in this round), or None if the claim is lost.
    """
    with uow.session() as s:
        result = s.execute(
            update(PublicationRow)
            .where(
                PublicationRow.id == claim.publication_id,
                PublicationRow.locked_by == claim.worker,
                PublicationRow.state == S.PUBLISHING,
            )
            .values(attempts=PublicationRow.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return None
        number = next_attempt_number(s, claim.publication_id)
        s.add(
            PublishAttemptRow(
                id=new_id(),
                publication_id=claim.publication_id,
                number=number,
                started_at=now,
                outcome=AttemptOutcome.PENDING,
                detail="",
            )
        )
        attempts = s.scalar(
            select(PublicationRow.attempts).where(
                PublicationRow.id == claim.publication_id
            )
        )
    return number, int(attempts or 1)
