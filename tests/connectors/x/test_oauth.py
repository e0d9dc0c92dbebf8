"""Connecting an X account: OAuth 2.0 with PKCE, token exchange, rotation, identities."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.connectors.x import XConnector
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet
from tests.connectors.replay import Replay, form_of
from tests.connectors.x.conftest import NOW

APP = OAuthApp(
    client_id="cl1ent",
    client_secret="s3cret",
    redirect_uri="https://tandem.example.com/oauth/callback/x",
)


def test_the_authorize_url_asks_for_tandems_scopes_with_pkce(x: XConnector) -> None:
    url = urlsplit(x.authorize_url(APP, state="st4te", code_challenge="ch4llenge"))

    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "x.com",
        "/i/oauth2/authorize",
    )
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": "cl1ent",
        "redirect_uri": "https://tandem.example.com/oauth/callback/x",
        "scope": "tweet.read tweet.write users.read offline.access media.write",
        "state": "st4te",
        "code_challenge": "ch4llenge",
        "code_challenge_method": "S256",
    }


def test_a_code_is_exchanged_with_basic_auth_and_the_verifier(
    x: XConnector, replay: Replay
) -> None:
    replay.expect("oauth_token")

    tokens = x.exchange_code(APP, code="c0de", code_verifier="v3rifier")

    (sent,) = replay.requests
    assert (sent.method, sent.url.host, sent.url.path) == (
        "POST",
        "api.x.com",
        "/2/oauth2/token",
    )
    expected = base64.b64encode(b"cl1ent:s3cret").decode()
    assert sent.headers["authorization"] == f"Basic {expected}"
    assert form_of(sent) == {
        "grant_type": "authorization_code",
        "code": "c0de",
        "redirect_uri": "https://tandem.example.com/oauth/callback/x",
        "code_verifier": "v3rifier",
    }
    assert tokens.access_token.startswith("VGNibzFW")
    assert tokens.refresh_token.startswith("bWRWa3gz")
    assert tokens.expires_at == NOW + timedelta(hours=2)
    assert "media.write" in tokens.scope


def test_a_public_client_sends_its_id_in_the_form(
    x: XConnector, replay: Replay
) -> None:
    replay.expect("oauth_token")
    public = OAuthApp("cl1ent", "", APP.redirect_uri)

    x.exchange_code(public, code="c0de", code_verifier="v3rifier")

    (sent,) = replay.requests
    assert "authorization" not in sent.headers
    assert form_of(sent)["client_id"] == "cl1ent"


def test_refresh_rotates_the_refresh_token_and_keeps_the_account_extras(
    x: XConnector, replay: Replay
) -> None:
    replay.expect("oauth_refreshed")
    old = TokenSet("old", "refresh-1", extra={"user_id": "2244994945"})

    fresh = x.refresh(APP, old)

    assert form_of(replay.requests[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "refresh-1",
    }
    assert (fresh.access_token, fresh.refresh_token) == (
        "QmV0dGVyIHRva2VuIG51bWJlciB0d28",
        "Um90YXRlZCByZWZyZXNoIHRva2Vu",
    )
    assert fresh.extra == {"user_id": "2244994945"}
    assert fresh.expires_at == NOW + timedelta(seconds=7200)


def test_a_refused_refresh_needs_reconnecting(x: XConnector, replay: Replay) -> None:
    replay.expect("oauth_invalid")

    with pytest.raises(PublishError) as caught:
        x.refresh(APP, TokenSet("old", "refresh-1"))

    assert caught.value.kind is ErrorKind.RECONNECT
    assert "Value passed for the token was invalid." in caught.value.message


def test_without_a_refresh_token_refresh_needs_reconnecting(
    x: XConnector, replay: Replay
) -> None:
    with pytest.raises(PublishError) as caught:
        x.refresh(APP, TokenSet("old"))

    assert caught.value.kind is ErrorKind.RECONNECT
    assert replay.requests == []


def test_identities_name_the_user_and_keep_its_id_for_later_calls(
    x: XConnector, replay: Replay
) -> None:
    replay.expect("users_me")

    (me,) = x.identities(TokenSet("new-token"))

    assert replay.requests[0].headers["authorization"] == "Bearer new-token"
    assert (me.platform_account_id, me.handle, me.display_name, me.followers) == (
        "2244994945",
        "brandco",
        "Brand Co",
        5120,
    )
    assert me.extra == {"user_id": "2244994945", "username": "brandco"}


def test_the_registry_builds_an_x_connector_from_options() -> None:
    from tandem.connectors.registry import publisher_for

    connector = publisher_for(
        "x", {"api_url": "https://x.test", "base_url": "http://127.0.0.1:8780"}
    )

    assert isinstance(connector, XConnector) and connector.api == "https://x.test"
    assert publisher_for("x", {}).api == "https://api.x.com"  # type: ignore[attr-defined]
