"""An account's past on the Sandbox: when it appeared and the posts it made before the
Sandbox ran. The demo gives its rival brand 90 days of history this way.

`POST /_control/history` takes `{"handle", "since", "posts": [{"parts", "client_ref",
"created_at"}]}` and is idempotent (a post whose `client_ref` the account has is skipped), so
a demo that finds a Sandbox already running can send the same history again without doubling
it. `history_of` reads an account's history back from a Sandbox file, to send it elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tandem.connectors.sandbox.store import PastPost, SandboxStore
from tandem.connectors.sandbox.wire import aware, error, json_body
from tandem.core.http import http_client

MAX_POSTS = 5000  # per call: a year of a busy account's history


def history_json(
    handle: str, since: datetime, posts: Sequence[PastPost]
) -> dict[str, Any]:
    return {
        "handle": handle,
        "since": since.isoformat(),
        "posts": [
            {
                "parts": list(p.parts),
                "client_ref": p.client_ref,
                "created_at": p.created_at.isoformat(),
            }
            for p in posts
        ],
    }


def parse_history(body: dict[str, Any]) -> tuple[str, datetime, list[PastPost]] | str:
    """(handle, since, posts), or what is wrong with the body."""
    handle, posts = body.get("handle"), body.get("posts", [])
    if not isinstance(handle, str) or not handle:
        return "`handle` must name the account the history belongs to."
    if not isinstance(posts, list) or len(posts) > MAX_POSTS:
        return f"`posts` must be a list of at most {MAX_POSTS} posts."
    try:
        since = aware(datetime.fromisoformat(str(body.get("since"))))
        past = [
            PastPost(
                parts=tuple(p["parts"]),
                client_ref=p["client_ref"],
                created_at=aware(datetime.fromisoformat(p["created_at"])),
            )
            for p in posts
        ]
    except (KeyError, TypeError, ValueError):
        return (
            "`since` and each post's `created_at` must be ISO 8601 times with an offset; "
            "each post needs `parts` (a list of strings) and a `client_ref` string."
        )
    if any(
        not isinstance(p.client_ref, str)
        or not p.client_ref
        or not p.parts
        or not all(isinstance(part, str) for part in p.parts)
        for p in past
    ):
        return "Each post needs `parts` (a list of strings) and a `client_ref` string."
    if any(p.created_at < since for p in past):
        return "A post cannot be older than the account (`since`)."
    return handle, since, past


def history_route(store: SandboxStore) -> Any:
    async def history(request: Request) -> Response:
        body = await json_body(request)
        if isinstance(body, Response):
            return body
        parsed = parse_history(body)
        if isinstance(parsed, str):
            return error(422, parsed)
        added = await run_in_threadpool(store.backfill, *parsed)
        return JSONResponse({"handle": parsed[0], "added": added})

    return history


def history_of(store: SandboxStore, handle: str) -> tuple[datetime, list[PastPost]]:
    """When `handle` appeared in `store` and its posts that carry a client_ref."""
    account = store.account(handle)
    posts = [
        PastPost(p.parts, p.client_ref, p.created_at)
        for p in reversed(store.list_posts(handle))
        if p.client_ref
    ]
    return account.created_at, posts


def send_history(
    base_url: str,
    handle: str,
    since: datetime,
    posts: Sequence[PastPost],
    *,
    timeout: float = 10.0,
) -> int:
    """Give `handle` its past on the Sandbox at `base_url`; returns the posts it added.
    Raises httpx.HTTPError when that Sandbox cannot be reached or refuses."""
    # The Sandbox binds loopback only (server.require_loopback).
    with http_client(allow_private=True, timeout=httpx.Timeout(timeout)) as client:
        response = client.post(
            f"{base_url.rstrip('/')}/_control/history",
            json=history_json(handle, since, posts),
        )
        response.raise_for_status()
        return int(response.json()["added"])
