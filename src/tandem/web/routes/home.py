"""The front door: `/` sends people to their workspace; each role lands on what it works on."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, Role, allows, store
from tandem.compose.model import BriefStatus
from tandem.compose.store import BriefQuery, list_briefs
from tandem.core.periods import local_today, parse_period
from tandem.publish import insights
from tandem.publish import store as posts
from tandem.web.deps import Identity, SessionDep, StateDep, permit, signed_in
from tandem.web.render import html, page

router = APIRouter(include_in_schema=False)

HOME_TEMPLATES = {
    Role.OWNER: "home/admin.html",
    Role.ADMIN: "home/admin.html",
    Role.SOCIAL_MANAGER: "home/social.html",
    Role.MARKETER: "home/marketer.html",
    Role.ANALYST: "home/marketer.html",
    Role.APPROVER: "home/approver.html",
}


@router.get("/")
def index(
    request: Request,
    session: SessionDep,
    identity: Annotated[Identity, Depends(signed_in())],
) -> Response:
    memberships = store.workspaces_of(session, identity.user.id)
    if not memberships:
        return html(request, "home/no_workspace.html", {})
    return RedirectResponse(f"/w/{memberships[0][0].slug}/", status_code=303)


def home_data(session: Session, member: Member, today: date) -> dict[str, Any]:
    """What each role's home shows (also served as JSON)."""
    ws = member.workspace
    week = parse_period(None, None, zone=ws.timezone, today=today, default_days=7)
    month = parse_period(None, None, zone=ws.timezone, today=today, default_days=30)
    data: dict[str, Any] = {
        "workspace": ws,
        "role": member.role,
        "role_label": member.role.label,
    }
    if allows(member.role, Permission.CONTENT_APPROVE):
        waiting, _ = list_briefs(
            session,
            ws.id,
            BriefQuery(
                statuses=[BriefStatus.IN_REVIEW],
                sort="updated_at",
                descending=False,
                limit=50,
            ),
        )
        data["waiting"] = waiting
    if member.role in (Role.OWNER, Role.ADMIN):
        entries, _ = store.audit_entries(session, ws.id, limit=8)
        data |= {
            "members": store.memberships_in(session, ws.id),
            "accounts": posts.accounts_in(session, ws.id),
            "invitations": [
                i
                for i in store.invitations_in(session, ws.id)
                if i.accepted_at is None and i.revoked_at is None
            ],
            "audit": entries,
        }
    if member.role in (
        Role.OWNER,
        Role.ADMIN,
        Role.SOCIAL_MANAGER,
        Role.MARKETER,
        Role.ANALYST,
    ):
        period = (
            week
            if member.role in (Role.SOCIAL_MANAGER, Role.OWNER, Role.ADMIN)
            else month
        )
        current = insights.summarise(
            session, ws.id, since=period.since, until=period.until
        )
        previous_period = period.compared("previous")
        assert previous_period is not None
        previous = insights.summarise(
            session, ws.id, since=previous_period.since, until=previous_period.until
        )
        top, _ = posts.post_performance(
            session,
            ws.id,
            posts.PostQuery(
                since=period.since, until=period.until, sort="engagements", limit=5
            ),
        )
        data |= {
            "period": period,
            "summary": current,
            "changes": insights.changes(current, previous),
            "top_posts": top,
            "accounts": posts.accounts_in(session, ws.id),
        }
    return data


@router.get("/w/{ws}/")
def workspace_home(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.WORKSPACE_VIEW)),
) -> Response:
    data = home_data(
        session, member, local_today(state.clock.now(), member.workspace.timezone)
    )
    return page(request, HOME_TEMPLATES[member.role], data, member=member, title="Home")
