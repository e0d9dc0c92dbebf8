"""Publishing use cases: schedule, claim, send, reconcile, sweep, and the user's fixes.

Sending spans several transactions on purpose (so this module takes a `UnitOfWork`, not a
session): the claim commits, then a "pending" attempt commits BEFORE the platform call, then
the outcome commits. Whatever dies in between, the ledger says a call may have happened, and
the next claim reconciles with the platform before it ever sends again.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from tandem.core import Clock, new_id
from tandem.core.backoff import backoff_delay
from tandem.publish.alerts import announce_settled
from tandem.publish.budgets import RATE_LIMITED
from tandem.publish.claims import Claim, claim_due, sweep_overdue
from tandem.publish.ledger import (
    AttemptOutcome,
    PublicationRow,
    PublicationState,
    PublishAttemptRow,
    fingerprint,
    last_attempt,
    next_attempt_number,
    publication_row,
    published_ids,
)
from tandem.publish.model import AccountHealth
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OutboundPost,
    PublishedRef,
    Publisher,
    PublishError,
    RemotePost,
)
from tandem.publish.refresh import CredentialAccess, current_tokens, refresh_account
from tandem.publish.store import SocialAccountRow
from tandem.storage import UnitOfWork

log = logging.getLogger("tandem.publish")
# claim_due and sweep_overdue live in claims.py; they stay importable from here.
__all__ = [
    "Claim",
    "Policy",
    "claim_due",
    "reconcile",
    "run_publication",
    "sweep_overdue",
]

S = PublicationState
PublisherFor = Callable[[str], Publisher]  # platform name -> its connector


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 8
    # Posts published up to this long before due_at still count when reconciling.
    lookback: timedelta = timedelta(minutes=5)
    # After an unsettled call, "not on the platform" is only trusted once this has passed
    # (platforms list new posts with a delay); until then the post waits, it is not resent.
    settle: timedelta = timedelta(minutes=2)
    # An outcome nobody can confirm for this long is handed to the user (failed, unknown).
    give_up_unknown: timedelta = timedelta(hours=24)
    rng: random.Random | None = None
    # Decrypts stored credentials for the connector; None: accounts act without any (Sandbox).
    credentials: CredentialAccess | None = None
    # A publication's media names -> local file paths (jobs: tandem.media.public); None:
    # the names go as they are, so a post with media fails naming them, never without them.
    media_paths: Callable[[Sequence[str]], tuple[str, ...]] | None = None


def _rowcount(result: Any) -> int:
    # A CursorResult has rowcount; mypy only sees the base Result type.
    return int(getattr(result, "rowcount", 0))


def _backoff(attempt: int, rng: random.Random | None) -> float:
    return backoff_delay(attempt, rng=rng)


# --- settling a claim (every write is fenced on our lease) ------------------------------


def _settle(
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
            won=_rowcount(result) == 1,
            now=now,
        )
    won = _rowcount(result) == 1
    if not won:
        log.warning("publication claim lost", extra={"id": claim.publication_id})
    return won


def _success(ref: PublishedRef) -> dict[str, Any]:
    return {
        "state": S.PUBLISHED,
        "platform_post_id": ref.platform_post_id,
        "url": ref.url,
        "published_at": ref.published_at,
        "error_kind": None,
        "last_error": None,
    }


def _failed(kind: str, message: str) -> dict[str, Any]:
    return {"state": S.FAILED, "error_kind": kind, "last_error": message[:2000]}


# --- sending ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    account: AccountRef
    post: OutboundPost
    since: datetime
    due_at: datetime
    taken: frozenset[str]
    version: int | None = None  # of the stored credentials; None when there are none


def _target(uow: UnitOfWork, claim: Claim, policy: Policy) -> _Target | None:
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
        return _Target(ref, post, since, row.due_at, taken)
    account = AccountRef(ref.id, ref.platform, ref.handle, stored.bag())
    return _Target(account, post, since, row.due_at, taken, stored.version)


def _begin_attempt(
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
        if _rowcount(result) != 1:
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
    target = _target(uow, claim, policy)
    if target is None:
        return None
    publisher = publishers(target.account.platform)
    if claim.reconcile_first:
        settled = _reconcile_claimed(uow, claim, publisher, target, clock, policy)
        if settled is not None:  # PUBLISHING here means the claim was lost meanwhile
            return None if settled is S.PUBLISHING else settled
    begun = claim.begun or _begin_attempt(uow, claim, clock.now())
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
    done = _settle(
        uow,
        claim,
        now=clock.now(),
        values=_success(ref),
        attempt=(begun[0], AttemptOutcome.SUCCESS, ref.url),
        recover=True,
    )
    return S.PUBLISHED if done else None


def _send(publisher: Publisher, target: _Target) -> PublishedRef | PublishError:
    try:
        return publisher.publish(target.account, target.post)
    except PublishError as exc:
        return exc
    except Exception as exc:  # a connector bug after sending may still have posted
        return PublishError(f"{type(exc).__name__}: {exc}", kind=ErrorKind.UNKNOWN)


def _expired_token(exc: PublishError, target: _Target, policy: Policy) -> bool:
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
    target: _Target,
    clock: Clock,
    policy: Policy,
) -> tuple[tuple[int, int], _Target] | PublishError | None:
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
    again = _begin_attempt(uow, claim, clock.now())
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
    target: _Target,
    clock: Clock,
    policy: Policy,
) -> PublicationState | None:
    now, outcome = clock.now(), AttemptOutcome(exc.kind.value)
    attempts, record = begun[1], (begun[0], outcome, exc.message)
    if exc.kind is ErrorKind.UNKNOWN:
        # Keep the lease so nobody else acts while we look for the post straight away.
        values: dict[str, Any] = {"state": S.OUTCOME_UNKNOWN, "error_kind": "unknown"}
        values["last_error"] = exc.message
        values["next_attempt_at"] = now + timedelta(seconds=_backoff(1, policy.rng))
        _settle(uow, claim, now=now, values=values, attempt=record, keep=True)
        settled = _reconcile_claimed(uow, claim, publisher, target, clock, policy)
        # Not found right after an unknown send: never resend on this claim; wait.
        if settled is None:
            return _wait_unknown(uow, claim, clock, policy, exc.message)
        return settled
    if exc.kind is ErrorKind.RETRY and attempts < policy.max_attempts:
        wait = max(exc.retry_after or 0.0, _backoff(attempts, policy.rng))
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
        done = _settle(
            uow, claim, now=now, values=values, attempt=record, account_health=limited
        )
        return S.SCHEDULED if done else None
    health = (
        (AccountHealth.NEEDS_RECONNECT, exc.message)
        if exc.kind is ErrorKind.RECONNECT
        else None
    )
    values = _failed(exc.kind.value, exc.message)
    done = _settle(
        uow, claim, now=now, values=values, attempt=record, account_health=health
    )
    return S.FAILED if done else None


# --- reconciling ------------------------------------------------------------------------


def find_remote(
    remote: Sequence[RemotePost],
    account_id: str,
    parts: Sequence[str],
    taken: frozenset[str],
) -> RemotePost | None:
    """The platform post carrying this text (a thread matches on its first part)."""
    wanted = {fingerprint(account_id, parts), fingerprint(account_id, parts[:1])}
    for post in sorted(remote, key=lambda p: p.published_at):
        if post.platform_post_id in taken:
            continue  # another publication of this account already owns it
        if fingerprint(account_id, (post.text,)) in wanted:
            return post
    return None


def _reconcile_claimed(
    uow: UnitOfWork,
    claim: Claim,
    publisher: Publisher,
    target: _Target,
    clock: Clock,
    policy: Policy,
) -> PublicationState | None:
    """Settle an unsettled attempt from the platform's own list. None means: safe to send."""
    with uow.session() as s:
        last = last_attempt(s, claim.publication_id)
        number = last.number if last else 0
        started = last.started_at if last else clock.now()
    try:
        remote = publisher.recent_posts(target.account, since=target.since)
    except PublishError as exc:
        if exc.kind is ErrorKind.RECONNECT:
            health = (AccountHealth.NEEDS_RECONNECT, exc.message)
            values = _failed("reconnect", exc.message)
            _settle(uow, claim, now=clock.now(), values=values, account_health=health)
            return S.FAILED
        return _wait_unknown(uow, claim, clock, policy, f"reconcile: {exc.message}")
    found = find_remote(remote, target.account.id, target.post.parts, target.taken)
    now = clock.now()
    if found is not None:
        ref = PublishedRef(found.platform_post_id, found.url, found.published_at)
        detail = f"found on the platform by reconciliation: {found.url}"
        record = (number, AttemptOutcome.SUCCESS, detail)
        done = _settle(uow, claim, now=now, values=_success(ref), attempt=record)
        return S.PUBLISHED if done else None
    if now - started < policy.settle:
        return _wait_unknown(uow, claim, clock, policy, "not on the platform yet")
    detail = "not found on the platform after the settle time; safe to send again"
    record = (number, AttemptOutcome.UNKNOWN, detail)
    values = {"state": S.PUBLISHING}
    done = _settle(uow, claim, now=now, values=values, attempt=record, keep=True)
    return None if done else S.PUBLISHING


