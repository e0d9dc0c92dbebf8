"""Hand scheduled variants to the publisher: a scheduled brief's variants get publications at
their time; leaving "scheduled" cancels the ones not yet sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tandem.accounts.store import WorkspaceRow
from tandem.compose.model import BriefStatus
from tandem.compose.store import BriefRow, VariantRow, variant_rows
from tandem.core import NotFound
from tandem.publish.actions import plan_for_variant
from tandem.publish.ledger import Publication


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
