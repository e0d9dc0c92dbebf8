"""The HTTP plumbing every platform connector shares: one client with timeouts, and the one
mapping from an HTTP outcome to what the worker should do next (`ErrorKind`).

- 401 -> RECONNECT (the token expired or was revoked; the caller may refresh once and retry);
- 403 -> RECONNECT unless the platform says otherwise (its classifier decides);
- 429 -> RETRY with `retry_after` from Retry-After (seconds or an HTTP date) or a reset header;
- 5xx -> RETRY; other 4xx -> PERMANENT with the platform's own message;
- the request never left (connect error, connect/pool timeout) -> RETRY;
- a write was sent but no answer came (read/write timeout, dropped connection) -> UNKNOWN:
  the post may exist, so the worker reconciles with `recent_posts` before any retry.
  A read that fails this way is simply RETRY: reading again is harmless.

A connector passes `message_of` to pull the human message out of its platform's error body,
and may pass `classify` to override the kind for platform-specific codes (e.g. Graph API
code 190 is an expired token even on HTTP 400).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tandem.core.http import BlockedAddress, http_client
from tandem.publish.ports import ErrorKind, PublishError

DEFAULT_TIMEOUT = 20.0
# Raised before a single byte of the request reached the server (BlockedAddress: the
# private-address guard refused it in a request hook, so a write cannot be UNKNOWN).
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, BlockedAddress)

MessageOf = Callable[[httpx.Response], str | None]
Classify = Callable[[httpx.Response, str], PublishError | None]


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def reset_after(epoch_seconds: str | None) -> float | None:
    """Seconds until a rate-limit window resets, from an epoch-seconds header (x-rate-limit-reset)."""
    if not epoch_seconds:
        return None
    try:
        return max(0.0, float(epoch_seconds) - datetime.now(UTC).timestamp())
    except ValueError:
        return None


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_for_status(
    response: httpx.Response,
    *,
    platform: str,
    message_of: MessageOf | None = None,
    classify: Classify | None = None,
) -> PublishError:
    """The PublishError an unsuccessful answer means, in the platform's words."""
    status = response.status_code
    message = (message_of(response) if message_of else None) or (
        f"{platform} answered HTTP {status}."
    )
    if classify is not None:
        special = classify(response, message)
        if special is not None:
            return special
    wait = retry_after(response.headers.get("retry-after"))
    if status in (401, 403):
        return PublishError(message, kind=ErrorKind.RECONNECT, status=status)
    if status == 429 or status >= 500:
        return PublishError(
            message, kind=ErrorKind.RETRY, retry_after=wait, status=status
        )
    return PublishError(message, kind=ErrorKind.PERMANENT, status=status)


def error_for_transport(
    exc: httpx.TransportError, *, platform: str, write: bool
) -> PublishError:
    """The PublishError a network failure means; `write` when the call changes state."""
    if isinstance(exc, NOT_SENT) or not write:
        return PublishError(
            f"Could not reach {platform}: {exc or type(exc).__name__}",
            kind=ErrorKind.RETRY,
        )
    return PublishError(
        f"{platform} did not answer after the request was sent "
        f"({type(exc).__name__}); the post may or may not exist.",
        kind=ErrorKind.UNKNOWN,
    )


class ConnectorHTTP:
    """An httpx client plus the error mapping above. Thread-safe (httpx's pool is)."""

    def __init__(
        self,
        platform: str,
        *,
        message_of: MessageOf | None = None,
        classify: Classify | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool = False,
    ) -> None:
        self.platform = platform
        self._message_of = message_of
        self._classify = classify
        self._http = http_client(
            allow_private=allow_private,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def request(
        self, method: str, url: str, *, write: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send; return a 2xx/3xx response or raise PublishError. `write` defaults to
        "anything but GET/HEAD" and decides whether a lost answer is UNKNOWN or RETRY."""
        is_write = method not in ("GET", "HEAD") if write is None else write
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise error_for_transport(
                exc, platform=self.platform, write=is_write
            ) from exc
        if response.status_code >= 400:
            raise error_for_status(
                response,
                platform=self.platform,
                message_of=self._message_of,
                classify=self._classify,
            )
        return response

    def unreadable(
        self, response: httpx.Response, exc: Exception, *, write: bool
    ) -> PublishError:
        """A 2xx whose body we cannot read: after a write the post probably exists (UNKNOWN:
        reconcile, do not resend); after a read, just try again later."""
        what = "accepted the request but its answer" if write else "answer"
        return PublishError(
            f"{self.platform} {what} was unreadable: {exc}",
            kind=ErrorKind.UNKNOWN if write else ErrorKind.RETRY,
            status=response.status_code,
        )
