"""Use cases for organisations, workspaces, users, members and invitations.

Every function takes the session and clock, records an audit entry for each change and never
commits: the edge owns the transaction.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.accounts import audit
from tandem.accounts.model import Member, Role, User, Workspace
from tandem.accounts.passwords import hash_password
from tandem.accounts.permissions import can_grant
from tandem.accounts.store import (
    MembershipRow,
    OrganisationRow,
    UserRow,
    WorkspaceRow,
    find_user_row_by_email,
    get_user_row,
    membership_of,
    to_user,
    to_workspace,
)
from tandem.core import (
    Clock,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    new_id,
    slugify,
)

INVITATION_DAYS = 7
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise InvalidInput(
            "Enter an email address like name@example.com.", field="email"
        )
    return email


def check_name(name: str, field: str = "name", max_length: int = 200) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput(f"The {field} cannot be empty.", field=field)
    if len(name) > max_length:
        raise InvalidInput(
            f"Use at most {max_length} characters for the {field}.", field=field
        )
    return name


def check_timezone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"{zone!r} is not an IANA time zone; use a name like Europe/Paris or America/New_York.",
            field="timezone",
        ) from None
    return zone


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(
            f"Unknown role {value!r}; choose one of {choices}.", field="role"
        ) from None


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while session.scalar(select(WorkspaceRow.id).where(WorkspaceRow.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_organisation(
    session: Session,
    *,
    name: str,
    workspace_name: str,
    owner_email: str,
    owner_name: str,
    owner_password: str,
    timezone: str = "UTC",
    clock: Clock,
) -> tuple[User, Workspace]:
    """A new organisation with its first workspace and its owner (used by init and sign-up)."""
    now = clock.now()
    org = OrganisationRow(
        id=new_id(), name=check_name(name, "organisation name"), created_at=now
    )
    session.add(org)
    session.flush()
    user = add_user(
        session,
        organisation_id=org.id,
        email=owner_email,
        name=owner_name,
        password=owner_password,
        actor=None,
        clock=clock,
    )
    workspace = _insert_workspace(
        session, organisation_id=org.id, name=workspace_name, timezone=timezone, now=now
    )
    insert_membership(
        session, workspace=workspace, user=user, role=Role.OWNER, actor=None, now=now
    )
    return user, workspace


def _insert_workspace(
    session: Session, *, organisation_id: str, name: str, timezone: str, now: datetime
) -> Workspace:
    row = WorkspaceRow(
        id=new_id(),
        organisation_id=organisation_id,
        name=check_name(name, "workspace name"),
        slug=_unique_slug(session, name),
        timezone=check_timezone(timezone),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return to_workspace(row)


def create_workspace(
    session: Session, *, actor: Member, name: str, timezone: str, clock: Clock
) -> Workspace:
    """A new brand or client workspace in the actor's organisation; the actor becomes its owner."""
    if actor.role not in (Role.OWNER, Role.ADMIN):
        raise Forbidden("Only owners and admins can create workspaces.")
    now = clock.now()
    workspace = _insert_workspace(
        session,
        organisation_id=actor.user.organisation_id,
        name=name,
        timezone=timezone,
        now=now,
    )
    insert_membership(
        session,
        workspace=workspace,
        user=actor.user,
        role=Role.OWNER,
        actor=actor.user,
        now=now,
    )
    audit.record(
        session,
        actor=actor.user,
        organisation_id=workspace.organisation_id,
        workspace_id=workspace.id,
        action="workspace.create",
        entity_type="workspace",
        entity_id=workspace.id,
        after=workspace,
        summary=f"created workspace {workspace.name}",
        now=now,
    )
    return workspace


def update_workspace(
    session: Session, *, actor: Member, name: str, timezone: str, clock: Clock
) -> Workspace:
    row = session.get(WorkspaceRow, actor.workspace.id)
    if row is None:
        raise NotFound("No such workspace.")
    before = to_workspace(row)
    row.name = check_name(name, "workspace name")
    row.timezone = check_timezone(timezone)
    after = to_workspace(row)
    audit.record(
        session,
        actor=actor.user,
        organisation_id=row.organisation_id,
        workspace_id=row.id,
        action="workspace.update",
        entity_type="workspace",
        entity_id=row.id,
        before=before,
        after=after,
        summary="changed workspace settings",
        now=clock.now(),
    )
    return after


