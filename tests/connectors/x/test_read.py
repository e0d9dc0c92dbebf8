"""Reading from X: metrics, mentions/replies/quotes with a cursor, replies, search."""

from __future__ import annotations

import pytest

from tandem.connectors.x import XConnector
from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tests.connectors.replay import Replay, json_of
from tests.connectors.x.conftest import NOW


def test_post_metrics_map_public_metrics_and_skip_posts_x_no_longer_has(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("tweets_metrics")

    metrics = x.post_metrics(account, ["1861000000000000001", "1860000000000000000"])

    (sent,) = replay.requests
    assert sent.url.path == "/2/tweets"
    assert sent.url.params["ids"] == "1861000000000000001,1860000000000000000"
    assert sent.url.params["tweet.fields"] == "public_metrics"
    assert sent.headers["authorization"] == "Bearer user-token-1"
    (only,) = metrics
    assert (only.platform_post_id, only.at) == ("1861000000000000001", NOW)
    assert (only.impressions, only.likes, only.comments, only.shares, only.saves) == (
        1820,
        41,
        3,
        10,
        5,
    )
    assert only.reach is None and only.clicks is None  # X does not report them here


def test_account_metrics_come_from_the_users_public_metrics(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("users_me")

    metrics = x.account_metrics(account)

    assert replay.requests[0].url.params["user.fields"] == "public_metrics"
    assert (metrics.followers, metrics.following, metrics.posts, metrics.at) == (
        5120,
        310,
        2874,
        NOW,
    )


def test_mentions_become_comments_quotes_and_mentions_with_a_cursor(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("mentions", path="/2/users/2244994945/mentions")
    replay.expect("mentions_empty", path="/2/users/2244994945/mentions")

    page = x.interactions(account)
    later = x.interactions(account, cursor=page.cursor)

    first, second = replay.requests
    assert "since_id" not in first.url.params
    assert first.url.params["expansions"] == "author_id,referenced_tweets.id"
    assert second.url.params["since_id"] == "1861000000000000105"
    assert page.cursor == "1861000000000000105"
    reply, quote, mention = page.items
    assert (reply.kind, reply.post_platform_id, reply.in_reply_to) == (
        InteractionKind.COMMENT,
        "1861000000000000001",
        "1861000000000000001",
    )
    assert (reply.author_handle, reply.author_name, reply.author_followers) == (
        "ada",
        "Ada L.",
        1200,
    )
    assert reply.url == "https://x.com/ada/status/1861000000000000105"
    assert (quote.kind, quote.post_platform_id) == (
        InteractionKind.QUOTE,
        "1861000000000000001",
    )
    assert (
        quote.text
        == "This from @brandco is great https://x.com/brandco/status/1861000000000000001"
    )
    assert (mention.kind, mention.text) == (
        InteractionKind.MENTION,
        "Has anyone tried @brandco? Q&A welcome",
    )
    assert later.items == [] and later.cursor == "1861000000000000105"


def test_a_reply_is_a_post_in_reply_to_the_interaction(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet")

    ref = x.reply(account, "1861000000000000105", "Thank you!")

    assert json_of(replay.requests[0]) == {
        "text": "Thank you!",
        "reply": {"in_reply_to_tweet_id": "1861000000000000105"},
    }
    assert ref.platform_post_id == "1861000000000000001"


def test_search_reads_recent_posts_with_their_authors(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("search_recent")

    found = x.search(account, "self-hosted scheduler -is:retweet", since=NOW, limit=5)

    params = replay.requests[0].url.params
    assert params["query"] == "self-hosted scheduler -is:retweet"
    assert (
        params["max_results"] == "10"
    )  # X's minimum page size; the result is cut to 5
    assert params["start_time"] == "2026-11-28T09:00:05Z"
    (post,) = found
    assert (post.platform, post.author_handle, post.author_followers) == (
        "x",
        "grace",
        87000,
    )
    assert (post.likes, post.shares, post.replies, post.language) == (9, 1, 4, "en")
    assert post.url == "https://x.com/grace/status/1861000000000000200"


def test_search_outside_the_access_level_is_permanent_and_explains_it(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("client_forbidden")

    with pytest.raises(PublishError) as caught:
        x.search(account, "brand")

    assert caught.value.kind is ErrorKind.PERMANENT
    assert "attached to a Project" in caught.value.message
    assert "access level" in caught.value.message
