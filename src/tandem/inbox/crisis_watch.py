"""Watching for crises: measure each workspace's last hour, compare, alert once per episode.

An episode starts with the first check that crosses the threshold: that check notifies
everyone who manages the inbox (in the app and by email) and emits the `inbox.crisis`
webhook, all in the caller's transaction. Later checks above the threshold only update the
episode (its peak, when it was last seen); the episode ends after `COOL_DOWN` without an
alert-level hour, and only then can a new one alert again. The maths is in `crisis`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, case, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts import Permission, allows, store
from tandem.accounts.model import Workspace
from tandem.core import new_id
from tandem.inbox.crisis import (
    WINDOW,
    Assessment,
    assess,
    explain,
    sample_windows,
    top_terms,
)
from tandem.inbox.intent import Intent
from tandem.inbox.sentiment import Polarity
from tandem.inbox.store import InboxItemRow
from tandem.inbox.targets import CrisisSettings, crisis_settings_of
from tandem.notify import Recipient, notify, webhooks
from tandem.storage import Base, JSONDict, UTCDateTime

CRISIS_EVENT = "inbox.crisis"
# The webhook registry lists event types in tandem.notify; the inbox adds its own here (the
# module is imported by the web app and the worker, the two places events are chosen/sent).
webhooks.EVENT_TYPES.setdefault(
    CRISIS_EVENT,
    "Negative inbox volume rose far above its usual level (a possible crisis).",
)
COOL_DOWN = timedelta(hours=2)
EXAMPLES = 3
BACKGROUND_LIMIT = 500


class InboxCrisisAlertRow(Base):
    """One episode of unusual negative volume; `ended_at` is None while it lasts."""

    __tablename__ = "inbox_crisis_alerts"
    __table_args__ = (
        Index("ix_inbox_crisis_alerts_workspace_started", "workspace_id", "started_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    volume: Mapped[float] = mapped_column(Float)  # at the start
    peak: Mapped[float] = mapped_column(Float)
    baseline: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)


@dataclass(frozen=True)
class CrisisAlert:
    id: str
    workspace_id: str
    started_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    volume: float
    peak: float
    baseline: float
    threshold: float
    basis: str
    summary: str
    terms: tuple[str, ...]
    examples: tuple[str, ...]
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    workspace_id: str
    assessment: Assessment | None  # None: alerts are switched off for the workspace
    started: CrisisAlert | None = None  # a new episode (alert sent)
    ongoing: CrisisAlert | None = None  # an episode already alerted


def to_alert(row: InboxCrisisAlertRow) -> CrisisAlert:
    d = row.details
    return CrisisAlert(
        row.id,
        row.workspace_id,
        row.started_at,
        row.last_seen_at,
        row.ended_at,
        row.volume,
        row.peak,
        row.baseline,
        row.threshold,
        row.basis,
        row.summary,
        tuple(d.get("terms", ())),
        tuple(d.get("examples", ())),
        tuple(d.get("item_ids", ())),
    )


_WEIGHT = case(
    (InboxItemRow.intent == Intent.CRISIS.value, 2),
    (InboxItemRow.intent == Intent.SPAM.value, 0),
    (InboxItemRow.polarity == Polarity.NEGATIVE.value, 1),
    else_=0,
)


def _in_window(workspace_id: str, start: datetime, end: datetime) -> list[Any]:
    return [
        InboxItemRow.workspace_id == workspace_id,
        InboxItemRow.hidden.is_(False),
        InboxItemRow.created_at > start,
        InboxItemRow.created_at <= end,
    ]


def volume(session: Session, workspace_id: str, start: datetime, end: datetime) -> int:
    """Weighted negative volume of items written in (start, end]."""
    total = session.scalar(
        select(func.coalesce(func.sum(_WEIGHT), 0)).where(
            *_in_window(workspace_id, start, end)
        )
    )
    return int(total or 0)


def history_start(session: Session, workspace_id: str) -> datetime | None:
    found: datetime | None = session.scalar(
        select(func.min(InboxItemRow.created_at)).where(
            InboxItemRow.workspace_id == workspace_id
        )
    )
    return found


def assess_workspace(
    session: Session, workspace_id: str, *, now: datetime, settings: CrisisSettings
) -> Assessment:
    basis, windows = sample_windows(now, history_start(session, workspace_id))
    samples = [volume(session, workspace_id, s, e) for s, e in windows]
    return assess(
        volume(session, workspace_id, now - WINDOW, now),
        samples,
        k=settings.k,
        minimum=settings.minimum,
        basis=basis,
    )


def _negative_texts(
    session: Session, workspace_id: str, start: datetime, end: datetime
) -> list[tuple[str, str, str, float]]:
    rows = session.execute(
        select(
            InboxItemRow.id,
            InboxItemRow.text,
            InboxItemRow.intent,
            InboxItemRow.priority,
        )
        .where(*_in_window(workspace_id, start, end), _WEIGHT > 0)
        .order_by(InboxItemRow.priority.desc(), InboxItemRow.created_at.desc())
        .limit(BACKGROUND_LIMIT)
    ).all()
    return [(str(i), str(t), str(intent), float(p)) for i, t, intent, p in rows]


def _open_episode(session: Session, workspace_id: str) -> InboxCrisisAlertRow | None:
    return session.scalar(
        select(InboxCrisisAlertRow)
        .where(
            InboxCrisisAlertRow.workspace_id == workspace_id,
            InboxCrisisAlertRow.ended_at.is_(None),
        )
        .order_by(InboxCrisisAlertRow.started_at.desc())
        .limit(1)
    )


def _start_episode(
    session: Session, workspace: Workspace, a: Assessment, now: datetime
) -> InboxCrisisAlertRow:
    burst = _negative_texts(session, workspace.id, now - WINDOW, now)
    background = _negative_texts(
        session, workspace.id, now - WINDOW - timedelta(days=7), now - WINDOW
    )
    terms = top_terms([t for _, t, _, _ in burst], [t for _, t, _, _ in background])
    examples = [t for _, t, _, _ in burst[:EXAMPLES]]
    crisis_items = sum(1 for _, _, intent, _ in burst if intent == Intent.CRISIS)
    row = InboxCrisisAlertRow(
        id=new_id(),
        workspace_id=workspace.id,
        started_at=now,
        last_seen_at=now,
        ended_at=None,
        volume=a.current,
        peak=a.current,
        baseline=a.median,
        threshold=a.threshold,
        basis=a.basis,
        summary=explain(a, terms, examples, crisis_items),
        details={
            "terms": terms,
            "examples": examples,
            "item_ids": [i for i, _, _, _ in burst[:50]],
            "samples": list(a.samples),
            "k": a.k,
            "minimum": a.minimum,
        },
    )
    session.add(row)
    session.flush()
    return row


def _announce(
    session: Session,
    workspace: Workspace,
    alert: CrisisAlert,
    *,
    base_url: str,
    now: datetime,
) -> None:
    people = [
        Recipient(m.user.id, m.user.email)
        for m in store.memberships_in(session, workspace.id)
        if m.user.is_active and allows(m.role, Permission.INBOX_MANAGE)
    ]
    notify(
        session,
        workspace_id=workspace.id,
        recipients=people,
        kind=CRISIS_EVENT,
        title=(
            f"Possible crisis in {workspace.name}: {alert.volume:g} negative messages "
            f"in the last hour (usually {alert.baseline:g})"
        ),
        body=alert.summary,
        url=f"/w/{workspace.slug}/inbox/sla#crisis",
        base_url=base_url,
        now=now,
    )
    webhooks.emit(
        session,
        workspace=webhooks.EventWorkspace(workspace.id, workspace.slug, workspace.name),
        event_type=CRISIS_EVENT,
        data={
            "alert_id": alert.id,
            "started_at": webhooks.iso(alert.started_at),
            "volume": alert.volume,
            "baseline": alert.baseline,
            "threshold": alert.threshold,
            "basis": alert.basis,
            "summary": alert.summary,
            "top_terms": list(alert.terms),
            "examples": list(alert.examples),
            "item_ids": list(alert.item_ids),
            "url": f"{base_url}/w/{workspace.slug}/inbox/sla#crisis",
        },
        now=now,
    )


def check_workspace(
    session: Session, workspace: Workspace, *, now: datetime, base_url: str
) -> Check:
    """One check; idempotent within an episode (a second run alerts nobody)."""
    settings = crisis_settings_of(session, workspace.id)
    if not settings.enabled:
        return Check(workspace.id, None)
    a = assess_workspace(session, workspace.id, now=now, settings=settings)
    episode = _open_episode(session, workspace.id)
    if episode is not None and not a.alert and now - episode.last_seen_at >= COOL_DOWN:
        episode.ended_at = now
        episode = None
    if not a.alert:
        return Check(workspace.id, a, ongoing=to_alert(episode) if episode else None)
    if episode is not None:
        episode.last_seen_at = now
        episode.peak = max(episode.peak, a.current)
        return Check(workspace.id, a, ongoing=to_alert(episode))
    started = to_alert(_start_episode(session, workspace, a, now))
    _announce(session, workspace, started, base_url=base_url, now=now)
    return Check(workspace.id, a, started=started)


def workspaces_with_items(session: Session, since: datetime) -> list[str]:
    return list(
        session.scalars(
            select(InboxItemRow.workspace_id)
            .where(InboxItemRow.created_at > since)
            .distinct()
        )
    )


def check_all(session: Session, *, now: datetime, base_url: str) -> list[Check]:
    """Check every workspace that heard anything in the last hours (an episode ends too)."""
    busy = set(workspaces_with_items(session, now - COOL_DOWN - WINDOW))
    busy |= set(
        session.scalars(
            select(InboxCrisisAlertRow.workspace_id).where(
                InboxCrisisAlertRow.ended_at.is_(None)
            )
        )
    )
    return [
        check_workspace(
            session, store.workspace_by_id(session, ws_id), now=now, base_url=base_url
        )
        for ws_id in sorted(busy)
    ]


def alerts_of(
    session: Session, workspace_id: str, *, limit: int = 20
) -> Sequence[CrisisAlert]:
    rows = session.scalars(
        select(InboxCrisisAlertRow)
        .where(InboxCrisisAlertRow.workspace_id == workspace_id)
        .order_by(InboxCrisisAlertRow.started_at.desc())
        .limit(limit)
    )
    return [to_alert(r) for r in rows]
