"""Inbox rules on SQLite and PostgreSQL: applied on arrival in order, previewed and run on
open items, recorded for every item, validated against the workspace."""

from __future__ import annotations

import pytest

from tandem.accounts.model import Role
from tandem.core import InvalidInput, NotFound
from tandem.inbox import queries
from tandem.inbox.ingest import ingest_account
from tandem.inbox.model import Status
from tandem.inbox.rules import Actions, Conditions, RuleDraft
from tandem.inbox.rules_apply import preview_rule, run_rule_now
from tandem.inbox.rules_store import (
    create_rule,
    delete_rule,
    move_rule,
    rule_history,
    rules_of,
    runs_of_rule,
    update_rule,
)
from tests.support.fake_conversations import FakeConversations
from tests.support.world import World

CARE = RuleDraft(
    "Complaints to care",
    Conditions(intents=("complaint",), platforms=("sandbox",)),
    Actions(assign_role="social_manager", add_tags=("care",)),
)
SPAM = RuleDraft(
    "Hide spam", Conditions(intents=("spam",)), Actions(hide=True, stop=True)
)
NEGATIVE = RuleDraft(
    "Tag anything negative",
    Conditions(polarities=("negative",)),
    Actions(add_tags=("neg",)),
)


def _add(db, world: World, draft: RuleDraft, workspace_id: str | None = None):
    with db.session() as s:
        return create_rule(
            s, workspace_id or world.acme.id, draft, now=world.clock.now()
        )


def _by_text(db, world: World):
    with db.session() as s:
        items = queries.find_items(
            s, world.acme.id, queries.ItemQuery(status="all", show_hidden=True)
        )
    return {i.text: i for i in items}


def _ingest(db, world: World, *texts: str) -> None:
    fake = FakeConversations()
    for n, text in enumerate(texts):
        fake.add(text, platform_id=f"{world.clock.now().timestamp()}-{n}")
    assert ingest_account(db, world.acme_account_id, fake, world.clock).new == len(
        texts
    )


def test_rules_route_hide_and_stop_on_arrival(db, world):
    _add(db, world, CARE)
    _add(db, world, SPAM)
    _add(db, world, NEGATIVE)
    _ingest(
        db,
        world,
        "My order arrived broken. Really disappointed.",
        "You are all idiots",
        "Does it come in blue?",
    )
    items = _by_text(db, world)
    complaint = items["My order arrived broken. Really disappointed."]
    assert complaint.assignee_role == "social_manager"
    assert complaint.tags == ("care", "neg")
    assert complaint.status is Status.NEW  # routed, but nobody has looked yet
    spam = items["You are all idiots"]
    assert spam.hidden and spam.tags == ()  # "stop": the negative rule never ran
    question = items["Does it come in blue?"]
    assert question.assignee_role is None and question.tags == ()

    with db.session() as s:
        history = rule_history(s, world.acme.id, complaint.id)
        assert [(r.rule_name, r.trigger) for r in history] == [
            ("Complaints to care", "arrival"),
            ("Tag anything negative", "arrival"),
        ]
        assert [d.words for d in history[0].done] == [
            "assigned to role Social media manager",
            "tagged care",
        ]
        assert [d.words for d in rule_history(s, world.acme.id, spam.id)[0].done] == [
            "hidden as spam",
            "stopped further rules",
        ]
        assert rule_history(s, world.beta.id, complaint.id) == []


def test_a_raised_priority_feeds_later_rules_and_disabled_rules_sleep(db, world):
    vip = RuleDraft("VIP", Conditions(keywords=("vip",)), Actions(raise_priority=60))
    urgent = RuleDraft(
        "Urgent to owner",
        Conditions(min_priority=80),
        Actions(assign_user_id=world.users[Role.OWNER].id),
    )
    sleeping = RuleDraft(
        "Off", Conditions(keywords=("vip",)), Actions(add_tags=("off",)), enabled=False
    )
    _add(db, world, vip)
    _add(db, world, urgent)
    _add(db, world, sleeping)
    _ingest(db, world, "VIP customer here, is the shop open?")
    (item,) = _by_text(db, world).values()
    assert item.priority >= 80 and item.assignee_id == world.users[Role.OWNER].id
    assert item.tags == ()
    with db.session() as s:
        words = [
            d.words for r in rule_history(s, world.acme.id, item.id) for d in r.done
        ]
    assert words[1] == "assigned to Olive Owner"


