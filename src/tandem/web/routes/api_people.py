"""REST API: who am I, workspaces, members, invitations, audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from tandem.accounts import (
    AuditEntry,
    Invitation,
    Member,
    Permission,
    Role,
    User,
    Workspace,
    actions,
    invitations,
    store,
)
from tandem.web.deps import Identity, SessionDep, StateDep, permit, signed_in

router = APIRouter(prefix="/api/v1", tags=["workspaces and members"])
SignedIn = Annotated[Identity, Depends(signed_in())]


@dataclass(frozen=True)
class WorkspaceOut:
    workspace: Workspace
    role: Role


@dataclass(frozen=True)
class MeOut:
    user: User
    workspaces: list[WorkspaceOut]


@dataclass(frozen=True)
class MemberOut:
    user_id: str
    email: str
    name: str
    role: Role
    joined_at: datetime


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    limit: int
    offset: int


class InviteIn(BaseModel):
    email: str = Field(description="Who to invite.")
    role: Role = Field(description="Their role in this workspace.")


class RoleIn(BaseModel):
    role: Role


class WorkspaceIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = Field("UTC", description="IANA zone, e.g. Europe/Paris.")


@router.get("/me", summary="The authenticated user and their workspaces")
def me(session: SessionDep, identity: SignedIn) -> MeOut:
    rows = store.workspaces_of(session, identity.user.id)
    return MeOut(identity.user, [WorkspaceOut(ws, role) for ws, role in rows])


@router.get("/workspaces/{ws}", summary="One workspace")
def get_workspace(
    member: Member = Depends(permit(Permission.WORKSPACE_VIEW)),
) -> Workspace:
    return member.workspace


@router.patch("/workspaces/{ws}", summary="Rename a workspace or change its time zone")
def patch_workspace(
    body: WorkspaceIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.WORKSPACE_MANAGE)),
) -> Workspace:
    return actions.update_workspace(
        session, actor=member, name=body.name, timezone=body.timezone, clock=state.clock
    )


@router.post(
    "/workspaces/{ws}/workspaces",
    status_code=201,
    summary="Create a sibling workspace (brand or client) in the same organisation",
)
def create_workspace(
    body: WorkspaceIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.WORKSPACE_MANAGE)),
) -> Workspace:
    return actions.create_workspace(
        session, actor=member, name=body.name, timezone=body.timezone, clock=state.clock
    )


@router.get("/workspaces/{ws}/members", summary="Members and their roles")
def list_members(
    session: SessionDep, member: Member = Depends(permit(Permission.MEMBERS_VIEW))
) -> list[MemberOut]:
    return [
        MemberOut(m.user.id, m.user.email, m.user.name, m.role, m.created_at)
        for m in store.memberships_in(session, member.workspace.id)
    ]


@router.patch("/workspaces/{ws}/members/{user_id}", summary="Change a member's role")
def patch_member(
    user_id: str,
    body: RoleIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> list[MemberOut]:
    actions.set_role(
        session,
        actor=member,
        workspace=member.workspace,
        user_id=user_id,
        role=body.role,
        clock=state.clock,
    )
    return list_members(session, member)


@router.delete(
    "/workspaces/{ws}/members/{user_id}", status_code=204, summary="Remove a member"
)
def delete_member(
    user_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> Response:
    actions.remove_member(session, actor=member, user_id=user_id, clock=state.clock)
    return Response(status_code=204)


@router.get("/workspaces/{ws}/invitations", summary="Invitations, open and past")
def list_invitations(
    session: SessionDep, member: Member = Depends(permit(Permission.MEMBERS_VIEW))
) -> list[Invitation]:
    return store.invitations_in(session, member.workspace.id)


@router.post(
    "/workspaces/{ws}/invitations", status_code=201, summary="Invite someone by email"
)
def create_invitation(
    body: InviteIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> Invitation:
    return invitations.invite(
        session,
        actor=member,
        email=body.email,
        role=body.role,
        base_url=state.settings.base_url,
        clock=state.clock,
    )


@router.delete(
    "/workspaces/{ws}/invitations/{invitation_id}",
    status_code=204,
    summary="Revoke an invitation",
)
def delete_invitation(
    invitation_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.MEMBERS_MANAGE)),
) -> Response:
    invitations.revoke_invitation(
        session, actor=member, invitation_id=invitation_id, clock=state.clock
    )
    return Response(status_code=204)


@router.get(
    "/workspaces/{ws}/audit",
    summary="Audit log: who changed what, when, before and after",
)
def audit(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    action: str | None = None,
    member: Member = Depends(permit(Permission.AUDIT_VIEW)),
) -> AuditPage:
    entries, total = store.audit_entries(
        session, member.workspace.id, limit=limit, offset=offset, action=action
    )
    return AuditPage(entries, total, limit, offset)
