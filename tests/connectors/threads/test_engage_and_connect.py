"""Threads: insights, replies and mentions, answering, keyword search, Threads OAuth."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.connectors.threads import SCOPES, ThreadsConnector
from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import AccountRef, ErrorKind, OAuthApp, PublishError, TokenSet
from tests.connectors.replay import Replay, form_of
from tests.connectors.threads.conftest import MEDIA_ID, TOKEN, USER_ID

APP = OAuthApp(
    client_id="998877",
    client_secret="threads-secret",
    redirect_uri="https://tandem.example/oauth/callback/threads",
)


def test_post_metrics_map_views_likes_replies_and_reshares(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("media_insights", path=f"/v1.0/{MEDIA_ID}/insights")

    [metrics] = connector.post_metrics(account, [MEDIA_ID])

    assert (
        replay.requests[0].url.params["metric"]
        == "views,likes,replies,reposts,quotes,shares"
    )
    assert (metrics.impressions, metrics.likes, metrics.comments) == (2300, 75, 12)
    assert metrics.shares == 8  # 6 reposts + 2 quotes
    assert metrics.reach is None and metrics.saves is None


def test_account_metrics_read_followers_from_user_insights(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("user_insights")
    assert connector.account_metrics(account).followers == 1234
    assert replay.requests[0].url.params["metric"] == "followers_count"


def test_interactions_are_replies_at_any_depth_and_mentions(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("user_thread_ids")
    replay.expect("conversation", path=f"/v1.0/{MEDIA_ID}/conversation")
    replay.expect("mentions")

    page = connector.interactions(account)

    assert [(i.kind, i.author_handle, i.text) for i in page.items] == [
        (InteractionKind.COMMENT, "morag.eats", "See you Friday"),
        (InteractionKind.COMMENT, "morag.eats", "Do you have gluten-free?"),
        (InteractionKind.MENTION, "ailsa.r", "Morning coffee at @crumbbakery"),
    ]  # our own answer is not inbox material
    newest = page.items[0]
    assert newest.in_reply_to == "18050000000000002"
    assert newest.post_platform_id == MEDIA_ID
    assert page.cursor == "2026-11-28T11:10:00+00:00"


def test_the_cursor_keeps_only_newer_items_and_asks_mentions_since_it(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("user_thread_ids")
    replay.expect("conversation", path=f"/v1.0/{MEDIA_ID}/conversation")
    replay.expect("mentions")

    page = connector.interactions(account, cursor="2026-11-28T11:00:00+00:00")

    assert [i.text for i in page.items] == ["See you Friday"]
    since = str(int(datetime(2026, 11, 28, 11, tzinfo=UTC).timestamp()))
    assert replay.requests[2].url.params["since"] == since


def test_a_reply_is_a_container_replying_to_the_target(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("reply_container_created")
    replay.expect("published", json_body={"id": "18050000000000009"})
    replay.expect("post_details", path="/v1.0/18050000000000009")

    ref = connector.reply(account, "18050000000000001", "Every Friday, yes!")

    assert ref.platform_post_id == "18050000000000009"
    assert form_of(replay.requests[0]) == {
        "text": "Every Friday, yes!",
        "reply_to_id": "18050000000000001",
        "media_type": "TEXT",
    }
    assert form_of(replay.requests[1]) == {"creation_id": "17890000000000199"}


def test_keyword_search_and_topic_tag_search(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("keyword_search")
    found = connector.search(account, "sourdough", limit=5)
    assert [(p.author_handle, p.platform) for p in found] == [
        ("bread.fan", "threads"),
        ("homebaker", "threads"),
    ]
    params = replay.requests[0].url.params
    assert (params["q"], params["search_type"], params["limit"]) == (
        "sourdough",
        "RECENT",
        "5",
    )
    assert "search_mode" not in params and params["access_token"] == TOKEN

    replay.expect("keyword_search")
    connector.search(account, "#sourdough", since=datetime(2026, 11, 27, tzinfo=UTC))
    params = replay.requests[1].url.params
    assert (params["q"], params["search_mode"]) == ("sourdough", "TAG")
    assert params["since"] == str(int(datetime(2026, 11, 27, tzinfo=UTC).timestamp()))


def test_the_authorize_url(connector: ThreadsConnector) -> None:
    url = urlsplit(connector.authorize_url(APP, state="st", code_challenge="ignored"))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert (url.netloc, url.path) == ("threads.net", "/oauth/authorize")
    assert query == {
        "client_id": "998877",
        "redirect_uri": "https://tandem.example/oauth/callback/threads",
        "scope": ",".join(SCOPES),
        "response_type": "code",
        "state": "st",
    }
    for scope in (
        "threads_basic",
        "threads_content_publish",
        "threads_manage_replies",
        "threads_read_replies",
        "threads_manage_insights",
    ):
        assert scope in SCOPES


def test_the_code_becomes_a_long_lived_token_with_the_user_id(
    connector: ThreadsConnector, replay: Replay
) -> None:
    replay.expect("token_short")
    replay.expect("token_long")

    tokens = connector.exchange_code(APP, code="c0de", code_verifier="v")

    assert tokens.access_token == "THQVJlong"
    assert tokens.extra == {"user_id": USER_ID}
    assert tokens.expires_at is not None
    assert 58 <= (tokens.expires_at - datetime.now(UTC)).days <= 60
    short, long = replay.requests
    assert (short.method, short.url.path) == ("POST", "/oauth/access_token")
    assert form_of(short) == {
        "client_id": "998877",
        "client_secret": "threads-secret",
        "grant_type": "authorization_code",
        "redirect_uri": "https://tandem.example/oauth/callback/threads",
        "code": "c0de",
    }
    assert (long.method, long.url.path) == ("GET", "/access_token")
    assert dict(long.url.params) == {
        "grant_type": "th_exchange_token",
        "client_secret": "threads-secret",
        "access_token": "THQVJshort",
    }


def test_refresh_and_a_refused_refresh(
    connector: ThreadsConnector, replay: Replay
) -> None:
    replay.expect("token_refreshed")
    old = TokenSet(access_token="THQVJlong", extra={"user_id": USER_ID})
    fresh = connector.refresh(APP, old)
    assert fresh.access_token == "THQVJrefreshed"
    assert fresh.extra == {"user_id": USER_ID}
    assert dict(replay.requests[0].url.params) == {
        "grant_type": "th_refresh_token",
        "access_token": "THQVJlong",
    }

    replay.expect("refresh_invalid")
    with pytest.raises(PublishError) as raised:
        connector.refresh(APP, old)
    assert raised.value.kind is ErrorKind.RECONNECT
    assert "session has been invalidated" in raised.value.message


def test_identity_is_the_threads_profile(
    connector: ThreadsConnector, replay: Replay
) -> None:
    replay.expect("me")
    [me] = connector.identities(TokenSet(access_token=TOKEN))
    assert (me.platform_account_id, me.handle, me.display_name) == (
        USER_ID,
        "crumbbakery",
        "Crumb Bakery",
    )
    assert me.extra == {"user_id": USER_ID}
    assert replay.requests[0].url.params["fields"] == "id,username,name"