def _wait_unknown(
    uow: UnitOfWork, claim: Claim, clock: Clock, policy: Policy, why: str
) -> PublicationState | None:
    """Leave it outcome_unknown for a later run, or hand it to the user after a day."""
    now = clock.now()
    with uow.session() as s:
        due_at = publication_row(s, claim.publication_id).due_at
    if now - due_at > policy.give_up_unknown:
        message = "Could not confirm whether this was posted; check the account, then "
        message += "mark it published or retry (a retry looks for the post first)."
        done = _settle(uow, claim, now=now, values=_failed("unknown", message))
        return S.FAILED if done else None
    wait = max(policy.settle.total_seconds(), _backoff(2, policy.rng))
    values: dict[str, Any] = {
        "state": S.OUTCOME_UNKNOWN,
        "error_kind": "unknown",
        "last_error": why,
    }
    values["next_attempt_at"] = now + timedelta(seconds=wait)
    done = _settle(uow, claim, now=now, values=values)
    return S.OUTCOME_UNKNOWN if done else None


def reconcile(
    uow: UnitOfWork,
    publication_id: str,
    *,
    publishers: PublisherFor,
    clock: Clock,
    worker: str,
    lease: timedelta = timedelta(minutes=5),
    policy: Policy | None = None,
) -> PublicationState | None:
    """Look for an unsettled publication on the platform now; never sends."""
    policy, now = policy or Policy(), clock.now()
    with uow.session() as s:
        result = s.execute(
            update(PublicationRow)
            .where(
                PublicationRow.id == publication_id,
                PublicationRow.state.in_([S.OUTCOME_UNKNOWN, S.FAILED]),
            )
            .values(state=S.PUBLISHING, locked_by=worker, lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) != 1:
            return None
    claim = Claim(publication_id, worker, now + lease, True)
    target = _target(uow, claim, policy)
    if target is None:
        return None
    publisher = publishers(target.account.platform)
    settled = _reconcile_claimed(uow, claim, publisher, target, clock, policy)
    if settled is None:  # not there: the next run may send (policy.settle has passed)
        values = {"state": S.OUTCOME_UNKNOWN, "next_attempt_at": now}
        _settle(uow, claim, now=now, values=values)
        return S.OUTCOME_UNKNOWN
    return None if settled is S.PUBLISHING else settled
