"""Tandem's inbox reading from and answering on a real Sandbox (SQLite and PostgreSQL):
planted and generated messages come in once, edits and deletions follow, and a reply sent
from the inbox shows on the Sandbox post."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tandem.accounts.model import Role
from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer
from tandem.inbox import queries
from tandem.inbox.ingest import ingest_account
from tandem.inbox.model import ReplyState
from tandem.inbox.replies import begin_reply, send_reply
from tandem.publish.ports import AccountRef, OutboundPost
from tandem.storage import Database
from tests.support.world import World


@pytest.fixture
def sandbox_source(quiet: SandboxServer) -> Iterator[SandboxPublisher]:
    # The inbox's accounts carry no token; the Sandbox accepts any but "revoked…".
    with SandboxPublisher(quiet.url, token_for=lambda _: "t", timeout=5) as client:
        yield client


def test_the_inbox_ingests_answers_and_sees_edits_from_the_sandbox(
    db: Database, world: World, quiet: SandboxServer, sandbox_source: SandboxPublisher
) -> None:
    acme = AccountRef("x", "sandbox", "acme", {"token": "t"})
    post = sandbox_source.publish(acme, OutboundPost(("Rain jacket drop",), "fp"))
    quiet.control(
        "plant", {"handle": "acme", "text": "Does it come in blue?", "author": "ana7"}
    )
    quiet.control("plant", {"handle": "acme", "kind": "mention", "intent": "praise"})

    first = ingest_account(db, world.acme_account_id, sandbox_source, world.clock)
    again = ingest_account(db, world.acme_account_id, sandbox_source, world.clock)
    assert (first.new, first.error, again.new) == (2, "", 0)

    quiet.control(
        "audience", {"comment_rate": 5, "edit_share": 0.5, "delete_share": 0.5}
    )
    quiet.control("clock", {"advance_seconds": 3600})  # the post's first comments
    later = ingest_account(db, world.acme_account_id, sandbox_source, world.clock)
    assert later.new > 0 and later.error == ""
    quiet.control("clock", {"advance_seconds": 86400})  # and their fates come due
    fates = ingest_account(db, world.acme_account_id, sandbox_source, world.clock)
    assert fates.edited + fates.deleted > 0

    with db.session() as s:
        items = queries.find_items(
            s, world.acme.id, queries.ItemQuery(q="blue", limit=200)
        )
    question = next(i for i in items if i.text == "Does it come in blue?")
    begun = begin_reply(
        db,
        world.acme.id,
        question.id,
        text="Yes, in navy!",
        key="k1",
        user_id=world.users[Role.SOCIAL_MANAGER].id,
        now=world.clock.now(),
    )
    sent = send_reply(db, begun.reply.id, sandbox_source, world.clock)

    assert sent.state is ReplyState.SENT
    assert sent.url.startswith(f"{quiet.url}/@acme/{post.platform_post_id}#")
    page = httpx.get(sent.url.split("#")[0]).text
    assert page.count("Yes, in navy!") == 1
    assert page.index("Does it come in blue?") < page.index("Yes, in navy!")
