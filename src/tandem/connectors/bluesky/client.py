"""XRPC over httpx: every Bluesky call goes through `Xrpc.call`, which maps failures to
`PublishError` with Bluesky's own message.

XRPC errors are JSON `{"error": "<Name>", "message": "<human text>"}`
(https://atproto.com/specs/xrpc#error-responses). Beyond the shared mapping in
`tandem.connectors.http`:
- `ExpiredToken` / `InvalidToken` (HTTP 400 or 401) -> RECONNECT: the access JWT is no longer
  accepted; whoever holds the stored refresh JWT refreshes (`refresh`) and tries again, and
  only if that fails too must the user reconnect;
- 429 -> RETRY after `Retry-After`, else after the `ratelimit-reset` header (epoch seconds,
  https://docs.bsky.app/docs/advanced-guides/rate-limits);
- `InvalidRequest` and other 4xx validation errors -> PERMANENT with the server's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tandem.connectors.http import (
    ConnectorHTTP,
    json_body,
    reset_after,
    retry_after,
)
from tandem.publish.ports import AccountRef, ErrorKind, PublishError

PLATFORM = "Bluesky"
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})


def message_of(response: httpx.Response) -> str | None:
    """Bluesky's own words: `message`, else the bare error name."""
    body = json_body(response)
    if not isinstance(body, dict):
        return None
    message, name = body.get("message"), body.get("error")
    if isinstance(message, str) and message:
        return message
    return name if isinstance(name, str) and name else None


def error_name(response: httpx.Response) -> str:
    body = json_body(response)
    name = body.get("error") if isinstance(body, dict) else None
    return name if isinstance(name, str) else ""


def classify(response: httpx.Response, message: str) -> PublishError | None:
    status = response.status_code
    if status in (400, 401) and error_name(response) in TOKEN_ERRORS:
        return PublishError(message, kind=ErrorKind.RECONNECT, status=status)
    if status == 429:
        wait = retry_after(response.headers.get("retry-after"))
        if wait is None:
            wait = reset_after(response.headers.get("ratelimit-reset"))
        return PublishError(
            message, kind=ErrorKind.RETRY, retry_after=wait, status=status
        )
    return None


@dataclass(frozen=True)
class Session:
    """Who a call acts as, read from `AccountRef.credentials`."""

    did: str
    handle: str
    pds_url: str
    access_token: str

    @classmethod
    def of(cls, account: AccountRef, default_pds: str) -> Session:
        creds = account.credentials
        did, token = creds.get("did", ""), creds.get("access_token", "")
        if not did or not token:
            missing = "did" if not did else "access_token"
            raise PublishError(
                f"The Bluesky account {account.handle} has no stored {missing}; "
                "connect it again with its handle and an app password.",
                kind=ErrorKind.RECONNECT,
            )
        pds = (creds.get("pds_url") or default_pds).rstrip("/")
        return cls(did, creds.get("handle") or account.handle, pds, token)


class Xrpc:
    """XRPC calls against any PDS (each account's own, from its DID document)."""

    def __init__(
        self,
        *,
        timeout: float,
        transport: httpx.BaseTransport | None,
        allow_private: bool,
    ) -> None:
        self.http = ConnectorHTTP(
            PLATFORM,
            message_of=message_of,
            classify=classify,
            timeout=timeout,
            transport=transport,
            allow_private=allow_private,
        )

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        method: str,
        service: str,
        nsid: str,
        *,
        token: str = "",
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        content_type: str = "",
        write: bool | None = None,
    ) -> Any:
        """One XRPC call; returns the decoded JSON body ({} when empty)."""
        headers: dict[str, str] = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if content_type:
            headers["Content-Type"] = content_type
        is_write = method != "GET" if write is None else write
        response = self.http.request(
            method,
            f"{service.rstrip('/')}/xrpc/{nsid}",
            write=is_write,
            headers=headers,
            params=params,
            json=json,
            content=content,
        )
        if not response.content:
            return {}
        try:
            body = response.json()
        except ValueError as exc:
            raise self.http.unreadable(response, exc, write=is_write) from exc
        if not isinstance(body, dict):
            raise self.http.unreadable(
                response, TypeError("not a JSON object"), write=is_write
            )
        return body
