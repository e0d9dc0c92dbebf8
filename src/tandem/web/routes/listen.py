"""Listen: topics, share of voice, sentiment over time, trends; a trend page with its evidence,
"Draft a post" (the composer, prefilled) and "Note for campaign"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.accounts import ROLE_PERMISSIONS, Member, Permission
from tandem.core import InvalidInput, TandemError
from tandem.listen import TopicKind, Trend, actions, insights
from tandem.listen import store as listen_store
from tandem.listen.csv_import import MAX_BYTES
from tandem.listen.records import SourceInput, SourceKind, TopicInput
from tandem.plan import store as plan_store
from tandem.publish import store as publish_store
from tandem.web import plots
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page

router = APIRouter(include_in_schema=False)
VIEW = Permission.ANALYTICS_VIEW


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field} must be a date like 2026-11-02.", field=field
        ) from None


def period_of(request: Request, now: datetime) -> insights.Period:
    """?start=&end= as dates (end inclusive), by default the last 7 days up to now."""
    start = _day(request.query_params.get("start", ""), "start")
    end = _day(request.query_params.get("end", ""), "end")
    end_at = datetime.combine(end + timedelta(days=1), time(), UTC) if end else None
    start_at = datetime.combine(start, time(), UTC) if start else None
    return insights.period(start_at, end_at, now=now)


def share_plot(sov: insights.ShareOfVoice) -> plots.Plot:
    names = [t.name for t in sov.topics]
    return plots.figure(
        "listen-sov",
        "Share of voice: this period and the one before",
        [
            plots.Trace(
                "Volume", names, [round(t.share * 100, 1) for t in sov.topics], "bar"
            ),
            plots.Trace(
                "Sentiment-weighted",
                names,
                [round(t.weighted_share * 100, 1) for t in sov.topics],
                "bar",
            ),
            plots.Trace(
                "Volume, previous period",
                names,
                [round(t.previous_share * 100, 1) for t in sov.topics],
                "bar",
            ),
        ],
        y_title="% of mentions",
        barmode="group",
        hovermode="closest",
    )


def sentiment_plot(
    days: dict[str, list[insights.DaySentiment]], names: dict[str, str]
) -> plots.Plot:
    traces = [
        plots.Trace(
            names[tid],
            [d.day.isoformat() for d in series],
            [d.sentiment for d in series],
        )
        for tid, series in sorted(days.items(), key=lambda kv: names.get(kv[0], ""))
        if tid in names
    ]
    plot = plots.figure(
        "listen-sentiment", "Average sentiment per day (-1 to 1)", traces
    )
    plot.figure["layout"]["yaxis"] = {"range": [-1, 1], "title": {"text": "sentiment"}}
    return plot


def trend_link(ws: str, trend: Trend) -> str:
    return f"/w/{ws}/listen/trend?" + urlencode({"label": trend.label})


def _context(member: Member, **extra: Any) -> dict[str, Any]:
    permissions = ROLE_PERMISSIONS[member.role]
    return {
        "can_manage": Permission.LISTEN_MANAGE in permissions,
        "can_draft": Permission.CONTENT_EDIT in permissions,
        "can_note": Permission.PLAN_MANAGE in permissions,
        "kinds": list(TopicKind),
        **extra,
    }


def listen_data(
    session: Session, member: Member, p: insights.Period, now: datetime
) -> dict[str, Any]:
    ws = member.workspace
    topics = listen_store.topics_in(session, ws.id)
    sov = insights.share_of_voice(session, ws.id, p)
    days = insights.sentiment_by_day(session, ws.id, p)
    found = insights.trends(session, ws.id, now=now)
    return {
        "period": {
            "start": p.start.date(),
            "end": (p.end - timedelta(seconds=1)).date(),
        },
        "topics": topics,
        "share_of_voice": sov,
        "trends": [
            {
                "trend": t,
                "url": trend_link(ws.slug, t),
                "label": actions.display_label(t.label),
            }
            for t in found
        ],
        "sources": listen_store.sources_in(session, ws.id),
        "alerts": listen_store.alerts_in(session, ws.id, limit=10),
        "plots": [
            share_plot(sov),
            sentiment_plot(days, {t.id: t.name for t in topics}),
        ],
    }


def _listen_page(
    request: Request, session: Session, member: Member, now: datetime, **extra: Any
) -> Response:
    status = int(extra.pop("status", 200))
    data = listen_data(session, member, period_of(request, now), now)
    context = _context(
        member,
        accounts=publish_store.accounts_in(session, member.workspace.id),
        **data,
        **extra,
    )
    return page(
        request,
        "listen/index.html",
        context,
        member=member,
        title="Listen",
        status=status,
    )


@router.get("/w/{ws}/listen")
def listen_home(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    return _listen_page(
        request,
        session,
        member,
        state.clock.now(),
        notice=request.query_params.get("notice", ""),
    )


def _form_error(
    request: Request,
    session: Session,
    member: Member,
    now: datetime,
    form: dict[str, Any],
    exc: TandemError,
) -> Response:
    return _listen_page(
        request,
        session,
        member,
        now,
        form=form,
        error=exc.message,
        field=exc.field,
        status=exc.status,
    )


@router.post("/w/{ws}/listen/topics")
async def add_topic(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.LISTEN_MANAGE)),
) -> Response:
    form = dict(await request.form())
    data = TopicInput(
        name=str(form.get("name", "")),
        query=str(form.get("query", "")),
        kind=str(form.get("kind", "brand")),
        languages=(str(form.get("languages", "")),),
        platforms=(str(form.get("platforms", "")),),
    )
    try:
        with session.begin_nested():
            actions.add_topic(session, actor=member, data=data, clock=state.clock)
    except TandemError as exc:
        return _form_error(request, session, member, state.clock.now(), form, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/listen?notice=topic-added", status_code=303
    )


def topic_plot(detail: insights.TopicDetail) -> plots.Plot:
    x = [d.day.isoformat() for d in detail.days]
    plot = plots.figure(
        "listen-topic",
        f"{detail.topic.name}: mentions and average sentiment per day",
        [
            plots.Trace("Mentions", x, [d.mentions for d in detail.days], "bar"),
            plots.Trace(
                "Sentiment",
                x,
                [d.sentiment for d in detail.days],
                extra={"yaxis": "y2"},
            ),
        ],
        y_title="mentions",
    )
    plot.figure["layout"]["yaxis2"] = {
        "overlaying": "y",
        "side": "right",
        "range": [-1, 1],
        "title": {"text": "sentiment"},
    }
    return plot


@router.get("/w/{ws}/listen/topics/{topic_id}")
def topic_page(
    request: Request,
    topic_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    p = period_of(request, state.clock.now())
    detail = insights.topic_detail(session, member.workspace.id, topic_id, p)
    context = _context(
        member,
        detail=detail,
        period={"start": p.start.date(), "end": (p.end - timedelta(seconds=1)).date()},
        plots=[topic_plot(detail)],
    )
    return page(
        request, "listen/topic.html", context, member=member, title=detail.topic.name
    )


@router.post("/w/{ws}/listen/topics/{topic_id}/delete")
def delete_topic(
    topic_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.LISTEN_MANAGE)),
) -> Response:
    actions.delete_topic(session, actor=member, topic_id=topic_id, clock=state.clock)
    return RedirectResponse(f"/w/{member.workspace.slug}/listen", status_code=303)


@router.post("/w/{ws}/listen/sources")
async def add_source(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.LISTEN_MANAGE)),
) -> Response:
    form = dict(await request.form())
    data = SourceInput(
        kind=str(form.get("kind", SourceKind.FEED.value)),
        name=str(form.get("name", "")),
        url=str(form.get("url", "")),
        account_id=str(form.get("account_id", "")),
    )
    try:
        with session.begin_nested():
            actions.add_source(session, actor=member, data=data, clock=state.clock)
    except TandemError as exc:
        return _form_error(request, session, member, state.clock.now(), form, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/listen?notice=source-added", status_code=303
    )


@router.post("/w/{ws}/listen/sources/{source_id}/active")
async def set_source_active(
    request: Request,
    source_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.LISTEN_MANAGE)),
) -> Response:
    form = await request.form()
    active = form.get("active") in ("on", "true", "1")
    actions.set_source_active(
        session, actor=member, source_id=source_id, active=active, clock=state.clock
    )
    return RedirectResponse(
        f"/w/{member.workspace.slug}/listen#sources", status_code=303
    )


@router.post("/w/{ws}/listen/sources/{source_id}/delete")
def delete_source(
    source_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.LISTEN_MANAGE)),
) -> Response:
    actions.delete_source(session, actor=member, source_id=source_id, clock=state.clock)
    return RedirectResponse(f"/w/{member.workspace.slug}/listen", status_code=303)


@router.post("/w/{ws}/listen/import")
async def import_csv(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.LISTEN_MANAGE)),
) -> Response:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        exc = InvalidInput("Choose a CSV file to import.", field="file")
        return _form_error(request, session, member, state.clock.now(), {}, exc)
    data = await upload.read(MAX_BYTES + 1)
    try:
        with session.begin_nested():
            result = actions.import_csv(
                session,
                actor=member,
                data=data,
                filename=upload.filename or "mentions.csv",
                clock=state.clock,
            )
    except TandemError as exc:
        return _form_error(request, session, member, state.clock.now(), {}, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/listen?notice=imported-{result.stored}",
        status_code=303,
    )


def hourly_plot(trend: Trend, now: datetime) -> plots.Plot:
    """Each term's mentions per hour of the window; the window ends at `now` rounded up to
    the hour, as detection counts it."""
    end = now.replace(minute=0, second=0, microsecond=0)
    if end < now:
        end += timedelta(hours=1)
    traces = [
        plots.Trace(
            t.key,
            [
                (end - timedelta(hours=len(t.hourly) - i)).isoformat()
                for i in range(len(t.hourly))
            ],
            list(t.hourly),
        )
        for t in trend.terms[:5]
    ]
    return plots.figure(
        "listen-trend-hourly",
        "Mentions per hour in the window (UTC, each point = the hour starting then)",
        traces,
        y_title="mentions",
    )


@router.get("/w/{ws}/listen/trend")
def trend_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    label = request.query_params.get("label", "")
    ws = member.workspace
    trend = insights.trend_by_label(session, ws.id, label, now=state.clock.now())
    draft = "/w/{}/create/new?{}".format(
        ws.slug,
        urlencode(
            {
                "text": actions.draft_text(trend),
                "title": f"Trend: {actions.display_label(label)}",
            }
        ),
    )
    context = _context(
        member,
        trend=trend,
        label=actions.display_label(trend.label),
        draft_url=draft,
        campaigns=plan_store.campaigns_in(session, ws.id),
        notes=[
            n
            for n in listen_store.notes_in(session, ws.id)
            if n.trend_label == trend.label
        ],
        notice=request.query_params.get("notice", ""),
        plots=[hourly_plot(trend, state.clock.now())],
    )
    return page(
        request, "listen/trend.html", context, member=member, title=context["label"]
    )


@router.post("/w/{ws}/listen/trend/note")
async def note_trend(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.PLAN_MANAGE)),
) -> Response:
    form = await request.form()
    ws = member.workspace
    label = str(form.get("label", ""))
    campaign_id = str(form.get("campaign_id", ""))
    if not campaign_id:
        raise InvalidInput(
            "Choose a campaign to note the trend for.", field="campaign_id"
        )
    campaign = plan_store.campaign_in(session, ws.id, campaign_id)
    trend = insights.trend_by_label(session, ws.id, label, now=state.clock.now())
    actions.note_for_campaign(
        session,
        actor=member,
        campaign_id=campaign.id,
        trend=trend,
        note=str(form.get("note", "")),
        clock=state.clock,
    )
    return RedirectResponse(
        trend_link(ws.slug, trend) + "&notice=noted", status_code=303
    )
