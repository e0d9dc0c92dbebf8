"""Rows and queries for listening. Only dataclasses from `records.py` leave.

`listen_mentions` is unique per (workspace, key digest): the key is the platform's post id
when the source gives one, else the URL, else the author, time and text (see `mention_key`),
so the same post found by a search, a feed and a CSV export is stored once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound
from tandem.listen.records import (
    Alert,
    AlertKind,
    CampaignNote,
    MentionInput,
    Source,
    SourceKind,
    StoredMention,
    TrackedTopic,
)
from tandem.listen.topics import TopicKind
from tandem.storage import Base, JSONDict, UTCDateTime

NAME_MAX = 100
URL_MAX = 2000
AUTHOR_MAX = 200
PLATFORM_MAX = 32
PLATFORM_ID_MAX = 200


class ListenTopicRow(Base):
    __tablename__ = "listen_topics"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[str] = mapped_column(String(16))
    query: Mapped[str] = mapped_column(Text)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListenSourceRow(Base):
    __tablename__ = "listen_sources"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE")
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    collected: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListenMentionRow(Base):
    __tablename__ = "listen_mentions"
    __table_args__ = (
        UniqueConstraint("workspace_id", "key_digest"),
        Index("ix_listen_mentions_workspace_created", "workspace_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    key_digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str | None] = mapped_column(
        ForeignKey("listen_sources.id", ondelete="SET NULL")
    )
    platform: Mapped[str] = mapped_column(String(PLATFORM_MAX), default="")
    platform_id: Mapped[str] = mapped_column(String(PLATFORM_ID_MAX), default="")
    url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX), default="")
    author_followers: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="")
    sentiment: Mapped[float] = mapped_column(Float, default=0.0)
    intent: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListenMentionTopicRow(Base):
    """A mention matched a topic; `created_at` repeats the mention's, for range queries."""

    __tablename__ = "listen_mention_topics"
    __table_args__ = (
        Index("ix_listen_mention_topics_topic_created", "topic_id", "created_at"),
    )
    mention_id: Mapped[str] = mapped_column(
        ForeignKey("listen_mentions.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(
        ForeignKey("listen_topics.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListenAlertRow(Base):
    """An alert (or a digest) sent once: `dedup_key` says what it was about and when."""

    __tablename__ = "listen_alerts"
    __table_args__ = (
        UniqueConstraint("workspace_id", "dedup_key"),
        Index("ix_listen_alerts_workspace_created", "workspace_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    dedup_key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    details: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListenCampaignNoteRow(Base):
    __tablename__ = "listen_campaign_notes"
    __table_args__ = (
        Index("ix_listen_campaign_notes_campaign", "campaign_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    trend_label: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def mention_key(m: MentionInput) -> str:
    """The identity used for deduplication (see the module docstring)."""
    if m.platform and m.platform_id:
        return f"post\x1f{m.platform.lower()}\x1f{m.platform_id}"
    if m.url:
        return f"url\x1f{m.url.strip()}"
    when = m.created_at.isoformat()
    return f"text\x1f{m.author.lower()}\x1f{when}\x1f{' '.join(m.text.split())}"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def to_topic(row: ListenTopicRow) -> TrackedTopic:
    return TrackedTopic(
        id=row.id,
        workspace_id=row.workspace_id,
        name=row.name,
        kind=TopicKind(row.kind),
        query=row.query,
        languages=tuple(row.filters.get("languages", ())),
        platforms=tuple(row.filters.get("platforms", ())),
        created_at=row.created_at,
    )


def to_source(row: ListenSourceRow) -> Source:
    return Source(
        id=row.id,
        workspace_id=row.workspace_id,
        kind=SourceKind(row.kind),
        name=row.name,
        url=row.url,
        account_id=row.account_id,
        active=row.active,
        last_polled_at=row.last_polled_at,
        last_error=row.last_error,
        collected=row.collected,
        created_at=row.created_at,
    )


def to_mention(row: ListenMentionRow, topic_ids: Sequence[str] = ()) -> StoredMention:
    return StoredMention(
        id=row.id,
        source=row.source,
        platform=row.platform,
        platform_id=row.platform_id,
        url=row.url,
        author=row.author,
        author_followers=row.author_followers,
        text=row.text,
        language=row.language,
        sentiment=row.sentiment,
        intent=row.intent,
        created_at=row.created_at,
        collected_at=row.collected_at,
        topic_ids=tuple(topic_ids),
    )


def to_alert(row: ListenAlertRow) -> Alert:
    return Alert(
        row.id, AlertKind(row.kind), row.title, row.body, row.url, row.created_at
    )


def to_note(row: ListenCampaignNoteRow) -> CampaignNote:
    return CampaignNote(
        row.id, row.campaign_id, row.trend_label, row.note, row.created_at
    )


def topic_row(session: Session, workspace_id: str, topic_id: str) -> ListenTopicRow:
    """The topic, only if it belongs to the workspace (the same 404 either way)."""
    row = session.get(ListenTopicRow, topic_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such topic in this workspace.")
    return row


def topics_in(session: Session, workspace_id: str) -> list[TrackedTopic]:
    rows = session.scalars(
        select(ListenTopicRow)
        .where(ListenTopicRow.workspace_id == workspace_id)
        .order_by(ListenTopicRow.kind, ListenTopicRow.name)
    )
    return [to_topic(r) for r in rows]


def topic_name_taken(
    session: Session, workspace_id: str, name: str, except_id: str | None
) -> bool:
    query = select(ListenTopicRow.id).where(
        ListenTopicRow.workspace_id == workspace_id, ListenTopicRow.name == name
    )
    if except_id:
        query = query.where(ListenTopicRow.id != except_id)
    return session.scalar(query) is not None


def source_row(session: Session, workspace_id: str, source_id: str) -> ListenSourceRow:
    row = session.get(ListenSourceRow, source_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such listening source in this workspace.")
    return row


def sources_in(session: Session, workspace_id: str) -> list[Source]:
    rows = session.scalars(
        select(ListenSourceRow)
        .where(ListenSourceRow.workspace_id == workspace_id)
        .order_by(ListenSourceRow.kind, ListenSourceRow.name, ListenSourceRow.id)
    )
    return [to_source(r) for r in rows]


def active_source_ids(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(ListenSourceRow.id)
            .where(ListenSourceRow.active.is_(True))
            .order_by(ListenSourceRow.workspace_id, ListenSourceRow.id)
        )
    )


def workspaces_with_topics(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(ListenTopicRow.workspace_id)
            .distinct()
            .order_by(ListenTopicRow.workspace_id)
        )
    )


def known_digests(
    session: Session, workspace_id: str, digests: Sequence[str]
) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(digests), 500):  # keeps IN lists small on both databases
        chunk = digests[start : start + 500]
        found |= set(
            session.scalars(
                select(ListenMentionRow.key_digest).where(
                    ListenMentionRow.workspace_id == workspace_id,
                    ListenMentionRow.key_digest.in_(chunk),
                )
            )
        )
    return found


def unlink_topic(session: Session, topic_id: str) -> None:
    session.execute(
        delete(ListenMentionTopicRow).where(ListenMentionTopicRow.topic_id == topic_id)
    )


def alert_sent(session: Session, workspace_id: str, dedup_key: str) -> bool:
    return (
        session.scalar(
            select(ListenAlertRow.id).where(
                ListenAlertRow.workspace_id == workspace_id,
                ListenAlertRow.dedup_key == dedup_key,
            )
        )
        is not None
    )


def alerts_in(session: Session, workspace_id: str, limit: int = 20) -> list[Alert]:
    rows = session.scalars(
        select(ListenAlertRow)
        .where(
            ListenAlertRow.workspace_id == workspace_id,
            ListenAlertRow.kind != "digest",
        )
        .order_by(ListenAlertRow.created_at.desc(), ListenAlertRow.id)
        .limit(limit)
    )
    return [to_alert(r) for r in rows]


def notes_in(
    session: Session, workspace_id: str, *, campaign_id: str | None = None
) -> list[CampaignNote]:
    query = select(ListenCampaignNoteRow).where(
        ListenCampaignNoteRow.workspace_id == workspace_id
    )
    if campaign_id:
        query = query.where(ListenCampaignNoteRow.campaign_id == campaign_id)
    rows = session.scalars(
        query.order_by(ListenCampaignNoteRow.created_at.desc()).limit(100)
    )
    return [to_note(r) for r in rows]
