"""Recurring posts: a series repeats one post by a rule; each occurrence is a normal publication.

These are the use cases on a series: create (or repeat an existing post), edit, stop. Editing
a series changes future occurrences that are not out yet (published ones are history);
stopping it cancels them. Occurrences are made by `recurring_materialise`; the rows and reads
live in `recurring_store`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts.audit import record_change
from tandem.accounts.model import Member
from tandem.core import Conflict, InvalidInput, new_id
from tandem.publish.actions import (
    EDITABLE,
    cancel,
    edit_publication,
)
from tandem.publish.ledger import PublicationRow, publication_row
from tandem.publish.queue_slots import account_zone, ensure_planned, lock_account
from tandem.publish.recurrence import make_rule
from tandem.publish.recurring_materialise import HORIZON_DAYS, materialise_series
from tandem.publish.recurring_store import (
    RecurringOccurrenceRow,
    RecurringSeriesRow,
    Series,
    SeriesState,
    series_row,
    to_series,
)
from tandem.publish.scheduling import WEEKDAYS, format_wall, parse_wall, zone


def _check_parts(parts: Sequence[str]) -> list[str]:
    cleaned = [p for p in parts if p.strip()]
    if not cleaned:
        raise InvalidInput("Write the post's text first.", field="parts")
    return list(parts)


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
    materialise_series(session, row, now=now, horizon_days=horizon_days)
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
    row = series_row(session, actor.workspace.id, series_id)
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
    materialise_series(session, row, now=now, horizon_days=horizon_days)
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
    row = series_row(session, actor.workspace.id, series_id)
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
