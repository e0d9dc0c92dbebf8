"""REST API: listening topics, sources, CSV import, mentions, share of voice, sentiment, trends.

Periods are `start` and `end` dates (end inclusive, UTC), the last 7 days by default; every
figure comes with the previous period of the same length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.core import InvalidInput
from tandem.listen import actions, insights
from tandem.listen import store as listen_store
from tandem.listen.csv_import import MAX_BYTES, CsvRejected
from tandem.listen.records import (
    IngestResult,
    Source,
    SourceInput,
    StoredMention,
    TopicInput,
    TrackedTopic,
)
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.routes.listen import VIEW, period_of

router = APIRouter(prefix="/api/v1/workspaces/{ws}/listen", tags=["listen"])
Viewer = Annotated[Member, Depends(permit(VIEW))]
Manager = Annotated[Member, Depends(permit(Permission.LISTEN_MANAGE))]


class TopicIn(BaseModel):
    name: str = Field(description="Shown in Tandem; unique in the workspace.")
    query: str = Field(
        description='Words, #hashtags, "phrases", AND/OR/NOT, parentheses, -word, '
        "prefix*; lang:xx and platform:name filters (see docs/listening.md)."
    )
    kind: str = Field("brand", description="brand, competitor or industry.")
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes.")
    platforms: list[str] = Field(default_factory=list)

    def to_input(self) -> TopicInput:
        return TopicInput(
            self.name,
            self.query,
            self.kind,
            tuple(self.languages),
            tuple(self.platforms),
        )


class SourceIn(BaseModel):
    kind: str = Field(description="feed (RSS/Atom) or search (a connected account).")
    url: str = Field("", description="The feed's address (kind=feed).")
    account_id: str = Field("", description="The connected account (kind=search).")
    name: str = ""
    active: bool = True


class SourcePatch(BaseModel):
    active: bool


@dataclass(frozen=True)
class TopicList:
    topics: list[TrackedTopic]


@dataclass(frozen=True)
class SourceList:
    sources: list[Source]


@dataclass(frozen=True)
class MentionList:
    mentions: list[StoredMention]
    start: str
    end: str


@router.get("/topics", summary="List the tracked topics")
def list_topics(session: SessionDep, member: Viewer) -> TopicList:
    return TopicList(listen_store.topics_in(session, member.workspace.id))


@router.post("/topics", status_code=201, summary="Track a topic")
def create_topic(
    body: TopicIn, session: SessionDep, state: StateDep, member: Manager
) -> TrackedTopic:
    return actions.add_topic(
        session, actor=member, data=body.to_input(), clock=state.clock
    )


@router.get(
    "/topics/{topic_id}",
    summary="A topic with its sentiment per day, top voices, top and latest posts",
)
def get_topic(
    topic_id: str,
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Viewer,
) -> insights.TopicDetail:
    p = period_of(request, state.clock.now())
    return insights.topic_detail(session, member.workspace.id, topic_id, p)


@router.put("/topics/{topic_id}", summary="Change a topic (matches again)")
def put_topic(
    topic_id: str, body: TopicIn, session: SessionDep, state: StateDep, member: Manager
) -> TrackedTopic:
    return actions.update_topic(
        session,
        actor=member,
        topic_id=topic_id,
        data=body.to_input(),
        clock=state.clock,
    )


@router.delete("/topics/{topic_id}", status_code=204, summary="Stop tracking a topic")
def remove_topic(
    topic_id: str, session: SessionDep, state: StateDep, member: Manager
) -> Response:
    actions.delete_topic(session, actor=member, topic_id=topic_id, clock=state.clock)
    return Response(status_code=204)


@router.get("/sources", summary="List the listening sources")
def list_sources(session: SessionDep, member: Viewer) -> SourceList:
    return SourceList(listen_store.sources_in(session, member.workspace.id))


@router.post("/sources", status_code=201, summary="Add a feed or a search source")
def create_source(
    body: SourceIn, session: SessionDep, state: StateDep, member: Manager
) -> Source:
    data = SourceInput(body.kind, body.name, body.url, body.account_id, body.active)
    return actions.add_source(session, actor=member, data=data, clock=state.clock)


@router.patch("/sources/{source_id}", summary="Pause or resume a source")
def patch_source(
    source_id: str,
    body: SourcePatch,
    session: SessionDep,
    state: StateDep,
    member: Manager,
) -> Source:
    return actions.set_source_active(
        session,
        actor=member,
        source_id=source_id,
        active=body.active,
        clock=state.clock,
    )


@router.delete("/sources/{source_id}", status_code=204, summary="Remove a source")
def remove_source(
    source_id: str, session: SessionDep, state: StateDep, member: Manager
) -> Response:
    actions.delete_source(session, actor=member, source_id=source_id, clock=state.clock)
    return Response(status_code=204)


@router.post(
    "/import",
    summary="Import mentions from a CSV export (all rows or none)",
    response_model=None,
)
async def import_mentions(
    session: SessionDep,
    state: StateDep,
    member: Manager,
    file: Annotated[UploadFile | None, File(description="The exported CSV")] = None,
) -> IngestResult | JSONResponse:
    if file is None or not file.filename:
        raise InvalidInput("Choose the exported CSV file.", field="file")
    data = await file.read(MAX_BYTES + 1)
    try:
        with session.begin_nested():
            return actions.import_csv(
                session,
                actor=member,
                data=data,
                filename=file.filename,
                clock=state.clock,
            )
    except CsvRejected as exc:
        return JSONResponse(
            {
                "title": "Invalid input",
                "status": 422,
                "detail": exc.message,
                "field": "file",
                "errors": [
                    {"row": e.row, "column": e.column, "message": e.message}
                    for e in exc.errors
                ],
            },
            status_code=422,
            media_type="application/problem+json",
        )


@router.get("/mentions", summary="Stored mentions, newest first")
def list_mentions(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Viewer,
    topic_id: str = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MentionList:
    p = period_of(request, state.clock.now())
    found = insights.mentions(
        session,
        member.workspace.id,
        p,
        topic_id=topic_id or None,
        limit=limit,
        offset=offset,
    )
    return MentionList(found, p.start.isoformat(), p.end.isoformat())


@router.get("/share-of-voice", summary="Share of voice of brand and competitor topics")
def share_of_voice(
    request: Request, session: SessionDep, state: StateDep, member: Viewer
) -> dict[str, Any]:
    p = period_of(request, state.clock.now())
    sov = insights.share_of_voice(session, member.workspace.id, p)
    return {
        "start": p.start,
        "end": p.end,
        "previous_start": p.previous.start,
        "total": sov.total,
        "previous_total": sov.previous_total,
        "topics": [{**t.__dict__, "change": t.change} for t in sov.topics],
    }


@router.get("/sentiment", summary="Mean sentiment per topic and UTC day")
def sentiment(
    request: Request, session: SessionDep, state: StateDep, member: Viewer
) -> dict[str, list[insights.DaySentiment]]:
    p = period_of(request, state.clock.now())
    return insights.sentiment_by_day(session, member.workspace.id, p)


@router.get("/trends", summary="Trends in the window before now, with their evidence")
def trends(
    session: SessionDep,
    state: StateDep,
    member: Viewer,
    window_hours: Annotated[int, Query(ge=1, le=168)] = 24,
) -> dict[str, Any]:
    found = insights.trends(
        session,
        member.workspace.id,
        now=state.clock.now(),
        window=timedelta(hours=window_hours),
    )
    return {
        "trends": [
            {
                "label": t.label,
                "kind": t.kind.value,
                "score": t.score,
                "mentions": t.mentions,
                "why": t.why,
                "terms": [
                    {**s.__dict__, "ratio": s.ratio, "growth": s.growth}
                    for s in t.terms
                ],
                "examples": [m.__dict__ for m in t.examples],
                "draft_text": actions.draft_text(t),
            }
            for t in found
        ]
    }
