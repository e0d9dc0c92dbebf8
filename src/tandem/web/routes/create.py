"""Create: the list of posts, the composer, the brief page with its variants, review and comments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.accounts import ROLE_PERMISSIONS, Member, Permission
from tandem.compose import actions, checks, rewrite, workflow
from tandem.compose.actions import BriefInput
from tandem.compose.model import TONES, BriefStatus
from tandem.compose.pillars import pillars_in
from tandem.compose.store import BRIEF_SORTS, BriefQuery, list_briefs
from tandem.core import InvalidInput, TandemError
from tandem.publish import store as publish_store
from tandem.publish.ledger import publications_for_variants
from tandem.web.deps import SessionDep, StateDep, get_state, permit
from tandem.web.render import csv_response, html, page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


def parse_local_time(
    value: str, zone: str, field: str = "planned_at"
) -> datetime | None:
    """A `datetime-local` value typed in the workspace's zone, as aware UTC."""
    if not value.strip():
        return None
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field} must look like 2026-03-01T09:30.", field=field
        ) from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(zone))
    return local


def _brief_input(form: Any, zone: str) -> BriefInput:
    return BriefInput(
        text=str(form.get("text", "")),
        title=str(form.get("title", "")),
        link=str(form.get("link", "")),
        media_ids=tuple(str(v) for v in form.getlist("media_ids")),
        campaign_key=str(form.get("campaign_key", "")),
        tone=str(form.get("tone", "neutral")),
        sponsored=form.get("sponsored") in ("on", "true", "1"),
        planned_at=parse_local_time(str(form.get("planned_at", "")), zone),
        account_ids=tuple(str(v) for v in form.getlist("account_ids")),
        pillar_id=str(form.get("pillar_id", "")) or None,
    )


def _composer_context(
    request: Request, session: Session, member: Member, **extra: Any
) -> dict[str, Any]:
    return {
        "accounts": publish_store.accounts_in(session, member.workspace.id),
        "tones": TONES,
        "pillars": pillars_in(session, member.workspace.id),
        "ai_enabled": rewrite.enabled(get_state(request).settings),
        "media": checks.media_library(session, member.workspace.id),
        "member": member,
        **extra,
    }


def _composer_error(
    request: Request,
    session: Session,
    member: Member,
    form: Any,
    brief: Any,
    exc: TandemError,
) -> Response:
    """The composer again, with what was typed and the error next to its field."""
    context = _composer_context(
        request,
        session,
        member,
        form=dict(form),
        brief=brief,
        selected=form.getlist("account_ids"),
        error=exc.message,
        field=exc.field,
    )
    return html(request, "create/composer.html", context, status=exc.status)


