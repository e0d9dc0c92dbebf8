"""Organisations, workspaces, members, roles, sign-in, API tokens and the audit log."""

from tandem.accounts import actions, auth, invitations, store
from tandem.accounts.model import (
    ApiToken,
    AuditEntry,
    Invitation,
    Member,
    Membership,
    Organisation,
    Role,
    User,
    WebSession,
    Workspace,
)
from tandem.accounts.permissions import ROLE_PERMISSIONS, Permission, allows, can_grant

__all__ = [
    "ROLE_PERMISSIONS",
    "ApiToken",
    "AuditEntry",
    "Invitation",
    "Member",
    "Membership",
    "Organisation",
    "Permission",
    "Role",
    "User",
    "WebSession",
    "Workspace",
    "actions",
    "allows",
    "auth",
    "can_grant",
    "invitations",
    "store",
]
