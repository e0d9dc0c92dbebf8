"""The one permission table. Every page and API route declares one of these permissions.

Roles are per workspace; a user can be an owner in one brand and an approver in another.
"""

from __future__ import annotations

from enum import StrEnum

from tandem.accounts.model import Role


class Permission(StrEnum):
    WORKSPACE_VIEW = "workspace.view"
    WORKSPACE_MANAGE = "workspace.manage"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    AUDIT_VIEW = "audit.view"
    ACCOUNTS_VIEW = "accounts.view"
    ACCOUNTS_MANAGE = "accounts.manage"
    POSTS_VIEW = "posts.view"
    ANALYTICS_VIEW = "analytics.view"
    REVIEW = "review"
    CONTENT_VIEW = "content.view"
    CONTENT_EDIT = "content.edit"
    CONTENT_APPROVE = "content.approve"
    BRAND_MANAGE = "brand.manage"
    INBOX_VIEW = "inbox.view"  # read conversations and inbox metrics
    INBOX_WORK = "inbox.work"  # reply, assign, tag, change status, notes
    INBOX_MANAGE = "inbox.manage"  # rules, saved replies, SLA targets, crisis alerts
    PLAN_MANAGE = (
        "plan.manage"  # goals, campaigns, budgets, spend imports, exchange rates
    )
    MEASURE_MANAGE = "measure.manage"  # tracked sites, conversions (API and CSV import)
    LISTEN_MANAGE = "listen.manage"  # listening topics, feeds, mention imports, alerts
    REPORTS_MANAGE = "reports.manage"  # reports, their schedules, white-label


_P = Permission
_READ = {
    _P.WORKSPACE_VIEW,
    _P.MEMBERS_VIEW,
    _P.ACCOUNTS_VIEW,
    _P.POSTS_VIEW,
    _P.ANALYTICS_VIEW,
    _P.CONTENT_VIEW,
    _P.INBOX_VIEW,
}
_CREATE = {
    _P.CONTENT_EDIT,
    _P.BRAND_MANAGE,
    _P.REVIEW,
    _P.INBOX_WORK,
    _P.PLAN_MANAGE,
    _P.LISTEN_MANAGE,
    _P.REPORTS_MANAGE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(Permission),
    Role.SOCIAL_MANAGER: frozenset(
        _READ | _CREATE | {_P.ACCOUNTS_MANAGE, _P.INBOX_MANAGE}
    ),
    Role.MARKETER: frozenset(_READ | _CREATE | {_P.MEASURE_MANAGE}),
    Role.APPROVER: frozenset({_P.WORKSPACE_VIEW, _P.REVIEW, _P.CONTENT_APPROVE}),
    Role.ANALYST: frozenset(_READ),
}

# Roles an admin may hand out; only an owner may make another owner.
GRANTABLE_BY: dict[Role, frozenset[Role]] = {
    Role.OWNER: frozenset(Role),
    Role.ADMIN: frozenset(Role) - {Role.OWNER},
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def can_grant(granter: Role, role: Role) -> bool:
    return role in GRANTABLE_BY.get(granter, frozenset())
