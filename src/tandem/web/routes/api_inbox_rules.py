"""REST API: inbox rules — list, write, order, switch, preview and run them, and their history.

The twin of the rules pages (`routes.inbox_rules`): anyone who can read the inbox reads the
rules and what they did; changing them needs inbox.manage.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.inbox.rules import Actions, Conditions, Rule, RuleDraft, RuleRun
from tandem.inbox.rules_apply import Preview, preview_rule, run_rule_now
from tandem.inbox.rules_store import (
    create_rule,
    delete_rule,
    move_rule,
    rule_history,
    rule_of,
    rules_of,
    runs_of_rule,
    set_enabled,
    update_rule,
)
from tandem.inbox.store import item_row
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(prefix="/api/v1/workspaces/{ws}/inbox", tags=["inbox rules"])

VIEW, MANAGE = Permission.INBOX_VIEW, Permission.INBOX_MANAGE


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


@router.get("/rules", summary="The workspace's rules, in the order they run")
def api_list(session: SessionDep, member: Member = Depends(permit(VIEW))) -> list[Rule]:
    return rules_of(session, member.workspace.id)


@router.post("/rules", status_code=201, summary="Add a rule at the end of the order")
def api_create(
    body: RuleIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> Rule:
    return create_rule(
        session, member.workspace.id, body.to_draft(), now=state.clock.now()
    )


@router.get("/rules/{rule_id}", summary="One rule")
def api_get(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> Rule:
    return rule_of(session, member.workspace.id, rule_id)


@router.put("/rules/{rule_id}", summary="Replace a rule's name, conditions, actions")
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


@router.patch("/rules/{rule_id}", summary="Switch a rule on or off")
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


@router.delete("/rules/{rule_id}", status_code=204, summary="Delete a rule")
def api_delete(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Response:
    delete_rule(session, member.workspace.id, rule_id)
    return Response(status_code=204)


@router.post("/rules/{rule_id}/move", summary="Move a rule; returns the new order")
def api_move(
    rule_id: str,
    body: MoveIn,
    session: SessionDep,
    member: Member = Depends(permit(MANAGE)),
) -> list[Rule]:
    return move_rule(session, member.workspace.id, rule_id, body.direction)


@router.get(
    "/rules/{rule_id}/preview",
    summary="How many open items the rule would change if run now (changes nothing)",
)
def api_preview(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> Preview:
    return preview_rule(session, member.workspace.id, rule_id)


@router.post(
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


@router.get("/rules/{rule_id}/runs", summary="The rule's latest applications")
def api_runs(
    rule_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> list[RuleRun]:
    return runs_of_rule(session, member.workspace.id, rule_id)


@router.get(
    "/items/{item_id}/rule-runs", summary="What rules did to one item, oldest first"
)
def api_item_runs(
    item_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> list[RuleRun]:
    item_row(session, member.workspace.id, item_id)
    return rule_history(session, member.workspace.id, item_id)
