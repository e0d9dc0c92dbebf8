"""Reconciling: settling an unsettled publication from the platform's own list of posts.

After a call whose outcome is unknown (a timeout after sending, a worker that died), the post
is looked for by its fingerprint before anything is sent again. Found: it is published. Not
found: it waits until platforms have had time to list it (`Policy.settle`), and only then may
the claim send again; an outcome nobody confirms for a day goes to the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from tandem.core import Clock
from tandem.publish.attempt import (
    Target,
    failed_values,
    published_values,
    settle,
)
from tandem.publish.claims import Claim
from tandem.publish.ledger import (
    AttemptOutcome,
    PublicationState,
    fingerprint,
    last_attempt,
    publication_row,
)
from tandem.publish.model import AccountHealth
from tandem.publish.policy import Policy
from tandem.publish.ports import (
    ErrorKind,
    PublishedRef,
    Publisher,
    PublishError,
    RemotePost,
)
from tandem.storage import UnitOfWork

S = PublicationState


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


def reconcile_claimed(
    uow: UnitOfWork,
    claim: Claim,
    publisher: Publisher,
    target: Target,
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
            values = failed_values("reconnect", exc.message)
            settle(uow, claim, now=clock.now(), values=values, account_health=health)
            return S.FAILED
        return wait_unknown(uow, claim, clock, policy, f"reconcile: {exc.message}")
    found = find_remote(remote, target.account.id, target.post.parts, target.taken)
    now = clock.now()
    if found is not None:
        ref = PublishedRef(found.platform_post_id, found.url, found.published_at)
        detail = f"found on the platform by reconciliation: {found.url}"
        record = (number, AttemptOutcome.SUCCESS, detail)
        done = settle(uow, claim, now=now, values=published_values(ref), attempt=record)
        return S.PUBLISHED if done else None
    if now - started < policy.settle:
        return wait_unknown(uow, claim, clock, policy, "not on the platform yet")
    detail = "not found on the platform after the settle time; safe to send again"
    record = (number, AttemptOutcome.UNKNOWN, detail)
    values = {"state": S.PUBLISHING}
    done = settle(uow, claim, now=now, values=values, attempt=record, keep=True)
    return None if done else S.PUBLISHING


def wait_unknown(
    uow: UnitOfWork, claim: Claim, clock: Clock, policy: Policy, why: str
) -> PublicationState | None:
    """Leave it outcome_unknown for a later run, or hand it to the user after a day."""
    now = clock.now()
    with uow.session() as s:
        due_at = publication_row(s, claim.publication_id).due_at
    if now - due_at > policy.give_up_unknown:
        message = "Could not confirm whether this was posted; check the account, then "
        message += "mark it published or retry (a retry looks for the post first)."
        done = settle(uow, claim, now=now, values=failed_values("unknown", message))
        return S.FAILED if done else None
    wait = max(policy.settle.total_seconds(), policy.backoff(2))
    values: dict[str, Any] = {
        "state": S.OUTCOME_UNKNOWN,
        "error_kind": "unknown",
        "last_error": why,
    }
    values["next_attempt_at"] = now + timedelta(seconds=wait)
    done = settle(uow, claim, now=now, values=values)
    return S.OUTCOME_UNKNOWN if done else None
