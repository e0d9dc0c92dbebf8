"""Publishing one claimed publication: send it, renew an expired token once, route the error.

Sending spans several transactions on purpose (so this module takes a `UnitOfWork`, not a
session): the claim commits, then a "pending" attempt commits BEFORE the platform call, then
the outcome commits. Whatever dies in between, the ledger says a call may have happened, and
the next claim reconciles with the platform before it ever sends again.

Claiming is in `claims`, the fenced writes in `attempt`, reconciling in `reconcile`, the
retry limits in `policy`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from tandem.core import Clock
from tandem.publish.attempt import (
    Target,
    begin_attempt,
    failed_values,
    load_target,
    published_values,
    settle,
)
from tandem.publish.budgets import RATE_LIMITED
from tandem.publish.claims import Claim, claim_due, sweep_overdue
from tandem.publish.ledger import AttemptOutcome, PublicationState, PublishAttemptRow
from tandem.publish.model import AccountHealth
from tandem.publish.policy import Policy
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    PublishedRef,
    Publisher,
    PublisherFor,
    PublishError,
)
from tandem.publish.reconcile import reconcile_claimed, wait_unknown
from tandem.publish.refresh import refresh_account
from tandem.storage import UnitOfWork

# claim_due and sweep_overdue live in claims.py; they stay importable from here.
__all__ = ["Claim", "claim_due", "run_publication", "sweep_overdue"]

S = PublicationState


def run_publication(
    uow: UnitOfWork,
    claim: Claim,
    *,
    publishers: PublisherFor,
    clock: Clock,
    policy: Policy | None = None,
) -> PublicationState | None:
    """Publish a claimed publication once. Returns its new state (None: the claim was lost)."""
    policy = policy or Policy()
    target = load_target(uow, claim, policy)
    if target is None:
        return None
    publisher = publishers(target.account.platform)
    if claim.reconcile_first:
        settled = reconcile_claimed(uow, claim, publisher, target, clock, policy)
        if settled is not None:  # PUBLISHING here means the claim was lost meanwhile
            return None if settled is S.PUBLISHING else settled
    begun = claim.begun or begin_attempt(uow, claim, clock.now())
    if begun is None:
        return None
    ref = _send(publisher, target)
    if isinstance(ref, PublishError) and _expired_token(ref, target, policy):
        renewed = _renew(uow, claim, begun, ref, publisher, target, clock, policy)
        if renewed is None:
            return None
        if isinstance(renewed, PublishError):
            ref = renewed
        else:  # a 401 means nothing was posted: send again at once, exactly once
            begun, target = renewed
            ref = _send(publisher, target)
    if isinstance(ref, PublishError):
        return _on_error(uow, claim, begun, ref, publisher, target, clock, policy)
    done = settle(
        uow,
        claim,
        now=clock.now(),
        values=published_values(ref),
        attempt=(begun[0], AttemptOutcome.SUCCESS, ref.url),
        recover=True,
    )
    return S.PUBLISHED if done else None


def _send(publisher: Publisher, target: Target) -> PublishedRef | PublishError:
    try:
        return publisher.publish(target.account, target.post)
    except PublishError as exc:
        return exc
    except Exception as exc:  # a connector bug after sending may still have posted
        return PublishError(f"{type(exc).__name__}: {exc}", kind=ErrorKind.UNKNOWN)


def _expired_token(exc: PublishError, target: Target, policy: Policy) -> bool:
    return (
        exc.kind is ErrorKind.RECONNECT
        and exc.status == 401
        and policy.credentials is not None
        and target.version is not None
    )


def _renew(
    uow: UnitOfWork,
    claim: Claim,
    begun: tuple[int, int],
    exc: PublishError,
    publisher: Publisher,
    target: Target,
    clock: Clock,
    policy: Policy,
) -> tuple[tuple[int, int], Target] | PublishError | None:
    """Refresh the token once after a 401; the next call is a new attempt in the ledger.
    Returns the refresh's error, or None when the claim was lost meanwhile."""
    assert policy.credentials is not None  # checked by _expired_token
    detail = f"{exc.message} (HTTP 401): refreshing the token and sending again"
    with uow.session() as s:
        s.execute(
            update(PublishAttemptRow)
            .where(
                PublishAttemptRow.publication_id == claim.publication_id,
                PublishAttemptRow.number == begun[0],
            )
            .values(
                outcome=AttemptOutcome.RECONNECT, detail=detail, finished_at=clock.now()
            )
        )
    try:
        stored = refresh_account(
            uow,
            policy.credentials,
            account_id=target.account.id,
            connector=publisher,
            clock=clock,
            worker=claim.worker,
            seen_version=target.version,
            base_url=policy.credentials.tandem_url,
        )
    except PublishError as failure:
        return failure
    again = begin_attempt(uow, claim, clock.now())
    if again is None:
        return None
    old = target.account
    account = AccountRef(old.id, old.platform, old.handle, stored.bag())
    return again, replace(target, account=account, version=stored.version)


def _on_error(
    uow: UnitOfWork,
    claim: Claim,
    begun: tuple[int, int],
    exc: PublishError,
    publisher: Publisher,
    target: Target,
    clock: Clock,
    policy: Policy,
) -> PublicationState | None:
    now, outcome = clock.now(), AttemptOutcome(exc.kind.value)
    attempts, record = begun[1], (begun[0], outcome, exc.message)
    if exc.kind is ErrorKind.UNKNOWN:
        # Keep the lease so nobody else acts while we look for the post straight away.
        values: dict[str, Any] = {"state": S.OUTCOME_UNKNOWN, "error_kind": "unknown"}
        values["last_error"] = exc.message
        values["next_attempt_at"] = now + timedelta(seconds=policy.backoff(1))
        settle(uow, claim, now=now, values=values, attempt=record, keep=True)
        settled = reconcile_claimed(uow, claim, publisher, target, clock, policy)
        # Not found right after an unknown send: never resend on this claim; wait.
        if settled is None:
            return wait_unknown(uow, claim, clock, policy, exc.message)
        return settled
    if exc.kind is ErrorKind.RETRY and attempts < policy.max_attempts:
        wait = max(exc.retry_after or 0.0, policy.backoff(attempts))
        values = {
            "state": S.SCHEDULED,
            "next_attempt_at": now + timedelta(seconds=wait),
        }
        # A 429 also pauses the account's other posts until then (budgets.paused_until).
        kind = RATE_LIMITED if exc.status == 429 else "retry"
        values |= {"error_kind": kind, "last_error": exc.message}
        limited = (
            (
                AccountHealth.RATE_LIMITED,
                f"{exc.message} (until {values['next_attempt_at']:%Y-%m-%d %H:%M} UTC)",
            )
            if exc.status == 429
            else None
        )
        done = settle(
            uow, claim, now=now, values=values, attempt=record, account_health=limited
        )
        return S.SCHEDULED if done else None
    health = (
        (AccountHealth.NEEDS_RECONNECT, exc.message)
        if exc.kind is ErrorKind.RECONNECT
        else None
    )
    values = failed_values(exc.kind.value, exc.message)
    done = settle(
        uow, claim, now=now, values=values, attempt=record, account_health=health
    )
    return S.FAILED if done else None
