"""Facebook Pages: metrics, comments and mentions, replies, and Facebook Login."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.connectors.facebook import SCOPES, FacebookConnector
from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OAuthApp,
    PublishError,
    TokenSet,
)
from tests.connectors.facebook.conftest import PAGE_ID, PAGE_TOKEN, POST_ID
from tests.connectors.replay import Replay, form_of

APP = OAuthApp(
    client_id="1234567890",
    client_secret="app-secret",
    redirect_uri="https://tandem.example/oauth/callback/facebook",
)


def test_post_metrics_combine_engagement_counts_and_insights(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("post_engagement", path=f"/v26.0/{POST_ID}")
    replay.expect("post_insights", path=f"/v26.0/{POST_ID}/insights")

    [metrics] = connector.post_metrics(account, [POST_ID])

    assert (metrics.likes, metrics.comments, metrics.shares) == (42, 7, 3)
    assert (metrics.impressions, metrics.reach, metrics.clicks) == (1500, 1100, 64)
    assert metrics.saves is None  # Facebook does not report saves
    asked = replay.requests[1].url.params["metric"]
    assert asked == "post_media_view,post_total_media_view_unique,post_clicks"


def test_refused_insights_leave_those_metrics_unknown(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("post_engagement", path=f"/v26.0/{POST_ID}")
    replay.expect("insights_invalid_metric", path=f"/v26.0/{POST_ID}/insights")

    [metrics] = connector.post_metrics(account, [POST_ID])

    assert metrics.likes == 42
    assert metrics.impressions is None and metrics.reach is None


def test_account_metrics_read_the_page_followers(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("page_followers", path=f"/v26.0/{PAGE_ID}")
    assert connector.account_metrics(account).followers == 2048
    assert replay.requests[0].url.params["fields"] == "followers_count,fan_count"


def test_interactions_bring_comments_and_mentions_newest_first(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("page_post_ids", path=f"/v26.0/{PAGE_ID}/posts")
    replay.expect("post_comments", path=f"/v26.0/{POST_ID}/comments")
    replay.expect("page_tagged", path=f"/v26.0/{PAGE_ID}/tagged")

    page = connector.interactions(account)

    assert [(i.kind, i.text) for i in page.items] == [
        (InteractionKind.COMMENT, "Great, thanks"),
        (InteractionKind.COMMENT, "Do you deliver to Leith?"),
        (InteractionKind.MENTION, "Best croissant in town at @Crumb Bakery"),
    ]  # the Page's own answer is not inbox material
    reply = page.items[0]
    assert reply.author_name == "Morag Innes"
    assert reply.in_reply_to == "122100000000000001_1300000000000010"
    assert reply.post_platform_id == POST_ID
    assert page.cursor == "2026-11-28T11:10:00+00:00"


def test_the_cursor_asks_only_for_newer_items(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("page_post_ids", path=f"/v26.0/{PAGE_ID}/posts")
    replay.expect("post_comments", path=f"/v26.0/{POST_ID}/comments")
    replay.expect("page_tagged", path=f"/v26.0/{PAGE_ID}/tagged")

    page = connector.interactions(account, cursor="2026-11-28T11:00:00+00:00")

    assert [i.text for i in page.items] == ["Great, thanks"]
    since = str(int(datetime(2026, 11, 28, 11, tzinfo=UTC).timestamp()))
    assert replay.requests[1].url.params["since"] == since
    assert replay.requests[2].url.params["since"] == since
    assert page.cursor == "2026-11-28T11:10:00+00:00"


def test_a_reply_is_a_comment_on_the_comment(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    target = "122100000000000001_1300000000000010"
    replay.expect("comment_created", path=f"/v26.0/{target}/comments")

    ref = connector.reply(account, target, "Yes, on Tuesdays.")

    assert ref.platform_post_id == "122100000000000001_1300000000000001"
    assert form_of(replay.requests[0]) == {"message": "Yes, on Tuesdays."}
    assert replay.requests[0].url.params["access_token"] == PAGE_TOKEN


def test_the_authorize_url_asks_for_the_page_scopes_without_pkce(
    connector: FacebookConnector,
) -> None:
    url = urlsplit(connector.authorize_url(APP, state="st4te", code_challenge="ch"))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}

    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "www.facebook.com",
        "/v26.0/dialog/oauth",
    )
    assert query == {
        "client_id": "1234567890",
        "redirect_uri": "https://tandem.example/oauth/callback/facebook",
        "state": "st4te",
        "response_type": "code",
        "scope": ",".join(SCOPES),
    }
    assert "pages_manage_posts" in SCOPES and "pages_read_user_content" in SCOPES


def test_the_code_becomes_a_long_lived_user_token(
    connector: FacebookConnector, replay: Replay
) -> None:
    replay.expect("token_short")
    replay.expect("token_long")

    tokens = connector.exchange_code(APP, code="c0de", code_verifier="ignored")

    assert tokens.access_token == "EAAlong0000"
    assert tokens.expires_at is not None
    days = (tokens.expires_at - datetime.now(UTC)).days
    assert 58 <= days <= 60
    short, long = (r.url.params for r in replay.requests)
    assert dict(short) == {
        "client_id": "1234567890",
        "client_secret": "app-secret",
        "redirect_uri": "https://tandem.example/oauth/callback/facebook",
        "code": "c0de",
    }
    assert dict(long) == {
        "grant_type": "fb_exchange_token",
        "client_id": "1234567890",
        "client_secret": "app-secret",
        "fb_exchange_token": "EAAshort0000",
    }


def test_refresh_exchanges_the_user_token_again(
    connector: FacebookConnector, replay: Replay
) -> None:
    replay.expect("token_long")
    old = TokenSet(access_token="EAAold", extra={"page_id": PAGE_ID})

    fresh = connector.refresh(APP, old)

    assert fresh.access_token == "EAAlong0000"
    assert fresh.extra == {"page_id": PAGE_ID}
    assert replay.requests[0].url.params["fb_exchange_token"] == "EAAold"


def test_a_refresh_of_a_dead_token_means_reconnect(
    connector: FacebookConnector, replay: Replay
) -> None:
    replay.expect("token_invalid")
    with pytest.raises(PublishError) as raised:
        connector.refresh(APP, TokenSet(access_token="EAAdead"))
    assert raised.value.kind is ErrorKind.RECONNECT
    assert "has not authorized application" in raised.value.message


def test_identities_are_the_pages_each_with_its_own_token(
    connector: FacebookConnector, replay: Replay
) -> None:
    replay.expect("me_accounts")

    pages = connector.identities(TokenSet(access_token="EAAlong0000"))

    assert [
        (p.platform_account_id, p.handle, p.display_name, p.followers) for p in pages
    ] == [
        (PAGE_ID, "crumbbakery", "Crumb Bakery", 2048),
        ("104857600000002", "104857600000002", "Crumb Cafe", 310),
    ]
    assert pages[0].extra == {"page_id": PAGE_ID, "page_access_token": "EAApage0001"}
    assert pages[1].extra["page_access_token"] == "EAApage0002"
    sent = replay.requests[0]
    assert sent.url.path == "/v26.0/me/accounts"
    assert sent.url.params["access_token"] == "EAAlong0000"
