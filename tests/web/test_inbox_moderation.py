"""Hiding and deleting spam on the platform from the inbox: only what the platform confirms
is recorded, a platform that cannot do it says so, and a refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tandem.accounts import Role
from tandem.accounts.store import AuditRow
from tandem.inbox.ingest import ingest_account
from tandem.inbox.ports import Moderation
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tandem.web.routes import inbox as inbox_routes
from tests.support.fake_conversations import FakeConversations
from tests.web.conftest import api_client, csrf_of


class FakeModerator:
    def __init__(self, allowed: set[Moderation]) -> None:
        self.moderation = frozenset(allowed)
        self.calls: list[tuple[str, str]] = []
        self.refuse = False

    def moderate(
        self, account: AccountRef, platform_id: str, action: Moderation
    ) -> None:
        if self.refuse:
            raise PublishError(
                "Comment not found.", kind=ErrorKind.PERMANENT, status=404
            )
        self.calls.append((platform_id, action.value))


@pytest.fixture
def spam(db, world):
    source = FakeConversations()
    source.add("Cheap followers at spam.example", platform_id="s1", author="bot1")
    source.add("Win a free phone!!! spam.example", platform_id="s2", author="bot2")
    source.add("Where is my order?", platform_id="q1", author="ana")
    ingest_account(db, world.acme_account_id, source, world.clock)
    with db.session() as s:
        from tandem.inbox.store import InboxItemRow

        rows = s.scalars(
            select(InboxItemRow).where(InboxItemRow.workspace_id == world.acme.id)
        )
        return {r.platform_id: r.id for r in rows}


def _use(monkeypatch, moderator):
    monkeypatch.setattr(
        inbox_routes, "inbox_moderators", lambda _state: lambda _p: moderator
    )


def _item(db, item_id):
    from tandem.inbox.store import InboxItemRow

    with db.session() as s:
        row = s.get(InboxItemRow, item_id)
        return row.platform_state, row.hidden, row.deleted_at


def test_delete_on_the_platform_records_it_and_audits_who(
    db, client_as, world, spam, monkeypatch
):
    moderator = FakeModerator({Moderation.HIDE, Moderation.UNHIDE, Moderation.DELETE})
    _use(monkeypatch, moderator)
    c = client_as(Role.SOCIAL_MANAGER)
    page = c.get(f"/w/{world.acme.slug}/inbox", params={"item": spam["s1"]})
    assert "Delete on " in page.text and "Hide on " in page.text
    response = c.post(
        f"/w/{world.acme.slug}/inbox/moderate",
        data={"ids": spam["s1"], "action": "delete", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 200  # followed the redirect back to the inbox
    assert "Deleted on" in response.text
    assert moderator.calls == [("s1", "delete")]
    state, hidden, deleted_at = _item(db, spam["s1"])
    assert (state, hidden) == ("deleted", True) and deleted_at is not None
    with db.session() as s:
        audit = s.scalars(
            select(AuditRow).where(AuditRow.entity_id == spam["s1"])
        ).all()
    assert [a.action for a in audit] == ["inbox.delete_on_platform"]
    # Deleting again makes no second platform call.
    c.post(
        f"/w/{world.acme.slug}/inbox/moderate",
        data={"ids": spam["s1"], "action": "delete", "csrf_token": csrf_of(page.text)},
    )
    assert moderator.calls == [("s1", "delete")]


def test_bulk_hide_on_the_platform_then_show_again(
    db, client_as, world, spam, monkeypatch
):
    moderator = FakeModerator({Moderation.HIDE, Moderation.UNHIDE})
    _use(monkeypatch, moderator)
    c = client_as(Role.SOCIAL_MANAGER)
    token = csrf_of(c.get(f"/w/{world.acme.slug}/inbox").text)
    response = c.post(
        f"/w/{world.acme.slug}/inbox/bulk",
        data={
            "ids": [spam["s1"], spam["s2"]],
            "action": "platform_hide",
            "csrf_token": token,
        },
    )
    assert "2 of 2 done on the platform" in response.text
    assert _item(db, spam["s2"])[:2] == ("hidden", True)
    c.post(
        f"/w/{world.acme.slug}/inbox/moderate",
        data={"ids": spam["s2"], "action": "unhide", "csrf_token": token},
    )
    assert _item(db, spam["s2"])[:2] == ("", False)
    assert moderator.calls == [("s1", "hide"), ("s2", "hide"), ("s2", "unhide")]


def test_a_platform_that_cannot_moderate_hides_in_tandem_only_and_says_so(
    db, client_as, world, spam, monkeypatch
):
    _use(monkeypatch, None)
    c = client_as(Role.SOCIAL_MANAGER)
    page = c.get(f"/w/{world.acme.slug}/inbox", params={"item": spam["s1"]})
    assert "does not let Tandem hide or delete it" in page.text
    response = c.post(
        f"/w/{world.acme.slug}/inbox/moderate",
        data={"ids": spam["s1"], "action": "delete", "csrf_token": csrf_of(page.text)},
    )
    assert "hidden in Tandem only" in response.text
    assert _item(db, spam["s1"])[:2] == ("", True)


def test_a_refusal_changes_nothing_and_the_api_reports_each_item(
    app, db, client_as, world, spam, monkeypatch
):
    moderator = FakeModerator({Moderation.DELETE})
    moderator.refuse = True
    _use(monkeypatch, moderator)
    c = api_client(app, client_as, Role.SOCIAL_MANAGER)
    base = f"/api/v1/workspaces/{world.acme.slug}/inbox/items/moderate"
    answer = c.post(base, json={"ids": [spam["s1"]], "action": "delete"})
    assert answer.status_code == 200, answer.text
    (outcome,) = answer.json()
    assert outcome["done"] is False and "Comment not found" in outcome["message"]
    assert _item(db, spam["s1"]) == ("", False, None)
    bad = c.post(base, json={"ids": [spam["s1"]], "action": "burn"})
    assert bad.status_code == 422 and "action" in bad.text
    other = c.post(base, json={"ids": ["nope"], "action": "delete"})
    assert other.status_code == 404
    analyst = api_client(app, client_as, Role.ANALYST)
    assert (
        analyst.post(base, json={"ids": [spam["s1"]], "action": "delete"}).status_code
        == 403
    )
