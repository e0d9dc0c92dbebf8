"""The navigation mirrors the loop. A capability adds its entry when it has pages."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.accounts import Member, Permission, allows


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    path: str  # relative to /w/<slug>
    permission: Permission
    hint: str


# Loop order: Plan, Create, Publish, Engage, Listen, Measure, then Settings.
NAV: tuple[NavEntry, ...] = (
    NavEntry(
        "publish",
        "Publish",
        "/publish",
        Permission.POSTS_VIEW,
        "Connected accounts and everything published",
    ),
    NavEntry(
        "measure",
        "Measure",
        "/measure",
        Permission.ANALYTICS_VIEW,
        "Social performance over time",
    ),
    NavEntry(
        "settings",
        "Settings",
        "/settings",
        Permission.WORKSPACE_VIEW,
        "Workspace, members, audit log",
    ),
)


def nav_for(member: Member) -> list[NavEntry]:
    return [entry for entry in NAV if allows(member.role, entry.permission)]
