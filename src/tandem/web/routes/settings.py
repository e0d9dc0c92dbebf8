"""Workspace settings, members and invitations, the audit log, new workspaces (HTML)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import (
    ROLE_PERMISSIONS,
    Member,
    Permission,
    Role,
    actions,
    can_grant,
    invitations,
    store,
)
from tandem.core import TandemError
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import csv_response, html, page

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 50


def _back(member: Member, path: str, notice: str = "") -> Response:
    suffix = f"?notice={notice}" if notice else ""
    return RedirectResponse(
        f"/w/{member.workspace.slug}/settings{path}{suffix}", status_code=303
    )


@router.get("/w/{ws}/settings")
def workspace_settings(
    request: Request, member: Member = Depends(permit(Permission.WORKSPACE_VIEW))
) -> Response:
    return page(
        request,
        "settings/workspace.html",
        {
            "workspace": member.workspace,
            "can_manage": Permission.WORKSPACE_MANAGE in _perms(member),
        },
        member=member,
        title="Settings",
    )


def _perms(member: Member) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[member.role]


@router.post("/w/{ws}/settings")
def update_workspace(
    request: Request,
    session: SessionDep,
    state: StateDep,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.WORKSPACE_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            actions.update_workspace(
                session, actor=member, name=name, timezone=timezone, clock=state.clock
            )
    except TandemError as exc:
        return html(
            request,
            "settings/workspace.html",
            {
                "workspace": member.workspace,
                "can_manage": True,
                "error": exc.message,
                "field": exc.field,
                "form": {"name": name, "timezone": timezone},
            },
            status=exc.status,
        )
    return _back(member, "", "saved")


@router.post("/w/{ws}/settings/workspaces")
def create_workspace(
    request: Request,
    session: SessionDep,
    state: StateDep,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "UTC",
    member: Member = Depends(permit(Permission.WORKSPACE_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            workspace = actions.create_workspace(
                session, actor=member, name=name, timezone=timezone, clock=state.clock
            )
    except TandemError as exc:
        return html(
            request,
            "settings/workspace.html",
            {
                "workspace": member.workspace,
                "can_manage": True,
                "new_error": exc.message,
                "new_form": {"name": name, "timezone": timezone},
            },
            status=exc.status,
        )
    return RedirectResponse(f"/w/{workspace.slug}/", status_code=303)


@router.get("/w/{ws}/settings/members")
def members(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.MEMBERS_VIEW)),
) -> Response:
    data = {
        "members": store.memberships_in(session, member.workspace.id),
        "invitations": store.invitations_in(session, member.workspace.id),
        "grantable": [r for r in Role if can_grant(member.role, r)],
        "can_manage": Permission.MEMBERS_MANAGE in _perms(member),
        "notice": request.query_params.get("notice", ""),
    }
    return page(request, "settings/members.html", data, member=member, title="Members")


def _members_error(
    request: Request,
    session: SessionDep,
    member: Member,
    exc: TandemError,
    form: dict[str, str],
) -> Response:
    data = {
        "members": store.memberships_in(session, member.workspace.id),
        "invitations": store.invitations_in(session, member.workspace.id),
        "grantable": [r for r in Role if can_grant(member.role, r)],
        "can_manage": True,
        "error": exc.message,
        "field": exc.field,
        "form": form,
    }
    return html(
        request, "settings/members.html", {**data, "member": member}, status=exc.status
    )


@router.post("/w/{ws}/settings/members/invite")
def invite(
    request: Request,
    session: SessionDep,
    state: StateDep,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            invitations.invite(
                session,
                actor=member,
                email=email,
                role=actions.parse_role(role),
                base_url=state.settings.base_url,
                clock=state.clock,
            )
    except TandemError as exc:
        return _members_error(
            request, session, member, exc, {"email": email, "role": role}
        )
    return _back(member, "/members", "invited")


@router.post("/w/{ws}/settings/members/{user_id}/role")
def change_role(
    request: Request,
    user_id: str,
    session: SessionDep,
    state: StateDep,
    role: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            actions.set_role(
                session,
                actor=member,
                workspace=member.workspace,
                user_id=user_id,
                role=actions.parse_role(role),
                clock=state.clock,
            )
    except TandemError as exc:
        return _members_error(request, session, member, exc, {})
    return _back(member, "/members", "role-changed")


@router.post("/w/{ws}/settings/members/{user_id}/remove")
def remove(
    request: Request,
    user_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            actions.remove_member(
                session, actor=member, user_id=user_id, clock=state.clock
            )
    except TandemError as exc:
        return _members_error(request, session, member, exc, {})
    return _back(member, "/members", "removed")


@router.post("/w/{ws}/settings/invitations/{invitation_id}/revoke")
def revoke(
    request: Request,
    invitation_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            invitations.revoke_invitation(
                session, actor=member, invitation_id=invitation_id, clock=state.clock
            )
    except TandemError as exc:
        return _members_error(request, session, member, exc, {})
    return _back(member, "/members", "revoked")


@router.get("/w/{ws}/settings/audit")
def audit_log(
    request: Request,
    session: SessionDep,
    page_number: int = 1,
    action: str | None = None,
    export: str | None = None,
    member: Member = Depends(permit(Permission.AUDIT_VIEW)),
) -> Response:
    if export == "csv":
        entries, _ = store.audit_entries(
            session, member.workspace.id, limit=100_000, action=action
        )
        return csv_response(
            f"audit-{member.workspace.slug}.csv",
            [
                "at",
                "actor",
                "action",
                "entity_type",
                "entity_id",
                "summary",
                "before",
                "after",
            ],
            (
                [
                    e.at,
                    e.actor_label,
                    e.action,
                    e.entity_type,
                    e.entity_id,
                    e.summary,
                    e.before,
                    e.after,
                ]
                for e in entries
            ),
        )
    page_number = max(1, page_number)
    entries, total = store.audit_entries(
        session,
        member.workspace.id,
        limit=AUDIT_PAGE,
        offset=(page_number - 1) * AUDIT_PAGE,
        action=action,
    )
    data = {
        "entries": entries,
        "total": total,
        "page": page_number,
        "pages": max(1, -(-total // AUDIT_PAGE)),
        "action": action or "",
    }
    return page(request, "settings/audit.html", data, member=member, title="Audit log")
