"""One Mastodon instance, spoken to with one account's token, and the error mapping.

Mastodon answers errors as JSON `{"error": "..."}` (OAuth endpoints add
`error_description`); see https://docs.joinmastodon.org/entities/Error/. On top of the shared
mapping in `tandem.connectors.http`:

- 429 carries `X-RateLimit-Reset` as an ISO 8601 time (rack-attack in
  config/initializers/rack_attack.rb); `Retry-After` wins when a proxy sends one;
- 422 "Cannot attach files that have not finished processing" is transient (RETRY);
- OAuth `invalid_grant` / `invalid_client` / `invalid_token` on /oauth/token mean the grant is
  gone (RECONNECT), whatever the HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from tandem.connectors.http import ConnectorHTTP, json_body, retry_after
from tandem.connectors.mastodon.rules import PLATFORM
from tandem.publish.ports import AccountRef, ErrorKind, PublishError

_GRANT_GONE = frozenset({"invalid_grant", "invalid_client", "invalid_token"})
_NOT_PROCESSED = "not finished processing"


def instance_url(value: str) -> str:
    """`https://host` from what a user typed (`mastodon.social`, `https://host/`...).

    ValueError for anything but an https origin: the token travels to this address.
    """
    text = value.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(
            f"Mastodon instance URL {value!r} must be an https:// address such as "
            f"https://mastodon.social."
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(
            f"Mastodon instance URL {value!r} must be the instance's address only "
            f"(like https://mastodon.social), without a path."
        )
    return f"https://{parts.netloc}"


def message_of(response: httpx.Response) -> str | None:
    body = json_body(response)
    if not isinstance(body, dict):
        return None
    description, error = body.get("error_description"), body.get("error")
    if isinstance(description, str) and description:
        return description
    return error if isinstance(error, str) and error else None


def reset_wait(value: str | None) -> float | None:
    """Seconds until an ISO 8601 `X-RateLimit-Reset` time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def classify(response: httpx.Response, message: str) -> PublishError | None:
    status = response.status_code
    if status == 429:
        wait = retry_after(response.headers.get("retry-after"))
        if wait is None:
            wait = reset_wait(response.headers.get("x-ratelimit-reset"))
        return PublishError(
            message, kind=ErrorKind.RETRY, retry_after=wait, status=status
        )
    if status == 422 and _NOT_PROCESSED in message:
        return PublishError(
            message, kind=ErrorKind.RETRY, retry_after=5.0, status=status
        )
    body = json_body(response)
    if isinstance(body, dict) and body.get("error") in _GRANT_GONE:
        return PublishError(message, kind=ErrorKind.RECONNECT, status=status)
    return None


def new_http(*, timeout: float, transport: httpx.BaseTransport | None) -> ConnectorHTTP:
    # The instance is typed by a user: the private-address guard stays on.
    return ConnectorHTTP(
        PLATFORM,
        message_of=message_of,
        classify=classify,
        timeout=timeout,
        transport=transport,
    )


@dataclass(frozen=True)
class Session:
    """Calls to one instance with one bearer token."""

    http: ConnectorHTTP
    base_url: str
    token: str

    def send(
        self, method: str, path: str, *, write: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.http.request(
            method, self.base_url + path, write=write, headers=headers, **kwargs
        )

    def json(
        self, method: str, path: str, *, write: bool | None = None, **kwargs: Any
    ) -> Any:
        """The decoded answer; an unreadable 2xx is UNKNOWN after a write, RETRY after a read."""
        is_write = method not in ("GET", "HEAD") if write is None else write
        response = self.send(method, path, write=write, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise self.http.unreadable(response, exc, write=is_write) from exc


def session_for(http: ConnectorHTTP, account: AccountRef, default_base: str) -> Session:
    """The session an account's credentials describe (keys: access_token, base_url)."""
    token = account.credentials.get("access_token", "")
    if not token:
        raise PublishError(
            f"No Mastodon access token stored for {account.handle}; connect the account again.",
            kind=ErrorKind.RECONNECT,
        )
    try:
        base = instance_url(account.credentials.get("base_url") or default_base)
    except ValueError as exc:
        raise PublishError(
            f"{exc} Connect {account.handle} again with the right instance.",
            kind=ErrorKind.RECONNECT,
        ) from exc
    return Session(http, base, token)


def malformed(exc: Exception, *, write: bool) -> PublishError:
    """A 2xx answer that is not the documented shape: after a write the status probably
    exists (UNKNOWN: reconcile, do not resend); after a read, try again later."""
    what = "accepted the request but its answer" if write else "answer"
    return PublishError(
        f"Mastodon {what} was not in the documented shape ({type(exc).__name__}: {exc}).",
        kind=ErrorKind.UNKNOWN if write else ErrorKind.RETRY,
    )
