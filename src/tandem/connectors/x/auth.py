"""OAuth 2.0 Authorization Code with PKCE (S256) for X, as the user's own app.

X requires PKCE for every client. A confidential client (one with a client secret) sends
its id and secret with HTTP Basic auth to the token endpoint; a public client sends
`client_id` in the form. Access tokens last two hours; refresh tokens (scope
`offline.access`) rotate: each refresh returns a new one and retires the old.
https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from tandem.connectors.http import ConnectorHTTP
from tandem.connectors.x import mapping
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet

AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_PATH = "/2/oauth2/token"
SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")


def authorize_url(
    app: OAuthApp, *, state: str, code_challenge: str, base: str = AUTHORIZE_URL
) -> str:
    if not code_challenge:
        raise ValueError("X requires PKCE: pass the S256 code_challenge.")
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": " ".join(SCOPES),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}?{urlencode(query)}"


def _token_request(
    http: ConnectorHTTP, url: str, app: OAuthApp, form: dict[str, str]
) -> Any:
    auth: tuple[str, str] | None = None
    if app.client_secret:
        auth = (app.client_id, app.client_secret)
    else:
        form = {**form, "client_id": app.client_id}
    # write=False: a lost answer creates no post, so asking again is the right next step.
    response = http.request("POST", url, data=form, auth=auth, write=False)
    try:
        payload = response.json()
        if not isinstance(payload, dict) or "access_token" not in payload:
            raise ValueError("no access_token in the answer")
    except ValueError as exc:
        raise http.unreadable(response, exc, write=False) from exc
    return payload


def exchange_code(
    http: ConnectorHTTP,
    url: str,
    app: OAuthApp,
    *,
    code: str,
    code_verifier: str,
    now: datetime,
) -> TokenSet:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uri,
        "code_verifier": code_verifier,
    }
    return mapping.token_set(_token_request(http, url, app, form), now)


def refresh(
    http: ConnectorHTTP, url: str, app: OAuthApp, tokens: TokenSet, *, now: datetime
) -> TokenSet:
    """A fresh token set (with the rotated refresh token and the old `extra` kept)."""
    if not tokens.refresh_token:
        raise PublishError(
            "X gave Tandem no refresh token (the offline.access scope was not granted); "
            "reconnect the account.",
            kind=ErrorKind.RECONNECT,
        )
    form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
    try:
        payload = _token_request(http, url, app, form)
    except PublishError as exc:
        if exc.status in (400, 401):
            raise PublishError(
                f"X refused to refresh the access token: {exc.message} Reconnect the "
                "account.",
                kind=ErrorKind.RECONNECT,
                status=exc.status,
            ) from exc
        raise
    fresh = mapping.token_set(payload, now)
    return TokenSet(
        access_token=fresh.access_token,
        refresh_token=fresh.refresh_token or tokens.refresh_token,
        expires_at=fresh.expires_at,
        scope=fresh.scope or tokens.scope,
        extra=dict(tokens.extra),
    )
