"""LinkedIn API errors in LinkedIn's own words.

REST errors are `{"message": ..., "status": ..., "serviceErrorCode": ..., "code": ...}`;
the OAuth endpoints answer `{"error": ..., "error_description": ...}`.
https://learn.microsoft.com/linkedin/shared/api-guide/concepts/error-handling
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tandem.connectors.http import json_body, retry_after
from tandem.publish.ports import ErrorKind, PublishError

PLATFORM = "LinkedIn"
PERMISSION_HINT = (
    " Your LinkedIn app has not been granted the permission this needs; see "
    "docs/connectors/linkedin.md for which LinkedIn product grants it."
)


def message_of(response: httpx.Response) -> str | None:
    body = json_body(response)
    if not isinstance(body, dict):
        return None
    for key in ("message", "error_description", "error"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def until_midnight_utc(now: datetime | None = None) -> float:
    """LinkedIn's daily application and member limits reset at midnight UTC."""
    moment = now or datetime.now(UTC)
    midnight = (moment + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return (midnight - moment).total_seconds()


def classify(response: httpx.Response, message: str) -> PublishError | None:
    """403 is a missing product permission (permanent, not a reconnect); a 429 without
    Retry-After waits for the daily reset; the rest follows the shared mapping
    (401 EXPIRED_ACCESS_TOKEN/REVOKED_ACCESS_TOKEN -> reconnect, 400/422 -> permanent,
    5xx -> retry)."""
    if response.status_code == 403:
        # ACCESS_DENIED names a permission the app was not granted (r_member_social,
        # Community Management...): reconnecting cannot fix that, LinkedIn's approval can.
        return PublishError(
            message + PERMISSION_HINT, kind=ErrorKind.PERMANENT, status=403
        )
    if response.status_code != 429:
        return None
    wait = retry_after(response.headers.get("retry-after"))
    return PublishError(
        message,
        kind=ErrorKind.RETRY,
        retry_after=wait if wait is not None else until_midnight_utc(),
        status=429,
    )
