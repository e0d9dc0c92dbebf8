"""Publish > Queue: each account's time slots, best times, recurring and evergreen posts, and
"add to queue" buttons. Every page is also JSON (Accept: application/json)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import Member, Permission
from tandem.compose.publishing import queue_variant, queueable_variants
from tandem.core import InvalidInput
from tandem.publish import besttime, evergreen, queue_slots, recurring, recurring_store
from tandem.publish import store as posts
from tandem.publish.queue_slots import QueuedPost
from tandem.publish.scheduling import WEEKDAYS, Slot, to_local
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page

router = APIRouter(include_in_schema=False)
PREVIEW_DAYS = 14
Text = Annotated[str, Form(max_length=10_000)]
ShortText = Annotated[str, Form(max_length=100)]


def _back(request: Request, member: Member, account_id: str, **notice: str) -> Response:
    """Back to the page the form was on (same site only), else the account's queue page."""
    referer = request.headers.get("referer", "")
    target = (
        referer.split("?")[0].split("#")[0]
        if referer.startswith(str(request.base_url))
        else f"/w/{member.workspace.slug}/publish/queue/{account_id}"
    )
    return RedirectResponse(f"{target}?{urlencode(notice)}", status_code=303)


def _queued(request: Request, member: Member, queued: QueuedPost) -> Response:
    return _back(
        request,
        member,
        queued.publication.account_id,
        notice="queued",
        when=queued.local_time.replace("T", " "),
        zone=queued.timezone,
    )


