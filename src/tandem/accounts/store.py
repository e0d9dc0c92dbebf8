"""Rows and queries for organisations, workspaces, users, memberships, credentials and audit.

Only dataclasses from accounts.model leave this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts.model import (
    ApiToken,
    AuditEntry,
    Invitation,
    Member,
    Membership,
    Organisation,
    Role,
    User,
    Workspace,
)
from tandem.core import NotFound
from tandem.storage import Base, JSONDict, UTCDateTime


class OrganisationRow(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkspaceRow(Base):
    __tablename__ = "workspaces"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MembershipRow(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionRow(Base):
    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordResetRow(Base):
    __tablename__ = "password_resets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InvitationRow(Base):
    __tablename__ = "invitations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginFailureRow(Base):
    """Failed sign-ins per email, for throttling across every web process."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_workspace_at", "workspace_id", "at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    workspace_id: Mapped[str | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    actor_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    actor_label: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDict())
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDict())
    summary: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())


# ---- row -> dataclass -------------------------------------------------------------------


def to_workspace(row: WorkspaceRow) -> Workspace:
    return Workspace(
        row.id, row.organisation_id, row.name, row.slug, row.timezone, row.created_at
    )


def to_user(row: UserRow) -> User:
    return User(
        row.id,
        row.organisation_id,
        row.email,
        row.name,
        row.is_active,
        row.created_at,
        row.last_login_at,
    )


def to_invitation(row: InvitationRow) -> Invitation:
    return Invitation(
        row.id,
        row.workspace_id,
        row.email,
        Role(row.role),
        row.created_at,
        row.expires_at,
        row.accepted_at,
        row.revoked_at,
    )


def to_api_token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        row.id, row.name, row.prefix, row.created_at, row.last_used_at, row.revoked_at
    )


def to_audit(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        row.id,
        row.workspace_id,
        row.actor_id,
        row.actor_label,
        row.action,
        row.entity_type,
        row.entity_id,
        row.before,
        row.after,
        row.summary,
        row.at,
    )


# ---- queries ----------------------------------------------------------------------------


def get_user_row(session: Session, user_id: str) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound("No such user.")
    return row


def find_user_row_by_email(session: Session, email: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))


def get_organisation(session: Session, organisation_id: str) -> Organisation:
    row = session.get(OrganisationRow, organisation_id)
    if row is None:
        raise NotFound("No such organisation.")
    return Organisation(row.id, row.name)


def workspace_by_slug(session: Session, slug: str) -> Workspace | None:
    row = session.scalar(select(WorkspaceRow).where(WorkspaceRow.slug == slug))
    return to_workspace(row) if row else None


def workspace_by_id(session: Session, workspace_id: str) -> Workspace:
    row = session.get(WorkspaceRow, workspace_id)
    if row is None:
        raise NotFound("No such workspace.")
    return to_workspace(row)


def membership_of(
    session: Session, user_id: str, workspace_id: str
) -> MembershipRow | None:
    return session.scalar(
        select(MembershipRow).where(
            MembershipRow.user_id == user_id, MembershipRow.workspace_id == workspace_id
        )
    )


def member_in(session: Session, user: User, workspace: Workspace) -> Member | None:
    row = membership_of(session, user.id, workspace.id)
    if row is None:
        return None
    return Member(
        user=user, workspace=workspace, role=Role(row.role), membership_id=row.id
    )


def workspaces_of(session: Session, user_id: str) -> list[tuple[Workspace, Role]]:
    rows = session.execute(
        select(WorkspaceRow, MembershipRow.role)
        .join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id)
        .where(MembershipRow.user_id == user_id)
        .order_by(WorkspaceRow.name)
    ).all()
    return [(to_workspace(ws), Role(role)) for ws, role in rows]


def memberships_in(session: Session, workspace_id: str) -> list[Membership]:
    rows = session.execute(
        select(MembershipRow, UserRow, WorkspaceRow)
        .join(UserRow, UserRow.id == MembershipRow.user_id)
        .join(WorkspaceRow, WorkspaceRow.id == MembershipRow.workspace_id)
        .where(MembershipRow.workspace_id == workspace_id)
        .order_by(UserRow.name, UserRow.email)
    ).all()
    return [
        Membership(m.id, to_workspace(w), to_user(u), Role(m.role), m.created_at)
        for m, u, w in rows
    ]


def users_in_organisation(session: Session, organisation_id: str) -> list[User]:
    rows = session.scalars(
        select(UserRow)
        .where(UserRow.organisation_id == organisation_id)
        .order_by(UserRow.email)
    )
    return [to_user(r) for r in rows]


def all_users(session: Session) -> list[tuple[User, list[tuple[Workspace, Role]]]]:
    users = [
        to_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.email))
    ]
    return [(u, workspaces_of(session, u.id)) for u in users]


def invitations_in(session: Session, workspace_id: str) -> list[Invitation]:
    rows = session.scalars(
        select(InvitationRow)
        .where(InvitationRow.workspace_id == workspace_id)
        .order_by(InvitationRow.created_at.desc())
    )
    return [to_invitation(r) for r in rows]


def api_tokens_of(session: Session, user_id: str) -> list[ApiToken]:
    rows = session.scalars(
        select(ApiTokenRow)
        .where(ApiTokenRow.user_id == user_id)
        .order_by(ApiTokenRow.created_at.desc())
    )
    return [to_api_token(r) for r in rows]


def audit_entries(
    session: Session,
    workspace_id: str,
    *,
    limit: int = 50,
    offset: int = 0,
    action: str | None = None,
) -> tuple[list[AuditEntry], int]:
    query = select(AuditRow).where(AuditRow.workspace_id == workspace_id)
    if action:
        query = query.where(AuditRow.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditRow.at.desc(), AuditRow.id).limit(limit).offset(offset)
    )
    return [to_audit(r) for r in rows], total
