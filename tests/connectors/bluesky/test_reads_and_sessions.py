"""Metrics, notifications, replies, search and app-password sessions against recorded
Bluesky answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet
from tests.connectors.bluesky.conftest import BOB, DID, NOW, PDS, TOKEN
from tests.connectors.replay import json_of

ROOT = f"at://{DID}/app.bsky.feed.post/3kreq2ab5gd2s"
REPLY = f"at://{BOB}/app.bsky.feed.post/3krf2xyzab22k"
APP = OAuthApp(client_id="", client_secret="", redirect_uri="")


def test_post_metrics_batch_uris_and_count_quotes_as_shares(connector, replay, account):
    replay.expect("get_posts")
    (metrics,) = connector.post_metrics(account, [ROOT])
    (sent,) = replay.requests
    assert sent.url.path == "/xrpc/app.bsky.feed.getPosts"
    assert sent.url.params.get_list("uris") == [ROOT]
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (metrics.likes, metrics.comments, metrics.shares) == (12, 3, 7)
    assert metrics.impressions is None and metrics.at == NOW


def test_more_than_25_posts_are_asked_in_batches(connector, replay, account):
    replay.expect("get_posts")
    replay.expect("get_posts_empty")
    uris = [f"at://{DID}/app.bsky.feed.post/3kreq2ab{i:03d}2s" for i in range(30)]
    connector.post_metrics(account, uris)
    sizes = [len(r.url.params.get_list("uris")) for r in replay.requests]
    assert sizes == [25, 5]


def test_account_metrics_come_from_the_profile(connector, replay, account):
    replay.expect("get_profile")
    metrics = connector.account_metrics(account)
    assert replay.requests[0].url.params["actor"] == DID
    assert (metrics.followers, metrics.following, metrics.posts) == (1520, 87, 342)


def test_notifications_become_comments_mentions_and_quotes(connector, replay, account):
    replay.expect("list_notifications")
    page = connector.interactions(account)
    assert [i.kind for i in page.items] == [
        InteractionKind.QUOTE,
        InteractionKind.MENTION,
        InteractionKind.COMMENT,
    ]  # the like and the follow are metrics, not conversations
    quote, mention, comment = page.items
    assert quote.post_platform_id == ROOT and quote.text == "This roaster is great"
    assert (
        mention.text == "Coffee with @tandem.coffee later"
        and not mention.post_platform_id
    )
    assert comment.platform_id == REPLY
    assert (comment.in_reply_to, comment.conversation_id, comment.post_platform_id) == (
        ROOT,
        ROOT,
        ROOT,
    )
    assert (comment.author_handle, comment.author_name) == ("bob.bsky.social", "Bob")
    assert comment.url == "https://bsky.app/profile/bob.bsky.social/post/3krf2xyzab22k"
    assert comment.created_at == datetime(2024, 5, 6, 9, 10, tzinfo=UTC)
    assert page.cursor == "2024-05-06T10:00:00.800Z"  # the newest one seen


def test_with_a_cursor_only_newer_notifications_come_back(connector, replay, account):
    replay.expect("list_notifications")
    page = connector.interactions(account, cursor="2024-05-06T09:20:00.000Z")
    assert [i.kind for i in page.items] == [
        InteractionKind.QUOTE,
        InteractionKind.MENTION,
    ]
    assert page.cursor == "2024-05-06T10:00:00.800Z"
    assert len(replay.requests) == 1  # the page reached the cursor: no need to read on
    replay.expect("list_notifications")
    again = connector.interactions(account, cursor=page.cursor)
    assert again.items == [] and again.cursor == page.cursor


def test_reply_takes_the_parents_root_and_sends_strong_refs(connector, replay, account):
    replay.expect("get_posts_reply")
    replay.expect("create_record")
    ref = connector.reply(account, REPLY, "Ethiopian, washed.")
    record = json_of(replay.sent("POST", "/xrpc/com.atproto.repo.createRecord")[0])[
        "record"
    ]
    assert record["reply"] == {
        "root": {
            "uri": ROOT,
            "cid": "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q",
        },
        "parent": {
            "uri": REPLY,
            "cid": "bafyreibobreply2222222222222222222222222222222222222222a",
        },
    }
    assert record["text"] == "Ethiopian, washed." and ref.platform_post_id == ROOT


def test_reply_without_an_appview_reads_the_record_itself(connector, replay, account):
    replay.expect("get_profile_no_appview", path="/xrpc/app.bsky.feed.getPosts")
    replay.expect("get_record")
    replay.expect("create_record")
    connector.reply(account, ROOT, "Thanks!")
    get_record = replay.sent("GET", "/xrpc/com.atproto.repo.getRecord")[0]
    assert dict(get_record.url.params) == {
        "repo": DID,
        "collection": "app.bsky.feed.post",
        "rkey": "3kreq2ab5gd2s",
    }
    record = json_of(replay.sent("POST", "/xrpc/com.atproto.repo.createRecord")[0])[
        "record"
    ]
    assert record["reply"]["root"] == record["reply"]["parent"]
    assert record["reply"]["root"]["uri"] == ROOT


def test_search_sends_the_query_and_maps_the_hits(connector, replay, account):
    replay.expect("search_posts")
    since = datetime(2024, 5, 1, tzinfo=UTC)
    (hit,) = connector.search(account, "single origin", since=since, limit=10)
    params = replay.requests[0].url.params
    assert (params["q"], params["sort"], params["limit"]) == (
        "single origin",
        "latest",
        "10",
    )
    assert params["since"] == "2024-05-01T00:00:00.000Z"
    assert (hit.platform, hit.author_handle, hit.language) == (
        "bluesky",
        "bob.bsky.social",
        "en",
    )
    assert (hit.likes, hit.shares, hit.replies) == (4, 2, 2)
    assert hit.text == "Best single origin coffee in town"


def test_login_with_an_app_password_uses_the_pds_from_the_did_document(
    connector, replay
):
    replay.expect("create_session")
    tokens = connector.login(
        "https://bsky.social", "@tandem.coffee", "abcd-efgh-ijkl-mnop"
    )
    (sent,) = replay.requests
    assert sent.url.host == "bsky.social"
    assert json_of(sent) == {
        "identifier": "tandem.coffee",
        "password": "abcd-efgh-ijkl-mnop",
    }
    assert tokens.extra == {"did": DID, "handle": "tandem.coffee", "pds_url": PDS}
    assert tokens.expires_at == datetime.fromtimestamp(1714993200, UTC)
    assert tokens.as_credentials()["refresh_token"] == tokens.refresh_token


def test_a_wrong_password_is_reconnect_in_blueskys_words(connector, replay):
    replay.expect("create_session_wrong_password")
    with pytest.raises(PublishError) as caught:
        connector.login("https://bsky.social", "tandem.coffee", "wrong")
    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "Invalid identifier or password"


def test_refresh_sends_the_refresh_jwt_to_the_accounts_pds(connector, replay):
    replay.expect("refresh_session")
    old = TokenSet("old-access", "refresh-jwt-1", extra={"did": DID, "pds_url": PDS})
    fresh = connector.refresh(APP, old)
    (sent,) = replay.requests
    assert sent.url.host == "morel.us-east.host.bsky.network"
    assert sent.headers["Authorization"] == "Bearer refresh-jwt-1"
    assert fresh.access_token != "old-access" and fresh.refresh_token != "refresh-jwt-1"
    assert fresh.expires_at == datetime.fromtimestamp(1715000200, UTC)


def test_a_revoked_refresh_token_is_reconnect(connector, replay):
    replay.expect("refresh_session_revoked")
    with pytest.raises(PublishError) as caught:
        connector.refresh(APP, TokenSet("a", "revoked", extra={"pds_url": PDS}))
    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "Token has been revoked"


def test_identities_use_the_profile_or_fall_back_to_the_session(connector, replay):
    tokens = TokenSet(
        "a", "r", extra={"did": DID, "handle": "tandem.coffee", "pds_url": PDS}
    )
    replay.expect("get_profile")
    (identity,) = connector.identities(tokens)
    assert (
        identity.platform_account_id,
        identity.display_name,
        identity.followers,
    ) == (
        DID,
        "Tandem Coffee",
        1520,
    )
    replay.expect("get_profile_no_appview")
    (bare,) = connector.identities(tokens)
    assert (bare.handle, bare.display_name, bare.followers) == (
        "tandem.coffee",
        "tandem.coffee",
        None,
    )
