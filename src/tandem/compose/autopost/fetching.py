"""Fetching a feed politely and safely: conditional GET (ETag / If-Modified-Since), a size
limit enforced while reading, redirects checked hop by hop against private addresses (the
guard is a request hook of Tandem's one HTTP client), and errors a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from tandem.core.http import BlockedAddress

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The feed could not be read this time. `message` says why and what to do;
    `retry_after` (seconds) is the server's own wish when it gave one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def _retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _status_error(response: httpx.Response, now: datetime) -> FetchError:
    code = response.status_code
    reason = response.reason_phrase or "error"
    if code in (429, 503):
        wait = _retry_after(response.headers.get("retry-after"), now)
        return FetchError(
            f"The feed's server answered {code} {reason} (too busy); Tandem will try again later.",
            retry_after=wait,
        )
    if code in (404, 410):
        return FetchError(
            f"The feed answered {code} {reason}: check the URL, the feed may have moved."
        )
    if code in (401, 403):
        return FetchError(
            f"The feed answered {code} {reason}: Tandem can only watch public feeds."
        )
    if 300 <= code < 400:
        return FetchError(
            f"The feed redirected more than {MAX_REDIRECTS} times or without a Location; "
            "use the final address of the feed."
        )
    return FetchError(
        f"The feed answered {code} {reason}; Tandem will try again later."
    )


def _read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"The feed is {int(declared):,} bytes, more than the {max_bytes:,} bytes allowed "
            "(setting feeds_max_bytes)."
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(
                f"The feed is larger than the {max_bytes:,} bytes allowed "
                "(setting feeds_max_bytes)."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_feed(
    client: httpx.Client,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    now: datetime,
) -> Fetched:
    """GET the feed; a 304 answer (nothing new since the validators we sent) is not an error."""
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with client.stream(
            "GET", url, headers=headers, follow_redirects=True
        ) as response:
            if response.status_code == 304:
                return Fetched(
                    not_modified=True, etag=etag, last_modified=last_modified
                )
            if response.status_code != 200:
                raise _status_error(response, now)
            content = _read_limited(response, max_bytes)
            return Fetched(
                not_modified=False,
                content=content,
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag") or None,
                last_modified=response.headers.get("last-modified") or None,
            )
    except BlockedAddress as exc:
        raise FetchError(
            f"{exc} An administrator can allow feeds on private addresses with "
            "TANDEM_FEEDS_ALLOW_PRIVATE=true (for self-hosted feeds)."
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(
            "The feed redirected too many times; use the final address of the feed."
        ) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"The feed did not answer in time ({type(exc).__name__}); Tandem will try again."
        ) from exc
    except httpx.HTTPError as exc:
        raise FetchError(
            f"Could not reach the feed ({type(exc).__name__}: {exc}); Tandem will try again."
        ) from exc
