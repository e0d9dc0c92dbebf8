"""Competitor accounts a workspace benchmarks against, and daily snapshots of their public
metrics (followers, posts, engagement per recent post where the platform shows it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts import Member, audit
from tandem.compose import PLATFORMS
from tandem.connectors.public import PublicProfile, mastodon_account, reason_unreadable
from tandem.core import Clock, Conflict, InvalidInput, NotFound, new_id
from tandem.publish.ports import PublishError
from tandem.storage import Base, UTCDateTime

SNAPSHOT_COMPETITORS = "report.snapshot_competitors"
MAX_COMPETITORS = 20
HANDLE = re.compile(r"^[A-Za-z0-9_.:@-]{1,200}$")
KNOWN_PLATFORMS = tuple(sorted({*PLATFORMS, "sandbox"}))


class CompetitorRow(Base):
    __tablename__ = "competitors"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "handle"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")


class CompetitorSnapshotRow(Base):
    __tablename__ = "competitor_snapshots"
    __table_args__ = (UniqueConstraint("competitor_id", "day"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    competitor_id: Mapped[str] = mapped_column(
        ForeignKey("competitors.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    followers: Mapped[int] = mapped_column()
    posts: Mapped[int] = mapped_column()
    engagement_per_post: Mapped[float | None] = mapped_column(Float)
    sampled_posts: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class Competitor:
    id: str
    platform: str
    handle: str
    unreadable: str  # why the platform's public metrics are not read; "" when they are
    checked_at: datetime | None
    last_error: str


@dataclass(frozen=True)
class Snapshot:
    day: date
    followers: int
    posts: int
    engagement_per_post: float | None
    sampled_posts: int


def _to_competitor(row: CompetitorRow) -> Competitor:
    return Competitor(
        row.id,
        row.platform,
        row.handle,
        reason_unreadable(row.platform) or "",
        row.checked_at,
        row.last_error,
    )


def competitors_in(session: Session, workspace_id: str) -> list[Competitor]:
    rows = session.scalars(
        select(CompetitorRow)
        .where(CompetitorRow.workspace_id == workspace_id)
        .order_by(CompetitorRow.platform, CompetitorRow.handle)
    )
    return [_to_competitor(r) for r in rows]


def snapshots_of(
    session: Session, competitor_id: str, *, until: date
) -> list[Snapshot]:
    rows = session.scalars(
        select(CompetitorSnapshotRow)
        .where(
            CompetitorSnapshotRow.competitor_id == competitor_id,
            CompetitorSnapshotRow.day <= until,
        )
        .order_by(CompetitorSnapshotRow.day)
    )
    return [
        Snapshot(r.day, r.followers, r.posts, r.engagement_per_post, r.sampled_posts)
        for r in rows
    ]


def add_competitor(
    session: Session, *, actor: Member, platform: str, handle: str, clock: Clock
) -> Competitor:
    platform = platform.strip().lower()
    if platform not in KNOWN_PLATFORMS:
        raise InvalidInput(
            f"platform must be one of {', '.join(KNOWN_PLATFORMS)}.", field="platform"
        )
    handle = handle.strip().removeprefix("@")
    if not HANDLE.match(handle):
        raise InvalidInput(
            "handle: give the account's handle as on the platform, e.g. "
            "northwind.bsky.social (letters, digits, . _ - : @; no spaces).",
            field="handle",
        )
    if platform == "mastodon":
        try:
            user, instance = mastodon_account(handle)
        except ValueError as exc:
            raise InvalidInput(f"handle: {exc}", field="handle") from exc
        handle = f"{user}@{instance}"
    ws = actor.workspace.id
    existing = competitors_in(session, ws)
    if any(
        c.platform == platform and c.handle.lower() == handle.lower() for c in existing
    ):
        raise Conflict(f"@{handle} on {platform} is already a competitor.")
    if len(existing) >= MAX_COMPETITORS:
        raise InvalidInput(
            f"handle: at most {MAX_COMPETITORS} competitors; remove one first.",
            field="handle",
        )
    now = clock.now()
    row = CompetitorRow(
        id=new_id(),
        workspace_id=ws,
        platform=platform,
        handle=handle,
        created_at=now,
        last_error="",
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="competitor.add",
        entity_type="competitor",
        entity_id=row.id,
        after={"platform": platform, "handle": handle},
        summary=f"benchmarks against @{handle} on {platform}",
        now=now,
    )
    return _to_competitor(row)


def remove_competitor(
    session: Session, *, actor: Member, competitor_id: str, clock: Clock
) -> None:
    row = session.get(CompetitorRow, competitor_id)
    if row is None or row.workspace_id != actor.workspace.id:
        raise NotFound("No such competitor in this workspace.")
    handle, platform = row.handle, row.platform
    session.delete(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="competitor.remove",
        entity_type="competitor",
        entity_id=competitor_id,
        before={"platform": platform, "handle": handle},
        summary=f"stopped benchmarking @{handle} on {platform}",
        now=clock.now(),
    )


Reader = Callable[[str, str], PublicProfile]


@dataclass(frozen=True)
class SnapshotRun:
    read: int
    failed: int
    skipped: int  # platforms without public metrics


def snapshot_competitors(
    session: Session, read: Reader, *, now: datetime, workspace_id: str | None = None
) -> SnapshotRun:
    """Read each competitor's public profile once and keep today's (UTC) snapshot; a second
    run the same day replaces it. A failure is kept on the competitor, not raised."""
    query = select(CompetitorRow).order_by(CompetitorRow.id)
    if workspace_id:
        query = query.where(CompetitorRow.workspace_id == workspace_id)
    done = failed = skipped = 0
    for row in session.scalars(query).all():
        if reason_unreadable(row.platform):
            skipped += 1
            continue
        try:
            profile = read(row.platform, row.handle)
        except PublishError as exc:
            row.last_error, row.checked_at = exc.message[:1000], now
            failed += 1
            continue
        _keep(session, row, now, profile)
        done += 1
    session.flush()
    return SnapshotRun(done, failed, skipped)


def _keep(
    session: Session, row: CompetitorRow, at: datetime, profile: PublicProfile
) -> None:
    """`profile` as the snapshot of `at`'s day (UTC), replacing one kept earlier that day."""
    day = at.astimezone(UTC).date()
    snap = session.scalar(
        select(CompetitorSnapshotRow).where(
            CompetitorSnapshotRow.competitor_id == row.id,
            CompetitorSnapshotRow.day == day,
        )
    )
    if snap is None:
        snap = CompetitorSnapshotRow(
            id=new_id(), workspace_id=row.workspace_id, competitor_id=row.id, day=day
        )
        session.add(snap)
    snap.at, snap.followers, snap.posts = at, profile.followers, profile.posts
    snap.engagement_per_post = profile.engagement_per_post
    snap.sampled_posts = profile.sampled_posts
    if row.checked_at is None or at >= row.checked_at:
        row.last_error, row.checked_at = "", at


def keep_history(
    session: Session,
    competitor_id: str,
    history: Iterable[tuple[datetime, PublicProfile]],
) -> None:
    """Snapshots read before Tandem watched the competitor (the demo's simulated past)."""
    row = session.get(CompetitorRow, competitor_id)
    if row is None:
        raise NotFound("No such competitor.")
    for at, profile in history:
        _keep(session, row, at, profile)
    session.flush()
