"""A workspace's inbox settings: SLA bands and crisis alert thresholds (rows, reads, writes).

Until a workspace saves its own, the defaults apply (sla.DEFAULT_TARGETS; crisis k = 3,
minimum 10, on): reading never writes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import InvalidInput, new_id
from tandem.inbox.crisis import DEFAULT_K, DEFAULT_MINIMUM
from tandem.inbox.sla import DEFAULT_TARGETS, SlaTarget, check_targets
from tandem.storage import Base, UTCDateTime

MAX_K = 20.0
MAX_MINIMUM = 100_000


class InboxSlaTargetRow(Base):
    __tablename__ = "inbox_sla_targets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    min_priority: Mapped[float] = mapped_column(Float)
    minutes: Mapped[int] = mapped_column()


class InboxCrisisSettingsRow(Base):
    __tablename__ = "inbox_crisis_settings"
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    k: Mapped[float] = mapped_column(Float)
    minimum: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class CrisisSettings:
    enabled: bool = True
    k: float = DEFAULT_K  # how many spreads above the baseline median
    minimum: int = DEFAULT_MINIMUM  # weighted items in the hour, at least


def targets_of(session: Session, workspace_id: str) -> tuple[SlaTarget, ...]:
    rows = session.scalars(
        select(InboxSlaTargetRow)
        .where(InboxSlaTargetRow.workspace_id == workspace_id)
        .order_by(InboxSlaTargetRow.min_priority.desc())
    ).all()
    if not rows:
        return DEFAULT_TARGETS
    return tuple(SlaTarget(r.min_priority, r.minutes) for r in rows)


def set_targets(
    session: Session, workspace_id: str, targets: Sequence[SlaTarget]
) -> tuple[SlaTarget, ...]:
    """Replace the workspace's bands (validated as a whole)."""
    clean = check_targets(targets)
    session.execute(
        delete(InboxSlaTargetRow).where(InboxSlaTargetRow.workspace_id == workspace_id)
    )
    for t in clean:
        session.add(
            InboxSlaTargetRow(
                id=new_id(),
                workspace_id=workspace_id,
                min_priority=float(t.min_priority),
                minutes=int(t.minutes),
            )
        )
    session.flush()
    return clean


def crisis_settings_of(session: Session, workspace_id: str) -> CrisisSettings:
    row = session.get(InboxCrisisSettingsRow, workspace_id)
    if row is None:
        return CrisisSettings()
    return CrisisSettings(row.enabled, row.k, row.minimum)


def set_crisis_settings(
    session: Session, workspace_id: str, settings: CrisisSettings, *, now: datetime
) -> CrisisSettings:
    if not math.isfinite(settings.k) or not 0.5 <= settings.k <= MAX_K:
        raise InvalidInput(
            f"k is between 0.5 and {MAX_K:g} (3 is a good start: lower alerts sooner).",
            field="k",
        )
    if not 1 <= settings.minimum <= MAX_MINIMUM:
        raise InvalidInput(
            "minimum is a count of negative messages in an hour, at least 1.",
            field="minimum",
        )
    row = session.get(InboxCrisisSettingsRow, workspace_id)
    if row is None:
        row = InboxCrisisSettingsRow(workspace_id=workspace_id)
        session.add(row)
    row.enabled, row.k, row.minimum, row.updated_at = (
        settings.enabled,
        float(settings.k),
        int(settings.minimum),
        now,
    )
    session.flush()
    return CrisisSettings(row.enabled, row.k, row.minimum)
