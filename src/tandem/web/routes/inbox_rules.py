"""Inbox rules: the pages to list, write, order, preview and run them, and the REST twin.

Anyone who can read the inbox sees the rules and what they did (so nobody wonders why an
item was hidden); changing them needs inbox.manage. Mount this router before the inbox's
own, whose `/inbox/{item_id}` would otherwise swallow `/inbox/rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, store
from tandem.core import TandemError
from tandem.inbox.intent import Intent
from tandem.inbox.model import Status
from tandem.inbox.ports import InteractionKind
from tandem.inbox.rules import (
    KNOWN_PLATFORMS,
    Actions,
    Conditions,
    Rule,
    RuleDraft,
    RuleRun,
    describe_actions,
    describe_conditions,
    parse_number,
    split_list,
)
from tandem.inbox.rules_apply import Preview, preview_rule, run_rule_now
from tandem.inbox.rules_store import (
    create_rule,
    delete_rule,
    move_rule,
    rule_history,
    rule_of,
    rules_of,
    run_counts,
    runs_of_rule,
    set_enabled,
    update_rule,
)
from tandem.inbox.sentiment import Polarity
from tandem.inbox.store import item_row
from tandem.publish import store as posts
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import html, page

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/workspaces/{ws}/inbox", tags=["inbox rules"])

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


# --- form parsing ---------------------------------------------------------------------


async def rule_form(request: Request) -> dict[str, Any]:
    """The submitted form as plain values (lists for the multiple choices)."""
    if "form" not in request.headers.get("content-type", ""):
        return {}
    form = await request.form()
    lists = ("platforms", "account_ids", "kinds", "intents", "polarities")
    out: dict[str, Any] = {k: [str(v) for v in form.getlist(k)] for k in lists}
    for key, value in form.multi_items():
        if key not in lists:
            out[key] = str(value)
    return out


RuleForm = Annotated[dict[str, Any], Depends(rule_form)]


def draft_from_form(form: dict[str, Any]) -> RuleDraft:
    def text(key: str) -> str:
        return str(form.get(key, ""))

    followers = parse_number(text("min_followers"), "conditions.min_followers")
    assign = text("assign")
    user_id = assign.removeprefix("user:") if assign.startswith("user:") else None
    role = assign.removeprefix("role:") if assign.startswith("role:") else None
    return RuleDraft(
        name=text("name"),
        enabled=text("enabled") in ("on", "true", "1"),
        conditions=Conditions(
            platforms=tuple(form.get("platforms", ())),
            account_ids=tuple(form.get("account_ids", ())),
            kinds=tuple(form.get("kinds", ())),
            intents=tuple(form.get("intents", ())),
            polarities=tuple(form.get("polarities", ())),
            sentiment_below=parse_number(
                text("sentiment_below"), "conditions.sentiment_below"
            ),
            sentiment_above=parse_number(
                text("sentiment_above"), "conditions.sentiment_above"
            ),
            languages=split_list(text("languages")),
            keywords=split_list(text("keywords")),
            min_followers=int(followers) if followers is not None else None,
            min_priority=parse_number(text("min_priority"), "conditions.min_priority"),
        ),
        actions=Actions(
            assign_user_id=user_id or None,
            assign_role=role or None,
            add_tags=split_list(text("add_tags")),
            set_status=text("set_status") or None,
            hide=text("hide") in ("on", "true", "1"),
            raise_priority=parse_number(
                text("raise_priority"), "actions.raise_priority"
            )
            or 0.0,
            stop=text("stop") in ("on", "true", "1"),
        ),
    )


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


# --- REST API ---------------------------------------------------------------------------


class ConditionsIn(BaseModel):
    platforms: list[str] = Field(default_factory=list, max_length=20)
    account_ids: list[str] = Field(default_factory=list, max_length=100)
    kinds: list[str] = Field(default_factory=list, max_length=10)
    intents: list[str] = Field(default_factory=list, max_length=10)
    polarities: list[str] = Field(default_factory=list, max_length=3)
    sentiment_below: float | None = Field(None, description="VADER compound, -1..1")
    sentiment_above: float | None = Field(None, description="VADER compound, -1..1")
    languages: list[str] = Field(default_factory=list, max_length=30)
    keywords: list[str] = Field(
        default_factory=list, max_length=50, description="Any of them, whole words."
    )
    min_followers: int | None = None
    min_priority: float | None = None

    def to_conditions(self) -> Conditions:
        return Conditions(
            platforms=tuple(self.platforms),
            account_ids=tuple(self.account_ids),
            kinds=tuple(self.kinds),
            intents=tuple(self.intents),
            polarities=tuple(self.polarities),
            sentiment_below=self.sentiment_below,
            sentiment_above=self.sentiment_above,
            languages=tuple(self.languages),
            keywords=tuple(self.keywords),
            min_followers=self.min_followers,
            min_priority=self.min_priority,
        )


class ActionsIn(BaseModel):
    assign_user_id: str | None = Field(None, description="A member's user id.")
    assign_role: str | None = Field(None, description="Or a role, e.g. social_manager.")
    add_tags: list[str] = Field(default_factory=list, max_length=10)
    set_status: str | None = None
    hide: bool = False
    raise_priority: float = 0.0
    stop: bool = Field(False, description="Stop processing further rules.")

    def to_actions(self) -> Actions:
        data = self.model_dump()
        return Actions(**{**data, "add_tags": tuple(data["add_tags"])})


class RuleIn(BaseModel):
    name: str = Field(max_length=200)
    enabled: bool = True
    conditions: ConditionsIn
    actions: ActionsIn

    def to_draft(self) -> RuleDraft:
        return RuleDraft(
            self.name,
            self.conditions.to_conditions(),
            self.actions.to_actions(),
            self.enabled,
        )


class RulePatch(BaseModel):
    enabled: bool


class MoveIn(BaseModel):
    direction: str = Field(description="up, down, top or bottom")


@dataclass(frozen=True)
class RunResult:
    applied: int


@api_router.get("/rules", summary="The workspace's rules, in the order they run")
def api_list(session: SessionDep, member: Member = Depends(permit(VIEW))) -> list[Rule]:
    return rules_of(session, member.workspace.id)


@api_router.post(
    "/rules", status_code=201, summary="Add a rule at the end of the order"
)
def api_create(
    body: RuleIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Rule:
    return create_rule(
        session, member.workspace.id, body.to_draft(), now=state.clock.now()
    )


@api_router.get("/rules/{rule_id}", summary="One rule")
def api_get(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> Rule:
    return rule_of(session, member.workspace.id, rule_id)


@api_router.put(
    "/rules/{rule_id}", summary="Replace a rule's name, conditions, actions"
)
def api_update(
    rule_id: str,
    body: RuleIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Rule:
    return update_rule(
        session, member.workspace.id, rule_id, body.to_draft(), now=state.clock.now()
    )


@api_router.patch("/rules/{rule_id}", summary="Switch a rule on or off")
def api_patch(
    rule_id: str,
    body: RulePatch,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Rule:
    return set_enabled(
        session, member.workspace.id, rule_id, body.enabled, now=state.clock.now()
    )


@api_router.delete("/rules/{rule_id}", status_code=204, summary="Delete a rule")
def api_delete(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Response:
    delete_rule(session, member.workspace.id, rule_id)
    return Response(status_code=204)


@api_router.post("/rules/{rule_id}/move", summary="Move a rule; returns the new order")
def api_move(
    rule_id: str,
    body: MoveIn,
    session: SessionDep,
    member: Member = Depends(permit(MANAGE)),
) -> list[Rule]:
    return move_rule(session, member.workspace.id, rule_id, body.direction)


@api_router.get(
    "/rules/{rule_id}/preview",
    summary="How many open items the rule would change if run now (changes nothing)",
)
def api_preview(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> Preview:
    return preview_rule(session, member.workspace.id, rule_id)


@api_router.post(
    "/rules/{rule_id}/run", summary="Apply the rule to every matching open item now"
)
def api_run(
    rule_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> RunResult:
    return RunResult(
        run_rule_now(session, member.workspace.id, rule_id, now=state.clock.now())
    )


@api_router.get("/rules/{rule_id}/runs", summary="The rule's latest applications")
def api_runs(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> list[RuleRun]:
    return runs_of_rule(session, member.workspace.id, rule_id)


@api_router.get(
    "/items/{item_id}/rule-runs", summary="What rules did to one item, oldest first"
)
def api_item_runs(
    item_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> list[RuleRun]:
    item_row(session, member.workspace.id, item_id)
    return rule_history(session, member.workspace.id, item_id)
