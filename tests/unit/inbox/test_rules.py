"""Rule conditions, actions and validation, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.core import InvalidInput
from tandem.inbox.rules import (
    Actions,
    Conditions,
    RuleDraft,
    check_draft,
    matches,
    outcome,
    parse_number,
)
from tests.unit.inbox.items import make_item

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_every_condition_must_hold():
    complaint = make_item(intent="complaint", platform="instagram", sentiment=-0.6)
    rule = Conditions(intents=("complaint",), platforms=("instagram",))
    assert matches(rule, complaint)
    assert not matches(rule, make_item(intent="complaint", platform="x"))
    assert matches(Conditions(sentiment_below=-0.5), complaint)
    assert not matches(Conditions(sentiment_below=-0.6), complaint)  # strictly below
    assert not matches(Conditions(min_followers=10), make_item(author_followers=None))
    assert matches(Conditions(min_priority=45), make_item(priority=45))


def test_keywords_match_whole_words_case_insensitively():
    item = make_item(text="The Refund never came. #Fail")
    assert matches(Conditions(keywords=("refund",)), item)
    assert matches(Conditions(keywords=("#fail",)), item)
    assert not matches(Conditions(keywords=("fund",)), item)
    assert matches(Conditions(keywords=("nothing", "never came")), item)


def test_actions_change_the_item_and_say_what_they_did():
    item = make_item(tags=("vip",), priority=95)
    result = outcome(
        Actions(
            assign_role="social_manager",
            add_tags=("care",),
            set_status="closed",
            hide=True,
            raise_priority=10,
            stop=True,
        ),
        item,
        now=NOW,
    )
    assert result.changes == {
        "assignee_id": None,
        "assignee_role": "social_manager",
        "tags": ("vip", "care"),
        "status": "closed",
        "closed_at": NOW,
        "hidden": True,
        "priority": 100.0,  # capped
    }
    assert [d.words for d in result.done] == [
        "assigned to role Social media manager",
        "tagged care",
        "status set to closed",
        "hidden as spam",
        "priority raised by 10 to 100",
        "stopped further rules",
    ]


def _draft(**kw) -> RuleDraft:
    values = {
        "name": "Complaints",
        "conditions": Conditions(intents=("complaint",)),
        "actions": Actions(add_tags=("care",)),
    }
    values.update(kw)
    return RuleDraft(**values)


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (_draft(name="  "), "name"),
        (_draft(conditions=Conditions()), "conditions"),
        (_draft(actions=Actions()), "actions"),
        (_draft(conditions=Conditions(intents=("angry",))), "conditions.intents"),
        (_draft(conditions=Conditions(platforms=("myspace",))), "conditions.platforms"),
        (
            _draft(conditions=Conditions(sentiment_below=2)),
            "conditions.sentiment_below",
        ),
        (_draft(conditions=Conditions(languages=("english",))), "conditions.languages"),
        (_draft(actions=Actions(assign_role="boss")), "actions.assign_role"),
        (
            _draft(actions=Actions(assign_role="admin", assign_user_id="u")),
            "actions.assign",
        ),
        (_draft(actions=Actions(set_status="done")), "actions.set_status"),
        (_draft(actions=Actions(raise_priority=-5)), "actions.raise_priority"),
        (_draft(actions=Actions(add_tags=("x" * 41,))), "actions.add_tags"),
    ],
)
def test_validation_names_the_field(draft, field):
    with pytest.raises(InvalidInput) as error:
        check_draft(draft)
    assert error.value.field == field


def test_validation_normalises():
    clean = check_draft(
        _draft(
            name="  Care   team ",
            conditions=Conditions(
                intents=("Complaint", "complaint"), keywords=(" Refund ",)
            ),
            actions=Actions(add_tags=("Care ", "care")),
        )
    )
    assert clean.name == "Care team"
    assert clean.conditions.intents == ("complaint",)
    assert clean.conditions.keywords == ("refund",)
    assert clean.actions.add_tags == ("care",)


def test_numbers_from_forms_name_the_field():
    assert parse_number(" 0,5 ", "x") == 0.5 and parse_number("", "x") is None
    with pytest.raises(InvalidInput) as error:
        parse_number("lots", "conditions.min_followers")
    assert error.value.field == "conditions.min_followers"
