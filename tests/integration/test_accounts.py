"""Workspaces, roles and invitations: rules and the audit trail they leave."""

from __future__ import annotations

import pytest

from tandem.accounts import Role, actions, invitations, store
from tandem.core import Conflict, Forbidden, InvalidInput


def _member(s, world, role):
    return store.member_in(s, world.users[role], world.acme)


def test_a_role_change_is_audited_with_before_and_after(db, world):
    with db.session() as s:
        actions.set_role(
            s,
            actor=_member(s, world, Role.OWNER),
            workspace=world.acme,
            user_id=world.users[Role.ANALYST].id,
            role=Role.MARKETER,
            clock=world.clock,
        )
    with db.session() as s:
        entries, _ = store.audit_entries(s, world.acme.id, action="member.role")
    (entry,) = entries
    assert entry.actor_label == "owner@acme.test"
    assert entry.before == {"user": "analyst@acme.test", "role": "analyst"}
    assert entry.after == {"user": "analyst@acme.test", "role": "marketer"}
    assert entry.at == world.clock.now()


def test_the_last_owner_cannot_be_demoted_or_removed(db, world):
    with db.session() as s:
        owner = _member(s, world, Role.OWNER)
        with pytest.raises(Conflict, match="at least one owner"):
            actions.set_role(
                s,
                actor=owner,
                workspace=world.acme,
                user_id=owner.user.id,
                role=Role.ADMIN,
                clock=world.clock,
            )


def test_an_admin_can_neither_grant_nor_touch_owners(db, world):
    with db.session() as s:
        admin = _member(s, world, Role.ADMIN)
        with pytest.raises(Forbidden):
            actions.set_role(
                s,
                actor=admin,
                workspace=world.acme,
                user_id=world.users[Role.ANALYST].id,
                role=Role.OWNER,
                clock=world.clock,
            )
        with pytest.raises(Forbidden):
            actions.remove_member(
                s, actor=admin, user_id=world.users[Role.OWNER].id, clock=world.clock
            )


def test_a_failed_change_writes_nothing(db, world):
    with pytest.raises(Forbidden), db.session() as s:
        admin = _member(s, world, Role.ADMIN)
        invitations.invite(
            s,
            actor=admin,
            email="ok@acme.test",
            role=Role.ANALYST,
            base_url="http://x",
            clock=world.clock,
        )
        actions.set_role(
            s,
            actor=admin,
            workspace=world.acme,
            user_id=world.users[Role.OWNER].id,
            role=Role.ANALYST,
            clock=world.clock,
        )
    with db.session() as s:
        assert store.invitations_in(s, world.acme.id) == []


def test_invitations_expire_after_seven_days(db, world):
    with db.session() as s:
        invitation = invitations.invite(
            s,
            actor=_member(s, world, Role.OWNER),
            email="late@acme.test",
            role=Role.ANALYST,
            base_url="http://x",
            clock=world.clock,
        )
    assert invitation.is_open(world.clock.now())
    world.clock.advance(days=7, seconds=1)
    assert not invitation.is_open(world.clock.now())


@pytest.mark.parametrize(
    "email", ["", "no-at-sign", "a@b", "two@@at.test", "x" * 330 + "@a.test"]
)
def test_bad_emails_are_refused_with_the_field_named(db, world, email):
    with db.session() as s, pytest.raises(InvalidInput) as error:
        invitations.invite(
            s,
            actor=_member(s, world, Role.OWNER),
            email=email,
            role=Role.ANALYST,
            base_url="http://x",
            clock=world.clock,
        )
    assert error.value.field == "email"


def test_new_workspaces_get_unique_slugs_and_their_creator_as_owner(db, world):
    with db.session() as s:
        owner = _member(s, world, Role.OWNER)
        first = actions.create_workspace(
            s, actor=owner, name="Client Café", timezone="UTC", clock=world.clock
        )
        second = actions.create_workspace(
            s, actor=owner, name="Client Cafe", timezone="UTC", clock=world.clock
        )
        roles = {ws.slug: role for ws, role in store.workspaces_of(s, owner.user.id)}
    assert (first.slug, second.slug) == ("client-cafe", "client-cafe-2")
    assert roles["client-cafe"] is Role.OWNER
