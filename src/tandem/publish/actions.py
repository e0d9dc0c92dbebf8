"""Scheduling and people's actions on publications: plan a variant, create from the API,
retry now, mark published, cancel. Each change is audited."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from tandem.accounts.audit import record_change
from tandem.accounts.model import Member
from tandem.core import Conflict, NotFound, new_id
from tandem.publish.ledger import (
    Publication,
    PublicationRow,
    PublicationState,
    fingerprint,
    publication_for_variant,
    publication_row,
    to_publication,
)
from tandem.publish.ports import (
    Publisher,
)
from tandem.publish.scheduling import to_local, to_utc
from tandem.publish.store import SocialAccountRow

log = logging.getLogger("tandem.publish")

S = PublicationState
PublisherFor = Callable[[str], Publisher]  # platform name -> its connector


def _plan(
    row: PublicationRow,
    parts: Sequence[str],
    local: str,
    zone: str,
    media: Sequence[str] | None = None,
) -> None:
    """`media`: the files' names (tandem.media.public); None keeps the ones planned before."""
    kept = list((row.parts or {}).get("media", ())) if media is None else list(media)
    row.parts, row.fingerprint = (
        {"parts": list(parts)} | ({"media": kept} if kept else {}),
        fingerprint(row.account_id, parts),
    )
    row.local_time, row.timezone = local, zone
    row.due_at = row.next_attempt_at = to_utc(local, zone)
    row.state, row.attempts, row.error_kind, row.last_error = S.SCHEDULED, 0, None, None


def plan_for_variant(
    session: Session,
    *,
    workspace_id: str,
    account_id: str,
    variant_id: str,
    parts: Sequence[str],
    first_comment: str,
    when: datetime | None,
    zone: str,
    now: datetime,
    media: Sequence[str] = (),
) -> Publication | None:
    """Create or update a variant's publication at `when` (None: not scheduled any more, so a
    pending publication is cancelled). Stored as wall time in `zone`, as the calendar shows it.
    `media`: the variant's files as `tandem.media.public.outbound_names` gives them."""
    row = publication_for_variant(session, variant_id, account_id)
    if when is None:
        if row is not None and row.state in (S.SCHEDULED, S.MISSED):
            row.state, row.updated_at = S.CANCELLED, now
        return to_publication(row) if row is not None else None
    if row is not None and row.state in (S.PUBLISHING, S.PUBLISHED, S.OUTCOME_UNKNOWN):
        return to_publication(row)  # already (maybe) out: changing it now would mislead
    if row is None:
        row = PublicationRow(
            id=new_id(),
            workspace_id=workspace_id,
            account_id=account_id,
            variant_id=variant_id,
            created_at=now,
        )
        session.add(row)
    _plan(row, parts, to_local(when, zone), zone, media)
    row.first_comment, row.updated_at = first_comment, now
    session.flush()
    return to_publication(row)


def create_publication(
    session: Session,
    *,
    workspace_id: str,
    account_id: str,
    parts: Sequence[str],
    local_time: str,
    timezone: str,
    now: datetime,
    first_comment: str = "",
) -> Publication:
    """A publication without a variant (API): wall time in an IANA zone."""
    account = session.get(SocialAccountRow, account_id)
    if account is None or account.workspace_id != workspace_id:
        raise NotFound("No such social account in this workspace.")
    row = PublicationRow(
        id=new_id(),
        workspace_id=workspace_id,
        account_id=account_id,
        first_comment=first_comment,
        created_at=now,
        updated_at=now,
    )
    _plan(row, parts, local_time, timezone)
    session.add(row)
    session.flush()
    return to_publication(row)


def _change(
    session: Session,
    actor: Member,
    publication_id: str,
    allowed: Sequence[PublicationState],
    action: str,
) -> tuple[PublicationRow, Publication]:
    row = publication_row(session, publication_id, actor.workspace.id)
    if row.state not in allowed:
        raise Conflict(
            f"This post is {row.state.replace('_', ' ')}; it cannot be {action} now."
        )
    return row, to_publication(row)


def _audit(
    session: Session,
    actor: Member,
    action: str,
    before: Publication,
    row: PublicationRow,
    now: datetime,
) -> Publication:
    after = to_publication(row)
    record_change(
        session,
        actor=actor,
        action=action,
        entity_type="publication",
        entity_id=row.id,
        before=before,
        after=after,
        now=now,
    )
    return after


def retry_now(
    session: Session, *, actor: Member, publication_id: str, now: datetime
) -> Publication:
    """Queue a failed, missed or unconfirmed post again, due now.

    Safe after an unknown outcome: the claim sees the unsettled attempt and looks for the
    post on the platform before it sends anything.
    """
    allowed = (S.FAILED, S.MISSED, S.OUTCOME_UNKNOWN, S.CANCELLED)
    row, before = _change(session, actor, publication_id, allowed, "retried")
    row.state, row.attempts, row.next_attempt_at = S.SCHEDULED, 0, now
    row.error_kind, row.last_error, row.updated_at = None, None, now
    return _audit(session, actor, "publication.retry", before, row, now)


def mark_published(
    session: Session,
    *,
    actor: Member,
    publication_id: str,
    now: datetime,
    url: str = "",
    platform_post_id: str | None = None,
) -> Publication:
    """The user confirms the post is live (e.g. after an unknown outcome)."""
    allowed = (S.FAILED, S.MISSED, S.OUTCOME_UNKNOWN, S.SCHEDULED)
    row, before = _change(session, actor, publication_id, allowed, "marked published")
    row.state, row.published_at, row.updated_at = S.PUBLISHED, now, now
    row.url, row.platform_post_id = url or row.url, platform_post_id
    row.error_kind = row.last_error = None
    return _audit(session, actor, "publication.mark_published", before, row, now)


def cancel(
    session: Session, *, actor: Member, publication_id: str, now: datetime
) -> Publication:
    allowed = (S.SCHEDULED, S.FAILED, S.MISSED, S.OUTCOME_UNKNOWN)
    row, before = _change(session, actor, publication_id, allowed, "cancelled")
    row.state, row.updated_at = S.CANCELLED, now
    return _audit(session, actor, "publication.cancel", before, row, now)


EDITABLE = (
    PublicationState.SCHEDULED,
    PublicationState.MISSED,
    PublicationState.FAILED,
)


def edit_publication(
    session: Session,
    *,
    actor: Member,
    publication_id: str,
    now: datetime,
    local_time: str | None = None,
    timezone: str | None = None,
    parts: Sequence[str] | None = None,
) -> Publication:
    """Change the text or the wall time of a post not yet out; due_at is planned again."""
    row, before = _change(session, actor, publication_id, EDITABLE, "changed")
    _plan(
        row,
        list(parts) if parts is not None else list(row.parts.get("parts", ())),
        row.local_time if local_time is None else local_time,
        row.timezone if timezone is None else timezone,
    )
    row.updated_at = now
    return _audit(session, actor, "publication.edit", before, row, now)
