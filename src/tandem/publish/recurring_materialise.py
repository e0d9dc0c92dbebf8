"""Materialising recurring series: each occurrence due within the horizon becomes a publication.

The planner job runs this ahead over a horizon (14 days by default), and so does every change
to a series. (series, occurrence date) is unique, so re-running, or two planners at once,
never doubles a post; a date already past is skipped, so a late series does not backfill.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.core import new_id
from tandem.publish.actions import create_publication
from tandem.publish.recurrence import occurrences
from tandem.publish.recurring_store import (
    RecurringOccurrenceRow,
    RecurringSeriesRow,
    SeriesState,
    rule_of,
)
from tandem.publish.scheduling import format_wall, parse_wall, wall_to_utc, zone

HORIZON_DAYS = 14


def materialise_series(
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
    for number, day in occurrences(rule_of(row), start.date(), through):
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
        materialise_series(session, row, now=now, horizon_days=horizon_days)
        for row in list(session.scalars(query.order_by(RecurringSeriesRow.id)))
    )
