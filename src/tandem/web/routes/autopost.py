"""Create > Feeds: watch RSS/Atom feeds and turn new entries into drafts or queued posts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.accounts import ROLE_PERMISSIONS, Member, Permission
from tandem.compose import autopost
from tandem.compose.autopost import (
    DEFAULT_TEMPLATE,
    TEMPLATE_FIELDS,
    FeedInput,
    ItemStatus,
    Mode,
)
from tandem.core import InvalidInput, TandemError
from tandem.publish import store as publish_store
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import html, page
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a whole number.", field=field) from None


def feed_input(form: Any) -> FeedInput:
    """The feed form, as the same input the API and CLI build."""
    return FeedInput(
        url=str(form.get("url", "")),
        account_ids=tuple(str(v) for v in form.getlist("account_ids")),
        name=str(form.get("name", "")),
        template=str(form.get("template", "")),
        mode=autopost.parse_mode(str(form.get("mode", "draft"))),
        include_keywords=(str(form.get("include_keywords", "")),),
        exclude_keywords=(str(form.get("exclude_keywords", "")),),
        only_new=form.get("only_new") in ("on", "true", "1"),
        campaign_key=str(form.get("campaign_key", "")),
        interval_minutes=_int(
            str(form.get("interval_minutes", "30")), "interval_minutes"
        ),
        active=form.get("active") in ("on", "true", "1"),
    )


def _form_of(feed: autopost.Feed) -> dict[str, Any]:
    return {
        "url": feed.url,
        "name": feed.name,
        "template": feed.template,
        "mode": feed.mode.value,
        "include_keywords": ", ".join(feed.include_keywords),
        "exclude_keywords": ", ".join(feed.exclude_keywords),
        "only_new": feed.only_new,
        "campaign_key": feed.campaign_key,
        "interval_minutes": feed.interval_minutes,
        "active": feed.active,
        "account_ids": list(feed.account_ids),
    }


NEW_FORM: dict[str, Any] = {
    "url": "",
    "name": "",
    "template": DEFAULT_TEMPLATE,
    "mode": "draft",
    "include_keywords": "",
    "exclude_keywords": "",
    "only_new": True,
    "campaign_key": "",
    "interval_minutes": 30,
    "active": True,
    "account_ids": [],
}


def _context(session: Session, member: Member, **extra: Any) -> dict[str, Any]:
    permissions = ROLE_PERMISSIONS[member.role]
    return {
        "member": member,
        "accounts": publish_store.accounts_in(session, member.workspace.id),
        "modes": list(Mode),
        "fields": TEMPLATE_FIELDS,
        "statuses": list(ItemStatus),
        "can_edit": Permission.CONTENT_EDIT in permissions,
        "can_approve": Permission.CONTENT_APPROVE in permissions,
        **extra,
    }


def _form_error(
    request: Request,
    session: Session,
    member: Member,
    form: Any,
    exc: TandemError,
    detail: autopost.FeedDetail | None = None,
) -> Response:
    values = {**dict(form), "account_ids": form.getlist("account_ids")}
    values["only_new"] = form.get("only_new") in ("on", "true", "1")
    values["active"] = form.get("active") in ("on", "true", "1")
    template = "create/autopost_feed.html" if detail else "create/autopost_form.html"
    context = _context(
        session, member, form=values, detail=detail, error=exc.message, field=exc.field
    )
    return html(request, template, context, status=exc.status)


@router.get("/w/{ws}/create/feeds")
def feeds(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    data = {"feeds": autopost.feeds_in(session, member.workspace.id)}
    return page(
        request,
        "create/autopost_list.html",
        {**_context(session, member), **data},
        member=member,
        title="Feeds",
    )


@router.get("/w/{ws}/create/feeds/new")
def new_feed(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    return html(
        request,
        "create/autopost_form.html",
        _context(session, member, form=dict(NEW_FORM), detail=None),
    )


@router.post("/w/{ws}/create/feeds")
async def create_feed(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    form = await request.form()
    try:
        with session.begin_nested():
            feed = autopost.add_feed(
                session, actor=member, data=feed_input(form), clock=state.clock
            )
    except TandemError as exc:
        return _form_error(request, session, member, form, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/feeds/{feed.id}", status_code=303
    )


@router.get("/w/{ws}/create/feeds/{feed_id}")
def feed_page(
    request: Request,
    feed_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    detail = autopost.feed_detail(session, member.workspace.id, feed_id)
    context = _context(
        session,
        member,
        detail=detail,
        form=_form_of(detail.feed),
        notice=request.query_params.get("notice", ""),
    )
    return page(
        request,
        "create/autopost_feed.html",
        context,
        member=member,
        title=detail.feed.name,
    )


@router.post("/w/{ws}/create/feeds/{feed_id}")
async def update_feed(
    request: Request,
    feed_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    form = await request.form()
    detail = autopost.feed_detail(session, member.workspace.id, feed_id)
    try:
        with session.begin_nested():
            autopost.update_feed(
                session,
                actor=member,
                feed_id=feed_id,
                data=feed_input(form),
                clock=state.clock,
            )
    except TandemError as exc:
        return _form_error(request, session, member, form, exc, detail)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/feeds/{feed_id}?notice=saved",
        status_code=303,
    )


def poll_now(
    session: Session, state: AppState, workspace_id: str, feed_id: str
) -> autopost.PollResult:
    """Poll one feed at once in the request's unit of work (its lease still applies)."""
    autopost.feed_detail(
        session, workspace_id, feed_id
    )  # 404 unless it is this workspace's
    target = autopost.start_poll(
        session, feed_id=feed_id, now=state.clock.now(), force=True
    )
    if target is None:
        return autopost.PollResult(
            feed_id,
            fetched=False,
            error="The feed is being polled right now; try again in a minute.",
        )
    options = autopost.options_for(state.settings)
    with autopost.feed_client(state.settings) as client:
        fetched = autopost.fetch_and_parse(
            client, target, max_bytes=options.max_bytes, now=state.clock.now()
        )
    return autopost.finish_poll(
        session, target, fetched, options=options, clock=state.clock
    )


@router.post("/w/{ws}/create/feeds/{feed_id}/poll")
def poll_feed(
    feed_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    result = poll_now(session, state, member.workspace.id, feed_id)
    notice = "poll-failed" if result.error else f"polled-{len(result.created)}"
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/feeds/{feed_id}?notice={notice}",
        status_code=303,
    )


@router.post("/w/{ws}/create/feeds/{feed_id}/delete")
def delete_feed(
    feed_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    autopost.delete_feed(session, actor=member, feed_id=feed_id, clock=state.clock)
    return RedirectResponse(f"/w/{member.workspace.slug}/create/feeds", status_code=303)
