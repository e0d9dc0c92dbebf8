"""REST API: connected social accounts, published posts and their performance."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from tandem.accounts import Member, Permission
from tandem.core.periods import local_today, parse_comparison, parse_period
from tandem.publish import PostPerformance, SocialAccount
from tandem.publish import store as posts
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.routes.measure import measure_data
from tandem.web.routes.publish import post_query

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["social"])


@dataclass(frozen=True)
class PostPage:
    posts: list[PostPerformance]
    total: int
    limit: int
    offset: int


@router.get("/accounts", summary="Connected social accounts with their health")
def list_accounts(
    session: SessionDep, member: Member = Depends(permit(Permission.ACCOUNTS_VIEW))
) -> list[SocialAccount]:
    return posts.accounts_in(session, member.workspace.id)


@router.get("/accounts/{account_id}", summary="One social account")
def get_account(
    account_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_VIEW)),
) -> SocialAccount:
    return posts.account_in(session, member.workspace.id, account_id)


@router.get("/posts", summary="Published posts with their latest metrics")
def list_posts(
    session: SessionDep,
    state: StateDep,
    account: str | None = None,
    since: Annotated[
        str | None, Query(description="First day, YYYY-MM-DD, workspace zone")
    ] = None,
    until: Annotated[
        str | None, Query(description="Last day, YYYY-MM-DD, inclusive")
    ] = None,
    sort: str = "published_at",
    order: str = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> PostPage:
    ws = member.workspace
    if account:
        posts.account_in(session, ws.id, account)
    query = post_query(
        account=account,
        since=since,
        until=until,
        sort=sort,
        order=order,
        page_number=1,
        zone=ws.timezone,
        today=local_today(state.clock.now(), ws.timezone),
        limit=limit,
    )
    query = replace(query, offset=offset)
    rows, total = posts.post_performance(session, ws.id, query)
    return PostPage(rows, total, limit, offset)


@router.get(
    "/performance", summary="Social performance for a period, with a comparison period"
)
def performance(
    session: SessionDep,
    state: StateDep,
    since: str | None = None,
    until: str | None = None,
    compare: Annotated[str | None, Query(description="previous, year or none")] = None,
    account: str | None = None,
    member: Member = Depends(permit(Permission.ANALYTICS_VIEW)),
) -> dict[str, Any]:
    ws = member.workspace
    period = parse_period(
        since,
        until,
        zone=ws.timezone,
        today=local_today(state.clock.now(), ws.timezone),
    )
    if account:
        posts.account_in(session, ws.id, account)
    data = measure_data(session, member, period, parse_comparison(compare), account)
    data.pop("engagement_chart")
    return data
