"""Publish: connected accounts and everything published, filterable, sortable, exportable."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tandem.accounts import Member, Permission
from tandem.core import InvalidInput
from tandem.core.periods import local_today, parse_period
from tandem.publish import store as posts
from tandem.publish.ledger import PublicationState, publications_in
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import csv_response, page
from tandem.web.routes.publications import ATTENTION

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


def post_query(
    *,
    account: str | None,
    since: str | None,
    until: str | None,
    sort: str,
    order: str,
    page_number: int,
    zone: str,
    today: date,
    limit: int = PAGE_SIZE,
) -> posts.PostQuery:
    if sort not in posts.POST_SORTS:
        raise InvalidInput(
            f"sort must be one of {', '.join(posts.POST_SORTS)}.", field="sort"
        )
    if order not in ("asc", "desc"):
        raise InvalidInput("order must be asc or desc.", field="order")
    period = (
        parse_period(since, until, zone=zone, today=today, default_days=3650)
        if (since or until)
        else None
    )
    return posts.PostQuery(
        account_id=account or None,
        since=period.since if period else None,
        until=period.until if period else None,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        offset=(max(1, page_number) - 1) * limit,
    )


@router.get("/w/{ws}/publish")
def publish_home(
    request: Request,
    session: SessionDep,
    state: StateDep,
    account: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str = "published_at",
    order: str = "desc",
    page_number: int = 1,
    export: str | None = None,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> Response:
    ws = member.workspace
    today = local_today(state.clock.now(), ws.timezone)
    if account:
        posts.account_in(session, ws.id, account)  # 404 for another workspace's account
    if export == "csv":
        query = post_query(
            account=account,
            since=since,
            until=until,
            sort=sort,
            order=order,
            page_number=1,
            zone=ws.timezone,
            today=today,
            limit=1_000_000,
        )
        rows, _ = posts.post_performance(session, ws.id, query)
        return csv_response(
            f"posts-{ws.slug}.csv",
            [
                "published_at",
                "account",
                "content_type",
                "text",
                "url",
                "impressions",
                "reach",
                "likes",
                "comments",
                "shares",
                "saves",
                "clicks",
                "engagement_rate",
            ],
            (
                [
                    r.post.published_at,
                    r.account_handle,
                    r.post.content_type,
                    r.post.text,
                    r.post.url,
                    r.impressions,
                    r.reach,
                    r.likes,
                    r.comments,
                    r.shares,
                    r.saves,
                    r.clicks,
                    r.engagement_rate,
                ]
                for r in rows
            ),
        )
    query = post_query(
        account=account,
        since=since,
        until=until,
        sort=sort,
        order=order,
        page_number=page_number,
        zone=ws.timezone,
        today=today,
    )
    rows, total = posts.post_performance(session, ws.id, query)
    data = {
        "accounts": posts.accounts_in(session, ws.id),
        "posts": rows,
        "total": total,
        "attention": publications_in(session, ws.id, states=ATTENTION, limit=50),
        "upcoming": publications_in(
            session,
            ws.id,
            states=[PublicationState.SCHEDULED],
            since=state.clock.now(),
            limit=20,
        ),
        "handles": {a.id: a.handle for a in posts.accounts_in(session, ws.id)},
        "notice": request.query_params.get("notice", ""),
        "page": max(1, page_number),
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {
            "account": account or "",
            "since": since or "",
            "until": until or "",
            "sort": sort,
            "order": order,
        },
    }
    return page(request, "publish/index.html", data, member=member, title="Publish")
