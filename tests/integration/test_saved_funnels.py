"""Saved funnels: stored per workspace (both databases), validated field by field."""

from __future__ import annotations

import pytest

from tandem.core import Conflict, InvalidInput, NotFound
from tandem.measure.funnels import Step
from tandem.measure.saved_funnels import (
    FunnelIn,
    create_funnel,
    delete_funnel,
    funnel_in,
    funnels_of,
    update_funnel,
)

SIGNUP = FunnelIn(
    name="Signup",
    steps=[("url", "*/pricing*"), ("event", "signup"), ("conversion", "")],
    window_days=14,
)


def test_a_saved_funnel_is_kept_renamed_and_deleted_per_workspace(db, world):
    with db.session() as s:
        made = create_funnel(s, workspace_id=world.acme.id, item=SIGNUP,
                             clock=world.clock)  # fmt: skip
    assert made.steps == (
        Step("url", "*/pricing*"), Step("event", "signup"), Step("type", "conversion"),
    )  # fmt: skip
    with db.session() as s:
        assert [f.name for f in funnels_of(s, world.acme.id)] == ["Signup"]
        assert funnels_of(s, world.beta.id) == []
        with pytest.raises(NotFound):
            funnel_in(s, world.beta.id, made.id)
        with pytest.raises(Conflict) as taken:
            create_funnel(s, workspace_id=world.acme.id, item=SIGNUP, clock=world.clock)
        assert taken.value.field == "name"
    renamed = FunnelIn(name="Trial", steps=[("pageview", ""), ("event", "trial")])
    with db.session() as s:
        changed = update_funnel(s, workspace_id=world.acme.id, funnel_id=made.id,
                                item=renamed, clock=world.clock)  # fmt: skip
    assert changed.name == "Trial" and changed.window_days == 30
    with db.session() as s:
        assert funnel_in(s, world.acme.id, made.id).steps == (
            Step("type", "pageview"), Step("event", "trial"),
        )  # fmt: skip
        delete_funnel(s, workspace_id=world.acme.id, funnel_id=made.id)
    with db.session() as s:
        assert funnels_of(s, world.acme.id) == []


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (FunnelIn("", [("pageview", ""), ("conversion", "")]), "name"),
        (FunnelIn("F", [("pageview", "")]), "steps"),
        (
            FunnelIn("F", [("pageview", ""), ("conversion", ""), ("visit", "x")]),
            "steps[2].match",
        ),  # fmt: skip
        (FunnelIn("F", [("url", ""), ("conversion", "")]), "steps[0].value"),
        (FunnelIn("F", [("pageview", "/x"), ("conversion", "")]), "steps[0].value"),
        (FunnelIn("F", [("pageview", ""), ("event", "x" * 501)]), "steps[1].value"),
        (FunnelIn("F", [("pageview", ""), ("conversion", "")], 0), "window_days"),
        (FunnelIn("F", [("pageview", ""), ("conversion", "")], 91), "window_days"),
    ],
)
def test_a_bad_funnel_names_the_field(db, world, item, field):
    with db.session() as s, pytest.raises(InvalidInput) as bad:
        create_funnel(s, workspace_id=world.acme.id, item=item, clock=world.clock)
    assert bad.value.field == field
    assert bad.value.message.startswith(f"{field}:")
