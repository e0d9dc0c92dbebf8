"""Connecting a Mastodon account: app registration, authorize URL, code exchange, refresh
and identities, against recorded answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.connectors.mastodon import MastodonConnector, register_app
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet
from tests.connectors.mastodon.conftest import INSTANCE, OWN_ID
from tests.connectors.replay import Replay, form_of

REDIRECT = "https://tandem.example/oauth/callback/mastodon"
SCOPE = "read:accounts read:notifications read:search read:statuses write:media write:statuses"
APP = OAuthApp("client-1", "secret-1", REDIRECT, INSTANCE)


def test_register_app_creates_the_oauth_client_from_what_the_user_typed(
    replay: Replay,
) -> None:
    replay.expect("app_registered")

    app = register_app("mastodon.example/", REDIRECT, transport=replay.transport)

    assert app == OAuthApp(
        client_id="TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM",
        client_secret="ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw",
        redirect_uri=REDIRECT,
        base_url=INSTANCE,
    )
    [sent] = replay.requests
    assert str(sent.url) == f"{INSTANCE}/api/v1/apps"
    assert form_of(sent) == {
        "client_name": "Tandem",
        "redirect_uris": REDIRECT,
        "scopes": SCOPE,
    }


def test_register_app_refuses_non_https_addresses_and_reports_the_instances_refusal(
    replay: Replay,
) -> None:
    for typed in ("http://mastodon.example", "https://mastodon.example/@me"):
        with pytest.raises(ValueError, match="Mastodon instance URL"):
            register_app(typed, REDIRECT, transport=replay.transport)
    replay.expect("app_invalid_redirect")
    with pytest.raises(PublishError) as caught:
        register_app(INSTANCE, "not a uri", transport=replay.transport)
    assert caught.value.kind is ErrorKind.PERMANENT
    assert (
        caught.value.message
        == "Validation failed: Redirect URI must be an absolute URI."
    )


def test_the_authorize_url_asks_for_the_scopes_with_pkce(
    connector: MastodonConnector,
) -> None:
    url = connector.authorize_url(APP, state="st-1", code_challenge="chal-1")

    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{INSTANCE}/oauth/authorize"
    )
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": "client-1",
        "redirect_uri": REDIRECT,
        "scope": SCOPE,
        "state": "st-1",
        "code_challenge": "chal-1",
        "code_challenge_method": "S256",
    }


def test_exchanging_the_code_sends_the_verifier_and_keeps_the_instance(
    connector: MastodonConnector, replay: Replay
) -> None:
    replay.expect("token_issued")

    tokens = connector.exchange_code(APP, code="code-1", code_verifier="verifier-1")

    assert tokens.access_token == "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
    assert tokens.refresh_token == "" and tokens.expires_at is None  # never expires
    assert tokens.scope == SCOPE
    assert tokens.as_credentials()["base_url"] == INSTANCE
    [sent] = replay.requests
    assert str(sent.url) == f"{INSTANCE}/oauth/token"
    assert form_of(sent) == {
        "grant_type": "authorization_code",
        "code": "code-1",
        "client_id": "client-1",
        "client_secret": "secret-1",
        "redirect_uri": REDIRECT,
        "code_verifier": "verifier-1",
        "scope": SCOPE,
    }


def test_a_refused_code_needs_a_new_connection(
    connector: MastodonConnector, replay: Replay
) -> None:
    replay.expect("token_invalid_grant")

    with pytest.raises(PublishError) as caught:
        connector.exchange_code(APP, code="used", code_verifier="v")

    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message.startswith(
        "The provided authorization grant is invalid"
    )


def test_refresh_uses_the_refresh_token_when_the_instance_issued_one(
    connector: MastodonConnector, replay: Replay
) -> None:
    replay.expect("token_refreshed")
    old = TokenSet("old", "refresh-1", None, SCOPE, {"base_url": INSTANCE})

    fresh = connector.refresh(APP, old)

    assert (fresh.access_token, fresh.refresh_token) == (
        "new-access-token-2",
        "new-refresh-token-2",
    )
    assert fresh.expires_at is not None
    expected = datetime.now(UTC) + timedelta(seconds=604800)
    assert abs((fresh.expires_at - expected).total_seconds()) < 60
    assert form_of(replay.requests[0])["grant_type"] == "refresh_token"
    assert form_of(replay.requests[0])["refresh_token"] == "refresh-1"


def test_a_failed_refresh_needs_a_reconnect(
    connector: MastodonConnector, replay: Replay
) -> None:
    replay.expect("token_invalid_grant")

    with pytest.raises(PublishError) as caught:
        connector.refresh(
            APP, TokenSet("old", "refresh-1", extra={"base_url": INSTANCE})
        )

    assert caught.value.kind is ErrorKind.RECONNECT


def test_a_token_without_refresh_is_checked_and_kept_or_reported_revoked(
    connector: MastodonConnector, replay: Replay
) -> None:
    tokens = TokenSet("lasting", extra={"base_url": INSTANCE})
    replay.expect("verify_credentials")
    assert connector.refresh(APP, tokens) == tokens
    assert replay.requests[0].headers["Authorization"] == "Bearer lasting"

    replay.expect("verify_credentials_revoked")
    with pytest.raises(PublishError) as caught:
        connector.refresh(APP, tokens)
    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "The access token is invalid"


def test_identities_name_the_account_with_its_instance(
    connector: MastodonConnector, replay: Replay
) -> None:
    replay.expect("verify_credentials")

    [me] = connector.identities(TokenSet("tok", extra={"base_url": INSTANCE}))

    assert me.platform_account_id == OWN_ID
    assert me.handle == "tandem@mastodon.example"
    assert me.display_name == "Tandem Coffee"
    assert me.followers == 1520
    assert me.extra == {"account_id": OWN_ID, "base_url": INSTANCE}
    assert replay.requests[0].headers["Authorization"] == "Bearer tok"
