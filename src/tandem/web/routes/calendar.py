"""Calendar: month and week views of planned and published posts, drag and keyboard moves,
secret ICS feeds, and the REST twin under /api/v1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission
from tandem.compose import calendar, feeds
from tandem.compose.calendar import CalendarFilter, CalendarItem, CalendarView
from tandem.compose.model import Variant
from tandem.core import InvalidInput, TandemError
from tandem.core.periods import local_today
from tandem.publish import store as publish_store
from tandem.web.deps import PublicDep, SessionDep, StateDep, permit
from tandem.web.render import page

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["calendar"])
ICS_TYPE = "text/calendar; charset=utf-8"


class RescheduleIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    variant_id: str
    day: date = Field(alias="date", description="The local day, YYYY-MM-DD.")
    wall: time | None = Field(
        None,
        alias="time",
        description="Local wall time HH:MM in the workspace zone; omitted keeps the post's.",
    )


@dataclass(frozen=True)
class CalendarPage:
    zone: str
    since: date
    until: date
    items: list[CalendarItem]


def calendar_url(slug: str, view: str, day: date, only: CalendarFilter) -> str:
    query = {
        "view": view,
        "date": day.isoformat(),
        "campaign": only.campaign,
        "account": only.account_id,
        "status": only.status,
    }
    return f"/w/{slug}/calendar?" + urlencode({k: v for k, v in query.items() if v})


def _links(slug: str, view: CalendarView, only: CalendarFilter) -> dict[str, str]:
    return {
        "previous": calendar_url(slug, view.view, view.previous, only),
        "next": calendar_url(slug, view.view, view.next, only),
        "today": calendar_url(slug, view.view, view.today, only),
        "month": calendar_url(slug, "month", view.anchor, only),
        "week": calendar_url(slug, "week", view.anchor, only),
    }


def _calendar_data(
    session: Session,
    member: Member,
    today: date,
    view: str,
    anchor: date,
    only: CalendarFilter,
) -> dict[str, Any]:
    ws = member.workspace
    if only.account_id:
        publish_store.account_in(
            session, ws.id, only.account_id
        )  # 404 for another workspace's
    shown = calendar.calendar_view(
        session,
        ws.id,
        view=view,
        anchor=anchor,
        today=today,
        zone=ws.timezone,
        only=only,
    )
    return {
        "calendar": shown,
        "filters": only,
        "links": _links(ws.slug, shown, only),
        "accounts": publish_store.accounts_in(session, ws.id),
        "campaigns": calendar.campaign_keys(session, ws.id),
        "statuses": [(s, calendar.status_label(s)) for s in calendar.STATUSES],
    }


@router.get("/w/{ws}/calendar")
def calendar_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    view: str | None = None,
    day: Annotated[str | None, Query(alias="date")] = None,
    campaign: str | None = None,
    account: str | None = None,
    status: str | None = None,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    today = local_today(state.clock.now(), member.workspace.timezone)
    kind, anchor = calendar.parse_view(view, day, today=today)
    only = calendar.parse_filter(campaign, account, status)
    data = _calendar_data(session, member, today, kind, anchor, only)
    return page(request, "calendar/index.html", data, member=member, title="Calendar")


def _moved(variant: Variant, zone: str) -> dict[str, Any]:
    assert variant.scheduled_at is not None
    local = variant.scheduled_at.astimezone(ZoneInfo(zone))
    return {
        "variant_id": variant.id,
        "scheduled_at": variant.scheduled_at,
        "local": local,
        "zone": zone,
    }


@router.post("/w/{ws}/calendar/reschedule")
def reschedule(
    body: RescheduleIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> dict[str, Any]:
    """Drag and drop: move a planned variant to a local day (and hour, in the week view)."""
    variant = calendar.move_variant(
        session,
        actor=member,
        variant_id=body.variant_id,
        day=body.day,
        wall=body.wall,
        clock=state.clock,
    )
    return _moved(variant, member.workspace.timezone)


@router.post("/w/{ws}/calendar/shift")
def shift(
    request: Request,
    session: SessionDep,
    state: StateDep,
    variant_id: Annotated[str, Form()] = "",
    days: Annotated[int, Form()] = 0,
    view: Annotated[str, Form()] = "month",
    day: Annotated[str, Form(alias="date")] = "",
    campaign: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    """The keyboard alternative to dragging: one day earlier or later, same local time."""
    today = local_today(state.clock.now(), member.workspace.timezone)
    kind, anchor = calendar.parse_view(view, day, today=today)
    only = calendar.parse_filter(campaign, account, status)
    try:
        if days not in (-1, 1):
            raise InvalidInput("Move by one day: days must be -1 or 1.", field="days")
        with session.begin_nested():
            moved = calendar.shift_variant(
                session,
                actor=member,
                variant_id=variant_id,
                days=days,
                clock=state.clock,
            )
    except TandemError as exc:
        data = _calendar_data(session, member, today, kind, anchor, only)
        return page(
            request,
            "calendar/index.html",
            {**data, "error": exc.message},
            member=member,
            status=exc.status,
            title="Calendar",
        )
    assert moved.scheduled_at is not None
    # Follow the post, so it stays in view (and keeps the focus) when it leaves the week.
    day_now = calendar.local_day(moved.scheduled_at, member.workspace.timezone)
    target = calendar_url(member.workspace.slug, kind, day_now, only)
    return RedirectResponse(f"{target}#item-{variant_id}", status_code=303)


def _feeds_page(
    request: Request,
    session: SessionDep,
    member: Member,
    status: int = 200,
    **extra: Any,
) -> Response:
    data = {"feeds": feeds.feeds_in(session, member.workspace.id), **extra}
    return page(
        request,
        "calendar/feeds.html",
        data,
        member=member,
        status=status,
        title="Calendar feeds",
    )


@router.get("/w/{ws}/calendar/feeds")
def feeds_list(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    return _feeds_page(request, session, member)


@router.post("/w/{ws}/calendar/feeds")
def feeds_create(
    request: Request,
    session: SessionDep,
    state: StateDep,
    name: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    try:
        with session.begin_nested():
            token, feed = feeds.create_feed(
                session, actor=member, name=name, clock=state.clock
            )
    except TandemError as exc:
        return _feeds_page(request, session, member, exc.status, error=exc.message)
    url = feeds.feed_url(state.settings.base_url, token)
    return _feeds_page(
        request,
        session,
        member,
        201,
        new_feed=feed,
        new_url=url,
        webcal_url="webcal://" + url.split("://", 1)[1],
    )


@router.post("/w/{ws}/calendar/feeds/{feed_id}/revoke")
def feeds_revoke(
    feed_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    feeds.revoke_feed(session, actor=member, feed_id=feed_id, clock=state.clock)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/calendar/feeds", status_code=303
    )


@router.get("/calendar/{token}.ics")
def ics_feed(
    token: str, session: SessionDep, state: StateDep, _: PublicDep
) -> Response:
    """The secret subscription URL; the token is the only credential (404 when unknown)."""
    body = feeds.feed_ics(
        session, token=token, base_url=state.settings.base_url, clock=state.clock
    )
    return Response(
        body, media_type=ICS_TYPE, headers={"Cache-Control": "private, max-age=300"}
    )


@api_router.get(
    "/calendar", summary="Planned and published posts between two local days"
)
def api_calendar(
    session: SessionDep,
    state: StateDep,
    since: Annotated[
        str | None, Query(description="First local day, YYYY-MM-DD (default today)")
    ] = None,
    until: Annotated[
        str | None, Query(description="Last local day, inclusive (default since + 30)")
    ] = None,
    campaign: str | None = None,
    account: Annotated[str | None, Query(description="A social account id")] = None,
    status: Annotated[
        str | None, Query(description=f"One of {', '.join(calendar.STATUSES)}")
    ] = None,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> CalendarPage:
    ws = member.workspace
    period = calendar.parse_range(
        since,
        until,
        zone=ws.timezone,
        today=local_today(state.clock.now(), ws.timezone),
    )
    only = calendar.parse_filter(campaign, account, status)
    if only.account_id:
        publish_store.account_in(session, ws.id, only.account_id)
    items = calendar.calendar_items(
        session,
        ws.id,
        since=period.since,
        until=period.until,
        zone=ws.timezone,
        only=only,
    )
    return CalendarPage(ws.timezone, period.start, period.end, items)
