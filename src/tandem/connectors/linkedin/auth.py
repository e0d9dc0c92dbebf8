"""LinkedIn OAuth 2.0 (3-legged authorization code; no PKCE for confidential web apps).

Access tokens last 60 days. Refresh tokens exist only for apps LinkedIn has approved for
programmatic refresh (Marketing/Community Management partners); without one, the user
reconnects before the 60 days run out.
https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tandem.connectors.http import ConnectorHTTP
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet

OAUTH_BASE = "https://www.linkedin.com/oauth/v2"
MEMBER_SCOPES = ("openid", "profile", "w_member_social")
# Community Management API (approval required): post, read and administer Company Pages.
PAGE_SCOPES = (
    "r_organization_social",
    "w_organization_social",
    "rw_organization_admin",
)


def authorize_url(
    app: OAuthApp, *, state: str, scopes: Sequence[str], base: str = OAUTH_BASE
) -> str:
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "state": state,
        "scope": " ".join(scopes),
    }
    return f"{base}/authorization?{urlencode(query)}"


def token_set(payload: Mapping[str, Any], now: datetime) -> TokenSet:
    expires_in = payload.get("expires_in")
    return TokenSet(
        access_token=str(payload["access_token"]),
        refresh_token=str(payload.get("refresh_token") or ""),
        expires_at=now + timedelta(seconds=int(expires_in))
        if expires_in is not None
        else None,
        scope=str(payload.get("scope") or ""),
    )


def _token_request(http: ConnectorHTTP, url: str, form: dict[str, str]) -> Any:
    # write=False: a lost answer creates nothing visible, so asking again is right.
    response = http.request("POST", url, data=form, write=False)
    try:
        payload = response.json()
        if not isinstance(payload, dict) or "access_token" not in payload:
            raise ValueError("no access_token in the answer")
    except ValueError as exc:
        raise http.unreadable(response, exc, write=False) from exc
    return payload


def exchange_code(
    http: ConnectorHTTP, base: str, app: OAuthApp, *, code: str, now: datetime
) -> TokenSet:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": app.redirect_uri,
    }
    return token_set(_token_request(http, f"{base}/accessToken", form), now)


def refresh(
    http: ConnectorHTTP, base: str, app: OAuthApp, tokens: TokenSet, *, now: datetime
) -> TokenSet:
    if not tokens.refresh_token:
        raise PublishError(
            "LinkedIn gives refresh tokens only to apps it approved for them, so this "
            "connection cannot be renewed automatically: reconnect the account (tokens "
            "last 60 days).",
            kind=ErrorKind.RECONNECT,
        )
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens.refresh_token,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }
    try:
        payload = _token_request(http, f"{base}/accessToken", form)
    except PublishError as exc:
        if exc.status in (400, 401):
            raise PublishError(
                f"LinkedIn refused to refresh the access token: {exc.message} "
                "Reconnect the account.",
                kind=ErrorKind.RECONNECT,
                status=exc.status,
            ) from exc
        raise
    fresh = token_set(payload, now)
    return TokenSet(
        access_token=fresh.access_token,
        refresh_token=fresh.refresh_token or tokens.refresh_token,
        expires_at=fresh.expires_at,
        scope=fresh.scope or tokens.scope,
        extra=dict(tokens.extra),
    )


def granted(tokens: TokenSet) -> set[str]:
    """The scopes a token carries (LinkedIn separates them with commas)."""
    return {s for s in tokens.scope.replace(",", " ").split() if s}
