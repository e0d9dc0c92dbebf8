"""Threads OAuth: authorisation at threads.net, code -> short-lived token (1 h) -> long-lived
token (60 days) with `th_exchange_token`, refreshed with `th_refresh_token` while still valid
and at least 24 h old. Threads does not use PKCE; the client secret authenticates the app.
https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tandem.connectors.meta.graph import GraphClient
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet

AUTHORIZE_URL = "https://threads.net/oauth/authorize"
SCOPES = (
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
    "threads_manage_insights",
    "threads_manage_mentions",
    "threads_keyword_search",
    "threads_delete",
)


def authorize_url(app: OAuthApp, *, state: str) -> str:
    query = {
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": ",".join(SCOPES),
        "response_type": "code",
        "state": state,
    }
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


def _token(body: dict[str, Any]) -> tuple[str, datetime | None]:
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise PublishError(
            "Threads answered the token request without an access token; connect again.",
            kind=ErrorKind.RECONNECT,
        )
    expires_in = body.get("expires_in")
    expires_at = (
        datetime.now(UTC) + timedelta(seconds=expires_in)
        if isinstance(expires_in, int) and expires_in > 0
        else None
    )
    return token, expires_at


def exchange_code(graph: GraphClient, app: OAuthApp, code: str) -> TokenSet:
    short = graph.call(
        "POST",
        "oauth/access_token",
        "",
        data={
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "grant_type": "authorization_code",
            "redirect_uri": app.redirect_uri,
            "code": code,
        },
        versioned=False,
        write=False,
    )
    short_token, _ = _token(short)
    user_id = str(short.get("user_id") or "")
    body = graph.call(
        "GET",
        "access_token",
        short_token,
        params={"grant_type": "th_exchange_token", "client_secret": app.client_secret},
        versioned=False,
    )
    token, expires_at = _token(body)
    extra = {"user_id": user_id} if user_id else {}
    return TokenSet(access_token=token, expires_at=expires_at, extra=extra)


def refresh(graph: GraphClient, tokens: TokenSet) -> TokenSet:
    """A new 60-day token; an expired or revoked one (Graph error 190) -> RECONNECT."""
    try:
        body = graph.call(
            "GET",
            "refresh_access_token",
            tokens.access_token,
            params={"grant_type": "th_refresh_token"},
            versioned=False,
        )
    except PublishError as exc:
        if exc.kind is ErrorKind.PERMANENT:
            raise PublishError(
                exc.message, kind=ErrorKind.RECONNECT, status=exc.status
            ) from exc
        raise
    token, expires_at = _token(body)
    return TokenSet(
        access_token=token,
        refresh_token=tokens.refresh_token,
        expires_at=expires_at,
        scope=tokens.scope,
        extra=dict(tokens.extra),
    )
