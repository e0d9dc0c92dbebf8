"""The Graph API plumbing Facebook Pages, Instagram and Threads share: one error mapping,
one JSON client that signs every call with an access token.

Graph errors come as `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`
with HTTP 400 for most of them, so the HTTP status alone says little. The codes that decide
what the worker does (https://developers.facebook.com/docs/graph-api/guides/error-handling,
https://developers.facebook.com/docs/graph-api/overview/rate-limiting):

- 190 (and 102, 463, 467) expired or invalid token -> RECONNECT, even on HTTP 400;
- 4, 17, 32, 613, 80001-80014 rate limiting -> RETRY after the wait the usage headers give
  (`X-Business-Use-Case-Usage` `estimated_time_to_regain_access`, in minutes);
- 1, 2 or `is_transient: true` -> RETRY; 10 and 200-299 missing permission -> RECONNECT;
- 100 invalid parameter, 506 duplicate post -> PERMANENT; 9/2207042 (Instagram's 24 h
  publishing limit) -> RETRY in an hour; everything else by HTTP status.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from tandem.connectors.http import ConnectorHTTP, json_body, retry_after
from tandem.inbox.ports import Moderation
from tandem.publish.ports import AccountRef, ErrorKind, PublishError

# Newest version when this was written (Graph API changelog, Nov 2026: v26.0, released
# 29 July 2026). One constant so an upgrade is one line.
GRAPH_VERSION = "v26.0"
GRAPH_ROOT = "https://graph.facebook.com"
THREADS_VERSION = "v1.0"
THREADS_ROOT = "https://graph.threads.net"

RECONNECT_CODES = frozenset({102, 190, 463, 467})
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
TRANSIENT_CODES = frozenset({1, 2})
DUPLICATE_POST = 506
INVALID_PARAMETER = 100
OBJECT_MISSING_SUBCODE = 33  # code 100/33: "Object with ID ... does not exist"
IG_PUBLISH_LIMIT = (9, 2207042)
IG_PUBLISH_LIMIT_WAIT = 3600.0  # a rolling 24 h window: look again in an hour


def graph_error(response: httpx.Response) -> Mapping[str, Any]:
    body = json_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _code(error: Mapping[str, Any], key: str) -> int | None:
    value = error.get(key)
    return value if isinstance(value, int) else None


def message_of(response: httpx.Response) -> str | None:
    """The platform's own words, with the code that identifies the error to Meta support."""
    error = graph_error(response)
    message = error.get("error_user_msg") or error.get("message")
    if not isinstance(message, str) or not message:
        return None
    code, subcode = _code(error, "code"), _code(error, "error_subcode")
    if code is None:
        return message
    suffix = f"{code}/{subcode}" if subcode else str(code)
    return f"{message} (Graph error {suffix})"


def usage_wait(headers: httpx.Headers) -> float | None:
    """Seconds until access comes back, from Business Use Case usage headers (minutes)."""
    minutes: list[float] = []
    for name in ("x-business-use-case-usage", "x-ad-account-usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        minutes.extend(_regain_minutes(usage))
    if minutes and max(minutes) > 0:
        return max(minutes) * 60.0
    return None


def _regain_minutes(usage: Any) -> Iterable[float]:
    entries: list[Any] = []
    if isinstance(usage, dict) and "estimated_time_to_regain_access" in usage:
        entries.append(usage)
    elif isinstance(usage, dict):
        for value in usage.values():
            entries.extend(value if isinstance(value, list) else [value])
    for entry in entries:
        if isinstance(entry, dict):
            wait = entry.get("estimated_time_to_regain_access")
            if isinstance(wait, int | float):
                yield float(wait)


def classify(response: httpx.Response, message: str) -> PublishError | None:
    """The kind a Graph error code means; None leaves it to the HTTP status."""
    error = graph_error(response)
    code, subcode = _code(error, "code"), _code(error, "error_subcode")
    status = response.status_code
    if code is None:
        return None
    if code in RECONNECT_CODES:
        return PublishError(message, kind=ErrorKind.RECONNECT, status=status)
    if code in RATE_LIMIT_CODES:
        wait = usage_wait(response.headers) or retry_after(
            response.headers.get("retry-after")
        )
        return PublishError(
            message, kind=ErrorKind.RETRY, retry_after=wait, status=status
        )
    if (code, subcode) == IG_PUBLISH_LIMIT:
        return PublishError(
            message,
            kind=ErrorKind.RETRY,
            retry_after=IG_PUBLISH_LIMIT_WAIT,
            status=status,
        )
    if code in TRANSIENT_CODES or error.get("is_transient") is True:
        return PublishError(message, kind=ErrorKind.RETRY, status=status)
    if code == 10 or 200 <= code <= 299:
        return PublishError(
            f"{message} Tandem is missing a permission: reconnect the account and "
            "grant every permission it asks for.",
            kind=ErrorKind.RECONNECT,
            status=status,
        )
    if code == INVALID_PARAMETER and subcode == OBJECT_MISSING_SUBCODE:
        # "Object with ID ... does not exist": reported as 404 so callers see "gone".
        return PublishError(message, kind=ErrorKind.PERMANENT, status=404)
    if code in (INVALID_PARAMETER, DUPLICATE_POST):
        return PublishError(message, kind=ErrorKind.PERMANENT, status=status)
    return None


def is_gone(exc: PublishError) -> bool:
    """An object that no longer exists (deleted already): HTTP 404 or Graph 100/33."""
    return exc.kind is ErrorKind.PERMANENT and exc.status == 404


def parse_time(value: Any) -> datetime:
    """Graph times: ISO 8601 with a +0000 offset (`2024-05-01T10:00:00+0000`)."""
    if not isinstance(value, str):
        raise ValueError(f"expected a Graph API time, got {value!r}")
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)


