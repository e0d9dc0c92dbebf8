"""Replies (idempotency keys, threads on the post page), deletions by the post owner, and
search, against a real Sandbox server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tests.connectors.sandbox.flows import advance, drain, outbound

AccountFactory = Callable[..., AccountRef]


def test_a_reply_shows_on_the_post_page_and_a_repeated_key_sends_it_once(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    ref = publisher.publish(account, outbound("ask us anything"))
    [comment] = quiet.control(
        "plant", {"handle": "brand", "text": "Do you ship to <Graz>?"}
    )["planted"]

    sent = publisher.reply(
        account, comment["id"], "Yes, in 3 days!", idempotency_key="k"
    )
    again = publisher.reply(
        account, comment["id"], "Yes, in 3 days!", idempotency_key="k"
    )
    derived = publisher.reply(account, comment["id"], "See you in Graz")
    derived_again = publisher.reply(account, comment["id"], "See you in Graz")

    assert again == sent
    assert derived_again == derived != sent
    assert (
        sent.url == f"{quiet.url}/@brand/{ref.platform_post_id}#{sent.platform_post_id}"
    )
    page = httpx.get(sent.url.split("#")[0])
    assert page.status_code == 200
    assert "Do you ship to &lt;Graz&gt;?" in page.text
    assert page.text.count("Yes, in 3 days!") == 1
    assert f"id='{sent.platform_post_id}'" in page.text
    # Nested under the comment it answers.
    assert page.text.index(comment["id"]) < page.text.index(sent.platform_post_id)
    thread = httpx.get(
        f"{quiet.url}/api/v1/posts/{ref.platform_post_id}/comments",
        headers={"Authorization": "Bearer t"},
    ).json()["comments"]
    assert [c["text"] for c in thread] == [
        "Do you ship to <Graz>?",
        "Yes, in 3 days!",
        "See you in Graz",
    ]
    assert thread[1]["in_reply_to"] == comment["id"]
    # The brand's own replies are not interactions to answer.
    items, _ = drain(publisher, account)
    assert [i.platform_id for i in items] == [comment["id"]]


def test_a_key_reused_for_another_reply_is_refused(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    ref = publisher.publish(account, outbound("post"))
    publisher.reply(account, ref.platform_post_id, "first", idempotency_key="same")

    with pytest.raises(PublishError) as caught:
        publisher.reply(account, ref.platform_post_id, "second", idempotency_key="same")
    assert caught.value.kind is ErrorKind.PERMANENT
    assert "Idempotency-Key" in caught.value.message


def test_replying_to_a_mention_or_to_nothing(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    [mention] = quiet.control(
        "plant", {"handle": "brand", "kind": "mention", "intent": "praise"}
    )["planted"]
    sent = publisher.reply(account, mention["id"], "Thank you!")
    page = httpx.get(sent.url.split("#")[0])
    assert "Thank you!" in page.text

    with pytest.raises(PublishError) as caught:
        publisher.reply(account, "sbc_424242", "hello?")
    assert caught.value.kind is ErrorKind.PERMANENT
    assert caught.value.status == 404


def test_the_post_owner_can_delete_spam_under_its_post(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    publisher.publish(account, outbound("post"))
    [spam] = quiet.control("plant", {"handle": "brand", "intent": "spam"})["planted"]
    headers = {"Authorization": "Bearer t"}

    stranger = httpx.delete(
        f"{quiet.url}/api/v1/accounts/someone/comments/{spam['id']}", headers=headers
    )
    owner = httpx.delete(
        f"{quiet.url}/api/v1/accounts/brand/comments/{spam['id']}", headers=headers
    )
    assert stranger.status_code == 403
    assert owner.status_code == 204
    items, _ = drain(publisher, account)
    assert [(i.platform_id, i.deleted) for i in items] == [(spam["id"], True)]


def test_search_finds_posts_and_comments_by_words(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    post = publisher.publish(account, outbound("Our Rain Jacket is back in stock"))
    publisher.publish(account_factory("rival"), outbound("rain dance tonight"))
    [comment] = quiet.control(
        "plant", {"handle": "rival", "text": "Does the rain jacket fit?"}
    )["planted"]
    advance(quiet, 3600)

    found = publisher.search(account, "rain jacket")
    assert [f.platform_post_id for f in found] == [comment["id"], post.platform_post_id]
    assert found[1].author_handle == "brand"
    assert found[1].likes is not None and found[1].likes > 0
    assert found[0].author_handle == comment["author"]["handle"]
    assert all(f.platform == "sandbox" for f in found)
    assert publisher.search(account, "jacketed") == []  # whole words only
    later = datetime.now(UTC) + timedelta(days=1)
    assert publisher.search(account, "rain", since=later) == []
    assert len(publisher.search(account, "RAIN", limit=2)) == 2


def test_search_needs_a_word(
    publisher: SandboxPublisher, account_factory: AccountFactory
) -> None:
    with pytest.raises(PublishError) as caught:
        publisher.search(account_factory(), "  ?! ")
    assert caught.value.status == 400
    assert "at least one word" in caught.value.message


def test_a_reply_whose_answer_is_lost_is_unknown_and_the_retry_does_not_double_it(
    sandbox: SandboxServer, account_factory: AccountFactory
) -> None:
    account = account_factory()
    with SandboxPublisher(sandbox.url, timeout=0.5) as client:
        ref = client.publish(account, outbound("post"))
        sandbox.control("faults", {"timeout_rate": 1.0, "timeout_seconds": 2})
        with pytest.raises(PublishError) as caught:
            client.reply(account, ref.platform_post_id, "We're on it")
        assert caught.value.kind is ErrorKind.UNKNOWN
        sandbox.control("faults", {"timeout_rate": 0.0})
        retried = client.reply(account, ref.platform_post_id, "We're on it")

    thread = httpx.get(
        f"{sandbox.url}/api/v1/posts/{ref.platform_post_id}/comments",
        headers={"Authorization": "Bearer t"},
    ).json()["comments"]
    mine = [c for c in thread if c["author"]["handle"] == "brand"]
    assert [c["id"] for c in mine] == [retried.platform_post_id]
