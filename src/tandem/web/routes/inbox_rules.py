"""Inbox rules: the pages to list, write, order, preview and run them.

Anyone who can read the inbox sees the rules and what they did (so nobody wonders why an
item was hidden); changing them needs inbox.manage. Mount this router before the inbox's
own, whose `/inbox/{item_id}` would otherwise swallow `/inbox/rules`. The form is read by
`web.inbox_rules_form`; the REST twin is `routes.api_inbox_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, store
from tandem.core import TandemError
from tandem.inbox.intent import Intent
from tandem.inbox.model import Status
from tandem.inbox.ports import InteractionKind
from tandem.inbox.rules import (
    KNOWN_PLATFORMS,
    Rule,
    describe_actions,
    describe_conditions,
)
from tandem.inbox.rules_apply import preview_rule, run_rule_now
from tandem.inbox.rules_store import (
    create_rule,
    delete_rule,
    move_rule,
    rule_of,
    rules_of,
    run_counts,
    runs_of_rule,
    set_enabled,
    update_rule,
)
from tandem.inbox.sentiment import Polarity
from tandem.publish import store as posts
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.inbox_rules_form import RuleForm, draft_from_form
from tandem.web.render import html, page

router = APIRouter(include_in_schema=False)

VIEW, MANAGE = Permission.INBOX_VIEW, Permission.INBOX_MANAGE
NOTICES = {
    "created": "Rule saved. It applies to messages arriving from now on.",
    "saved": "Rule saved.",
    "deleted": "Rule deleted; what it did stays in each item's history.",
    "moved": "Order changed.",
    "enabled": "Rule switched on.",
    "disabled": "Rule switched off.",
}


@dataclass(frozen=True)
class RuleView:
    rule: Rule
    conditions: list[str]
    actions: list[str]
    applied: int


def _names(session: Session, member: Member) -> tuple[dict[str, str], dict[str, str]]:
    people = {
        m.user.id: m.user.name or m.user.email
        for m in store.memberships_in(session, member.workspace.id)
    }
    accounts = {
        a.id: f"@{a.handle}" for a in posts.accounts_in(session, member.workspace.id)
    }
    return people, accounts


def _views(session: Session, member: Member, rules: list[Rule]) -> list[RuleView]:
    people, accounts = _names(session, member)
    counts = run_counts(session, member.workspace.id)
    return [
        RuleView(
            r,
            describe_conditions(r.conditions, accounts),
            describe_actions(r.actions, people),
            counts.get(r.id, 0),
        )
        for r in rules
    ]


def _choices(session: Session, member: Member) -> dict[str, Any]:
    """What the form offers to pick from."""
    return {
        "platforms": KNOWN_PLATFORMS,
        "kinds": [k.value for k in InteractionKind],
        "intents": [i.value for i in Intent],
        "polarities": [p.value for p in Polarity],
        "statuses": [s.value for s in Status],
        "members": store.memberships_in(session, member.workspace.id),
        "accounts": posts.accounts_in(session, member.workspace.id),
        "roles": list(type(member.role)),
    }


def _back(member: Member, notice: str, rule_id: str = "") -> Response:
    path = f"/w/{member.workspace.slug}/inbox/rules" + (
        f"/{rule_id}" if rule_id else ""
    )
    return RedirectResponse(f"{path}?notice={notice}", status_code=303)


def _form_page(
    request: Request,
    session: Session,
    member: Member,
    *,
    rule: Rule | None,
    error: TandemError | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    data: dict[str, Any] = {
        **_choices(session, member),
        "rule": rule,
        "form": form,
        "error": error.message if error else "",
        "field": error.field if error else "",
        "notice": NOTICES.get(request.query_params.get("notice", ""), ""),
    }
    if rule is not None:
        data["preview"] = preview_rule(session, member.workspace.id, rule.id)
        data["runs"] = runs_of_rule(session, member.workspace.id, rule.id)
        data["view"] = _views(session, member, [rule])[0]
    status = error.status if error else 200
    if error is not None:
        return html(
            request, "inbox/rules_form.html", {**data, "member": member}, status=status
        )
    title = rule.name if rule else "New rule"
    return page(request, "inbox/rules_form.html", data, member=member, title=title)


# --- HTML -------------------------------------------------------------------------------


@router.get("/w/{ws}/inbox/rules")
def rules_page(
    request: Request, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> Response:
    data = {
        "rules": _views(session, member, rules_of(session, member.workspace.id)),
        "notice": NOTICES.get(request.query_params.get("notice", ""), ""),
    }
    return page(request, "inbox/rules.html", data, member=member, title="Inbox rules")


@router.get("/w/{ws}/inbox/rules/new")
def new_rule_page(
    request: Request, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Response:
    return _form_page(request, session, member, rule=None)


@router.post("/w/{ws}/inbox/rules")
def create_from_form(
    request: Request,
    session: SessionDep,
    state: StateDep,
    form: RuleForm,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            rule = create_rule(
                session,
                member.workspace.id,
                draft_from_form(form),
                now=state.clock.now(),
            )
    except TandemError as exc:
        return _form_page(request, session, member, rule=None, error=exc, form=form)
    return _back(member, "created", rule.id)


@router.get("/w/{ws}/inbox/rules/{rule_id}")
def rule_page(
    request: Request,
    rule_id: str,
    session: SessionDep,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    rule = rule_of(session, member.workspace.id, rule_id)
    return _form_page(request, session, member, rule=rule)


@router.post("/w/{ws}/inbox/rules/{rule_id}")
def update_from_form(
    request: Request,
    rule_id: str,
    session: SessionDep,
    state: StateDep,
    form: RuleForm,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    rule = rule_of(session, member.workspace.id, rule_id)
    try:
        with session.begin_nested():
            update_rule(
                session,
                member.workspace.id,
                rule_id,
                draft_from_form(form),
                now=state.clock.now(),
            )
    except TandemError as exc:
        return _form_page(request, session, member, rule=rule, error=exc, form=form)
    return _back(member, "saved", rule_id)


@router.post("/w/{ws}/inbox/rules/{rule_id}/move")
def move_from_form(
    rule_id: str,
    session: SessionDep,
    direction: Annotated[str, Form()] = "",
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    move_rule(session, member.workspace.id, rule_id, direction)
    return _back(member, "moved")


@router.post("/w/{ws}/inbox/rules/{rule_id}/enabled")
def enable_from_form(
    rule_id: str,
    session: SessionDep,
    state: StateDep,
    enabled: Annotated[str, Form()] = "",
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    on = enabled in ("on", "true", "1")
    set_enabled(session, member.workspace.id, rule_id, on, now=state.clock.now())
    return _back(member, "enabled" if on else "disabled")


@router.post("/w/{ws}/inbox/rules/{rule_id}/delete")
def delete_from_form(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Response:
    delete_rule(session, member.workspace.id, rule_id)
    return _back(member, "deleted")


@router.post("/w/{ws}/inbox/rules/{rule_id}/run")
def run_from_form(
    rule_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    count = run_rule_now(session, member.workspace.id, rule_id, now=state.clock.now())
    return RedirectResponse(
        f"/w/{member.workspace.slug}/inbox/rules/{rule_id}?ran={count}", status_code=303
    )
