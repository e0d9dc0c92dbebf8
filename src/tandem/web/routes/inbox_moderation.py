"""Hide or delete spam on the platform itself, from the inbox page and the REST API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.inbox.moderation import Outcome
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.routes.inbox import moderate_items, moderation_notice

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/workspaces/{ws}/inbox", tags=["inbox"])


@router.post("/w/{ws}/inbox/moderate")
def moderate_page(
    session: SessionDep,
    state: StateDep,
    ids: Annotated[list[str], Form()],
    action: Annotated[str, Form()],
    back: Annotated[str, Form()] = "",
    current: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> Response:
    # One platform call per item, each in transactions of its own: end the request's first.
    session.commit()
    outcomes = moderate_items(state, member, ids, action)
    return moderation_notice(member, outcomes, current or None, back)


class ModerateIn(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=100)
    action: str = Field(description="hide, unhide or delete", max_length=16)


@api.post(
    "/items/moderate",
    summary="Hide, unhide or delete items on their platform, where its API allows",
)
def moderate_api(
    body: ModerateIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> list[Outcome]:
    session.commit()
    return moderate_items(state, member, body.ids, body.action)
