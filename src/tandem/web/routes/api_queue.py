"""REST API: queue slots, add-to-queue, best time to post, recurring and evergreen posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from tandem.accounts import Member, Permission
from tandem.compose.publishing import queue_variant
from tandem.core import InvalidInput
from tandem.publish import besttime, evergreen, queue_slots, recurring, recurring_store
from tandem.publish.besttime import Cell
from tandem.publish.evergreen import EvergreenItem
from tandem.publish.ledger import Publication
from tandem.publish.queue_slots import QueuedPost, QueueSettings
from tandem.publish.recurring import SeriesInput
from tandem.publish.recurring_store import Occurrence, Series
from tandem.publish.scheduling import to_local
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["queue"])

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HHMM = Annotated[str, StringConstraints(pattern=r"^\d{1,2}:\d{2}$")]
Part = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]


class SlotIn(BaseModel):
    weekday: Weekday
    time: HHMM = Field(description="24-hour wall time, e.g. 09:00")


class QueueIn(BaseModel):
    slots: list[SlotIn] | None = Field(None, max_length=queue_slots.MAX_SLOTS)
    timezone: str | None = Field(
        None, max_length=64, description='IANA zone; "" returns to the workspace zone.'
    )
    evergreen: bool | None = None
    evergreen_gap_days: int | None = None
    evergreen_lookahead_days: int | None = None


@dataclass(frozen=True)
class QueueView:
    settings: QueueSettings
    next_free: list[str]  # wall times in settings.timezone
    upcoming: list[Publication]


@dataclass(frozen=True)
class BestTimesView:
    timezone: str
    posts: int
    enough_data: bool
    min_posts: int
    overall_rate: float | None
    summary: str
    suggestions: list[Cell]
    cells: list[Cell]


class SeriesIn(BaseModel):
    account_id: str | None = Field(
        None, max_length=32, description="The account (or give publication_id)."
    )
    publication_id: str | None = Field(
        None, max_length=32, description="Repeat this post; it is occurrence one."
    )
    parts: list[Part] | None = Field(None, min_length=1, max_length=25)
    first_comment: str | None = Field(None, max_length=10_000)
    start_local: str | None = Field(
        None, max_length=16, description='First wall time "YYYY-MM-DDTHH:MM".'
    )
    timezone: str | None = Field(None, max_length=64)
    frequency: Literal["daily", "weekly", "monthly"]
    interval: int = Field(1, ge=1, le=365)
    weekdays: list[Weekday] = Field(default_factory=list)
    until: date | None = None
    count: int | None = Field(None, ge=1, le=1000)


class SeriesPatch(BaseModel):
    parts: list[Part] | None = Field(None, min_length=1, max_length=25)
    first_comment: str | None = Field(None, max_length=10_000)
    start_local: str | None = Field(None, max_length=16)
    timezone: str | None = Field(None, max_length=64)
    frequency: Literal["daily", "weekly", "monthly"] | None = None
    interval: int | None = Field(None, ge=1, le=365)
    weekdays: list[Weekday] | None = None
    until: date | None = None
    count: int | None = Field(None, ge=1, le=1000)


@dataclass(frozen=True)
class SeriesDetail:
    series: Series
    occurrences: list[Occurrence]


class EvergreenIn(BaseModel):
    publication_id: str = Field(max_length=32)


# --- Queue ---------------------------------------------------------------------------------


@router.get(
    "/accounts/{account_id}/queue", summary="An account's slots and next free ones"
)
def get_queue(
    account_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> QueueView:
    now = state.clock.now()
    settings = queue_slots.queue_settings(session, member.workspace.id, account_id)
    free = queue_slots.free_slots(session, settings, after=now, limit=10)
    upcoming = queue_slots.upcoming(
        session, member.workspace.id, account_id, now=now, days=14
    )
    return QueueView(settings, [to_local(f, settings.timezone) for f in free], upcoming)


@router.put("/accounts/{account_id}/queue", summary="Change an account's slots or zone")
def put_queue(
    account_id: str,
    body: QueueIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> QueueSettings:
    return queue_slots.configure_queue(
        session,
        actor=member,
        account_id=account_id,
        now=state.clock.now(),
        slots=None if body.slots is None else [(s.weekday, s.time) for s in body.slots],
        timezone=body.timezone,
        evergreen=body.evergreen,
        evergreen_gap_days=body.evergreen_gap_days,
        evergreen_lookahead_days=body.evergreen_lookahead_days,
    )


@router.post(
    "/publications/{publication_id}/add-to-queue",
    summary="Move a post not yet out to its account's next free slot",
)
def add_publication(
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> QueuedPost:
    return queue_slots.add_publication_to_queue(
        session, actor=member, publication_id=publication_id, now=state.clock.now()
    )


@router.post(
    "/variants/{variant_id}/add-to-queue",
    summary="Schedule an approved variant in its account's next free slot",
)
def add_variant(
    variant_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> QueuedPost:
    return queue_variant(
        session, actor=member, variant_id=variant_id, now=state.clock.now()
    )


# --- Best time -----------------------------------------------------------------------------


def _best_view(best: besttime.BestTimes) -> BestTimesView:
    return BestTimesView(
        best.timezone,
        best.posts,
        best.enough_data,
        best.min_posts,
        best.overall_rate,
        best.summary,
        list(best.suggestions),
        list(best.cells),
    )


@router.get(
    "/accounts/{account_id}/best-times",
    summary="Best weekday x hour to post, from the account's own engagement history",
)
def best_times(
    account_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> BestTimesView:
    best = besttime.best_times_for(
        session, member.workspace.id, account_id, now=state.clock.now()
    )
    return _best_view(best)


@router.post(
    "/accounts/{account_id}/best-times/apply",
    summary="Add the suggested hours to the account's queue slots",
)
def apply_best_times(
    account_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> QueueSettings:
    return besttime.use_suggested_slots(
        session, actor=member, account_id=account_id, now=state.clock.now()
    )


# --- Recurring -----------------------------------------------------------------------------


@router.get("/recurring", summary="Recurring posts, optionally of one account")
def list_series(
    session: SessionDep,
    account_id: Annotated[str | None, Query(max_length=32)] = None,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> list[Series]:
    return recurring_store.series_in(session, member.workspace.id, account_id)


@router.post("/recurring", status_code=201, summary="Repeat a post by a rule")
def create_series(
    body: SeriesIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Series:
    given = SeriesInput(
        parts=body.parts,
        first_comment=body.first_comment,
        start_local=body.start_local,
        timezone=body.timezone,
        frequency=body.frequency,
        interval=body.interval,
        weekdays=body.weekdays,
        until=body.until,
        count=body.count,
    )
    horizon, now = state.settings.recurring_horizon_days, state.clock.now()
    if body.publication_id is not None:
        return recurring.repeat_publication(
            session,
            actor=member,
            publication_id=body.publication_id,
            given=given,
            now=now,
            horizon_days=horizon,
        )
    if body.account_id is None:
        raise InvalidInput(
            "Give account_id (and parts and start_local), or the publication_id of a "
            "post to repeat.",
            field="account_id",
        )
    return recurring.create_series(
        session,
        actor=member,
        account_id=body.account_id,
        given=given,
        now=now,
        horizon_days=horizon,
    )


@router.get("/recurring/{series_id}", summary="A recurring post and its occurrences")
def get_series(
    series_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> SeriesDetail:
    ws = member.workspace.id
    return SeriesDetail(
        recurring_store.get_series(session, ws, series_id),
        recurring_store.occurrences_of(session, ws, series_id),
    )


@router.patch(
    "/recurring/{series_id}",
    summary="Change a recurring post (future occurrences not yet out follow)",
)
def patch_series(
    series_id: str,
    body: SeriesPatch,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Series:
    sent = body.model_fields_set
    return recurring.edit_series(
        session,
        actor=member,
        series_id=series_id,
        given=SeriesInput(
            parts=body.parts,
            first_comment=body.first_comment,
            start_local=body.start_local,
            timezone=body.timezone,
            frequency=body.frequency,
            interval=body.interval,
            weekdays=body.weekdays,
            until=body.until,
            count=body.count,
            clear_until="until" in sent and body.until is None,
            clear_count="count" in sent and body.count is None,
        ),
        now=state.clock.now(),
        horizon_days=state.settings.recurring_horizon_days,
    )


@router.post(
    "/recurring/{series_id}/stop",
    summary="Stop repeating; future occurrences not yet out are cancelled",
)
def stop_series(
    series_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Series:
    return recurring.stop_series(
        session, actor=member, series_id=series_id, now=state.clock.now()
    )


# --- Evergreen -----------------------------------------------------------------------------


@router.get("/evergreen", summary="Evergreen posts, optionally of one account")
def list_evergreen(
    session: SessionDep,
    account_id: Annotated[str | None, Query(max_length=32)] = None,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> list[EvergreenItem]:
    return evergreen.items_in(session, member.workspace.id, account_id)


@router.post(
    "/evergreen", status_code=201, summary="Mark a post evergreen (to be recycled)"
)
def mark_evergreen(
    body: EvergreenIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> EvergreenItem:
    return evergreen.mark_evergreen(
        session, actor=member, publication_id=body.publication_id, now=state.clock.now()
    )


@router.delete(
    "/evergreen/{item_id}", status_code=204, summary="Stop recycling an evergreen post"
)
def retire_evergreen(
    item_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    evergreen.retire(session, actor=member, item_id=item_id, now=state.clock.now())
    return Response(status_code=204)
