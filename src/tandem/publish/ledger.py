"""Publications (what goes out where and when) and the attempt ledger: rows and queries.

A publication is one post to one account. Every platform call is preceded by a committed
`PublishAttemptRow` in state "pending", so a worker that dies mid-call leaves evidence and
the next worker reconciles with the platform instead of sending again (see worker.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound
from tandem.storage import Base, JSONDict, UTCDateTime


class PublicationState(StrEnum):
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    CANCELLED = "cancelled"
    OUTCOME_UNKNOWN = "outcome_unknown"
    MISSED = "missed"


class AttemptOutcome(StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    RETRY = "retry"
    RECONNECT = "reconnect"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


# A last attempt with one of these outcomes may have reached the platform: reconcile first.
UNSETTLED = (AttemptOutcome.PENDING, AttemptOutcome.UNKNOWN)


class PublicationRow(Base):
    __tablename__ = "publications"
    __table_args__ = (
        # NULLs never collide, so API-created publications (no variant) are not limited.
        UniqueConstraint("variant_id", "account_id"),
        # The claim order: due first, then the earlier post, so a paused account's posts
        # resume in their order (on PostgreSQL, ties in an index follow the rows' places on
        # disk, which updates change).
        Index(
            "ix_publications_claim_order", "state", "next_attempt_at", "due_at", "id"
        ),
        Index("ix_publications_workspace_due_at", "workspace_id", "due_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[str | None] = mapped_column(
        ForeignKey("variants.id", ondelete="SET NULL")
    )
    parts: Mapped[dict[str, Any]] = mapped_column(JSONDict())  # {"parts": [...]}
    first_comment: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    local_time: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default=PublicationState.SCHEDULED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(100))
    platform_post_id: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error_kind: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PublishAttemptRow(Base):
    __tablename__ = "publish_attempts"
    # The unique number also stops two workers from recording the same attempt twice.
    __table_args__ = (UniqueConstraint("publication_id", "number"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    publication_id: Mapped[str] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(16), default=AttemptOutcome.PENDING)
    detail: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class Publication:
    id: str
    workspace_id: str
    account_id: str
    variant_id: str | None
    parts: tuple[str, ...]
    first_comment: str
    fingerprint: str
    local_time: str
    timezone: str
    due_at: datetime
    state: PublicationState
    attempts: int
    next_attempt_at: datetime
    platform_post_id: str | None
    url: str | None
    published_at: datetime | None
    error_kind: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PublishAttempt:
    id: str
    publication_id: str
    number: int
    started_at: datetime
    finished_at: datetime | None
    outcome: AttemptOutcome
    detail: str


_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, trimmed, runs of whitespace collapsed: what survives a platform's round trip."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fingerprint(account_id: str, parts: Sequence[str]) -> str:
    """sha256 of the account id and the normalised parts (stable across retries)."""
    body = "\x1e".join(normalise_text(p) for p in parts)
    return hashlib.sha256(f"{account_id}\x1f{body}".encode()).hexdigest()


def to_publication(row: PublicationRow) -> Publication:
    return Publication(
        row.id,
        row.workspace_id,
        row.account_id,
        row.variant_id,
        tuple(row.parts.get("parts", ())),
        row.first_comment,
        row.fingerprint,
        row.local_time,
        row.timezone,
        row.due_at,
        PublicationState(row.state),
        row.attempts,
        row.next_attempt_at,
        row.platform_post_id,
        row.url,
        row.published_at,
        row.error_kind,
        row.last_error,
        row.created_at,
        row.updated_at,
    )


def to_attempt(row: PublishAttemptRow) -> PublishAttempt:
    return PublishAttempt(
        row.id,
        row.publication_id,
        row.number,
        row.started_at,
        row.finished_at,
        AttemptOutcome(row.outcome),
        row.detail,
    )


def publication_row(
    session: Session, publication_id: str, workspace_id: str | None = None
) -> PublicationRow:
    """The row, or NotFound (also when it belongs to another workspace)."""
    row = session.get(PublicationRow, publication_id)
    if row is None or (workspace_id is not None and row.workspace_id != workspace_id):
        raise NotFound("No such scheduled post in this workspace.")
    return row


def publication(
    session: Session, publication_id: str, workspace_id: str | None = None
) -> Publication:
    return to_publication(publication_row(session, publication_id, workspace_id))


def publication_for_variant(
    session: Session, variant_id: str, account_id: str
) -> PublicationRow | None:
    return session.scalar(
        select(PublicationRow).where(
            PublicationRow.variant_id == variant_id,
            PublicationRow.account_id == account_id,
        )
    )


def attempts_of(session: Session, publication_id: str) -> list[PublishAttempt]:
    rows = session.scalars(
        select(PublishAttemptRow)
        .where(PublishAttemptRow.publication_id == publication_id)
        .order_by(PublishAttemptRow.number)
    )
    return [to_attempt(r) for r in rows]


def last_attempt(session: Session, publication_id: str) -> PublishAttemptRow | None:
    return session.scalar(
        select(PublishAttemptRow)
        .where(PublishAttemptRow.publication_id == publication_id)
        .order_by(PublishAttemptRow.number.desc())
        .limit(1)
    )


def next_attempt_number(session: Session, publication_id: str) -> int:
    top = session.scalar(
        select(func.max(PublishAttemptRow.number)).where(
            PublishAttemptRow.publication_id == publication_id
        )
    )
    return int(top or 0) + 1


def publications_in(
    session: Session,
    workspace_id: str,
    *,
    states: Sequence[PublicationState] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[Publication]:
    """A workspace's publications by due time, optionally filtered by state and period."""
    query = select(PublicationRow).where(PublicationRow.workspace_id == workspace_id)
    if states:
        query = query.where(PublicationRow.state.in_([str(s) for s in states]))
    if since is not None:
        query = query.where(PublicationRow.due_at >= since)
    if until is not None:
        query = query.where(PublicationRow.due_at < until)
    rows = session.scalars(
        query.order_by(PublicationRow.due_at, PublicationRow.id).limit(limit)
    )
    return [to_publication(r) for r in rows]


def published_ids(session: Session, account_id: str) -> set[str]:
    """Platform ids already claimed by a publication of this account (not to match twice)."""
    rows = session.scalars(
        select(PublicationRow.platform_post_id).where(
            PublicationRow.account_id == account_id,
            PublicationRow.platform_post_id.is_not(None),
        )
    )
    return {r for r in rows if r}


def publications_for_variants(
    session: Session, variant_ids: Sequence[str]
) -> dict[str, Publication]:
    """The publication of each variant that has one (for the post page)."""
    if not variant_ids:
        return {}
    rows = session.scalars(
        select(PublicationRow).where(PublicationRow.variant_id.in_(list(variant_ids)))
    )
    return {r.variant_id: to_publication(r) for r in rows if r.variant_id}


def publication_page(
    session: Session,
    workspace_id: str,
    *,
    state: PublicationState | None,
    limit: int,
    offset: int,
) -> tuple[list[Publication], int]:
    """A page of a workspace's publications by due time, and how many match in all."""
    where = [PublicationRow.workspace_id == workspace_id]
    if state is not None:
        where.append(PublicationRow.state == str(state))
    total = session.scalar(
        select(func.count()).select_from(PublicationRow).where(*where)
    )
    rows = session.scalars(
        select(PublicationRow)
        .where(*where)
        .order_by(PublicationRow.due_at, PublicationRow.id)
        .limit(limit)
        .offset(offset)
    )
    return [to_publication(r) for r in rows], int(total or 0)
