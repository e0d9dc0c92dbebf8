"""Claiming due publications with a lease, within the publish budgets, and sweeping overdue
ones (the queue side of the worker; worker.py sends what was claimed).

One transaction claims a small batch — at most one publication per account — so a worker
pays one claim per batch instead of one per post; each claim still has its own lease and its
own ledger (the pending attempt is committed before each call, in worker.py).

Race-freedom of the budgets: on SQLite every transaction begins IMMEDIATE, so claims are
serialised by the writer lock and a count read in the claim holds until it commits. On
PostgreSQL candidates are locked with `FOR UPDATE SKIP LOCKED`, the account with
`pg_try_advisory_xact_lock` (another worker claiming for the same account makes us skip it)
and a capped platform with `pg_advisory_xact_lock` (taken in name order, so never a
deadlock); each count is read again after its lock, when the other claim has committed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tandem.core import new_id
from tandem.publish.budgets import (
    WAITING,
    Budgets,
    Wait,
    account_in_flight,
    budget_wait,
    busy_accounts,
    platform_in_flight,
)
from tandem.publish.ledger import (
    UNSETTLED,
    AttemptOutcome,
    PublicationRow,
    PublicationState,
    PublishAttemptRow,
    last_attempt,
)
from tandem.publish.store import SocialAccountRow

S = PublicationState


@dataclass(frozen=True)
class Claim:
    publication_id: str
    worker: str
    lease_until: datetime
    reconcile_first: bool  # the last attempt may have reached the platform
    # (ledger number, attempts in this round) of the pending attempt committed with the
    # claim (claim_batch(begin=True)); None: run_publication commits one before its call.
    begun: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Candidate:
    id: str
    account_id: str
    state: str
    zone: str
    platform: str
    health: str


def _rowcount(result: Any) -> int:
    # A CursorResult has rowcount; mypy only sees the base Result type.
    return int(getattr(result, "rowcount", 0))


# --- claiming ---------------------------------------------------------------------------


def _claimable(now: datetime) -> Any:
    waiting = PublicationRow.state.in_([S.SCHEDULED, S.OUTCOME_UNKNOWN]) & (
        PublicationRow.next_attempt_at <= now
    )
    abandoned = (PublicationRow.state == S.PUBLISHING) & (
        PublicationRow.lease_until < now
    )
    return waiting | abandoned


def claim_due(
    session: Session,
    *,
    worker: str,
    now: datetime,
    lease: timedelta,
    budgets: Budgets | None = None,
) -> Claim | None:
    """Lease one due publication (or one whose lease ran out); commit before sending.
    Without `budgets` nothing limits the claim (tests and tools); workers pass them."""
    claims = claim_batch(
        session, worker=worker, now=now, lease=lease, budgets=budgets, limit=1
    )
    return claims[0] if claims else None


def claim_batch(
    session: Session,
    *,
    worker: str,
    now: datetime,
    lease: timedelta,
    budgets: Budgets | None = None,
    limit: int = 1,
    begin: bool = False,
) -> list[Claim]:
    """Lease up to `limit` due publications, oldest first; commit before sending.

    With `budgets` they are of distinct accounts, and over-budget candidates are deferred
    with the reason (never failed), or skipped while only an in-flight cap stops them (that
    frees within seconds). `begin`: also write each claim's pending attempt (the ledger
    entry that must precede the call) in this transaction, saving one per post; not for a
    claim that must reconcile first, which may end without calling."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if budgets is None:
        rows = _candidates(session, now, fetch=limit, lock=postgres)
        taken = [
            _take(session, c.id, worker=worker, now=now, lease=lease, begin=begin)
            for c in rows
        ]
        return [c for c in taken if c is not None]
    busy = busy_accounts(session, now=now, cap=budgets.account_in_flight)
    # Several of one account may come first: read enough to fill a batch of distinct ones,
    # and lock only the rows we then take (a locked row another worker wants is skipped).
    candidates = _candidates(session, now, fetch=limit * 8, lock=False, busy=busy)
    if postgres:
        _lock_platforms(session, budgets, candidates)
    claims: list[Claim] = []
    seen: set[str] = set()
    for c in candidates:
        if len(claims) >= limit:
            break
        if c.account_id in seen:
            continue  # one per account per batch: its posts go out in order
        seen.add(c.account_id)
        if not _within(session, c, budgets, now, postgres):
            continue
        claim = _take(session, c.id, worker=worker, now=now, lease=lease, begin=begin)
        if claim is not None:
            claims.append(claim)
    return claims


