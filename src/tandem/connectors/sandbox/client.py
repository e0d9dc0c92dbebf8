"""The Sandbox connector: `SandboxPublisher` implements `tandem.publish.ports.Publisher`.

Error mapping (what the worker should do next):
- 401/403 -> RECONNECT, 400/404/422 and other 4xx -> PERMANENT, all with the platform's message;
- 429 -> RETRY with `retry_after` from the header; 5xx -> RETRY;
- the request never left (connect error or timeout, pool timeout) -> RETRY;
- a write was sent but no answer came (read timeout, dropped connection) -> UNKNOWN:
  the post may exist, so the caller reconciles with `recent_posts` before retrying.
  A read that fails this way is simply RETRY: reading again is harmless.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from tandem.connectors.http import retry_after
from tandem.connectors.sandbox import mapping
from tandem.core.http import http_client
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OutboundPost,
    PublishedRef,
    PublishError,
    RemotePost,
)

DEFAULT_TIMEOUT = 10.0
TokenFor = Callable[[AccountRef], str]
# Raised before a single byte of the request reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _require_loopback(base_url: str) -> str:
    host = urlsplit(base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            f"The Sandbox runs on a loopback address; {base_url!r} is not one."
        )
    return base_url.rstrip("/")


def _platform_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return str(body["error"])
    return f"The Sandbox answered HTTP {response.status_code}."


def error_for_status(response: httpx.Response) -> PublishError:
    """The PublishError an unsuccessful answer means."""
    status, message = response.status_code, _platform_message(response)
    if status in (401, 403):
        return PublishError(message, kind=ErrorKind.RECONNECT, status=status)
    if status == 429:
        wait = retry_after(response.headers.get("retry-after"))
        return PublishError(
            message, kind=ErrorKind.RETRY, retry_after=wait, status=status
        )
    if status >= 500:
        wait = retry_after(response.headers.get("retry-after"))
        return PublishError(
            message, kind=ErrorKind.RETRY, retry_after=wait, status=status
        )
    return PublishError(message, kind=ErrorKind.PERMANENT, status=status)


def error_for_transport(exc: httpx.TransportError, *, write: bool) -> PublishError:
    """The PublishError a network failure means; `write` when the call changes state."""
    if isinstance(exc, _NOT_SENT) or not write:
        return PublishError(
            f"Could not reach the Sandbox: {exc or type(exc).__name__}",
            kind=ErrorKind.RETRY,
        )
    return PublishError(
        "The Sandbox did not answer after the request was sent "
        f"({type(exc).__name__}); the post may or may not exist.",
        kind=ErrorKind.UNKNOWN,
    )


class SandboxPublisher:
    """Publishes to a Sandbox server at `base_url` (a loopback URL).

    The token is `token_for(account)` when given, else `account.credentials["token"]`.
    One instance may be shared by threads: httpx's connection pool is thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        token_for: TokenFor | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = _require_loopback(base_url)
        self._token_for = token_for
        # allow_private: the Sandbox is on loopback by design (checked above).
        self._http = http_client(
            allow_private=True,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SandboxPublisher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _token(self, account: AccountRef) -> str:
        token = (
            self._token_for(account)
            if self._token_for
            else account.credentials.get("token", "")
        )
        if not token:
            raise PublishError(
                f"No Sandbox token for {account.handle}; connect the account again.",
                kind=ErrorKind.RECONNECT,
            )
        return token

    def _request(
        self,
        method: str,
        path: str,
        account: AccountRef,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token(account)}"}
        try:
            response = self._http.request(
                method, self.base_url + path, headers=headers, json=json, params=params
            )
        except httpx.TransportError as exc:
            raise error_for_transport(exc, write=method != "GET") from exc
        if response.status_code >= 400:
            raise error_for_status(response)
        return response

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        path = f"/api/v1/accounts/{quote(account.handle, safe='')}/posts"
        response = self._request(
            "POST", path, account, json=mapping.create_payload(post)
        )
        try:
            return mapping.published_ref(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            # It answered 2xx, so the post probably exists: reconcile, do not resend.
            raise PublishError(
                f"The Sandbox accepted the post but its answer was unreadable: {exc}",
                kind=ErrorKind.UNKNOWN,
                status=response.status_code,
            ) from exc

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        if since.tzinfo is None:
            raise ValueError("`since` must be timezone-aware")
        path = f"/api/v1/accounts/{quote(account.handle, safe='')}/posts"
        response = self._request(
            "GET", path, account, params={"since": since.isoformat()}
        )
        try:
            return mapping.remote_posts(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(
                f"The Sandbox's list of posts was unreadable: {exc}",
                kind=ErrorKind.RETRY,
                status=response.status_code,
            ) from exc

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """Delete the post; a post that is already gone counts as deleted."""
        path = f"/api/v1/posts/{quote(platform_post_id, safe='')}"
        try:
            self._request("DELETE", path, account)
        except PublishError as exc:
            if exc.status != 404:
                raise