def unix(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("`since` must be timezone-aware")
    return str(int(moment.timestamp()))


class GraphClient:
    """JSON calls to one Graph host; the access token travels as a query parameter, the way
    every Graph example is written (an Authorization header works too)."""

    def __init__(
        self,
        platform: str,
        root: str,
        version: str,
        *,
        timeout: float,
        transport: httpx.BaseTransport | None,
    ) -> None:
        self.platform = platform
        self.root = root.rstrip("/")
        self.version = version
        self.http = ConnectorHTTP(
            platform,
            message_of=message_of,
            classify=classify,
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def url(self, path: str, *, versioned: bool = True) -> str:
        prefix = f"{self.root}/{self.version}" if versioned else self.root
        return f"{prefix}/{path.lstrip('/')}"

    def call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        versioned: bool = True,
        write: bool | None = None,
    ) -> dict[str, Any]:
        """Send and return the JSON object; PublishError on any failure."""
        query = dict(params or {})
        if token:
            query["access_token"] = token
        response = self.http.request(
            method,
            self.url(path, versioned=versioned),
            params=query,
            data=dict(data) if data is not None else None,
            files=dict(files) if files is not None else None,
            write=write,
        )
        is_write = method not in ("GET", "HEAD") if write is None else write
        body = json_body(response)
        if not isinstance(body, dict):
            raise self.http.unreadable(
                response, ValueError("not a JSON object"), write=is_write
            )
        return body

    def get(
        self, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        return self.call("GET", path, token, params=params)

    def post(
        self,
        path: str,
        token: str,
        data: Mapping[str, str],
        *,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> dict[str, Any]:
        return self.call("POST", path, token, data=data, files=files)

    def delete(self, path: str, token: str) -> None:
        """Delete; an object that is already gone counts as deleted."""
        try:
            self.call("DELETE", path, token)
        except PublishError as exc:
            if not is_gone(exc):
                raise


def credential(account: AccountRef, *keys: str) -> str:
    """The first of `keys` present in the account's credentials; RECONNECT when none is."""
    for key in keys:
        value = account.credentials.get(key, "")
        if value:
            return value
    raise PublishError(
        f"The {account.platform} account {account.handle} has no {keys[0]!r} in its "
        "stored credentials; connect the account again.",
        kind=ErrorKind.RECONNECT,
    )


def data_list(body: Mapping[str, Any], what: str) -> list[dict[str, Any]]:
    items = body.get("data")
    if not isinstance(items, list):
        raise PublishError(
            f"The answer listing {what} had no `data` list.", kind=ErrorKind.RETRY
        )
    return [item for item in items if isinstance(item, dict)]


def metric_values(body: Mapping[str, Any]) -> dict[str, int]:
    """`{"data": [{"name", "values": [{"value"}]} | {"name", "total_value": {"value"}}]}`
    -> {name: value}. A metric that is absent stays absent (never 0)."""
    values: dict[str, int] = {}
    for item in body.get("data") or []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        total = item.get("total_value")
        series = item.get("values")
        value: Any = None
        if isinstance(total, dict):
            value = total.get("value")
        elif isinstance(series, list) and series and isinstance(series[-1], dict):
            value = series[-1].get("value")
        if isinstance(value, int):
            values[item["name"]] = value
    return values


def moderate_comment(
    graph: GraphClient, token: str, comment_id: str, action: Moderation, field: str
) -> None:
    """Hide, unhide or delete a comment on one of the account's posts. Facebook names the
    flag `is_hidden`, Instagram `hide`; deleting something already gone counts as done."""
    if action is Moderation.DELETE:
        graph.delete(comment_id, token)
        return
    body = graph.post(
        comment_id, token, {field: "true" if action is Moderation.HIDE else "false"}
    )
    if body.get("success") is False:
        raise PublishError(
            f"The platform refused to {action.value} comment {comment_id}.",
            kind=ErrorKind.PERMANENT,
        )