def _candidates(
    session: Session,
    now: datetime,
    *,
    fetch: int,
    lock: bool,
    busy: set[str] | frozenset[str] = frozenset(),
) -> list[_Candidate]:
    """The `fetch` oldest claimable rows. One query per state, each served in order by the
    (state, next_attempt_at, due_at, id) index, so a claim reads `fetch` rows, not every due
    post (an OR over the states made every claim sort the whole backlog: 10,000 rows in the
    bench). Equally due posts go in the order they were due: a paused account's posts
    resume in their order."""
    ready = PublicationRow.next_attempt_at <= now
    wheres = [
        (PublicationRow.state == S.SCHEDULED) & ready,
        (PublicationRow.state == S.OUTCOME_UNKNOWN) & ready,
        (PublicationRow.state == S.PUBLISHING) & (PublicationRow.lease_until < now),
    ]
    found: list[tuple[tuple[datetime, datetime, str], _Candidate]] = []
    for where in wheres:
        query = (
            select(
                PublicationRow.next_attempt_at,
                PublicationRow.due_at,
                PublicationRow.id,
                PublicationRow.account_id,
                PublicationRow.state,
                PublicationRow.timezone,
                SocialAccountRow.platform,
                SocialAccountRow.health,
            )
            .join(SocialAccountRow, SocialAccountRow.id == PublicationRow.account_id)
            .where(where)
            .order_by(
                PublicationRow.next_attempt_at, PublicationRow.due_at, PublicationRow.id
            )
            .limit(fetch)
        )
        if busy:
            query = query.where(PublicationRow.account_id.not_in(sorted(busy)))
        if lock:
            query = query.with_for_update(of=PublicationRow, skip_locked=True)
        found += [
            ((row[0], row[1], row[2]), _Candidate(*row[2:]))
            for row in session.execute(query)
        ]
    found.sort(key=lambda pair: pair[0])
    return [c for _, c in found[:fetch]]


def _still_free(session: Session, publication_id: str, now: datetime) -> bool:
    """PostgreSQL: lock the one row we are about to judge, unless another worker has it."""
    query = (
        select(PublicationRow.id)
        .where(PublicationRow.id == publication_id, _claimable(now))
        .with_for_update(skip_locked=True)
    )
    return session.scalar(query) is not None


def _within(
    session: Session, c: _Candidate, budgets: Budgets, now: datetime, postgres: bool
) -> bool:
    """True when the candidate may be claimed now; defers it when a window or a 429 pause
    says so (a post whose worker died mid-call is recovered at once, not budgeted)."""
    if postgres:
        locked = session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"),
            {"key": _lock_key("account", c.account_id)},
        )
        if not locked:
            return False  # another worker is claiming for this account right now
        if (
            account_in_flight(session, c.account_id, now=now)
            >= budgets.account_in_flight
        ):
            return False
        if not _still_free(session, c.id, now):
            return False
    cap = budgets.of(c.platform).in_flight
    if cap is not None and platform_in_flight(session, c.platform, now=now) >= cap:
        return False
    if c.state == S.PUBLISHING:
        return True
    wait = budget_wait(
        session,
        account_id=c.account_id,
        platform=c.platform,
        health=c.health,
        zone=c.zone,
        budgets=budgets,
        now=now,
    )
    if wait is None:
        return True
    _defer(session, c, wait, now)
    return False


def _defer(session: Session, c: _Candidate, wait: Wait, now: datetime) -> None:
    values: dict[str, Any] = {"next_attempt_at": wait.until, "updated_at": now}
    if c.state == S.SCHEDULED:  # an unconfirmed post keeps saying it is unconfirmed
        values |= {"error_kind": WAITING, "last_error": wait.reason}
    session.execute(
        update(PublicationRow)
        .where(PublicationRow.id == c.id, PublicationRow.state == c.state)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _lock_platforms(
    session: Session, budgets: Budgets, candidates: list[_Candidate]
) -> None:
    capped = {c.platform for c in candidates if budgets.of(c.platform).in_flight}
    for platform in sorted(capped):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": _lock_key("platform", platform)},
        )


def _lock_key(kind: str, name: str) -> int:
    digest = hashlib.sha256(f"tandem.publish.{kind}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _take(
    session: Session,
    publication_id: str,
    *,
    worker: str,
    now: datetime,
    lease: timedelta,
    begin: bool = False,
) -> Claim | None:
    """The conditional UPDATE: we proceed only if we won the row."""
    result = session.execute(
        update(PublicationRow)
        .where(PublicationRow.id == publication_id, _claimable(now))
        .values(
            state=S.PUBLISHING,
            lease_until=now + lease,
            locked_by=worker,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        return None
    last = last_attempt(session, publication_id)
    unsettled = last is not None and last.outcome in UNSETTLED
    if unsettled or not begin:
        return Claim(publication_id, worker, now + lease, unsettled)
    number = last.number + 1 if last is not None else 1
    session.add(
        PublishAttemptRow(
            id=new_id(),
            publication_id=publication_id,
            number=number,
            started_at=now,
            outcome=AttemptOutcome.PENDING,
            detail="",
        )
    )
    attempts = session.scalar(
        update(PublicationRow)
        .where(PublicationRow.id == publication_id)
        .values(attempts=PublicationRow.attempts + 1)
        .returning(PublicationRow.attempts)
    )
    return Claim(
        publication_id, worker, now + lease, False, (number, int(attempts or 1))
    )


# --- sweeping ---------------------------------------------------------------------------


def sweep_overdue(
    session: Session, *, now: datetime, grace: timedelta = timedelta(minutes=30)
) -> int:
    """Scheduled posts more than `grace` past their time become missed (the user decides).

    Posting hours late can do harm (a sale that ended, a live event), so a worker that was
    down does not catch up blindly. Run it before claiming. Returns how many were marked.
    A post a budget deferred has a `next_attempt_at` in the future, so it is not swept.
    """
    minutes = int(grace.total_seconds() // 60)
    message = (
        f"Not published within {minutes} minutes of its time (was the worker running?). "
        "Publish it now or reschedule it."
    )
    result = session.execute(
        update(PublicationRow)
        .where(
            PublicationRow.state == S.SCHEDULED,
            PublicationRow.next_attempt_at < now - grace,
        )
        .values(state=S.MISSED, error_kind="missed", last_error=message, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)
