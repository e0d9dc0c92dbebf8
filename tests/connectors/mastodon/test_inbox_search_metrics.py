"""Reading from Mastodon against recorded answers: metrics, notifications as inbox items,
replies and search."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.connectors.mastodon import MastodonConnector
from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tests.connectors.mastodon.conftest import OWN_ID, TOKEN, status_answer
from tests.connectors.replay import Replay, json_of


def test_post_metrics_map_favourites_boosts_and_replies_and_skip_deleted_posts(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_fetched", path="/api/v1/statuses/112400000000000001")
    replay.expect("status_not_found", path="/api/v1/statuses/112400000000000002")

    metrics = connector.post_metrics(
        account, ["112400000000000001", "112400000000000002"]
    )

    [only] = metrics
    assert only.platform_post_id == "112400000000000001"
    assert (only.likes, only.shares, only.comments) == (12, 5, 3)
    assert (
        only.impressions is None and only.reach is None
    )  # Mastodon has no such counts
    assert replay.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_account_metrics_come_from_verify_credentials(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("verify_credentials")

    metrics = connector.account_metrics(account)

    assert (metrics.followers, metrics.following, metrics.posts) == (1520, 87, 342)
    assert metrics.at.tzinfo is not None


def test_notifications_become_replies_mentions_messages_and_quotes(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("notifications")

    page = connector.interactions(account)

    assert page.cursor == "34975864"
    by_id = {i.platform_id: i for i in page.items}
    reply = by_id["112400000000000101"]
    assert reply.kind is InteractionKind.COMMENT
    assert reply.post_platform_id == "112400000000000001"
    assert reply.in_reply_to == "112400000000000001"
    assert reply.text == "@tandem Is the shop open on Sunday?"
    assert (reply.author_handle, reply.author_name) == (
        "ana@mastodon.example",
        "Ana Lima",
    )
    assert reply.author_followers == 240
    mention = by_id["112400000000000102"]
    assert mention.kind is InteractionKind.MENTION
    assert mention.author_handle == "bob@fosstodon.example"
    assert mention.post_platform_id == ""
    assert by_id["112400000000000103"].kind is InteractionKind.MESSAGE
    quote = by_id["112400000000000104"]
    assert quote.kind is InteractionKind.QUOTE
    assert quote.post_platform_id == "112400000000000001"
    assert [i.platform_id for i in page.items] == sorted(by_id)  # oldest first
    [sent] = replay.requests
    assert sent.url.params.get_list("types[]") == ["mention", "quote"]
    assert "min_id" not in sent.url.params


def test_interactions_continue_from_the_cursor_without_gaps(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("notifications_empty")

    page = connector.interactions(account, cursor="34975864")

    assert page.items == []
    assert page.cursor == "34975864"  # nothing new: the cursor stays
    assert replay.requests[0].url.params["min_id"] == "34975864"


def test_reply_mentions_the_author_and_keeps_a_direct_message_direct(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    parent = replay.load("notifications")["response"]["json"][1]["status"]
    replay.expect(
        "status_fetched", path="/api/v1/statuses/112400000000000103", json_body=parent
    )
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000200")
    )

    ref = connector.reply(account, "112400000000000103", "Yes, we ship to Porto.")

    assert ref.platform_post_id == "112400000000000200"
    sent = replay.requests[1]
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Idempotency-Key"]
    assert json_of(sent) == {
        "status": "@cara Yes, we ship to Porto.",
        "in_reply_to_id": "112400000000000103",
        "visibility": "direct",
    }


def test_reply_to_a_remote_author_who_is_already_mentioned_is_sent_as_written(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    parent = replay.load("notifications")["response"]["json"][2]["status"]
    replay.expect(
        "status_fetched", path="/api/v1/statuses/112400000000000102", json_body=parent
    )
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000201")
    )

    connector.reply(account, "112400000000000102", "Thanks @bob@fosstodon.example!")

    body = json_of(replay.requests[1])
    assert body["status"] == "Thanks @bob@fosstodon.example!"
    assert body["visibility"] == "public"


def test_search_reads_statuses_and_drops_those_before_since(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("search")

    found = connector.search(
        account, "#espresso", since=datetime(2024, 5, 1, tzinfo=UTC), limit=10
    )

    [post] = found
    assert post.platform == "mastodon"
    assert post.platform_post_id == "112410000000000001"
    assert post.text == "Looking for a good #espresso in Lisbon"
    assert post.author_handle == "bob@fosstodon.example"
    assert (post.likes, post.shares, post.replies) == (4, 2, 1)
    assert post.language == "en"
    [sent] = replay.requests
    assert sent.url.params["q"] == "#espresso"
    assert sent.url.params["type"] == "statuses"
    assert sent.url.params["limit"] == "10"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"


def test_reading_with_a_revoked_token_needs_a_reconnect(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("verify_credentials_revoked")

    with pytest.raises(PublishError) as caught:
        connector.account_metrics(account)

    assert caught.value.kind is ErrorKind.RECONNECT


def test_a_read_timeout_on_a_read_is_simply_retried(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("GET", f"/api/v1/accounts/{OWN_ID}/statuses", "ReadTimeout")

    with pytest.raises(PublishError) as caught:
        connector.recent_posts(account, since=datetime(2024, 5, 1, tzinfo=UTC))

    assert caught.value.kind is ErrorKind.RETRY
