"""REST API: publications (one post to one account at a wall time), with idempotent create."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints, TypeAdapter, field_validator

from tandem.accounts import Member, Permission
from tandem.core import InvalidInput, NotFound
from tandem.publish import actions as publishing
from tandem.publish import idempotency
from tandem.publish.ledger import (
    Publication,
    PublicationState,
    PublishAttempt,
    attempts_of,
    publication,
    publication_page,
)
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["publishing"])

Part = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
WallTime = Annotated[
    str, Field(max_length=16, description='Wall time "YYYY-MM-DDTHH:MM".')
]
ZoneName = Annotated[
    str, Field(max_length=64, description="IANA zone, e.g. Europe/Paris.")
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=idempotency.KEY_FIELD,
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        description="Retry-safe create: the same key and body return the first response.",
    ),
]
_PUBLICATION = TypeAdapter(Publication)


def _non_blank(parts: list[str] | None) -> list[str] | None:
    if parts is not None and any(not p.strip() for p in parts):
        raise ValueError("every part needs some text")
    return parts


class PublicationIn(BaseModel):
    account_id: str = Field(max_length=32)
    parts: list[Part] = Field(
        min_length=1, max_length=25, description="The text, or the posts of a thread."
    )
    first_comment: str = Field("", max_length=10_000)
    local_time: WallTime
    timezone: ZoneName | None = Field(None, description="Default: the workspace zone.")

    _parts = field_validator("parts")(_non_blank)


class PublicationPatch(BaseModel):
    local_time: WallTime | None = None
    timezone: ZoneName | None = None
    parts: list[Part] | None = Field(None, min_length=1, max_length=25)

    _parts = field_validator("parts")(_non_blank)


@dataclass(frozen=True)
class PublicationPage:
    publications: list[Publication]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PublicationDetail:
    publication: Publication
    attempts: list[PublishAttempt]


# --- Routes --------------------------------------------------------------------------------


@router.post(
    "/publications",
    status_code=201,
    response_model=Publication,
    summary="Schedule a post to one account at a wall time (idempotent with a key)",
)
def create(
    body: PublicationIn,
    session: SessionDep,
    state: StateDep,
    idempotency_key: IdempotencyKey = None,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    now = state.clock.now()

    def produce() -> tuple[int, str]:
        try:
            created = publishing.create_publication(
                session,
                workspace_id=member.workspace.id,
                account_id=body.account_id,
                parts=body.parts,
                first_comment=body.first_comment,
                local_time=body.local_time,
                timezone=member.workspace.timezone
                if body.timezone is None
                else body.timezone,
                now=now,
            )
        except NotFound as exc:
            raise InvalidInput(exc.message, field="account_id") from exc
        return 201, _PUBLICATION.dump_json(created).decode()

    if idempotency_key is None:
        status, text = produce()
        return Response(text, status_code=status, media_type="application/json")
    stored = idempotency.run_once(
        session,
        workspace_id=member.workspace.id,
        key=idempotency_key,
        fingerprint=idempotency.request_fingerprint(body.model_dump(mode="json")),
        now=now,
        produce=produce,
    )
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return Response(
        stored.body,
        status_code=stored.status,
        media_type="application/json",
        headers=headers,
    )


@router.get("/publications", summary="Publications by due time, filtered by state")
def list_(
    session: SessionDep,
    state: PublicationState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> PublicationPage:
    rows, total = publication_page(
        session, member.workspace.id, state=state, limit=limit, offset=offset
    )
    return PublicationPage(rows, total, limit, offset)


@router.get(
    "/publications/{publication_id}", summary="A publication and its send attempts"
)
def get(
    publication_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.POSTS_VIEW)),
) -> PublicationDetail:
    found = publication(session, publication_id, member.workspace.id)
    return PublicationDetail(found, attempts_of(session, found.id))


@router.patch(
    "/publications/{publication_id}",
    summary="Change the text or time of a post that is not out yet",
)
def patch(
    publication_id: str,
    body: PublicationPatch,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Publication:
    return publishing.edit_publication(
        session,
        actor=member,
        publication_id=publication_id,
        now=state.clock.now(),
        local_time=body.local_time,
        timezone=body.timezone,
        parts=body.parts,
    )


@router.delete(
    "/publications/{publication_id}", status_code=204, summary="Cancel a post"
)
def delete(
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    publishing.cancel(
        session, actor=member, publication_id=publication_id, now=state.clock.now()
    )
    return Response(status_code=204)


@router.post(
    "/publications/{publication_id}/retry",
    summary="Queue a failed, missed, unconfirmed or cancelled post again, due now",
)
def retry(
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Publication:
    return publishing.retry_now(
        session, actor=member, publication_id=publication_id, now=state.clock.now()
    )
