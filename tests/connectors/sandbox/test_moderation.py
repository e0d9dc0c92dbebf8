"""Deleting spam on a real Sandbox from the inbox: the comment leaves the post's page for
everyone, the item records it, and hiding (which the Sandbox cannot do) says so."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer
from tandem.inbox import queries
from tandem.inbox.ingest import ingest_account
from tandem.inbox.moderation import moderate, moderators_from
from tandem.inbox.ports import Moderation
from tandem.inbox.store import item_row, to_item
from tandem.publish.ports import AccountRef, OutboundPost
from tandem.storage import Database
from tests.support.world import World


@pytest.fixture
def client(quiet: SandboxServer) -> Iterator[SandboxPublisher]:
    with SandboxPublisher(quiet.url, token_for=lambda _: "t", timeout=5) as connector:
        yield connector


def test_spam_deleted_from_the_inbox_is_gone_from_the_sandbox_post(
    db: Database, world: World, quiet: SandboxServer, client: SandboxPublisher
) -> None:
    acme = AccountRef("x", "sandbox", "acme", {"token": "t"})
    post = client.publish(acme, OutboundPost(("Autumn menu is out",), "fp-mod"))
    quiet.control(
        "plant",
        {"handle": "acme", "text": "Cheap followers at spam.example", "author": "bot9"},
    )
    quiet.control("plant", {"handle": "acme", "text": "Lovely menu!", "author": "ana"})
    assert ingest_account(db, world.acme_account_id, client, world.clock).error == ""
    with db.session() as s:
        found = queries.find_items(s, world.acme.id, queries.ItemQuery(q="followers"))
    (spam,) = found
    page_url = f"{quiet.url}/@acme/{post.platform_post_id}"
    assert "Cheap followers" in httpx.get(page_url).text

    moderators = moderators_from(lambda _platform: client)
    hidden = moderate(
        db,
        world.acme.id,
        [spam.id],
        Moderation.HIDE,
        moderators,
        world.clock,
        actor=None,
    )
    assert hidden[0].done is False and "hidden in Tandem only" in hidden[0].message
    deleted = moderate(
        db,
        world.acme.id,
        [spam.id],
        Moderation.DELETE,
        moderators,
        world.clock,
        actor=None,
    )

    assert deleted[0].done is True, deleted[0].message
    page = httpx.get(page_url).text
    assert "Cheap followers" not in page and "Lovely menu!" in page
    with db.session() as s:
        item = to_item(item_row(s, world.acme.id, spam.id))
    assert (item.platform_state, item.hidden) == ("deleted", True)
    assert item.deleted_at is not None
    # The next poll sees the deletion without undoing what the team did.
    assert ingest_account(db, world.acme_account_id, client, world.clock).error == ""
    with db.session() as s:
        assert to_item(item_row(s, world.acme.id, spam.id)).platform_state == "deleted"