def add_user(
    session: Session,
    *,
    organisation_id: str,
    email: str,
    name: str,
    password: str | None,
    actor: User | None,
    clock: Clock,
) -> User:
    email = normalise_email(email)
    if find_user_row_by_email(session, email) is not None:
        raise Conflict(f"A user with the email {email} already exists.", field="email")
    row = UserRow(
        id=new_id(),
        organisation_id=organisation_id,
        email=email,
        name=check_name(name),
        password_hash=hash_password(password) if password is not None else None,
        is_active=True,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    user = to_user(row)
    audit.record(
        session,
        actor=actor,
        organisation_id=organisation_id,
        workspace_id=None,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        after=user,
        summary=f"added user {email}",
        now=clock.now(),
    )
    return user


def insert_membership(
    session: Session,
    *,
    workspace: Workspace,
    user: User,
    role: Role,
    actor: User | None,
    now: datetime,
) -> None:
    if membership_of(session, user.id, workspace.id) is not None:
        raise Conflict(
            f"{user.email} is already a member of {workspace.name}.", field="email"
        )
    row = MembershipRow(
        id=new_id(),
        workspace_id=workspace.id,
        user_id=user.id,
        role=role.value,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        organisation_id=workspace.organisation_id,
        workspace_id=workspace.id,
        action="member.add",
        entity_type="membership",
        entity_id=row.id,
        after={"user": user.email, "role": role.value},
        summary=f"added {user.email} as {role.label}",
        now=now,
    )


def add_member(
    session: Session,
    *,
    workspace: Workspace,
    user: User,
    role: Role,
    actor: User | None,
    clock: Clock,
) -> None:
    """Add a member directly (CLI and demo); the web goes through invitations."""
    insert_membership(
        session, workspace=workspace, user=user, role=role, actor=actor, now=clock.now()
    )


def _owner_count(session: Session, workspace_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                MembershipRow.workspace_id == workspace_id,
                MembershipRow.role == Role.OWNER.value,
            )
        )
        or 0
    )


def set_role(
    session: Session,
    *,
    actor: Member | None,
    workspace: Workspace,
    user_id: str,
    role: Role,
    clock: Clock,
) -> None:
    """Change a member's role. `actor=None` is the operator's CLI, which may grant any role."""
    row = membership_of(session, user_id, workspace.id)
    if row is None:
        raise NotFound("That person is not a member of this workspace.")
    old = Role(row.role)
    if actor is not None and not (
        can_grant(actor.role, role) and can_grant(actor.role, old)
    ):
        raise Forbidden(
            f"As {actor.role.label} you cannot change a {old.label} into a {role.label}."
        )
    if (
        old == Role.OWNER
        and role != Role.OWNER
        and _owner_count(session, workspace.id) <= 1
    ):
        raise Conflict(
            "A workspace needs at least one owner: make someone else owner first.",
            field="role",
        )
    row.role = role.value
    user = get_user_row(session, user_id)
    audit.record(
        session,
        actor=actor.user if actor else None,
        organisation_id=workspace.organisation_id,
        workspace_id=workspace.id,
        action="member.role",
        entity_type="membership",
        entity_id=row.id,
        before={"user": user.email, "role": old.value},
        after={"user": user.email, "role": role.value},
        summary=f"changed {user.email} from {old.label} to {role.label}",
        now=clock.now(),
    )


def remove_member(
    session: Session, *, actor: Member, user_id: str, clock: Clock
) -> None:
    workspace = actor.workspace
    row = membership_of(session, user_id, workspace.id)
    if row is None:
        raise NotFound("That person is not a member of this workspace.")
    old = Role(row.role)
    if not can_grant(actor.role, old):
        raise Forbidden(f"As {actor.role.label} you cannot remove a {old.label}.")
    if old == Role.OWNER and _owner_count(session, workspace.id) <= 1:
        raise Conflict(
            "A workspace needs at least one owner: make someone else owner first."
        )
    user = get_user_row(session, user_id)
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        organisation_id=workspace.organisation_id,
        workspace_id=workspace.id,
        action="member.remove",
        entity_type="membership",
        entity_id=row.id,
        before={"user": user.email, "role": old.value},
        summary=f"removed {user.email}",
        now=clock.now(),
    )
