"""Hand scheduled variants to the publisher: a scheduled brief's variants get publications at
their time; leaving "scheduled" cancels the ones not yet sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts.audit import record_change
from tandem.accounts.model import Member
from tandem.accounts.store import WorkspaceRow
from tandem.compose.model import BriefStatus
from tandem.compose.store import BriefRow, VariantRow, variant_row, variant_rows
from tandem.core import Conflict, NotFound
from tandem.media.public import outbound_names
from tandem.publish.actions import plan_for_variant
from tandem.publish.ledger import (
    Publication,
    PublicationState,
    publication_for_variant,
)
from tandem.publish.queue_slots import QueuedPost, next_slot
from tandem.publish.scheduling import to_local


def schedule_variant(
    session: Session, *, variant_id: str, now: datetime
) -> Publication | None:
    """The variant's own scheduled_at (a manual time) wins over the brief's planned time."""
    variant = session.get(VariantRow, variant_id)
    if variant is None:
        raise NotFound("No such variant.")
    brief = session.get(BriefRow, variant.brief_id)
    workspace = session.get(WorkspaceRow, variant.workspace_id)
    assert brief is not None and workspace is not None  # foreign keys
    when = variant.scheduled_at or brief.planned_at
    scheduled = brief.status == BriefStatus.SCHEDULED.value
    return plan_for_variant(
        session,
        workspace_id=variant.workspace_id,
        account_id=variant.account_id,
        variant_id=variant.id,
        parts=variant.content.get("parts", ()),
        first_comment=variant.first_comment,
        when=when if scheduled else None,
        zone=workspace.timezone,
        now=now,
        media=outbound_names(
            session, variant.workspace_id, variant.content.get("media", ())
        ),
    )


def schedule_brief(
    session: Session, *, brief_id: str, now: datetime
) -> list[Publication]:
    """(Re)plan every variant of a brief after its status or times changed."""
    planned = [
        schedule_variant(session, variant_id=v.id, now=now)
        for v in variant_rows(session, brief_id)
    ]
    return [p for p in planned if p is not None]


# --- Add an approved variant to its account's queue ----------------------------------------

QUEUEABLE = (BriefStatus.APPROVED, BriefStatus.SCHEDULED)
_OUT = (
    PublicationState.PUBLISHING,
    PublicationState.PUBLISHED,
    PublicationState.OUTCOME_UNKNOWN,
)


def queue_variant(
    session: Session, *, actor: Member, variant_id: str, now: datetime
) -> QueuedPost:
    """Give an approved variant its account's next free slot.

    The variant gets that time as its own, and an approved brief becomes scheduled (the
    brief's other variants keep whatever time they had, none if they had none)."""
    variant = variant_row(session, actor.workspace.id, variant_id)
    brief = session.get(BriefRow, variant.brief_id)
    assert brief is not None  # foreign key
    status = BriefStatus(brief.status)
    if status not in QUEUEABLE:
        raise Conflict(
            f"Only approved posts can be queued; this one is {status.label.lower()}. "
            "Send it for review first.",
            field="status",
        )
    existing = publication_for_variant(session, variant.id, variant.account_id)
    if existing is not None and existing.state in _OUT:
        raise Conflict(
            "This post is already out (or being sent); it cannot be queued again.",
            field="status",
        )
    instant, settings = next_slot(
        session,
        workspace_id=actor.workspace.id,
        account_id=variant.account_id,
        now=now,
        exclude=existing.id if existing is not None else None,
    )
    variant.scheduled_at, variant.updated_at = instant, now
    if status is BriefStatus.APPROVED:
        brief.status, brief.updated_at = BriefStatus.SCHEDULED.value, now
    session.flush()
    planned = (
        schedule_brief(session, brief_id=brief.id, now=now)
        if status is BriefStatus.APPROVED
        else [schedule_variant(session, variant_id=variant.id, now=now)]
    )
    mine = next(p for p in planned if p is not None and p.variant_id == variant.id)
    local = to_local(instant, settings.timezone)
    record_change(
        session,
        actor=actor,
        action="variant.queue",
        entity_type="variant",
        entity_id=variant.id,
        before={"brief_status": status.value},
        after={"scheduled_at": instant.isoformat(), "local_time": local},
        summary=f"added the {variant.platform} post to the queue",
        now=now,
    )
    return QueuedPost(mine, local, settings.timezone)


@dataclass(frozen=True)
class QueueableVariant:
    variant_id: str
    brief_title: str
    text: str


def queueable_variants(
    session: Session, workspace_id: str, account_id: str, *, limit: int = 50
) -> list[QueueableVariant]:
    """Approved posts' variants for this account with no time yet: the "add to queue" list."""
    rows = session.execute(
        select(VariantRow, BriefRow.title)
        .join(BriefRow, BriefRow.id == VariantRow.brief_id)
        .where(
            VariantRow.workspace_id == workspace_id,
            VariantRow.account_id == account_id,
            VariantRow.scheduled_at.is_(None),
            BriefRow.status == BriefStatus.APPROVED.value,
        )
        .order_by(BriefRow.updated_at.desc(), VariantRow.id)
        .limit(limit)
    ).all()
    return [
        QueueableVariant(v.id, title, " ".join(v.content.get("parts", ()))[:280])
        for v, title in rows
    ]
