"""X API v2 errors in X's own words, and the cases the shared mapping would get wrong.

X answers errors as RFC 7807 problem JSON (`title`, `detail`, `type`, sometimes `errors[]`
with per-parameter messages); its OAuth token endpoint answers `error`/`error_description`.
https://docs.x.com/x-api/fundamentals/response-codes-and-errors
"""

from __future__ import annotations

import httpx

from tandem.connectors.http import json_body, reset_after, retry_after
from tandem.publish.ports import ErrorKind, PublishError

PLATFORM = "X"
DUPLICATE = "duplicate content"
TIER_HINT = (
    " Your X developer app's access level does not allow this call: check the app's "
    "pay-per-use credits or plan in the X Developer Console (see docs/connectors/x.md)."
)


def message_of(response: httpx.Response) -> str | None:
    """X's human message: `detail` plus any per-field `errors[].message`."""
    body = json_body(response)
    if not isinstance(body, dict):
        return None
    messages = [
        str(item["message"])
        for item in body.get("errors") or []
        if isinstance(item, dict) and isinstance(item.get("message"), str)
    ]
    detail = body.get("detail") or body.get("error_description")
    if isinstance(detail, str) and detail:
        extra = [m for m in messages if m != detail]
        return " ".join([detail, *extra]) if extra else detail
    if messages:
        return " ".join(messages)
    title = body.get("title") or body.get("error")
    return str(title) if title else None


def _problem_type(response: httpx.Response) -> str:
    body = json_body(response)
    return str(body.get("type", "")) if isinstance(body, dict) else ""


def rate_limit_wait(response: httpx.Response) -> float | None:
    """Seconds until X accepts calls again: Retry-After, else the exhausted window's reset
    (the 24-hour per-user posting cap when that is the one at zero)."""
    headers = response.headers
    wait = retry_after(headers.get("retry-after"))
    if wait is not None:
        return wait
    if headers.get("x-user-limit-24hour-remaining") == "0":
        daily = reset_after(headers.get("x-user-limit-24hour-reset"))
        if daily is not None:
            return daily
    return reset_after(headers.get("x-rate-limit-reset"))


def classify(response: httpx.Response, message: str) -> PublishError | None:
    """X's 403s mostly mean "not this post" or "not on this plan", not a dead token."""
    status = response.status_code
    if status == 429:
        return PublishError(
            message,
            kind=ErrorKind.RETRY,
            retry_after=rate_limit_wait(response),
            status=status,
        )
    if status == 402:
        return PublishError(
            message + TIER_HINT, kind=ErrorKind.PERMANENT, status=status
        )
    if status != 403:
        return None
    lowered = message.lower()
    if DUPLICATE in lowered:
        return PublishError(message, kind=ErrorKind.PERMANENT, status=status)
    if (
        _problem_type(response).endswith("client-forbidden")
        or "not permitted" in lowered
        or "client-not-enrolled" in response.text
    ):
        return PublishError(
            message + TIER_HINT, kind=ErrorKind.PERMANENT, status=status
        )
    return None  # e.g. a token without the needed scope: reconnect
