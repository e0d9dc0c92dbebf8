"""The inbox rule form: the submitted fields read into a `RuleDraft`.

Numbers are parsed with errors that name the field (`conditions.min_priority`); lists come
comma-separated; `assign` is `user:<id>` or `role:<name>`. Checking the draft is left to
`create_rule` and `update_rule` (`rules.check_draft`), as for the REST API's body.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from tandem.inbox.rules import Actions, Conditions, RuleDraft, parse_number, split_list


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
