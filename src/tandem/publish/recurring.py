"""Recurring posts: a series repeats one post by a rule; each occurrence is a normal publication.

Occurrences are materialised ahead over a horizon (14 days by default) by the planner job and
whenever the series changes. (series, occurrence date) is unique, so re-running, or two
planners at once, never doubles a post. Editing a series changes future occurrences that are
not out yet (published ones are history); stopping it cancels them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts.audit import record_change
from tandem.accounts.model import Member
from tandem.core import Conflict, InvalidInput, NotFound, new_id
from tandem.publish.actions import (
    EDITABLE,
    cancel,
    create_publication,
    edit_publication,
)
from tandem.publish.ledger import PublicationRow, publication_row
from tandem.publish.queue_slots import account_zone, ensure_planned, lock_account
from tandem.publish.recurrence import (
    Frequency,
    Rule,
    make_rule,
    occurrences,
    parse_weekdays,
)
from tandem.publish.scheduling import (
    WEEKDAYS,
    format_wall,
    parse_wall,
    wall_to_utc,
    zone,
)
from tandem.storage import Base, JSONDict, UTCDateTime

HORIZON_DAYS = 14


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


def _rule(row: RecurringSeriesRow) -> Rule:
    return Rule(
        Frequency(row.frequency),
        row.interval,
        parse_weekdays(row.weekdays),
        row.until_date,
        row.max_count,
    )


def to_series(row: RecurringSeriesRow) -> Series:
    rule = _rule(row)
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


def _series_row(
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
    return to_series(_series_row(session, workspace_id, series_id))


def occurrences_of(
    session: Session, workspace_id: str, series_id: str
) -> list[Occurrence]:
    _series_row(session, workspace_id, series_id)
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


def _check_parts(parts: Sequence[str]) -> list[str]:
    cleaned = [p for p in parts if p.strip()]
    if not cleaned:
        raise InvalidInput("Write the post's text first.", field="parts")
    return list(parts)


def _materialise_series(
    session: Session, row: RecurringSeriesRow, *, now: datetime, horizon_days: int
) -> int:
    """Create the missing occurrences due after `now` within the horizon; returns how many."""
    if row.state != SeriesState.ACTIVE:
        return 0
    start = parse_wall(row.start_local)
    through = now.astimezone(zone(row.timezone)).date() + timedelta(days=horizon_days)
    done = set(
        session.scalars(
            select(RecurringOccurrenceRow.occurrence_date).where(
                RecurringOccurrenceRow.series_id == row.id
            )
        )
    )
    created = 0
    for number, day in occurrences(_rule(row), start.date(), through):
        wall = datetime.combine(day, time(start.hour, start.minute))
        if day in done or wall_to_utc(wall, row.timezone) <= now:
            continue  # already there, or already past: a late series does not backfill
        try:
            with session.begin_nested():
                publication = create_publication(
                    session,
                    workspace_id=row.workspace_id,
                    account_id=row.account_id,
                    parts=row.parts.get("parts", ()),
                    first_comment=row.first_comment,
                    local_time=format_wall(wall),
                    timezone=row.timezone,
                    now=now,
                )
                session.add(
                    RecurringOccurrenceRow(
                        id=new_id(),
                        series_id=row.id,
                        occurrence_date=day,
                        number=number,
                        publication_id=publication.id,
                        created_at=now,
                    )
                )
                session.flush()
            created += 1
        except IntegrityError:
            continue  # another planner made this occurrence first
    return created


def materialise(
    session: Session,
    *,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
    workspace_id: str | None = None,
) -> int:
    """Materialise every active series (of one workspace, or all). Idempotent."""
    query = select(RecurringSeriesRow).where(
        RecurringSeriesRow.state == SeriesState.ACTIVE
    )
    if workspace_id is not None:
        query = query.where(RecurringSeriesRow.workspace_id == workspace_id)
    return sum(
        _materialise_series(session, row, now=now, horizon_days=horizon_days)
        for row in list(session.scalars(query.order_by(RecurringSeriesRow.id)))
    )


@dataclass(frozen=True)
class SeriesInput:
    """What a person gives for a series (any None field keeps its current value on edit)."""

    parts: Sequence[str] | None = None
    first_comment: str | None = None
    start_local: str | None = None
    timezone: str | None = None
    frequency: str | None = None
    interval: int | None = None
    weekdays: Sequence[str] | str | None = None
    until: date | None = None
    count: int | None = None
    clear_until: bool = False
    clear_count: bool = False


def _timing(row: RecurringSeriesRow) -> tuple[object, ...]:
    return (
        row.start_local,
        row.timezone,
        row.frequency,
        row.interval,
        row.weekdays,
        row.until_date,
        row.max_count,
    )


def _apply(row: RecurringSeriesRow, given: SeriesInput) -> bool:
    """Copy `given` onto the row after validating it; True when the timing changed."""
    before = _timing(row)
    if given.parts is not None:
        row.parts = {"parts": _check_parts(given.parts)}
    if given.first_comment is not None:
        row.first_comment = given.first_comment
    if given.timezone is not None:
        row.timezone = zone(given.timezone).key
    if given.start_local is not None:
        try:
            row.start_local = format_wall(parse_wall(given.start_local))
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field="start_local") from exc
    rule = make_rule(
        given.frequency or row.frequency,
        interval=row.interval if given.interval is None else given.interval,
        weekdays=row.weekdays if given.weekdays is None else given.weekdays,
        until=None
        if given.clear_until
        else (given.until if given.until is not None else row.until_date),
        count=None
        if given.clear_count
        else (given.count if given.count is not None else row.max_count),
        start=parse_wall(row.start_local).date(),
    )
    row.frequency, row.interval = rule.frequency.value, rule.interval
    row.weekdays = ",".join(WEEKDAYS[d] for d in rule.weekdays)
    row.until_date, row.max_count = rule.until, rule.count
    return before != _timing(row)


def create_series(
    session: Session,
    *,
    actor: Member,
    account_id: str,
    given: SeriesInput,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
    first: PublicationRow | None = None,
) -> Series:
    """A new series; its first occurrences are materialised at once. `first`, an existing
    post on the series' first date, becomes occurrence one instead of a new post."""
    account = lock_account(session, actor.workspace.id, account_id)
    if given.parts is None or given.start_local is None or given.frequency is None:
        missing = "parts" if given.parts is None else "start_local"
        missing = "frequency" if given.frequency is None else missing
        raise InvalidInput(
            f"{missing} is required for a recurring post.", field=missing
        )
    row = RecurringSeriesRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        account_id=account_id,
        parts={"parts": []},
        first_comment="",
        timezone=given.timezone or account_zone(session, account)[0],
        start_local=given.start_local,
        frequency=given.frequency,
        interval=1,
        weekdays="",
        state=SeriesState.ACTIVE,
        created_at=now,
        updated_at=now,
    )
    _apply(row, given)
    session.add(row)
    session.flush()
    if first is not None:
        session.add(
            RecurringOccurrenceRow(
                id=new_id(),
                series_id=row.id,
                occurrence_date=parse_wall(row.start_local).date(),
                number=1,
                publication_id=first.id,
                created_at=now,
            )
        )
        session.flush()
    _materialise_series(session, row, now=now, horizon_days=horizon_days)
    ensure_planned(session, now=now)
    series = to_series(row)
    record_change(
        session,
        actor=actor,
        action="recurring.create",
        entity_type="recurring_series",
        entity_id=row.id,
        after=series,
        summary=f"repeats a post on @{account.handle} {series.rule.description}",
        now=now,
    )
    return series


