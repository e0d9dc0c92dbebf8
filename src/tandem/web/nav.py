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
        "plan",
        "Plan",
        "/calendar",
        Permission.CONTENT_VIEW,
        "One calendar of everything planned and published",
    ),
    NavEntry(
        "create",
        "Create",
        "/create",
        Permission.CONTENT_VIEW,
        "Posts, media, tracked links, bulk import",
    ),
    NavEntry(
        "review",
        "Review",
        "/review",
        Permission.CONTENT_APPROVE,
        "Posts waiting for approval",
    ),
    NavEntry(
        "publish",
        "Publish",
        "/publish",
        Permission.POSTS_VIEW,
        "Connected accounts and everything published",
    ),
    NavEntry(
        "engage",
        "Engage",
        "/inbox",
        Permission.INBOX_VIEW,
        "Every comment, mention and message in one queue",
    ),
    NavEntry(
        "listen",
        "Listen",
        "/listen",
        Permission.ANALYTICS_VIEW,
        "Share of voice, sentiment and trends about the brand and its rivals",
    ),
    NavEntry(
        "measure",
        "Measure",
        "/measure",
        Permission.ANALYTICS_VIEW,
        "Social performance, attribution, journeys, funnels, cohorts, experiments",
    ),
    NavEntry(
        "dashboard",
        "Dashboard",
        "/dashboard",
        Permission.ANALYTICS_VIEW,
        "Social performance, goals, campaign ROI and channel mix; reports built from them",
    ),
    NavEntry(
        "settings",
        "Settings",
        "/settings",
        Permission.WORKSPACE_VIEW,
        "Workspace, members, brand kit, audit log",
    ),
)


def nav_for(member: Member) -> list[NavEntry]:
    return [entry for entry in NAV if allows(member.role, entry.permission)]
