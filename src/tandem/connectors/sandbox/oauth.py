"""The Sandbox side of `tandem.publish.ports.OAuthConnector`: the same calls a real platform
connector makes (authorize URL with PKCE S256, code exchange, refresh, identities), against
the Sandbox's /oauth endpoints (authorize.py on the server side).

The Sandbox has no app registry, so `OAuthApp.client_id` is whatever Tandem sends ("tandem"
unless the workspace registered an app); the redirect URI must match between the authorize
request and the code exchange, as on every real platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tandem.connectors.http import ConnectorHTTP
from tandem.publish.ports import ErrorKind, Identity, OAuthApp, PublishError, TokenSet

SCOPE = "read write"


def token_set(payload: Any, *, now: datetime | None = None) -> TokenSet:
    """From a /oauth/token answer; `expires_in` (seconds) becomes an absolute time."""
    if not isinstance(payload, Mapping) or not isinstance(
        payload.get("access_token"), str
    ):
        raise ValueError("the token answer has no access_token")
    seconds = payload.get("expires_in")
    moment = now or datetime.now(UTC)
    return TokenSet(
        access_token=payload["access_token"],
        refresh_token=str(payload.get("refresh_token") or ""),
        expires_at=(
            moment + timedelta(seconds=int(seconds))
            if isinstance(seconds, int)
            else None
        ),
        scope=str(payload.get("scope") or ""),
    )


class SandboxOAuth:
    """Mixed into `SandboxPublisher`, which provides `base_url` and `_http`."""

    base_url: str
    _http: ConnectorHTTP

    def authorize_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        query = {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "scope": SCOPE,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.base_url}/oauth/authorize?{urlencode(query)}"

    def _grant(self, form: dict[str, str]) -> TokenSet:
        response = self._http.request(
            "POST", f"{self.base_url}/oauth/token", data=form, write=False
        )
        try:
            return token_set(response.json())
        except ValueError as exc:
            raise self._http.unreadable(response, exc, write=False) from exc

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet:
        return self._grant(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": app.redirect_uri,
                "client_id": app.client_id,
                "code_verifier": code_verifier,
            }
        )

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        if not tokens.refresh_token:
            raise PublishError(
                "The Sandbox token has no refresh token; connect the account again.",
                kind=ErrorKind.RECONNECT,
            )
        return self._grant(
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens.refresh_token,
                "client_id": app.client_id,
            }
        )

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        response = self._http.request(
            "GET",
            f"{self.base_url}/api/v1/me",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        )
        try:
            body = response.json()
            return [
                Identity(
                    platform_account_id=str(body["id"]),
                    handle=str(body["handle"]),
                    display_name=str(body.get("display_name") or body["handle"]),
                    followers=int(body["followers"])
                    if body.get("followers") is not None
                    else None,
                )
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise self._http.unreadable(response, exc, write=False) from exc
