"""In-app notifications (with an optional email copy): what reaches people where they work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import new_id
from tandem.notify.mail import EmailMessage, queue_email
from tandem.storage import Base, UTCDateTime


class NotificationRow(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Notification:
    id: str
    workspace_id: str
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class Recipient:
    user_id: str
    email: str


def notify(
    session: Session,
    *,
    workspace_id: str,
    recipients: Iterable[Recipient],
    kind: str,
    title: str,
    body: str,
    url: str,
    base_url: str,
    now: datetime,
    email: bool = True,
) -> int:
    """Notify each recipient in the app and, with `email`, by email (queued in this transaction)."""
    count = 0
    for person in recipients:
        session.add(
            NotificationRow(
                id=new_id(),
                workspace_id=workspace_id,
                user_id=person.user_id,
                kind=kind,
                title=title,
                body=body,
                url=url,
                created_at=now,
            )
        )
        if email:
            text = f"{body}\n\nOpen it: {base_url}{url}\n" if url else f"{body}\n"
            queue_email(
                session,
                EmailMessage(to=person.email, subject=title, body=text),
                now=now,
                workspace_id=workspace_id,
            )
        count += 1
    return count


def notifications_of(
    session: Session, user_id: str, *, limit: int = 50
) -> list[Notification]:
    rows = session.scalars(
        select(NotificationRow)
        .where(NotificationRow.user_id == user_id)
        .order_by(NotificationRow.created_at.desc())
        .limit(limit)
    )
    return [
        Notification(
            r.id,
            r.workspace_id,
            r.kind,
            r.title,
            r.body,
            r.url,
            r.created_at,
            r.read_at,
        )
        for r in rows
    ]


def unread_count(session: Session, user_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                NotificationRow.user_id == user_id, NotificationRow.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(
    session: Session, user_id: str, *, now: datetime, notification_id: str | None = None
) -> None:
    query = update(NotificationRow).where(
        NotificationRow.user_id == user_id, NotificationRow.read_at.is_(None)
    )
    if notification_id:
        query = query.where(NotificationRow.id == notification_id)
    session.execute(query.values(read_at=now))
