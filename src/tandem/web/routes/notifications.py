"""In-app notifications: the list, and marking them read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import store
from tandem.notify import mark_read, notifications_of
from tandem.web.deps import Identity, SessionDep, StateDep, signed_in
from tandem.web.render import page

router = APIRouter(tags=["notifications"])
SignedIn = Annotated[Identity, Depends(signed_in())]


@router.get(
    "/notifications", summary="Your latest notifications (HTML, or JSON with Accept)"
)
def notifications(
    request: Request, session: SessionDep, identity: SignedIn
) -> Response:
    workspaces = {ws.id: ws for ws, _ in store.workspaces_of(session, identity.user.id)}
    items = [
        n
        for n in notifications_of(session, identity.user.id, limit=100)
        if n.workspace_id in workspaces
    ]
    data = {
        "notifications": items,
        "workspace_names": {k: v.name for k, v in workspaces.items()},
    }
    return page(request, "notifications.html", data, title="Notifications")


@router.post("/notifications/read", summary="Mark one (id) or all notifications read")
def read(
    session: SessionDep,
    state: StateDep,
    identity: SignedIn,
    id: Annotated[str | None, Form()] = None,
) -> Response:
    mark_read(
        session, identity.user.id, now=state.clock.now(), notification_id=id or None
    )
    return RedirectResponse("/notifications", status_code=303)