def _int(value: str, field: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise InvalidInput(f"{field} must be a whole number.", field=field) from exc


def _date(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{field} must be a date (YYYY-MM-DD).", field=field
        ) from exc


@router.get("/w/{ws}/publish/queue")
def queue_index(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> Response:
    ws = member.workspace
    accounts = posts.accounts_in(session, ws.id)
    data = {
        "accounts": accounts,
        "queues": {
            a.id: queue_slots.queue_settings(session, ws.id, a.id) for a in accounts
        },
    }
    return page(request, "publish/queue_index.html", data, member=member, title="Queue")


@router.get("/w/{ws}/publish/queue/{account_id}")
def queue_page(
    request: Request,
    account_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> Response:
    ws, now = member.workspace, state.clock.now()
    account = posts.account_in(session, ws.id, account_id)
    settings = queue_slots.queue_settings(session, ws.id, account_id)
    free = queue_slots.free_slots(
        session, settings, after=now, until=now + timedelta(days=PREVIEW_DAYS)
    )
    best = besttime.best_times_for(session, ws.id, account_id, now=now)
    data = {
        "account": account,
        "settings": settings,
        "slots_by_day": {
            d: ", ".join(t for day, t in settings.slots if day == d) for d in WEEKDAYS
        },
        "free": [to_local(f, settings.timezone) for f in free],
        "upcoming": queue_slots.upcoming(
            session, ws.id, account_id, now=now, days=PREVIEW_DAYS
        ),
        "waiting": queue_slots.waiting(session, ws.id, account_id),
        "variants": queueable_variants(session, ws.id, account_id),
        "best": best,
        "best_summary": best.summary,
        "series": recurring_store.series_in(session, ws.id, account_id),
        "evergreen": evergreen.items_in(session, ws.id, account_id),
        "notice": dict(request.query_params),
        "weekdays": WEEKDAYS,
    }
    return page(
        request,
        "publish/queue.html",
        data,
        member=member,
        title=f"Queue @{account.handle}",
    )


@router.post("/w/{ws}/publish/queue/{account_id}/slots")
def save_slots(
    request: Request,
    account_id: str,
    session: SessionDep,
    state: StateDep,
    timezone: ShortText = "",
    mon: ShortText = "",
    tue: ShortText = "",
    wed: ShortText = "",
    thu: ShortText = "",
    fri: ShortText = "",
    sat: ShortText = "",
    sun: ShortText = "",
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    given = dict(zip(WEEKDAYS, (mon, tue, wed, thu, fri, sat, sun), strict=True))
    slots: list[Slot] = [
        s for day, text in given.items() for s in queue_slots.parse_day_times(day, text)
    ]
    queue_slots.configure_queue(
        session,
        actor=member,
        account_id=account_id,
        now=state.clock.now(),
        slots=slots,
        timezone=timezone,
    )
    return _back(request, member, account_id, notice="slots-saved")


@router.post("/w/{ws}/publish/queue/{account_id}/suggested")
def use_suggested(
    request: Request,
    account_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    besttime.use_suggested_slots(
        session, actor=member, account_id=account_id, now=state.clock.now()
    )
    return _back(request, member, account_id, notice="suggested-added")


@router.post("/w/{ws}/publish/queue/{account_id}/evergreen")
def save_evergreen(
    request: Request,
    account_id: str,
    session: SessionDep,
    state: StateDep,
    enabled: ShortText = "",
    gap_days: ShortText = "30",
    lookahead_days: ShortText = "3",
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    queue_slots.configure_queue(
        session,
        actor=member,
        account_id=account_id,
        now=state.clock.now(),
        evergreen=enabled == "on",
        evergreen_gap_days=_int(gap_days, "evergreen_gap_days"),
        evergreen_lookahead_days=_int(lookahead_days, "evergreen_lookahead_days"),
    )
    return _back(request, member, account_id, notice="evergreen-saved")


@router.post("/w/{ws}/publish/queue/{account_id}/recurring")
def create_recurring(
    request: Request,
    account_id: str,
    session: SessionDep,
    state: StateDep,
    text: Text = "",
    start_local: ShortText = "",
    frequency: ShortText = "weekly",
    interval: ShortText = "1",
    weekdays: Annotated[list[str] | None, Form()] = None,
    until: ShortText = "",
    count: ShortText = "",
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    recurring.create_series(
        session,
        actor=member,
        account_id=account_id,
        given=recurring.SeriesInput(
            parts=[text],
            start_local=start_local,
            frequency=frequency,
            interval=_int(interval, "interval") or 1,
            weekdays=weekdays or (),
            until=_date(until, "until"),
            count=_int(count, "count"),
        ),
        now=state.clock.now(),
        horizon_days=state.settings.recurring_horizon_days,
    )
    return _back(request, member, account_id, notice="recurring-created")


@router.post("/w/{ws}/publish/recurring/{series_id}/stop")
def stop_recurring(
    request: Request,
    series_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    stopped = recurring.stop_series(
        session, actor=member, series_id=series_id, now=state.clock.now()
    )
    return _back(request, member, stopped.account_id, notice="recurring-stopped")


@router.post("/w/{ws}/publish/publications/{publication_id}/add-to-queue")
def add_publication(
    request: Request,
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    queued = queue_slots.add_publication_to_queue(
        session, actor=member, publication_id=publication_id, now=state.clock.now()
    )
    return _queued(request, member, queued)


@router.post("/w/{ws}/publish/variants/{variant_id}/add-to-queue")
def add_variant(
    request: Request,
    variant_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    queued = queue_variant(
        session, actor=member, variant_id=variant_id, now=state.clock.now()
    )
    return _queued(request, member, queued)


@router.post("/w/{ws}/publish/publications/{publication_id}/evergreen")
def mark_evergreen(
    request: Request,
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    item = evergreen.mark_evergreen(
        session, actor=member, publication_id=publication_id, now=state.clock.now()
    )
    return _back(request, member, item.account_id, notice="evergreen-marked")


@router.post("/w/{ws}/publish/evergreen/{item_id}/retire")
def retire_evergreen(
    request: Request,
    item_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    item = evergreen.retire(
        session, actor=member, item_id=item_id, now=state.clock.now()
    )
    return _back(request, member, item.account_id, notice="evergreen-retired")
