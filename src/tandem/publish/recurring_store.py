"""Recurring series and their occurrences as stored: the rows, and the reads that return them.

A series keeps its rule in columns (frequency, interval, weekdays, until, count) and its first
wall time and zone; `rule_of` rebuilds the `Rule` that `recurrence` expands. An occurrence row
links one date of a series to the publication made for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound
from tandem.publish.ledger import PublicationRow
from tandem.publish.recurrence import Frequency, Rule, parse_weekdays
from tandem.publish.scheduling import parse_wall
from tandem.storage import Base, JSONDict, UTCDateTime


class SeriesState(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class RecurringSeriesRow(Base):
    __tablename__ = "recurring_series"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE"), index=True
    )
    parts: Mapped[dict[str, Any]] = mapped_column(JSONDict())  # {"parts": [...]}
    first_comment: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))
    start_local: Mapped[str] = mapped_column(String(16))  # first wall time
    frequency: Mapped[str] = mapped_column(String(16))
    interval: Mapped[int] = mapped_column(default=1)
    weekdays: Mapped[str] = mapped_column(String(32), default="")  # "mon,wed"
    until_date: Mapped[date | None] = mapped_column(Date)
    max_count: Mapped[int | None] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default=SeriesState.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RecurringOccurrenceRow(Base):
    """One materialised occurrence; the unique key is what makes planning idempotent."""

    __tablename__ = "recurring_occurrences"
    __table_args__ = (UniqueConstraint("series_id", "occurrence_date"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    series_id: Mapped[str] = mapped_column(
        ForeignKey("recurring_series.id", ondelete="CASCADE")
    )
    occurrence_date: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column()
    publication_id: Mapped[str | None] = mapped_column(
        ForeignKey("publications.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Series:
    id: str
    workspace_id: str
    account_id: str
    parts: tuple[str, ...]
    first_comment: str
    timezone: str
    start_local: str
    rule: Rule
    state: str
    description: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Occurrence:
    number: int
    occurrence_date: date
    publication_id: str | None
    state: str | None
    due_at: datetime | None


def rule_of(row: RecurringSeriesRow) -> Rule:
    return Rule(
        Frequency(row.frequency),
        row.interval,
        parse_weekdays(row.weekdays),
        row.until_date,
        row.max_count,
    )


def to_series(row: RecurringSeriesRow) -> Series:
    rule = rule_of(row)
    wall = parse_wall(row.start_local)
    return Series(
        row.id,
        row.workspace_id,
        row.account_id,
        tuple(row.parts.get("parts", ())),
        row.first_comment,
        row.timezone,
        row.start_local,
        rule,
        row.state,
        f"{rule.description} at {wall:%H:%M} ({row.timezone}) from {wall:%Y-%m-%d}",
        row.created_at,
        row.updated_at,
    )


def series_row(
    session: Session, workspace_id: str, series_id: str
) -> RecurringSeriesRow:
    row = session.get(RecurringSeriesRow, series_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such recurring post in this workspace.")
    return row


def series_in(
    session: Session, workspace_id: str, account_id: str | None = None
) -> list[Series]:
    query = select(RecurringSeriesRow).where(
        RecurringSeriesRow.workspace_id == workspace_id
    )
    if account_id is not None:
        query = query.where(RecurringSeriesRow.account_id == account_id)
    rows = session.scalars(query.order_by(RecurringSeriesRow.created_at.desc()))
    return [to_series(r) for r in rows]


def get_series(session: Session, workspace_id: str, series_id: str) -> Series:
    return to_series(series_row(session, workspace_id, series_id))


def occurrences_of(
    session: Session, workspace_id: str, series_id: str
) -> list[Occurrence]:
    series_row(session, workspace_id, series_id)
    rows = session.execute(
        select(RecurringOccurrenceRow, PublicationRow)
        .outerjoin(
            PublicationRow, PublicationRow.id == RecurringOccurrenceRow.publication_id
        )
        .where(RecurringOccurrenceRow.series_id == series_id)
        .order_by(RecurringOccurrenceRow.occurrence_date)
    ).all()
    return [
        Occurrence(
            o.number,
            o.occurrence_date,
            o.publication_id,
            p.state if p is not None else None,
            p.due_at if p is not None else None,
        )
        for o, p in rows
    ]
