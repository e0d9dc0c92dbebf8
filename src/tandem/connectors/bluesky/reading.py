"""Reads: the account's own posts, metrics, notifications and search, all bounded in pages.

recent_posts reads the repository itself (com.atproto.repo.listRecords), so reconciliation
works even where no AppView answers; the rest are app.bsky.* views, which the account's PDS
forwards to its AppView.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from tandem.connectors.bluesky import mapping
from tandem.connectors.bluesky.client import Session, Xrpc
from tandem.connectors.bluesky.rules import (
    GET_POSTS_BATCH,
    MAX_PAGES,
    PAGE_LIMIT,
    POST_COLLECTION,
)
from tandem.inbox.ports import Interaction, InteractionPage
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    AccountMetrics,
    ErrorKind,
    PostMetrics,
    PublishError,
    RemotePost,
)


@contextmanager
def readable(what: str) -> Iterator[None]:
    """Turns a malformed answer into RETRY (reading again is harmless)."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PublishError(
            f"Bluesky's {what} was unreadable ({type(exc).__name__}: {exc}); "
            "Tandem will read it again later.",
            kind=ErrorKind.RETRY,
        ) from exc


def get(xrpc: Xrpc, session: Session, nsid: str, params: dict[str, Any]) -> Any:
    return xrpc.call(
        "GET", session.pds_url, nsid, token=session.access_token, params=params
    )


def recent_posts(
    xrpc: Xrpc, session: Session, *, since: datetime
) -> Sequence[RemotePost]:
    """Top-level posts created at or after `since`, newest first (record keys are TIDs, so
    listRecords' default order is newest first and paging stops once past `since`)."""
    if since.tzinfo is None:
        raise ValueError("`since` must be timezone-aware")
    found: list[RemotePost] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {
            "repo": session.did,
            "collection": POST_COLLECTION,
            "limit": PAGE_LIMIT,
        }
        if cursor:
            params["cursor"] = cursor
        body = get(xrpc, session, "com.atproto.repo.listRecords", params)
        records = body.get("records") or []
        with readable("list of posts"):
            posts = [
                (mapping.to_datetime(str(r["value"]["createdAt"])), r) for r in records
            ]
            for created, record in posts:
                post = mapping.remote_post(record, session.handle)
                if created >= since and post is not None:
                    found.append(post)
        cursor = body.get("cursor")
        if not cursor or not posts or min(c for c, _ in posts) < since:
            break
    return found


def post_metrics(
    xrpc: Xrpc, session: Session, uris: Sequence[str], *, at: datetime
) -> Sequence[PostMetrics]:
    """Posts Bluesky no longer shows (deleted, taken down) are left out."""
    result: list[PostMetrics] = []
    for start in range(0, len(uris), GET_POSTS_BATCH):
        batch = list(uris[start : start + GET_POSTS_BATCH])
        body = get(xrpc, session, "app.bsky.feed.getPosts", {"uris": batch})
        views = body.get("posts") or []
        with readable("post views"):
            result.extend(mapping.post_metrics(view, at) for view in views)
    return result


def account_metrics(xrpc: Xrpc, session: Session, *, at: datetime) -> AccountMetrics:
    profile = get(xrpc, session, "app.bsky.actor.getProfile", {"actor": session.did})
    return AccountMetrics(
        at=at,
        followers=profile.get("followersCount"),
        following=profile.get("followsCount"),
        posts=profile.get("postsCount"),
    )


def _parse_cursor(cursor: str | None) -> datetime | None:
    if not cursor:
        return None
    try:
        return mapping.to_datetime(cursor)
    except ValueError:
        return None  # not one of ours: start afresh (the inbox de-duplicates by id)


def interactions(
    xrpc: Xrpc, session: Session, *, cursor: str | None
) -> InteractionPage:
    """Replies, mentions and quotes from listNotifications.

    The cursor is the `indexedAt` of the newest notification seen. Without one, only the
    latest page is read; with one, pages are read back until that moment (at most
    MAX_PAGES). Likes, reposts and follows are skipped: they are metrics, not conversations.
    """
    since = _parse_cursor(cursor)
    items: list[Interaction] = []
    newest, newest_raw = since, cursor if since else None
    page: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {"limit": PAGE_LIMIT}
        if page:
            params["cursor"] = page
        body = get(xrpc, session, "app.bsky.notification.listNotifications", params)
        notes = body.get("notifications") or []
        reached_cursor = False
        with readable("list of notifications"):
            for note in notes:
                indexed = mapping.to_datetime(str(note["indexedAt"]))
                if since is not None and indexed <= since:
                    reached_cursor = True
                    break
                if newest is None or indexed > newest:
                    newest, newest_raw = indexed, str(note["indexedAt"])
                item = mapping.interaction(note)
                if item is not None:
                    items.append(item)
        page = body.get("cursor")
        if since is None or reached_cursor or not page or not notes:
            break
    return InteractionPage(items, newest_raw)


def search(
    xrpc: Xrpc,
    session: Session,
    query: str,
    *,
    since: datetime | None,
    limit: int,
) -> Sequence[FoundPost]:
    found: list[FoundPost] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        if len(found) >= limit:
            break
        params: dict[str, Any] = {
            "q": query,
            "sort": "latest",
            "limit": max(1, min(PAGE_LIMIT, limit - len(found))),
        }
        if since is not None:
            params["since"] = mapping.to_atproto(since)
        if cursor:
            params["cursor"] = cursor
        body = get(xrpc, session, "app.bsky.feed.searchPosts", params)
        views = body.get("posts") or []
        with readable("search results"):
            found.extend(mapping.found_post(view) for view in views)
        cursor = body.get("cursor")
        if not cursor or not views:
            break
    return found[:limit]
