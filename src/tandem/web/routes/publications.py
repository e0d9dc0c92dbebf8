"""What is going out and what needs attention: retry, mark as published, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import Member, Permission
from tandem.core import InvalidInput
from tandem.publish import actions as publishing
from tandem.publish.ledger import PublicationState
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(tags=["publishing"])
ATTENTION = (
    PublicationState.FAILED,
    PublicationState.MISSED,
    PublicationState.OUTCOME_UNKNOWN,
)


def _done(request: Request, member: Member, notice: str) -> Response:
    back = request.headers.get("referer", "")
    target = (
        back
        if back.startswith(str(request.base_url))
        else f"/w/{member.workspace.slug}/publish"
    )
    separator = "&" if "?" in target else "?"
    return RedirectResponse(
        f"{target.split('#')[0]}{separator}notice={notice}", status_code=303
    )


@router.post(
    "/w/{ws}/publish/publications/{publication_id}/retry", include_in_schema=False
)
def retry(
    request: Request,
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    publishing.retry_now(
        session, actor=member, publication_id=publication_id, now=state.clock.now()
    )
    return _done(request, member, "retry-queued")


@router.post(
    "/w/{ws}/publish/publications/{publication_id}/published", include_in_schema=False
)
def mark_published(
    request: Request,
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    url: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    if url and not url.startswith(("https://", "http://")):
        raise InvalidInput("The post's address must start with https://.", field="url")
    publishing.mark_published(
        session,
        actor=member,
        publication_id=publication_id,
        now=state.clock.now(),
        url=url,
    )
    return _done(request, member, "marked-published")


@router.post(
    "/w/{ws}/publish/publications/{publication_id}/cancel", include_in_schema=False
)
def cancel(
    request: Request,
    publication_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    publishing.cancel(
        session, actor=member, publication_id=publication_id, now=state.clock.now()
    )
    return _done(request, member, "cancelled")
