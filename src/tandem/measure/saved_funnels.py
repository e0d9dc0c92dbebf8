"""Saved funnels: a named list of ordered steps and a conversion window, kept per workspace.

A marketer defines a funnel once and reopens it for any date range. Each step is a
`match` and a `value`: `url` (a pageview whose address matches the pattern, `*` matches
anything), `event` (a custom or conversion event with that name), `conversion` (any
conversion; no value), or another event type (`pageview`, `click`, `custom`, `email`;
no value). Results are computed by funnels.py like any other funnel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import Clock, Conflict, InvalidInput, NotFound, new_id
from tandem.measure.funnels import MAX_STEPS, TYPES, Step
from tandem.storage import Base, UTCDateTime

MATCHES = ("url", "event", *TYPES)
MAX_WINDOW_DAYS = 90
MAX_VALUE = 500


class SavedFunnelRow(Base):
    __tablename__ = "measure_funnels"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    steps: Mapped[str] = mapped_column(Text)  # JSON [[match, value], ...] in order
    window_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class SavedFunnel:
    id: str
    name: str
    steps: tuple[Step, ...]
    window_days: int
    created_at: datetime
    updated_at: datetime

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.window_days)


@dataclass(frozen=True)
class FunnelIn:
    name: str
    steps: list[tuple[str, str]]  # (match, value); value "" for the type matches
    window_days: int = 30


def step_of(match: str, value: str, index: int) -> Step:
    """One step from its match and value; errors name `steps[index].match` or `.value`."""
    where = f"steps[{index}]"
    match, value = match.strip(), value.strip()
    if match not in MATCHES:
        raise InvalidInput(
            f"{where}.match: {match[:40]!r} is not a kind of step; use one of "
            f"{', '.join(MATCHES)}.",
            field=f"{where}.match",
        )
    if match in ("url", "event"):
        if not value or len(value) > MAX_VALUE or "\x00" in value:
            what = (
                "a URL pattern like */pricing*" if match == "url" else "an event name"
            )
            raise InvalidInput(
                f"{where}.value: give {what} (1 to {MAX_VALUE} characters).",
                field=f"{where}.value",
            )
        return Step(match, value)
    if value:
        raise InvalidInput(
            f"{where}.value: a {match} step takes no value; leave it empty, or use "
            "match event to name a conversion.",
            field=f"{where}.value",
        )
    return Step("type", match)


def checked(item: FunnelIn) -> tuple[str, list[Step], int]:
    name = item.name.strip()
    if not name or len(name) > 100 or "\x00" in name:
        raise InvalidInput("name: give the funnel a name of 1 to 100 characters.",
                           field="name")  # fmt: skip
    steps = [step_of(m, v, i) for i, (m, v) in enumerate(item.steps)]
    if not 2 <= len(steps) <= MAX_STEPS:
        raise InvalidInput(
            f"steps: a funnel needs 2 to {MAX_STEPS} steps; {len(steps)} given.",
            field="steps",
        )
    if not 1 <= item.window_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(
            f"window_days: the conversion window is 1 to {MAX_WINDOW_DAYS} days.",
            field="window_days",
        )
    return name, steps, item.window_days


def step_json(step: Step) -> dict[str, str]:
    if step.kind == "type":
        return {"match": step.value, "value": ""}
    return {"match": step.kind, "value": step.value}


def _funnel(row: SavedFunnelRow) -> SavedFunnel:
    return SavedFunnel(
        id=row.id,
        name=row.name,
        steps=tuple(
            Step("type", m) if m in TYPES else Step(m, v)
            for m, v in json.loads(row.steps)
        ),
        window_days=row.window_days,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _fill(row: SavedFunnelRow, item: FunnelIn) -> None:
    name, steps, window = checked(item)
    row.name = name
    row.steps = json.dumps([[s["match"], s["value"]] for s in map(step_json, steps)])
    row.window_days = window


def _taken(session: Session, workspace_id: str, name: str, but: str | None) -> None:
    found = session.scalar(
        select(SavedFunnelRow.id).where(
            SavedFunnelRow.workspace_id == workspace_id,
            SavedFunnelRow.name == name.strip(),
        )
    )
    if found is not None and found != but:
        raise Conflict(
            f"name: a funnel named {name.strip()!r} exists; pick another name.",
            field="name",
        )


def create_funnel(
    session: Session, *, workspace_id: str, item: FunnelIn, clock: Clock
) -> SavedFunnel:
    now = clock.now()
    row = SavedFunnelRow(
        id=new_id(), workspace_id=workspace_id, created_at=now, updated_at=now
    )
    _fill(row, item)
    _taken(session, workspace_id, row.name, None)
    session.add(row)
    session.flush()
    return _funnel(row)


def _row(session: Session, workspace_id: str, funnel_id: str) -> SavedFunnelRow:
    row = session.get(SavedFunnelRow, funnel_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such saved funnel in this workspace.", field="funnel_id")
    return row


def funnel_in(session: Session, workspace_id: str, funnel_id: str) -> SavedFunnel:
    return _funnel(_row(session, workspace_id, funnel_id))


def funnels_of(session: Session, workspace_id: str) -> list[SavedFunnel]:
    rows = session.scalars(
        select(SavedFunnelRow)
        .where(SavedFunnelRow.workspace_id == workspace_id)
        .order_by(SavedFunnelRow.name, SavedFunnelRow.id)
    )
    return [_funnel(r) for r in rows]


def update_funnel(
    session: Session, *, workspace_id: str, funnel_id: str, item: FunnelIn,
    clock: Clock,
) -> SavedFunnel:  # fmt: skip
    """Rename, change the steps or the window (the whole definition is replaced)."""
    row = _row(session, workspace_id, funnel_id)
    checked(item)
    _taken(session, workspace_id, item.name, row.id)
    _fill(row, item)
    row.updated_at = clock.now()
    session.flush()
    return _funnel(row)


def delete_funnel(session: Session, *, workspace_id: str, funnel_id: str) -> None:
    session.delete(_row(session, workspace_id, funnel_id))
    session.flush()


def funnel_json(funnel: SavedFunnel) -> dict[str, Any]:
    return {
        "id": funnel.id,
        "name": funnel.name,
        "steps": [step_json(s) for s in funnel.steps],
        "window_days": funnel.window_days,
        "created_at": funnel.created_at,
        "updated_at": funnel.updated_at,
    }
