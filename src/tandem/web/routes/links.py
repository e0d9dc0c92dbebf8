"""Tracked links: the public /l/<code> redirect, the Links pages, QR codes and the REST API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tandem import links
from tandem.accounts import Member, Permission
from tandem.core import InvalidInput, NotFound, TandemError
from tandem.core.periods import local_today
from tandem.web.deps import PublicDep, SessionDep, StateDep, permit
from tandem.web.render import csv_response, html, page
from tandem.web.state import AppState

router = APIRouter()
API = "/api/v1/workspaces/{ws}/links"
PAGE_SIZE = 25
CSV_LIMIT = 1_000_000
# Cross-site, the destination learns only our origin, never the page that linked to us.
REFERRER_POLICY = "strict-origin-when-cross-origin"
REDIRECT_HEADERS = {
    "Cache-Control": "no-store",  # every click must reach us to be counted
    "Referrer-Policy": REFERRER_POLICY,
    "X-Robots-Tag": "noindex",
}
PURPOSE_HEADERS = ("sec-purpose", "purpose", "x-purpose", "x-moz")
PLATFORM_HELP = "One of: " + ", ".join(p.value for p in links.Platform)
View = Annotated[Member, Depends(permit(Permission.CONTENT_VIEW))]
Edit = Annotated[Member, Depends(permit(Permission.CONTENT_EDIT))]


@dataclass(frozen=True)
class LinkOut:
    link: links.TrackedLink
    short_url: str
    clicks: int  # by people: bots and prefetches excluded


@dataclass(frozen=True)
class LinkPage:
    links: list[LinkOut]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class LinkDetail:
    link: links.TrackedLink
    short_url: str
    clicks: links.ClickCounts


class LinkIn(BaseModel):
    destination: str = Field(
        max_length=2048,
        description="http(s) URL; its utm_* parameters are replaced, the rest is kept.",
    )
    campaign_key: str = Field(max_length=100, description="Becomes utm_campaign.")
    platform: str = Field(description=f"Sets utm_source/utm_medium. {PLATFORM_HELP}.")
    content: str | None = Field(
        None, max_length=100, description="utm_content; defaults to variant_id."
    )
    term: str | None = Field(None, max_length=100, description="utm_term (optional).")
    variant_id: str | None = Field(None, max_length=64)


# ---- the public redirect ----------------------------------------------------------------


def _visit(request: Request) -> links.Visit:
    headers = request.headers
    purposes = [headers[name] for name in PURPOSE_HEADERS if name in headers]
    return links.Visit(
        method=request.method,
        user_agent=headers.get("user-agent"),
        referrer=headers.get("referer"),
        purpose=", ".join(purposes) or None,
    )


@router.api_route("/l/{code}", methods=["GET", "HEAD"], include_in_schema=False)
def follow(
    code: str, request: Request, session: SessionDep, state: StateDep, _: PublicDep
) -> Response:
    """Redirect to the stored destination only: nothing from the request is appended."""
    try:
        destination = links.follow_link(
            session, code=code, visit=_visit(request), clock=state.clock
        )
    except NotFound as exc:
        response = html(
            request,
            "links/not_found.html",
            {"title": "Link not found", "detail": exc.message},
            status=404,
        )
        response.headers["Cache-Control"] = "no-store"
        # A visitor following a link gets no cookie, not even the sign-in forms' CSRF one.
        if "set-cookie" in response.headers:
            del response.headers["set-cookie"]
        return response
    return Response(
        status_code=302, headers={"Location": destination, **REDIRECT_HEADERS}
    )


# ---- helpers ----------------------------------------------------------------------------


def _query(
    campaign: str | None, sort: str, order: str, page_number: int, limit: int
) -> links.LinkQuery:
    if order not in ("asc", "desc"):
        raise InvalidInput("order must be asc or desc.", field="order")
    return links.LinkQuery(
        campaign_key=campaign or None,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        offset=(max(1, page_number) - 1) * limit,
    )


def _listing(
    session: Session, member: Member, base_url: str, query: links.LinkQuery
) -> LinkPage:
    rows, total = links.store.list_links(session, member.workspace.id, query)
    out = [
        LinkOut(r.link, links.short_url(base_url, r.link.code), r.clicks) for r in rows
    ]
    return LinkPage(out, total, query.limit, query.offset)


def _detail(
    session: Session, member: Member, state: AppState, link_id: str, days: int
) -> LinkDetail:
    ws = member.workspace
    link = links.store.link_in(session, ws.id, link_id)
    last = local_today(state.clock.now(), ws.timezone)
    counts = links.store.click_counts(
        session,
        link.id,
        first=last - timedelta(days=days - 1),
        last=last,
        zone=ws.timezone,
    )
    return LinkDetail(link, links.short_url(state.settings.base_url, link.code), counts)


CSV_HEADER = [
    "short_url",
    "destination",
    "campaign_key",
    "platform",
    "utm_source",
    "utm_medium",
    "utm_content",
    "variant_id",
    "clicks",
    "created_at",
]


def _csv(listing: LinkPage, slug: str) -> Response:
    return csv_response(
        f"links-{slug}.csv",
        CSV_HEADER,
        (
            [
                r.short_url,
                r.link.destination,
                r.link.campaign_key,
                r.link.platform.value,
                r.link.source,
                r.link.medium,
                r.link.content,
                r.link.variant_id,
                r.clicks,
                r.link.created_at,
            ]
            for r in listing.links
        ),
    )


def _qr_response(
    body: bytes, media_type: str, code: str, ext: str, download: bool
) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="link-{code}.{ext}"',
            "Cache-Control": "private, max-age=3600",
        },
    )


def _form_page(
    request: Request,
    member: Member,
    form: dict[str, str],
    *,
    preview: links.TrackedUrl | None = None,
    error: TandemError | None = None,
) -> Response:
    return page(
        request,
        "links/new.html",
        {
            "form": form,
            "platforms": [(p.value, c.label) for p, c in links.CHANNELS.items()],
            "preview": preview,
            "error": error.message if error else None,
            "field": error.field if error else None,
        },
        member=member,
        status=error.status if error else 200,
        title="New link",
    )


# ---- pages ------------------------------------------------------------------------------


@router.get("/w/{ws}/links", include_in_schema=False)
def links_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: View,
    campaign: str | None = None,
    sort: str = "created_at",
    order: str = "desc",
    page_number: int = 1,
    export: str | None = None,
) -> Response:
    base_url, ws = state.settings.base_url, member.workspace
    if export == "csv":
        query = _query(campaign, sort, order, 1, CSV_LIMIT)
        return _csv(_listing(session, member, base_url, query), ws.slug)
    listing = _listing(
        session, member, base_url, _query(campaign, sort, order, page_number, PAGE_SIZE)
    )
    data = {
        "listing": listing,
        "campaigns": links.store.campaigns_in(session, ws.id),
        "page": max(1, page_number),
        "pages": max(1, -(-listing.total // PAGE_SIZE)),
        "filters": {"campaign": campaign or "", "sort": sort, "order": order},
    }
    return page(request, "links/index.html", data, member=member, title="Links")


@router.get("/w/{ws}/links/new", include_in_schema=False)
def new_link_form(request: Request, member: Edit, campaign: str = "") -> Response:
    form = {"destination": "", "campaign_key": campaign, "platform": "", "content": ""}
    return _form_page(request, member, form)


@router.post("/w/{ws}/links", include_in_schema=False)
def create_from_form(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Edit,
    destination: Annotated[str, Form()] = "",
    campaign_key: Annotated[str, Form()] = "",
    platform: Annotated[str, Form()] = "",
    content: Annotated[str, Form()] = "",
    intent: Annotated[str, Form()] = "create",
) -> Response:
    """Preview (intent=preview) or create; errors re-render the form naming the field."""
    form = {
        "destination": destination,
        "campaign_key": campaign_key,
        "platform": platform,
        "content": content,
    }
    try:
        if intent == "preview":
            preview = links.preview_link(
                destination=destination,
                campaign_key=campaign_key,
                platform=platform,
                content=content or None,
            )
            return _form_page(request, member, form, preview=preview)
        with session.begin_nested():
            link = links.create_link(
                session,
                workspace_id=member.workspace.id,
                destination=destination,
                campaign_key=campaign_key,
                platform=platform,
                content=content or None,
                variant_id=None,
                actor=member,
                clock=state.clock,
            )
    except TandemError as exc:
        return _form_page(request, member, form, error=exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/links/{link.id}?notice=created", status_code=303
    )


@router.get("/w/{ws}/links/{link_id}", include_in_schema=False)
def link_page(
    request: Request,
    link_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> Response:
    detail = _detail(session, member, state, link_id, days)
    data = {
        "detail": detail,
        "active_days": [
            d for d in reversed(detail.clicks.by_day) if d.clicks or d.bots
        ],
        "recent": links.store.clicks_of(session, detail.link.id, limit=20),
        "days": days,
    }
    return page(request, "links/detail.html", data, member=member, title="Link")


@router.get("/w/{ws}/links/{link_id}/qr.svg", include_in_schema=False)
def qr_svg(
    link_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
    download: bool = False,
) -> Response:
    link = links.store.link_in(session, member.workspace.id, link_id)
    body = links.qr_svg(links.short_url(state.settings.base_url, link.code))
    return _qr_response(body, "image/svg+xml", link.code, "svg", download)


@router.get("/w/{ws}/links/{link_id}/qr.png", include_in_schema=False)
def qr_png(
    link_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
    download: bool = False,
) -> Response:
    link = links.store.link_in(session, member.workspace.id, link_id)
    body = links.qr_png(links.short_url(state.settings.base_url, link.code))
    return _qr_response(body, "image/png", link.code, "png", download)


# ---- REST API ---------------------------------------------------------------------------


@router.get(API, tags=["tracked links"], summary="Links, with clicks by people")
def api_list_links(
    session: SessionDep,
    state: StateDep,
    member: View,
    campaign: str | None = None,
    sort: Annotated[str, Query(description=", ".join(links.LINK_SORTS))] = "created_at",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> LinkPage:
    query = links.LinkQuery(
        campaign_key=campaign or None,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        offset=offset,
    )
    return _listing(session, member, state.settings.base_url, query)


@router.post(
    API, status_code=201, tags=["tracked links"], summary="Create a short link"
)
def api_create_link(
    body: LinkIn, session: SessionDep, state: StateDep, member: Edit
) -> LinkOut:
    link = links.create_link(
        session,
        workspace_id=member.workspace.id,
        actor=member,
        clock=state.clock,
        **body.model_dump(),
    )
    return LinkOut(link, links.short_url(state.settings.base_url, link.code), 0)


@router.post(
    f"{API}/preview",
    tags=["tracked links"],
    summary="Build the tracked URL without saving (for the composer)",
)
def api_preview_link(body: LinkIn, _: Edit) -> links.TrackedUrl:
    return links.preview_link(**body.model_dump())


@router.get(
    f"{API}/{{link_id}}",
    tags=["tracked links"],
    summary="One link with its clicks: total, by people, by day",
)
def api_get_link(
    link_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
    days: Annotated[int, Query(ge=1, le=366, description="Days in by_day.")] = 30,
) -> LinkDetail:
    return _detail(session, member, state, link_id, days)