def test_preview_counts_without_changing_then_run_applies_to_open_items(db, world):
    _ingest(
        db,
        world,
        "Still waiting for my refund after 20 days.",
        "I was charged twice for my backpack!",
        "Love it! 😍",
    )
    rule = _add(db, world, CARE)
    with db.session() as s:
        preview = preview_rule(s, world.acme.id, rule.id)
    assert preview.matching == 2 and len(preview.sample) == 2
    assert all(i.tags == () for i in _by_text(db, world).values())  # nothing changed
    with db.session() as s:
        assert run_rule_now(s, world.acme.id, rule.id, now=world.clock.now()) == 2
    tagged = [i for i in _by_text(db, world).values() if i.tags == ("care",)]
    assert len(tagged) == 2
    with db.session() as s:
        runs = runs_of_rule(s, world.acme.id, rule.id)
        assert {r.trigger for r in runs} == {"bulk"} and len(runs) == 2
        assert preview_rule(s, world.acme.id, rule.id).matching == 2  # still open


def test_validation_checks_members_and_accounts_of_this_workspace(db, world):
    outsider = RuleDraft(
        "To outsider",
        Conditions(intents=("question",)),
        Actions(assign_user_id=world.outsider.id),
    )
    with pytest.raises(InvalidInput) as error:
        _add(db, world, outsider)
    assert error.value.field == "actions.assign_user_id"
    foreign = RuleDraft(
        "Their account",
        Conditions(account_ids=(world.beta_account_id,)),
        Actions(add_tags=("x",)),
    )
    with pytest.raises(InvalidInput) as error:
        _add(db, world, foreign)
    assert error.value.field == "conditions.account_ids"
    ours = RuleDraft(
        "Our account",
        Conditions(account_ids=(world.acme_account_id,)),
        Actions(assign_user_id=world.users[Role.MARKETER].id),
    )
    assert _add(db, world, ours).conditions.account_ids == (world.acme_account_id,)


def test_order_moves_and_deletion_keeps_the_trail(db, world):
    care, spam, neg = (_add(db, world, d) for d in (CARE, SPAM, NEGATIVE))
    with db.session() as s:
        order = move_rule(s, world.acme.id, neg.id, "top")
        assert [r.name for r in order] == [NEGATIVE.name, CARE.name, SPAM.name]
        order = move_rule(s, world.acme.id, care.id, "down")
        assert [r.position for r in order] == [0, 1, 2]
        assert [r.name for r in order] == [NEGATIVE.name, SPAM.name, CARE.name]
        with pytest.raises(InvalidInput):
            move_rule(s, world.acme.id, care.id, "sideways")
    _ingest(db, world, "Broken on arrival, awful")
    with db.session() as s:
        delete_rule(s, world.acme.id, neg.id)
        assert [r.position for r in rules_of(s, world.acme.id)] == [0, 1]
    (item,) = _by_text(db, world).values()
    with db.session() as s:
        history = rule_history(s, world.acme.id, item.id)
    assert [(r.rule_id, r.rule_name) for r in history][0] == (None, NEGATIVE.name)


def test_another_workspace_cannot_see_or_change_a_rule(db, world):
    rule = _add(db, world, CARE)
    with db.session() as s:
        assert rules_of(s, world.beta.id) == []
        for call in (
            lambda: update_rule(s, world.beta.id, rule.id, SPAM, now=world.clock.now()),
            lambda: delete_rule(s, world.beta.id, rule.id),
            lambda: preview_rule(s, world.beta.id, rule.id),
            lambda: run_rule_now(s, world.beta.id, rule.id, now=world.clock.now()),
        ):
            with pytest.raises(NotFound):
                call()
