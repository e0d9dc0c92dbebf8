"""Invitations: an owner or admin invites by email with a role; the link joins the workspace."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from tandem.accounts import audit
from tandem.accounts.actions import (
    INVITATION_DAYS,
    add_user,
    insert_membership,
    normalise_email,
)
from tandem.accounts.model import Invitation, Member, Role, User, Workspace
from tandem.accounts.permissions import can_grant
from tandem.accounts.store import (
    InvitationRow,
    WorkspaceRow,
    find_user_row_by_email,
    membership_of,
    to_invitation,
    to_workspace,
)
from tandem.core import (
    Clock,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    new_id,
    new_token,
    token_digest,
)
from tandem.notify import EmailMessage, queue_email


def invite(
    session: Session,
    *,
    actor: Member,
    email: str,
    role: Role,
    base_url: str,
    clock: Clock,
) -> Invitation:
    """Invite someone by email to this workspace with a role; they get a one-time link."""
    email = normalise_email(email)
    if not can_grant(actor.role, role):
        raise Forbidden(f"As {actor.role.label} you cannot invite a {role.label}.")
    existing = find_user_row_by_email(session, email)
    if (
        existing is not None
        and membership_of(session, existing.id, actor.workspace.id) is not None
    ):
        raise Conflict(f"{email} is already a member of this workspace.", field="email")
    now = clock.now()
    token = new_token()
    row = InvitationRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        email=email,
        role=role.value,
        token_digest=token_digest(token),
        invited_by=actor.user.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    session.add(row)
    session.flush()
    invitation = to_invitation(row)
    queue_email(
        session,
        EmailMessage(
            to=email,
            subject=f"{actor.user.name} invited you to {actor.workspace.name} on Tandem",
            body=(
                f"{actor.user.name} invited you to join {actor.workspace.name} on Tandem as {role.label}.\n\n"
                f"Accept the invitation within {INVITATION_DAYS} days:\n{base_url}/invitations/{token}\n"
            ),
        ),
        now=now,
        workspace_id=actor.workspace.id,
    )
    audit.record_change(
        session,
        actor=actor,
        action="invitation.create",
        entity_type="invitation",
        entity_id=row.id,
        after={"email": email, "role": role.value},
        summary=f"invited {email} as {role.label}",
        now=now,
    )
    return invitation


def revoke_invitation(
    session: Session, *, actor: Member, invitation_id: str, clock: Clock
) -> None:
    row = session.get(InvitationRow, invitation_id)
    if row is None or row.workspace_id != actor.workspace.id:
        raise NotFound("No such invitation in this workspace.")
    if row.accepted_at is not None:
        raise Conflict(
            "That invitation was already accepted; remove the member instead."
        )
    row.revoked_at = clock.now()
    audit.record_change(
        session,
        actor=actor,
        action="invitation.revoke",
        entity_type="invitation",
        entity_id=row.id,
        before={"email": row.email, "role": row.role},
        summary=f"revoked the invitation of {row.email}",
        now=clock.now(),
    )


def open_invitation(
    session: Session, token: str, *, clock: Clock
) -> tuple[Invitation, Workspace]:
    row = (
        session.query(InvitationRow)
        .filter(InvitationRow.token_digest == token_digest(token))
        .one_or_none()
    )
    if row is None or not to_invitation(row).is_open(clock.now()):
        raise NotFound(
            "This invitation link is not valid: it expired, was used or was revoked. Ask for a new one."
        )
    workspace = session.get(WorkspaceRow, row.workspace_id)
    assert workspace is not None
    return to_invitation(row), to_workspace(workspace)


def accept_invitation(
    session: Session,
    *,
    token: str,
    name: str,
    password: str | None,
    current_user: User | None,
    clock: Clock,
) -> User:
    """Join the workspace: as the signed-in user, an existing user, or a new user with a password."""
    invitation, workspace = open_invitation(session, token, clock=clock)
    existing = find_user_row_by_email(session, invitation.email)
    if current_user is not None:
        if current_user.email != invitation.email:
            raise Forbidden(
                f"This invitation is for {invitation.email}; sign out and open the link again."
            )
        user = current_user
    elif existing is not None:
        raise Conflict(
            f"{invitation.email} already has an account: sign in, then open the link again."
        )
    else:
        if password is None:
            raise InvalidInput("Choose a password.", field="password")
        user = add_user(
            session,
            organisation_id=workspace.organisation_id,
            email=invitation.email,
            name=name,
            password=password,
            actor=None,
            clock=clock,
        )
    insert_membership(
        session,
        workspace=workspace,
        user=user,
        role=invitation.role,
        actor=user,
        now=clock.now(),
    )
    row = session.get(InvitationRow, invitation.id)
    assert row is not None
    row.accepted_at = clock.now()
    return user
