"""Polling every account into the inbox: the periodic job, credentials, skipped accounts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from tandem.inbox.ports import InteractionPage
from tandem.jobs import periodic
from tandem.jobs.inbox import POLL_INBOXES, credentialed_ref, poll_inboxes
from tandem.publish.credentials import store_tokens
from tandem.publish.model import AccountHealth
from tandem.publish.ports import AccountRef, TokenSet
from tandem.publish.refresh import CredentialAccess
from tandem.publish.store import SocialAccountRow
from tandem.publish.vault import keyring_from
from tandem.storage.queue import JobRow
from tests.support.fake_conversations import FakeConversations


@dataclass
class Recording(FakeConversations):
    seen: list[AccountRef] = field(default_factory=list)

    def interactions(self, account, *, cursor=None) -> InteractionPage:  # type: ignore[no-untyped-def]
        self.seen.append(account)
        return super().interactions(account, cursor=cursor)


def test_poll_reads_each_connected_account_with_its_credentials(db, world):
    keyring = keyring_from("s" * 48)
    with db.session() as s:
        store_tokens(
            s,
            keyring,
            account_id=world.acme_account_id,
            workspace_id=world.acme.id,
            platform_account_id="acme-1",
            app_id=None,
            tokens=TokenSet("tok-123"),
            identity_extra={"user_id": "42"},
            now=world.clock.now(),
        )
        s.get(
            SocialAccountRow, world.beta_account_id
        ).health = AccountHealth.NEEDS_RECONNECT
    source = Recording()
    source.add("Is it in stock?")
    results = poll_inboxes(
        db,
        lambda _platform: source,
        world.clock,
        account_ref=credentialed_ref(CredentialAccess(keyring, "http://tandem.test")),
    )
    assert [r.account_id for r in results] == [world.acme_account_id]  # beta skipped
    assert results[0].new == 1
    assert {seen.id for seen in source.seen} == {world.acme_account_id}
    ref = source.seen[0]
    assert (
        ref.credentials["access_token"] == "tok-123"
        and ref.credentials["user_id"] == "42"
    )


def test_platforms_without_a_conversation_api_are_skipped(db, world):
    results = poll_inboxes(db, lambda _platform: None, world.clock)
    assert results == []


def test_the_sweep_tick_keeps_one_poll_waiting(db, world):
    with db.session() as s:
        assert POLL_INBOXES in periodic.tick(s, now=world.clock.now())
        assert POLL_INBOXES not in periodic.tick(s, now=world.clock.now())
        waiting = s.scalars(select(JobRow).where(JobRow.kind == POLL_INBOXES)).all()
    assert len(waiting) == 1
