"""Rows and queries of the media capability. Only dataclasses from media.model leave here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Double,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import InvalidInput, NotFound
from tandem.media.model import MediaItem, MediaKind
from tandem.storage import Base, UTCDateTime

NOT_FOUND = "No such media item in this workspace."


class MediaRow(Base):
    __tablename__ = "media_items"
    __table_args__ = (
        # One row per content per workspace: uploading the same bytes again finds it.
        UniqueConstraint("workspace_id", "sha256"),
        Index("ix_media_items_workspace_created", "workspace_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    mime_type: Mapped[str] = mapped_column(String(100))
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    duration_seconds: Mapped[float | None] = mapped_column(
        Double()
    )  # explicit: SQLAlchemy 2.0 and 2.1 map float differently
    alt_text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def to_item(row: MediaRow) -> MediaItem:
    return MediaItem(
        id=row.id,
        workspace_id=row.workspace_id,
        filename=row.filename,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        kind=MediaKind(row.kind),
        mime_type=row.mime_type,
        width=row.width,
        height=row.height,
        duration_seconds=row.duration_seconds,
        alt_text=row.alt_text,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
    )


MEDIA_SORTS = {
    "created_at": MediaRow.created_at,
    "filename": func.lower(MediaRow.filename),
    "size": MediaRow.size_bytes,
    "duration": MediaRow.duration_seconds,
}


@dataclass(frozen=True)
class MediaQuery:
    kind: MediaKind | None = None
    sort: str = "created_at"
    descending: bool = True
    limit: int = 25
    offset: int = 0


def parse_query(
    *, kind: str | None, sort: str, order: str, limit: int, offset: int
) -> MediaQuery:
    """A MediaQuery from request parameters; InvalidInput names the field at fault."""
    if kind and kind not in {k.value for k in MediaKind}:
        choices = ", ".join(k.value for k in MediaKind)
        raise InvalidInput(f"kind must be one of {choices}.", field="kind")
    if sort not in MEDIA_SORTS:
        raise InvalidInput(
            f"sort must be one of {', '.join(MEDIA_SORTS)}.", field="sort"
        )
    if order not in ("asc", "desc"):
        raise InvalidInput("order must be asc or desc.", field="order")
    return MediaQuery(
        MediaKind(kind) if kind else None, sort, order == "desc", limit, max(0, offset)
    )


def list_media(
    session: Session, workspace_id: str, query: MediaQuery
) -> tuple[list[MediaItem], int]:
    """One page of a workspace's items and the total that match."""
    where = [MediaRow.workspace_id == workspace_id]
    if query.kind is not None:
        where.append(MediaRow.kind == query.kind.value)
    total = session.scalar(select(func.count()).select_from(MediaRow).where(*where))
    column = MEDIA_SORTS[query.sort]
    order = column.desc() if query.descending else column.asc()
    rows = session.scalars(
        select(MediaRow)
        .where(*where)
        .order_by(order.nulls_last(), MediaRow.id)  # same NULL order on both databases
        .limit(query.limit)
        .offset(query.offset)
    )
    return [to_item(r) for r in rows], total or 0


def media_row(session: Session, workspace_id: str, media_id: str) -> MediaRow:
    """The row, if it belongs to the workspace; another workspace's id is "not found"."""
    row = session.get(MediaRow, media_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound(NOT_FOUND)
    return row


def get_item(session: Session, workspace_id: str, media_id: str) -> MediaItem:
    return to_item(media_row(session, workspace_id, media_id))


def get_media(
    session: Session, workspace_id: str, ids: Sequence[str]
) -> list[MediaItem]:
    """The items with these ids, in the order given. Raises NotFound when any id is not
    in the workspace, so a post never silently loses an attachment."""
    if not ids:
        return []
    rows = session.scalars(
        select(MediaRow).where(
            MediaRow.workspace_id == workspace_id, MediaRow.id.in_(set(ids))
        )
    )
    found = {row.id: to_item(row) for row in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"{NOT_FOUND} Missing: {', '.join(missing[:5])}.")
    return [found[i] for i in ids]


def row_by_digest(session: Session, workspace_id: str, sha256: str) -> MediaRow | None:
    return session.scalar(
        select(MediaRow).where(
            MediaRow.workspace_id == workspace_id, MediaRow.sha256 == sha256
        )
    )


def references(session: Session, sha256: str) -> int:
    """How many items, in any workspace, use these bytes."""
    count = session.scalar(
        select(func.count()).select_from(MediaRow).where(MediaRow.sha256 == sha256)
    )
    return count or 0
