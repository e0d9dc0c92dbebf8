"""People, workspaces and roles: the pure part (no SQLAlchemy, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    SOCIAL_MANAGER = "social_manager"
    MARKETER = "marketer"
    APPROVER = "approver"
    ANALYST = "analyst"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.OWNER: "Owner",
    Role.ADMIN: "Admin",
    Role.SOCIAL_MANAGER: "Social media manager",
    Role.MARKETER: "Digital marketer",
    Role.APPROVER: "Approver",
    Role.ANALYST: "Analyst (read-only)",
}


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str


@dataclass(frozen=True)
class Workspace:
    id: str
    organisation_id: str
    name: str
    slug: str
    timezone: str
    created_at: datetime


@dataclass(frozen=True)
class User:
    id: str
    organisation_id: str
    email: str
    name: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class Member:
    """A user acting in one workspace with one role: what every permission check receives."""

    user: User
    workspace: Workspace
    role: Role
    membership_id: str


@dataclass(frozen=True)
class Membership:
    id: str
    workspace: Workspace
    user: User
    role: Role
    created_at: datetime


@dataclass(frozen=True)
class Invitation:
    id: str
    workspace_id: str
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > now
        )


@dataclass(frozen=True)
class ApiToken:
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class WebSession:
    id: str
    user: User
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: str
    workspace_id: str | None
    actor_id: str | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    summary: str
    at: datetime