@router.get("/w/{ws}/create")
def briefs(
    request: Request,
    session: SessionDep,
    status: str | None = None,
    campaign: str | None = None,
    q: str | None = None,
    sort: str = "updated_at",
    order: str = "desc",
    page_number: int = 1,
    export: str | None = None,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    statuses = [BriefStatus(status)] if status in {s.value for s in BriefStatus} else []
    if sort not in BRIEF_SORTS:
        raise InvalidInput(
            f"sort must be one of {', '.join(BRIEF_SORTS)}.", field="sort"
        )
    limit = 100_000 if export == "csv" else PAGE_SIZE
    query = BriefQuery(
        statuses=statuses,
        campaign_key=campaign or None,
        search=q or None,
        sort=sort,
        descending=order != "asc",
        limit=limit,
        offset=0 if export else (max(1, page_number) - 1) * limit,
    )
    rows, total = list_briefs(session, member.workspace.id, query)
    if export == "csv":
        return csv_response(
            f"posts-{member.workspace.slug}.csv",
            ["title", "status", "campaign", "planned_at", "updated_at", "text"],
            (
                [
                    b.title,
                    b.status.value,
                    b.campaign_key,
                    b.planned_at,
                    b.updated_at,
                    b.text,
                ]
                for b in rows
            ),
        )
    data = {
        "briefs": rows,
        "total": total,
        "page": max(1, page_number),
        "pages": max(1, -(-total // PAGE_SIZE)),
        "statuses": list(BriefStatus),
        "filters": {
            "status": status or "",
            "campaign": campaign or "",
            "q": q or "",
            "sort": sort,
            "order": order,
        },
    }
    return page(request, "create/list.html", data, member=member, title="Create")


@router.get("/w/{ws}/create/new")
def new_brief(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    form = {
        "text": request.query_params.get("text", ""),
        "title": request.query_params.get("title", ""),
        "campaign_key": request.query_params.get("campaign", ""),
    }
    return html(
        request,
        "create/composer.html",
        _composer_context(request, session, member, form=form, brief=None, selected=[]),
    )


@router.post("/w/{ws}/create")
async def create(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    form = await request.form()
    try:
        with session.begin_nested():
            brief = actions.create_brief(
                session,
                actor=member,
                data=_brief_input(form, member.workspace.timezone),
                base_url=state.settings.base_url,
                clock=state.clock,
            )
    except TandemError as exc:
        return _composer_error(request, session, member, form, None, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/{brief.id}", status_code=303
    )


def _brief_data(
    session: Session, member: Member, brief_id: str, **extra: Any
) -> dict[str, Any]:
    detail = actions.visible_detail(session, member, brief_id)
    permissions = ROLE_PERMISSIONS[member.role]
    variant_ids = [v.variant.id for v in detail.variants]
    return {
        "detail": detail,
        "brief": detail.brief,
        "member": member,
        "publications": publications_for_variants(session, variant_ids),
        "can_edit": Permission.CONTENT_EDIT in permissions,
        "can_approve": Permission.CONTENT_APPROVE in permissions,
        "pillar": next(
            (
                p
                for p in pillars_in(session, member.workspace.id)
                if p.id == detail.brief.pillar_id
            ),
            None,
        ),
        **extra,
    }


@router.get("/w/{ws}/create/{brief_id}")
def brief_page(
    request: Request,
    brief_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.REVIEW)),
) -> Response:
    data = _brief_data(
        session, member, brief_id, notice=request.query_params.get("notice", "")
    )
    return page(
        request, "create/brief.html", data, member=member, title=data["brief"].title
    )


@router.get("/w/{ws}/create/{brief_id}/edit")
def edit_brief_form(
    request: Request,
    brief_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    detail = actions.brief_detail(session, member.workspace.id, brief_id)
    b = detail.brief
    zone = ZoneInfo(member.workspace.timezone)
    form = {
        "text": b.text,
        "title": b.title,
        "link": b.link,
        "campaign_key": b.campaign_key,
        "pillar_id": b.pillar_id or "",
        "tone": b.tone,
        "sponsored": b.sponsored,
        "media_ids": list(b.media_ids),
        "planned_at": b.planned_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        if b.planned_at
        else "",
    }
    selected = [v.variant.account_id for v in detail.variants]
    return html(
        request,
        "create/composer.html",
        _composer_context(
            request, session, member, form=form, brief=b, selected=selected
        ),
    )


@router.post("/w/{ws}/create/{brief_id}")
async def update(
    request: Request,
    brief_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    form = await request.form()
    try:
        with session.begin_nested():
            actions.update_brief(
                session,
                actor=member,
                brief_id=brief_id,
                data=_brief_input(form, member.workspace.timezone),
                base_url=state.settings.base_url,
                clock=state.clock,
            )
    except TandemError as exc:
        brief = actions.brief_detail(session, member.workspace.id, brief_id).brief
        return _composer_error(request, session, member, form, brief, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/{brief_id}?notice=saved", status_code=303
    )


def _back(member: Member, brief_id: str, notice: str) -> Response:
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/{brief_id}?notice={notice}", status_code=303
    )


def _brief_error(
    request: Request, session: Session, member: Member, brief_id: str, exc: TandemError
) -> Response:
    data = _brief_data(session, member, brief_id, error=exc.message)
    return html(request, "create/brief.html", data, status=exc.status)


@router.post("/w/{ws}/create/{brief_id}/variants/{variant_id}")
async def edit_variant(
    request: Request,
    brief_id: str,
    variant_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    form = await request.form()
    parts = [str(p) for p in form.getlist("parts")]
    try:
        with session.begin_nested():
            actions.edit_variant(
                session,
                actor=member,
                variant_id=variant_id,
                parts=parts,
                first_comment=str(form.get("first_comment", "")),
                clock=state.clock,
            )
    except TandemError as exc:
        return _brief_error(request, session, member, brief_id, exc)
    return _back(member, brief_id, "variant-saved")


@router.post("/w/{ws}/create/{brief_id}/variants/{variant_id}/retailor")
def retailor(
    brief_id: str,
    variant_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    actions.retailor_variant(
        session,
        actor=member,
        variant_id=variant_id,
        base_url=state.settings.base_url,
        clock=state.clock,
    )
    return _back(member, brief_id, "retailored")


@router.post("/w/{ws}/create/{brief_id}/status")
def change_status(
    request: Request,
    brief_id: str,
    session: SessionDep,
    state: StateDep,
    to: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.REVIEW)),
) -> Response:
    try:
        target = BriefStatus(to)
    except ValueError:
        return _brief_error(
            request,
            session,
            member,
            brief_id,
            InvalidInput(f"Unknown status {to!r}.", field="to"),
        )
    try:
        with session.begin_nested():
            detail = actions.visible_detail(session, member, brief_id)
            blocking = sum(1 for v in detail.variants for p in v.problems if p.blocking)
            workflow.transition(
                session,
                actor=member,
                brief_id=brief_id,
                to=target,
                note=note,
                blocking_problems=blocking,
                base_url=state.settings.base_url,
                clock=state.clock,
            )
    except TandemError as exc:
        return _brief_error(request, session, member, brief_id, exc)
    return _back(member, brief_id, target.value)


@router.post("/w/{ws}/create/{brief_id}/comments")
def comment(
    request: Request,
    brief_id: str,
    session: SessionDep,
    state: StateDep,
    body: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.REVIEW)),
) -> Response:
    try:
        actions.visible_detail(session, member, brief_id)
        with session.begin_nested():
            workflow.add_comment(
                session,
                actor=member,
                brief_id=brief_id,
                body=body,
                base_url=state.settings.base_url,
                clock=state.clock,
            )
    except TandemError as exc:
        return _brief_error(request, session, member, brief_id, exc)
    return _back(member, brief_id, "commented")


@router.get("/w/{ws}/review")
def review_queue(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.REVIEW)),
) -> Response:
    waiting, _ = list_briefs(
        session,
        member.workspace.id,
        BriefQuery(
            statuses=[BriefStatus.IN_REVIEW],
            sort="updated_at",
            descending=False,
            limit=200,
        ),
    )
    decided, _ = list_briefs(
        session,
        member.workspace.id,
        BriefQuery(
            statuses=[BriefStatus.CHANGES_REQUESTED, BriefStatus.APPROVED],
            sort="updated_at",
            limit=20,
        ),
    )
    return page(
        request,
        "create/review.html",
        {"waiting": waiting, "decided": decided},
        member=member,
        title="Review queue",
    )