def _future_unsent(
    session: Session, series_id: str, now: datetime
) -> list[tuple[RecurringOccurrenceRow, PublicationRow]]:
    rows = session.execute(
        select(RecurringOccurrenceRow, PublicationRow)
        .join(
            PublicationRow, PublicationRow.id == RecurringOccurrenceRow.publication_id
        )
        .where(
            RecurringOccurrenceRow.series_id == series_id,
            PublicationRow.due_at > now,
            PublicationRow.state.in_([str(s) for s in EDITABLE]),
        )
    ).all()
    return [(o, p) for o, p in rows]


def edit_series(
    session: Session,
    *,
    actor: Member,
    series_id: str,
    given: SeriesInput,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
) -> Series:
    """Change a series. Future occurrences not out yet follow: new text is written into them;
    a new timing cancels them and plans the new dates. Published occurrences stay as they were."""
    row = _series_row(session, actor.workspace.id, series_id)
    if row.state != SeriesState.ACTIVE:
        raise Conflict("This recurring post is stopped; create a new one.")
    lock_account(session, actor.workspace.id, row.account_id)
    before = to_series(row)
    timing_changed = _apply(row, given)
    row.updated_at = now
    for occurrence, publication in _future_unsent(session, row.id, now):
        if timing_changed:
            cancel(session, actor=actor, publication_id=publication.id, now=now)
            session.delete(occurrence)
        else:
            edit_publication(
                session,
                actor=actor,
                publication_id=publication.id,
                now=now,
                parts=row.parts.get("parts", ()),
            )
            publication.first_comment = row.first_comment
    session.flush()
    _materialise_series(session, row, now=now, horizon_days=horizon_days)
    after = to_series(row)
    record_change(
        session,
        actor=actor,
        action="recurring.edit",
        entity_type="recurring_series",
        entity_id=row.id,
        before=before,
        after=after,
        summary="changed a recurring post",
        now=now,
    )
    return after


def stop_series(
    session: Session, *, actor: Member, series_id: str, now: datetime
) -> Series:
    """Stop repeating; future occurrences that are not out yet are cancelled."""
    row = _series_row(session, actor.workspace.id, series_id)
    before = to_series(row)
    row.state, row.updated_at = SeriesState.STOPPED, now
    for _occurrence, publication in _future_unsent(session, row.id, now):
        cancel(session, actor=actor, publication_id=publication.id, now=now)
    after = to_series(row)
    record_change(
        session,
        actor=actor,
        action="recurring.stop",
        entity_type="recurring_series",
        entity_id=row.id,
        before=before,
        after=after,
        summary="stopped a recurring post",
        now=now,
    )
    return after


def repeat_publication(
    session: Session,
    *,
    actor: Member,
    publication_id: str,
    given: SeriesInput,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
) -> Series:
    """Repeat an existing post: it is occurrence one (same text, wall time and zone)."""
    source = publication_row(session, publication_id, actor.workspace.id)
    return create_series(
        session,
        actor=actor,
        account_id=source.account_id,
        given=SeriesInput(
            parts=source.parts.get("parts", ()) if given.parts is None else given.parts,
            first_comment=source.first_comment
            if given.first_comment is None
            else given.first_comment,
            start_local=source.local_time,
            timezone=source.timezone,
            frequency=given.frequency,
            interval=given.interval,
            weekdays=given.weekdays,
            until=given.until,
            count=given.count,
        ),
        now=now,
        horizon_days=horizon_days,
        first=source,
    )
