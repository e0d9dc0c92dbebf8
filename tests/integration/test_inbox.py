"""The inbox on SQLite and PostgreSQL: ingestion is idempotent, edits and deletions show,
the queue is worked in one transaction, and a reply goes out once per click."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tandem.accounts.model import Role
from tandem.core import InvalidInput, NotFound
from tandem.inbox import actions, queries
from tandem.inbox.ingest import ingest_account
from tandem.inbox.model import ReplyState, Status
from tandem.inbox.replies import begin_reply, replies_of, send_reply
from tandem.inbox.store import InboxItemRow
from tandem.publish.ports import ErrorKind
from tandem.publish.store import PublishedPostRow
from tests.support.fake_conversations import FakeConversations
from tests.support.world import World


def _replies(db, world, item_id):
    with db.session() as s:
        return replies_of(s, world.acme.id, item_id)


def _items(db, world: World, **kw):
    with db.session() as s:
        return queries.find_items(s, world.acme.id, queries.ItemQuery(**kw))


def test_ingest_triages_links_to_the_post_and_is_idempotent(db, world):
    with db.session() as s:
        post = s.get(PublishedPostRow, world.acme_post_id)
        post_platform_id = post.platform_post_id
    fake = FakeConversations(page_size=2)
    fake.add("Does it come in blue?", post=post_platform_id)
    fake.add("Your charger exploded, calling a lawyer", followers=50_000)
    fake.add("Love it! 😍")
    first = ingest_account(db, world.acme_account_id, fake, world.clock)
    assert first.new == 3 and first.error == ""
    again = ingest_account(db, world.acme_account_id, fake, world.clock)
    assert again.new == 0

    items = _items(db, world)
    assert [i.intent for i in items] == ["crisis", "question", "praise"]  # by priority
    question = next(i for i in items if i.intent == "question")
    assert question.published_post_id == world.acme_post_id
    assert all(i.status is Status.NEW for i in items)


def test_counts_stop_at_the_cap_and_say_so(db, world):
    fake = FakeConversations()
    for n in range(5):
        fake.add(f"Question {n}: does it come in blue?")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    everything, questions = queries.ItemQuery(), queries.ItemQuery(intent="question")
    with db.session() as s:
        exact = queries.count_items(s, world.acme.id, everything)
        capped = queries.count_items(s, world.acme.id, everything, cap=3)
        at_cap = queries.count_items(s, world.acme.id, questions, cap=5)
    assert (exact.value, exact.exact, exact.label) == (5, True, "5")
    assert (capped.value, capped.exact, capped.label) == (3, False, "3+")
    assert (at_cap.value, at_cap.exact) == (5, True)


def test_edits_retriage_and_deletions_leave_the_queue(db, world):
    fake = FakeConversations()
    original = fake.add("Love it!", platform_id="c1")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    # The platform reports the same comment edited, then another one deleted.
    fake.messages[0] = replace(original, text="Broken after a day. Very disappointed.")
    fake.add("spam spam", platform_id="c2")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    fake2 = FakeConversations()
    fake2.messages = [fake.messages[0], replace(fake.messages[1], deleted=True)]
    with db.session() as s:
        from tandem.inbox.store import InboxCursorRow

        s.get(InboxCursorRow, world.acme_account_id).cursor = None
    result = ingest_account(db, world.acme_account_id, fake2, world.clock)
    assert result.deleted == 1
    items = _items(db, world)
    assert [i.platform_id for i in items] == ["c1"]
    assert items[0].intent == "complaint" and items[0].edited_at is not None


def test_a_failed_poll_keeps_the_cursor_and_says_why(db, world):
    fake = FakeConversations()
    fake.add("hello?")
    fake.fail_reads.append(ErrorKind.RETRY)
    result = ingest_account(db, world.acme_account_id, fake, world.clock)
    assert result.error == "The platform is having a moment." and result.new == 0
    assert ingest_account(db, world.acme_account_id, fake, world.clock).new == 1


def test_concurrent_ingestion_never_duplicates(db, world):
    fake = FakeConversations(page_size=500)
    for i in range(200):
        fake.add(f"message {i}", platform_id=f"x{i}")
    results = []

    def run():
        results.append(ingest_account(db, world.acme_account_id, fake, world.clock))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.new for r in results) == 200
    with db.session() as s:
        assert s.query(InboxItemRow).count() == 200


def test_assign_status_tags_and_notes(db, world):
    fake = FakeConversations()
    fake.add("Where is my order? Still waiting.")
    fake.add("Is the shop open Sunday?")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    ids = [i.id for i in _items(db, world)]
    social = world.users[Role.SOCIAL_MANAGER]
    with db.session() as s:
        assigned = actions.assign(s, world.acme.id, ids, user_id=social.id)
        assert {i.status for i in assigned} == {Status.OPEN}
        actions.tag(s, world.acme.id, ids, add=["Care", "care ", "urgent"])
        note = actions.add_note(
            s,
            world.acme.id,
            ids[0],
            author_id=social.id,
            body="Called them",
            now=world.clock.now(),
        )
        assert note.body == "Called them"
    mine = _items(db, world, assignee=social.id)
    assert len(mine) == 2 and mine[0].tags == ("care", "urgent")
    with db.session() as s:
        actions.set_status(s, world.acme.id, ids[:1], "closed", now=world.clock.now())
    assert len(_items(db, world)) == 1  # closed items leave the default view
    assert len(_items(db, world, status="closed")) == 1


def test_bad_input_names_the_field_and_changes_nothing(db, world):
    fake = FakeConversations()
    fake.add("Hi")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    item_id = _items(db, world)[0].id
    with pytest.raises(InvalidInput) as bad, db.session() as s:
        actions.set_status(s, world.acme.id, [item_id], "done", now=world.clock.now())
    assert bad.value.field == "status"
    with pytest.raises(InvalidInput) as bad, db.session() as s:
        actions.assign(s, world.acme.id, [item_id], user_id=world.outsider.id)
    assert bad.value.field == "assignee"
    with pytest.raises(InvalidInput) as bad, db.session() as s:
        queries.find_items(s, world.acme.id, queries.ItemQuery(intent="angry"))
    assert bad.value.field == "intent"
    # A bulk action with one foreign id changes none.
    with pytest.raises(NotFound), db.session() as s:
        actions.tag(s, world.acme.id, [item_id, "nope"], add=["x"])
    assert _items(db, world)[0].tags == ()


def test_another_workspace_cannot_see_or_touch_items(db, world):
    fake = FakeConversations()
    fake.add("private")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    item_id = _items(db, world)[0].id
    with db.session() as s:
        assert queries.find_items(s, world.beta.id, queries.ItemQuery()) == []
        with pytest.raises(NotFound):
            actions.set_status(
                s, world.beta.id, [item_id], "closed", now=world.clock.now()
            )


def test_a_reply_is_sent_once_per_key(db, world):
    fake = FakeConversations()
    fake.add("Is it waterproof?", platform_id="q1")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    item_id = _items(db, world)[0].id
    user = world.users[Role.SOCIAL_MANAGER].id
    first = begin_reply(
        db,
        world.acme.id,
        item_id,
        text="Yes, fully.",
        key="k1",
        user_id=user,
        now=world.clock.now(),
    )
    double = begin_reply(
        db,
        world.acme.id,
        item_id,
        text="Yes, fully.",
        key="k1",
        user_id=user,
        now=world.clock.now(),
    )
    assert first.fresh and not double.fresh and double.reply.id == first.reply.id
    sent = send_reply(db, first.reply.id, fake, world.clock)
    assert sent.state is ReplyState.SENT and sent.url
    with pytest.raises(InvalidInput):
        send_reply(db, first.reply.id, fake, world.clock)  # already sent: not again
    assert fake.replies == [("q1", "Yes, fully.")]
    item = _items(db, world)[0]
    assert item.status is Status.WAITING and item.first_response_at == world.clock.now()


def test_reply_failures_are_recorded_in_the_platform_words(db, world):
    fake = FakeConversations()
    fake.add("Hello?", platform_id="q1")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    item_id = _items(db, world)[0].id
    user = world.users[Role.SOCIAL_MANAGER].id
    fake.fail_replies += [ErrorKind.PERMANENT, ErrorKind.UNKNOWN]
    now = world.clock.now()
    failed = begin_reply(
        db, world.acme.id, item_id, text="Hi!", key="a", user_id=user, now=now
    )
    assert send_reply(db, failed.reply.id, fake, world.clock).state is ReplyState.FAILED
    unknown = begin_reply(
        db, world.acme.id, item_id, text="Hi!", key="b", user_id=user, now=now
    )
    result = send_reply(db, unknown.reply.id, fake, world.clock)
    assert result.state is ReplyState.UNKNOWN and "unknown" in result.error
    states = {r.id: r.state for r in _replies(db, world, item_id)}
    assert states == {
        failed.reply.id: ReplyState.FAILED,
        unknown.reply.id: ReplyState.UNKNOWN,
    }
    assert _items(db, world)[0].first_response_at is None
