"""Connecting LinkedIn: authorize URL, code exchange, refresh rules, member and Pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.connectors.linkedin import LinkedInConnector
from tandem.connectors.linkedin.auth import MEMBER_SCOPES, PAGE_SCOPES
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet
from tests.connectors.linkedin.conftest import NOW, PAGE, PERSON
from tests.connectors.replay import Replay, form_of

APP = OAuthApp("86abc", "s3cret", "https://tandem.example.com/oauth/callback/linkedin")


def test_the_authorize_url_asks_for_member_scopes_without_pkce(
    linkedin: LinkedInConnector,
) -> None:
    url = urlsplit(linkedin.authorize_url(APP, state="st4te", code_challenge="ignored"))

    assert (url.netloc, url.path) == ("www.linkedin.com", "/oauth/v2/authorization")
    assert {k: v[0] for k, v in parse_qs(url.query).items()} == {
        "response_type": "code",
        "client_id": "86abc",
        "redirect_uri": "https://tandem.example.com/oauth/callback/linkedin",
        "state": "st4te",
        "scope": "openid profile w_member_social",
    }


def test_page_scopes_are_asked_for_when_configured(replay: Replay) -> None:
    connector = LinkedInConnector(
        transport=replay.transport, scopes=MEMBER_SCOPES + PAGE_SCOPES
    )

    url = connector.authorize_url(APP, state="s", code_challenge="c")

    scope = parse_qs(urlsplit(url).query)["scope"][0].split()
    assert "rw_organization_admin" in scope and "w_organization_social" in scope


def test_a_code_is_exchanged_with_the_client_secret(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    replay.expect("oauth_token")

    tokens = linkedin.exchange_code(APP, code="c0de", code_verifier="unused")

    (sent,) = replay.requests
    assert (sent.url.host, sent.url.path) == (
        "www.linkedin.com",
        "/oauth/v2/accessToken",
    )
    assert form_of(sent) == {
        "grant_type": "authorization_code",
        "code": "c0de",
        "client_id": "86abc",
        "client_secret": "s3cret",
        "redirect_uri": "https://tandem.example.com/oauth/callback/linkedin",
    }
    assert tokens.access_token == "AQUvlL_DYEzvT2wz1QJiEPeLioeA"
    assert tokens.expires_at == NOW + timedelta(days=60)
    assert tokens.refresh_token == ""


def test_a_failed_exchange_is_permanent_with_linkedins_words(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    replay.expect("oauth_invalid")

    with pytest.raises(PublishError) as caught:
        linkedin.exchange_code(APP, code="old", code_verifier="")

    assert caught.value.kind is ErrorKind.PERMANENT
    assert "invalid, expired or revoked" in caught.value.message


def test_without_a_refresh_token_refresh_asks_to_reconnect(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    with pytest.raises(PublishError) as caught:
        linkedin.refresh(APP, TokenSet("AQU"))

    assert caught.value.kind is ErrorKind.RECONNECT
    assert "60 days" in caught.value.message
    assert replay.requests == []


def test_an_approved_app_refreshes_and_keeps_the_extras(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    replay.expect("oauth_refreshed")

    fresh = linkedin.refresh(
        APP, TokenSet("old", "AQW-old", extra={"author_urn": PAGE})
    )

    assert form_of(replay.requests[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "AQW-old",
        "client_id": "86abc",
        "client_secret": "s3cret",
    }
    assert (fresh.access_token, fresh.refresh_token) == (
        "AQXNnd2kXITHELmWblJigsOb",
        "AQWAft_WjYZKwuWXLC5hQlghgTam",
    )
    assert fresh.extra == {"author_urn": PAGE}


def test_a_refused_refresh_needs_reconnecting(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    replay.expect("oauth_invalid")

    with pytest.raises(PublishError) as caught:
        linkedin.refresh(APP, TokenSet("old", "AQW-old"))

    assert caught.value.kind is ErrorKind.RECONNECT


def test_identities_are_the_member_alone_without_page_scopes(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    replay.expect("userinfo")

    (me,) = linkedin.identities(TokenSet("tok", scope="openid,profile,w_member_social"))

    assert replay.requests[0].headers["authorization"] == "Bearer tok"
    assert (me.platform_account_id, me.display_name) == (PERSON, "Ada Lovelace")
    assert me.extra == {"author_urn": PERSON, "person_urn": PERSON}


def test_identities_include_each_page_the_member_administers(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    replay.expect("userinfo")
    replay.expect("organization_acls")
    replay.expect("organization", path="/rest/organizations/5515715")

    me, page = linkedin.identities(
        TokenSet("tok", scope="openid,profile,w_member_social,rw_organization_admin")
    )

    acls = replay.requests[1]
    assert (
        acls.url.params["q"],
        acls.url.params["role"],
        acls.url.params["state"],
    ) == (
        "roleAssignee",
        "ADMINISTRATOR",
        "APPROVED",
    )
    assert acls.headers["linkedin-version"] == "202603"
    assert (page.platform_account_id, page.handle, page.display_name) == (
        PAGE,
        "tandem-demo-co",
        "Tandem Demo Co",
    )
    assert page.extra == {"author_urn": PAGE, "person_urn": PERSON}
    assert me.platform_account_id == PERSON


def test_the_registry_builds_a_linkedin_connector_from_options() -> None:
    from tandem.connectors.registry import publisher_for

    connector = publisher_for(
        "linkedin", {"base_url": "http://127.0.0.1:8780", "timeout": "3"}
    )

    assert isinstance(connector, LinkedInConnector)
    assert (
        connector.api == "https://api.linkedin.com"
    )  # the Sandbox's base_url is not ours
