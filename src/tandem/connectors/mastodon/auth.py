"""Connecting a Mastodon account: app registration on the instance, OAuth 2 with PKCE.

- `register_app`: POST /api/v1/apps creates the OAuth client on the user's instance, so the
  user only types the instance's address (https://docs.joinmastodon.org/methods/apps/).
- GET /oauth/authorize and POST /oauth/token (https://docs.joinmastodon.org/methods/oauth/):
  PKCE S256 is supported from Mastodon 4.3; older instances ignore the challenge and the
  verifier, so Tandem always sends them.
- Mastodon's access tokens do not expire and come without a refresh token; should an
  instance send `refresh_token`/`expires_in`, they are kept and used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from tandem.connectors.http import DEFAULT_TIMEOUT, ConnectorHTTP
from tandem.connectors.mastodon import mapping, rules
from tandem.connectors.mastodon.api import Session, instance_url, malformed, new_http
from tandem.publish.ports import Identity, OAuthApp, TokenSet

CLIENT_NAME = "Tandem"
VERIFY_CREDENTIALS = "/api/v1/accounts/verify_credentials"


def register_app(
    instance: str,
    redirect_uri: str,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> OAuthApp:
    """Register Tandem as an OAuth app on `instance` (what the user typed); ValueError for
    an address that is not an https origin, PublishError for the instance's refusal."""
    base = instance_url(instance)
    http = new_http(timeout=timeout, transport=transport)
    try:
        answer = http.request(
            "POST",
            f"{base}/api/v1/apps",
            write=False,  # an app registered twice is harmless: just register again
            data={
                "client_name": CLIENT_NAME,
                "redirect_uris": redirect_uri,
                "scopes": rules.SCOPE,
            },
        )
        body = _json(answer, write=False)
        return OAuthApp(
            client_id=str(body["client_id"]),
            client_secret=str(body["client_secret"]),
            redirect_uri=redirect_uri,
            base_url=base,
        )
    except (KeyError, TypeError) as exc:
        raise malformed(exc, write=False) from exc
    finally:
        http.close()


def _json(response: httpx.Response, *, write: bool) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise malformed(exc, write=write) from exc


def app_base(app: OAuthApp) -> str:
    if not app.base_url:
        raise ValueError(
            "The Mastodon app registration has no instance URL (base_url); register the "
            "app again with the instance's address."
        )
    return instance_url(app.base_url)


def authorize_url(app: OAuthApp, *, state: str, code_challenge: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "scope": rules.SCOPE,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{app_base(app)}/oauth/authorize?{query}"


def _token(http: ConnectorHTTP, base: str, form: dict[str, str]) -> TokenSet:
    response = http.request("POST", f"{base}/oauth/token", data=form)
    try:
        return mapping.token_set(
            _json(response, write=True), base, now=datetime.now(UTC)
        )
    except (KeyError, TypeError) as exc:
        raise malformed(exc, write=True) from exc


def exchange_code(
    http: ConnectorHTTP, app: OAuthApp, *, code: str, code_verifier: str
) -> TokenSet:
    return _token(
        http,
        app_base(app),
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "redirect_uri": app.redirect_uri,
            "code_verifier": code_verifier,
            "scope": rules.SCOPE,
        },
    )


def refresh(http: ConnectorHTTP, app: OAuthApp, tokens: TokenSet) -> TokenSet:
    """With a refresh token: the refresh_token grant. Without one (the usual Mastodon
    token, which never expires): check the token still works and return it unchanged, so
    a revoked token surfaces as RECONNECT here rather than on the next post."""
    base = instance_url(tokens.extra.get("base_url") or app_base(app))
    if not tokens.refresh_token:
        Session(http, base, tokens.access_token).json("GET", VERIFY_CREDENTIALS)
        return tokens
    fresh = _token(
        http,
        base,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "scope": tokens.scope or rules.SCOPE,
        },
    )
    if fresh.refresh_token:
        return fresh
    # Not rotated: the old refresh token stays valid.
    return TokenSet(
        fresh.access_token,
        tokens.refresh_token,
        fresh.expires_at,
        fresh.scope,
        {**tokens.extra, **fresh.extra},
    )


def identities(http: ConnectorHTTP, tokens: TokenSet) -> Sequence[Identity]:
    base = instance_url(tokens.extra.get("base_url") or rules.DEFAULT_INSTANCE)
    account = Session(http, base, tokens.access_token).json("GET", VERIFY_CREDENTIALS)
    try:
        return [mapping.identity(account, base)]
    except (KeyError, TypeError) as exc:
        raise malformed(exc, write=False) from exc
