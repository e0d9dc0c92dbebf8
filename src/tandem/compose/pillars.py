"""Content pillars: the few themes a workspace's posts are planned around ("Education",
"Product", "Community"). A post carries at most one; social analytics break performance down
by pillar. Posts published outside Tandem (imported or simulated history) carry theirs on the
published post itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts import Member, audit
from tandem.core import Clock, Conflict, InvalidInput, NotFound, new_id
from tandem.storage import Base, UTCDateTime

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
NAME_MAX = 60
DESCRIPTION_MAX = 500
MAX_PILLARS = 20  # a pillar strategy has a handful; more is tagging, not pillars


class PillarRow(Base):
    __tablename__ = "content_pillars"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    colour: Mapped[str] = mapped_column(String(7))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    colour: str
    description: str


def _to_pillar(row: PillarRow) -> Pillar:
    return Pillar(row.id, row.name, row.colour, row.description)


def pillars_in(session: Session, workspace_id: str) -> list[Pillar]:
    rows = session.scalars(
        select(PillarRow)
        .where(PillarRow.workspace_id == workspace_id)
        .order_by(PillarRow.name)
    )
    return [_to_pillar(r) for r in rows]


def pillar_in(session: Session, workspace_id: str, pillar_id: str) -> Pillar:
    row = session.get(PillarRow, pillar_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such content pillar in this workspace.")
    return _to_pillar(row)


def check_pillar(session: Session, workspace_id: str, pillar_id: str | None) -> None:
    """A post's pillar must be one of its workspace's (the field is named otherwise)."""
    if not pillar_id:
        return
    row = session.get(PillarRow, pillar_id)
    if row is None or row.workspace_id != workspace_id:
        raise InvalidInput(
            "pillar_id: no such content pillar in this workspace; choose one from the "
            "list or leave it empty.",
            field="pillar_id",
        )


def _clean(name: str, colour: str, description: str) -> tuple[str, str, str]:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(
            f"name: give the pillar a name of 1-{NAME_MAX} characters.", field="name"
        )
    colour = colour.strip() or "#64748b"
    if not COLOUR.match(colour):
        raise InvalidInput("colour must be a hex colour like #2f5d8a.", field="colour")
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            f"description: keep it under {DESCRIPTION_MAX} characters.",
            field="description",
        )
    return name, colour.lower(), description


def create_pillar(
    session: Session,
    *,
    actor: Member,
    name: str,
    colour: str = "",
    description: str = "",
    clock: Clock,
) -> Pillar:
    ws = actor.workspace.id
    name, colour, description = _clean(name, colour, description)
    existing = pillars_in(session, ws)
    if any(p.name.lower() == name.lower() for p in existing):
        raise Conflict(f"There is already a pillar named {name!r}.")
    if len(existing) >= MAX_PILLARS:
        raise InvalidInput(
            f"name: a workspace has at most {MAX_PILLARS} pillars; remove one first.",
            field="name",
        )
    now = clock.now()
    row = PillarRow(
        id=new_id(),
        workspace_id=ws,
        name=name,
        colour=colour,
        description=description,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="pillar.create",
        entity_type="content_pillar",
        entity_id=row.id,
        after={"name": name, "colour": colour},
        summary=f"added the content pillar “{name}”",
        now=now,
    )
    return _to_pillar(row)


def delete_pillar(
    session: Session, *, actor: Member, pillar_id: str, clock: Clock
) -> None:
    """Posts of the pillar keep existing, without a pillar (the foreign key sets NULL)."""
    pillar = pillar_in(session, actor.workspace.id, pillar_id)
    row = session.get(PillarRow, pillar_id)
    session.delete(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="pillar.delete",
        entity_type="content_pillar",
        entity_id=pillar_id,
        before={"name": pillar.name},
        summary=f"removed the content pillar “{pillar.name}”",
        now=clock.now(),
    )
