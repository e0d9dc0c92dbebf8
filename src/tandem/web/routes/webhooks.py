"""Outbound webhooks: the settings page and its REST twin under /api/v1.

Only people who manage the workspace (owners, admins) see or change endpoints: a webhook
sends workspace data to an outside address. The signing secret is shown once, at creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, audit
from tandem.core import Conflict, TandemError
from tandem.jobs.webhooks import secret_box_for
from tandem.notify import endpoints, webhooks
from tandem.notify.webhooks import Delivery, Endpoint, EventWorkspace
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import html, page

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/workspaces/{ws}/webhooks", tags=["webhooks"])

MANAGE = Permission.WORKSPACE_MANAGE
RECENT = 10
NOTICES = {
    "test-sent": "Test event queued; it shows below once the worker has sent it.",
    "disabled": "Endpoint disabled; nothing more is sent to it.",
    "enabled": "Endpoint enabled again.",
    "deleted": "Endpoint deleted.",
}


@dataclass(frozen=True)
class EndpointView:
    endpoint: Endpoint
    deliveries: list[Delivery]


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: Endpoint
    secret: str  # the signing secret: in this response only, never again


@dataclass(frozen=True)
class TestQueued:
    delivery_ids: list[str]


class EndpointIn(BaseModel):
    url: str = Field(max_length=webhooks.MAX_URL_LENGTH, description="Where to POST.")
    event_types: list[str] = Field(
        max_length=50, description="Event types to send, e.g. publication.failed."
    )
    description: str = Field("", max_length=200)


class EndpointPatch(BaseModel):
    url: str | None = Field(None, max_length=webhooks.MAX_URL_LENGTH)
    event_types: list[str] | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=200)
    enabled: bool | None = Field(None, description="false disables; true re-enables.")


def _event_workspace(member: Member) -> EventWorkspace:
    w = member.workspace
    return EventWorkspace(w.id, w.slug, w.name)


def _audit(
    session: Session, member: Member, action: str, endpoint: Endpoint, now: datetime
) -> None:
    audit.record(
        session,
        actor=member.user,
        organisation_id=member.workspace.organisation_id,
        workspace_id=member.workspace.id,
        action=action,
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        after=endpoint,
        summary=f"{action} {endpoint.url}",
        now=now,
    )


def _views(session: Session, workspace_id: str) -> list[EndpointView]:
    return [
        EndpointView(
            e, endpoints.deliveries_of(session, workspace_id, e.id, limit=RECENT)
        )
        for e in endpoints.endpoints_of(session, workspace_id)
    ]


def _page_data(session: Session, member: Member, **extra: object) -> dict[str, object]:
    return {
        "endpoints": _views(session, member.workspace.id),
        "event_types": webhooks.EVENT_TYPES,
        **extra,
    }


def _back(member: Member, notice: str) -> Response:
    return RedirectResponse(
        f"/w/{member.workspace.slug}/settings/webhooks?notice={notice}", status_code=303
    )


# --- HTML -------------------------------------------------------------------------------


@router.get("/w/{ws}/settings/webhooks")
def settings_page(
    request: Request, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Response:
    notice = NOTICES.get(request.query_params.get("notice", ""), "")
    data = _page_data(session, member, notice=notice)
    return page(
        request, "settings/webhooks.html", data, member=member, title="Webhooks"
    )


@router.post("/w/{ws}/settings/webhooks")
def create_from_form(
    request: Request,
    session: SessionDep,
    state: StateDep,
    url: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    event_types: Annotated[list[str] | None, Form()] = None,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    now = state.clock.now()
    try:
        with session.begin_nested():
            created = endpoints.create_endpoint(
                session,
                workspace_id=member.workspace.id,
                url=url,
                event_types=event_types or [],
                description=description,
                box=secret_box_for(state.settings),
                now=now,
            )
            _audit(session, member, "webhook.create", created.endpoint, now)
    except TandemError as exc:
        form = {
            "url": url,
            "description": description,
            "event_types": event_types or [],
        }
        data = _page_data(
            session, member, error=exc.message, field=exc.field, form=form
        )
        return html(
            request,
            "settings/webhooks.html",
            {**data, "member": member},
            status=exc.status,
        )
    data = _page_data(session, member, created=created.endpoint, secret=created.secret)
    return page(
        request, "settings/webhooks.html", data, member=member, title="Webhooks"
    )


@router.post("/w/{ws}/settings/webhooks/{endpoint_id}/test")
def send_test_from_form(
    endpoint_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    send_test(session, member, endpoint_id, state.clock.now())
    return _back(member, "test-sent")


@router.post("/w/{ws}/settings/webhooks/{endpoint_id}/disable")
def disable_from_form(
    endpoint_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    _set_enabled(session, member, endpoint_id, False, state.clock.now())
    return _back(member, "disabled")


@router.post("/w/{ws}/settings/webhooks/{endpoint_id}/enable")
def enable_from_form(
    endpoint_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    _set_enabled(session, member, endpoint_id, True, state.clock.now())
    return _back(member, "enabled")


@router.post("/w/{ws}/settings/webhooks/{endpoint_id}/delete")
def delete_from_form(
    endpoint_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    _delete(session, member, endpoint_id, state.clock.now())
    return _back(member, "deleted")


def send_test(
    session: Session, member: Member, endpoint_id: str, now: datetime
) -> list[str]:
    endpoint = endpoints.endpoint_row(session, member.workspace.id, endpoint_id)
    if not endpoint.enabled:
        raise Conflict(
            "This endpoint is disabled; enable it before sending a test event.",
            field="enabled",
        )
    return webhooks.emit(
        session,
        workspace=_event_workspace(member),
        event_type=webhooks.TEST_EVENT,
        data={"message": "A test event from Tandem.", "endpoint_id": endpoint_id},
        now=now,
        endpoint_id=endpoint_id,
    )


def _set_enabled(
    session: Session, member: Member, endpoint_id: str, enabled: bool, now: datetime
) -> Endpoint:
    changed = endpoints.update_endpoint(
        session,
        workspace_id=member.workspace.id,
        endpoint_id=endpoint_id,
        enabled=enabled,
        now=now,
    )
    _audit(
        session,
        member,
        "webhook.enable" if enabled else "webhook.disable",
        changed,
        now,
    )
    return changed


def _delete(session: Session, member: Member, endpoint_id: str, now: datetime) -> None:
    gone = endpoints.delete_endpoint(
        session, workspace_id=member.workspace.id, endpoint_id=endpoint_id
    )
    _audit(session, member, "webhook.delete", gone, now)


# --- REST API ---------------------------------------------------------------------------


@api_router.get("", summary="The workspace's webhook endpoints (never their secrets)")
def api_list(
    session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> list[Endpoint]:
    return endpoints.endpoints_of(session, member.workspace.id)


@api_router.post(
    "",
    status_code=201,
    summary="Add an endpoint; the response holds its signing secret, shown only this once",
)
def api_create(
    body: EndpointIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> CreatedEndpoint:
    now = state.clock.now()
    created = endpoints.create_endpoint(
        session,
        workspace_id=member.workspace.id,
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        box=secret_box_for(state.settings),
        now=now,
    )
    _audit(session, member, "webhook.create", created.endpoint, now)
    return CreatedEndpoint(created.endpoint, created.secret)


@api_router.get("/{endpoint_id}", summary="An endpoint and its recent deliveries")
def api_get(
    endpoint_id: str, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> EndpointView:
    row = endpoints.endpoint_row(session, member.workspace.id, endpoint_id)
    deliveries = endpoints.deliveries_of(
        session, member.workspace.id, endpoint_id, limit=RECENT
    )
    return EndpointView(webhooks.to_endpoint(row), deliveries)


@api_router.patch(
    "/{endpoint_id}", summary="Change the URL, event types, or enable/disable"
)
def api_update(
    endpoint_id: str,
    body: EndpointPatch,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Endpoint:
    now = state.clock.now()
    changed = endpoints.update_endpoint(
        session,
        workspace_id=member.workspace.id,
        endpoint_id=endpoint_id,
        now=now,
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        enabled=body.enabled,
    )
    _audit(session, member, "webhook.update", changed, now)
    return changed


@api_router.delete("/{endpoint_id}", status_code=204, summary="Delete an endpoint")
def api_delete(
    endpoint_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    _delete(session, member, endpoint_id, state.clock.now())
    return Response(status_code=204)


@api_router.get(
    "/{endpoint_id}/deliveries", summary="Deliveries to an endpoint, newest first"
)
def api_deliveries(
    endpoint_id: str,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    member: Member = Depends(permit(MANAGE)),
) -> list[Delivery]:
    return endpoints.deliveries_of(
        session, member.workspace.id, endpoint_id, limit=limit
    )


@api_router.post(
    "/{endpoint_id}/test", status_code=202, summary="Queue a signed webhook.test event"
)
def api_test(
    endpoint_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> TestQueued:
    return TestQueued(send_test(session, member, endpoint_id, state.clock.now()))
