"""Measure: social performance over a date range against a comparison period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission
from tandem.core.periods import Period, local_today, parse_comparison, parse_period
from tandem.publish import insights
from tandem.publish import store as posts
from tandem.web.charts import Series, line_chart
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page

router = APIRouter(include_in_schema=False)


def _daily(
    session: Session, ws_id: str, period: Period, account: str | None
) -> dict[str, dict[str, int]]:
    rows = posts.daily_totals(
        session, ws_id, since=period.since, until=period.until, account_id=account
    )
    return {
        r.day.isoformat(): {
            "posts": r.posts,
            "impressions": r.impressions,
            "engagements": r.engagements,
            "clicks": r.clicks,
        }
        for r in rows
    }


def measure_data(
    session: Session, member: Member, period: Period, compare: str, account: str | None
) -> dict[str, Any]:
    ws = member.workspace
    previous = period.compared(compare)
    current = insights.summarise(
        session, ws.id, since=period.since, until=period.until, account_id=account
    )
    before = (
        insights.summarise(
            session,
            ws.id,
            since=previous.since,
            until=previous.until,
            account_id=account,
        )
        if previous
        else None
    )
    days = [period.start + timedelta(days=i) for i in range(period.days)]
    daily = _daily(session, ws.id, period, account)
    prior = _daily(session, ws.id, previous, account) if previous else {}
    prior_days = (
        [previous.start + timedelta(days=i) for i in range(period.days)]
        if previous
        else []
    )
    series = [
        Series(
            "Engagements",
            [daily.get(d.isoformat(), {}).get("engagements", 0) for d in days],
            "s-current",
        )
    ]
    if previous:
        series.append(
            Series(
                "Engagements, comparison period",
                [
                    prior.get(d.isoformat(), {}).get("engagements", 0)
                    for d in prior_days
                ],
                "s-compare",
            )
        )
    per_account = [
        (
            a,
            insights.summarise(
                session, ws.id, since=period.since, until=period.until, account_id=a.id
            ),
        )
        for a in posts.accounts_in(session, ws.id)
    ]
    top, _ = posts.post_performance(
        session,
        ws.id,
        posts.PostQuery(
            since=period.since,
            until=period.until,
            account_id=account,
            sort="engagement_rate",
            limit=10,
        ),
    )
    return {
        "period": period,
        "comparison": previous,
        "compare": compare,
        "account": account or "",
        "summary": current,
        "changes": insights.changes(current, before),
        "daily": [
            {
                "day": d,
                **daily.get(
                    d.isoformat(),
                    {"posts": 0, "impressions": 0, "engagements": 0, "clicks": 0},
                ),
            }
            for d in days
        ],
        "engagement_chart": line_chart(
            "Engagements per day", [d.strftime("%d %b") for d in days], series
        ),
        "per_account": [{"account": a, "summary": s} for a, s in per_account],
        "top_posts": top,
        "accounts": posts.accounts_in(session, ws.id),
    }


@router.get("/w/{ws}/measure")
def measure(
    request: Request,
    session: SessionDep,
    state: StateDep,
    since: str | None = None,
    until: str | None = None,
    compare: str | None = None,
    account: str | None = None,
    member: Member = Depends(permit(Permission.ANALYTICS_VIEW)),
) -> Response:
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
    if request.query_params.get(
        "format"
    ) == "json" or "application/json" in request.headers.get("accept", ""):
        data.pop("engagement_chart")
    return page(request, "measure/index.html", data, member=member, title="Measure")
