"""Facebook Login for Facebook Pages and Instagram: the authorisation dialog, the code ->
short-lived user token -> long-lived user token exchange, and its re-exchange.

Facebook Login for a confidential (server-side) app uses the client secret, not PKCE, so the
PKCE challenge and verifier are ignored (the OAuthConnector contract allows that).
https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tandem.connectors.meta.graph import GRAPH_VERSION, GraphClient
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet

DIALOG_ROOT = "https://www.facebook.com"


def dialog_url(
    app: OAuthApp, *, state: str, scopes: Sequence[str], version: str = GRAPH_VERSION
) -> str:
    query = {
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "state": state,
        "response_type": "code",
        "scope": ",".join(scopes),
    }
    return f"{DIALOG_ROOT}/{version}/dialog/oauth?{urlencode(query)}"


def _token_set(body: dict[str, Any], *, scope: str = "") -> TokenSet:
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise PublishError(
            "Facebook answered the token request without an access token; connect again.",
            kind=ErrorKind.RECONNECT,
        )
    expires_in = body.get("expires_in")
    expires_at = (
        datetime.now(UTC) + timedelta(seconds=expires_in)
        if isinstance(expires_in, int) and expires_in > 0
        else None
    )
    return TokenSet(access_token=token, expires_at=expires_at, scope=scope)


def exchange_code(graph: GraphClient, app: OAuthApp, code: str) -> TokenSet:
    """The code for a short-lived user token, then that for a long-lived (~60 day) one."""
    short = graph.call(
        "GET",
        "oauth/access_token",
        "",
        params={
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "redirect_uri": app.redirect_uri,
            "code": code,
        },
    )
    return long_lived(graph, app, _token_set(short).access_token)


def long_lived(graph: GraphClient, app: OAuthApp, token: str) -> TokenSet:
    body = graph.call(
        "GET",
        "oauth/access_token",
        "",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "fb_exchange_token": token,
        },
    )
    return _token_set(body)


def refresh(graph: GraphClient, app: OAuthApp, tokens: TokenSet) -> TokenSet:
    """Facebook has no refresh token: a still-valid long-lived user token is exchanged again.
    A dead one (Graph error 190) means the user must log in again -> RECONNECT."""
    try:
        fresh = long_lived(graph, app, tokens.access_token)
    except PublishError as exc:
        if exc.kind is ErrorKind.PERMANENT:
            raise PublishError(
                exc.message, kind=ErrorKind.RECONNECT, status=exc.status
            ) from exc
        raise
    return TokenSet(
        access_token=fresh.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=fresh.expires_at,
        scope=tokens.scope,
        extra=dict(tokens.extra),
    )
