"""Instagram: insights, comments and tags, replies, hashtag search, Facebook Login."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.connectors.instagram import SCOPES, InstagramConnector
from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import AccountRef, ErrorKind, OAuthApp, PublishError, TokenSet
from tests.connectors.instagram.conftest import IG_ID, MEDIA_ID
from tests.connectors.replay import Replay, form_of

APP = OAuthApp(
    client_id="1234567890",
    client_secret="app-secret",
    redirect_uri="https://tandem.example/oauth/callback/instagram",
)


def test_post_metrics_read_current_insight_names(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("media_counts")
    replay.expect("media_insights")

    [metrics] = connector.post_metrics(account, [MEDIA_ID])

    assert (
        replay.requests[1].url.params["metric"]
        == "reach,likes,comments,saved,shares,views"
    )
    assert (metrics.impressions, metrics.reach, metrics.likes) == (1430, 812, 58)
    assert (metrics.comments, metrics.shares, metrics.saves) == (4, 5, 9)
    assert metrics.clicks is None


def test_media_with_too_few_viewers_keeps_its_public_counts(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("media_counts")
    replay.expect("insights_not_enough_viewers")

    [metrics] = connector.post_metrics(account, [MEDIA_ID])

    assert (metrics.likes, metrics.comments) == (57, 4)
    assert metrics.reach is None and metrics.impressions is None


def test_account_metrics(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("account_fields")
    metrics = connector.account_metrics(account)
    assert (metrics.followers, metrics.following, metrics.posts) == (5120, 180, 340)


def test_interactions_are_comments_replies_and_tags_without_our_own(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("user_media_ids")
    replay.expect("media_comments")
    replay.expect("user_tags")

    page = connector.interactions(account)

    assert [(i.kind, i.author_handle, i.text) for i in page.items] == [
        (InteractionKind.COMMENT, "morag.eats", "Perfect"),
        (InteractionKind.COMMENT, "morag.eats", "Open on Sundays?"),
        (InteractionKind.MENTION, "ailsa.r", "Brunch at @crumbbakery"),
    ]
    assert page.items[0].in_reply_to == "17870000000000010"
    assert page.items[1].in_reply_to == MEDIA_ID
    assert page.cursor == "2026-11-28T11:10:00+00:00"

    replay.expect("user_media_ids")
    replay.expect("media_comments")
    replay.expect("user_tags")
    again = connector.interactions(account, cursor=page.cursor)
    assert again.items == [] and again.cursor == page.cursor


def test_a_reply_answers_the_comment(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("reply_created")
    ref = connector.reply(account, "17870000000000010", "Yes, 9 to 2!")
    assert ref.platform_post_id == "17870000000000020"
    assert replay.requests[0].url.path == "/v26.0/17870000000000010/replies"
    assert form_of(replay.requests[0]) == {"message": "Yes, 9 to 2!"}


def test_hashtag_search_finds_the_tag_then_its_recent_media(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("hashtag_search")
    replay.expect("hashtag_recent_media")

    found = connector.search(
        account, "#sourdough", since=datetime(2026, 11, 27, tzinfo=UTC), limit=10
    )

    assert [(p.platform_post_id, p.likes, p.replies) for p in found] == [
        ("17950000000000001", 120, 6)
    ]
    lookup, media = replay.requests
    assert dict(lookup.url.params) == {
        "user_id": IG_ID,
        "q": "sourdough",
        "access_token": "EAAlong0000",
    }
    assert media.url.path == "/v26.0/17843853986012965/recent_media"
    assert media.url.params["user_id"] == IG_ID


def test_search_refuses_anything_but_one_hashtag(
    connector: InstagramConnector, account: AccountRef
) -> None:
    with pytest.raises(PublishError) as raised:
        connector.search(account, "best sourdough")
    assert raised.value.kind is ErrorKind.PERMANENT
    assert "#coffee" in raised.value.message


def test_authorize_url_uses_facebook_login_with_instagram_scopes(
    connector: InstagramConnector,
) -> None:
    url = urlsplit(connector.authorize_url(APP, state="s", code_challenge="c"))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert (url.netloc, url.path) == ("www.facebook.com", "/v26.0/dialog/oauth")
    assert query["client_id"] == "1234567890"
    assert query["redirect_uri"] == APP.redirect_uri
    assert query["state"] == "s"
    assert query["scope"].split(",") == list(SCOPES)
    assert "instagram_content_publish" in SCOPES
    assert "code_challenge" not in query


def test_code_exchange_and_refresh(
    connector: InstagramConnector, replay: Replay
) -> None:
    replay.expect("token_short")
    replay.expect("token_long")
    tokens = connector.exchange_code(APP, code="c0de", code_verifier="v")
    assert tokens.access_token == "EAAlong0000"

    replay.expect("token_invalid")
    with pytest.raises(PublishError) as raised:
        connector.refresh(APP, tokens)
    assert raised.value.kind is ErrorKind.RECONNECT


def test_identities_are_the_instagram_accounts_linked_to_pages(
    connector: InstagramConnector, replay: Replay
) -> None:
    replay.expect("me_accounts_ig")

    [identity] = connector.identities(TokenSet(access_token="EAAlong0000"))

    assert (identity.platform_account_id, identity.handle, identity.followers) == (
        IG_ID,
        "crumbbakery",
        5120,
    )
    assert identity.extra == {"ig_user_id": IG_ID, "page_id": "104857600000001"}
    fields = replay.requests[0].url.params["fields"]
    assert "instagram_business_account{id,username,name,followers_count}" in fields
