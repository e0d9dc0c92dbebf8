"""What readers of the Sandbox see across many items: an account's interactions, page by
page with an incremental cursor, and search over every post and comment.

Interactions are read as a log of events (arrived, edited, deleted) ordered by
(time, event, id). The cursor is the last event a page reported, so the next page starts
strictly after it: nothing is reported twice unless it changed, and nothing is skipped,
because everything written later (materialised arrivals, plants, replies) is timed after
any event already read. Each item is reported as it stood at the page's last event, so an
edit that falls on the next page is reported there, once.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from tandem.connectors.sandbox.comments import (
    Comment,
    CommentStore,
    Figures,
    as_of,
    visible_rows,
)
from tandem.connectors.sandbox.store import row_to_post, timestamp

MAX_PAGE = 200
_WORD = re.compile(r"\w+")

_EVENTS = """
SELECT id, created_at AS t, 0 AS k FROM comments
 WHERE account = :account AND author_handle != :account AND created_at <= :now
UNION ALL
SELECT id, edited_at, 1 FROM comments
 WHERE account = :account AND author_handle != :account
   AND edited_at IS NOT NULL AND edited_at <= :now
UNION ALL
SELECT id, deleted_at, 2 FROM comments
 WHERE account = :account AND author_handle != :account
   AND deleted_at IS NOT NULL AND deleted_at <= :now
"""


@dataclass(frozen=True)
class Position:
    """The last event a reader has seen."""

    time: str
    event: int
    id: str

    def encode(self) -> str:
        raw = json.dumps([self.time, self.event, self.id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Position:
        """ValueError when `cursor` is not one the Sandbox issued."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            time, event, item = json.loads(base64.urlsafe_b64decode(padded))
            datetime.fromisoformat(time)
        except (binascii.Error, ValueError, TypeError) as exc:
            raise ValueError(
                "`cursor` is not one the Sandbox issued; start again without it."
            ) from exc
        return cls(str(time), int(event), str(item))


START = Position("", -1, "")


@dataclass(frozen=True)
class Page:
    items: list[Comment]
    cursor: str | None


def interactions(
    comments: CommentStore, handle: str, cursor: str | None, limit: int
) -> Page:
    """What happened to `handle`'s conversations after `cursor` (everything without one):
    comments under its posts and mentions of it, by others, at most `limit` items."""
    after = START if cursor is None else Position.decode(cursor)
    limit = max(1, min(limit, MAX_PAGE))
    with comments.store.transaction(write=True) as connection:
        now = comments.now()
        comments.materialise(connection, handle, now)
        events = connection.execute(
            f"SELECT id, t, k FROM ({_EVENTS}) WHERE (t, k, id) > (:t, :k, :id)"
            " ORDER BY t, k, id LIMIT :limit",
            {
                "account": handle,
                "now": timestamp(now),
                "t": after.time,
                "k": after.event,
                "id": after.id,
                "limit": limit,
            },
        ).fetchall()
        if not events:
            return Page([], cursor)
        last = events[-1]
        ids = list(dict.fromkeys(event["id"] for event in events))
        rows = visible_rows(connection, ids)
    seen_at = datetime.fromisoformat(last["t"])
    items = [as_of(rows[item], seen_at) for item in ids]
    return Page(items, Position(last["t"], last["k"], last["id"]).encode())


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Hit:
    """A search result: a post (with its figures) or a comment/mention."""

    created_at: datetime
    post: Figures | None = None
    comment: Comment | None = None


def search(
    comments: CommentStore, query: str, *, since: datetime | None, limit: int
) -> list[Hit]:
    """Posts and comments containing every word of `query` (case-insensitive), newest
    first. ValueError when the query has no word."""
    wanted = words(query)
    if not wanted:
        raise ValueError("`q` must contain at least one word.")
    likes = [f"%{word}%" for word in sorted(wanted)]
    floor = "" if since is None else timestamp(since)
    with comments.store.transaction(write=True) as connection:
        now = comments.now()
        comments.materialise_all(connection, now)
        hits = _post_hits(comments, connection, likes, floor, now, wanted)
        hits += _comment_hits(connection, likes, floor, now, wanted)
    hits.sort(key=lambda hit: hit.created_at, reverse=True)
    return hits[: max(1, limit)]


def _post_hits(
    comments: CommentStore,
    connection: sqlite3.Connection,
    likes: list[str],
    floor: str,
    now: datetime,
    wanted: set[str],
) -> list[Hit]:
    where = " AND ".join("text LIKE ?" for _ in likes)
    rows = connection.execute(
        f"SELECT * FROM posts WHERE {where} AND created_at >= ? AND created_at <= ?",
        (*likes, floor, timestamp(now)),
    ).fetchall()
    posts = [row_to_post(row) for row in rows]
    return [
        Hit(post.created_at, post=comments.figures_in(connection, post, now))
        for post in posts
        if wanted <= words(post.text)
    ]


def _comment_hits(
    connection: sqlite3.Connection,
    likes: list[str],
    floor: str,
    now: datetime,
    wanted: set[str],
) -> list[Hit]:
    where = " AND ".join("(text LIKE ? OR edited_text LIKE ?)" for _ in likes)
    params = [value for like in likes for value in (like, like)]
    rows = connection.execute(
        f"SELECT * FROM comments WHERE {where} AND created_at >= ? AND created_at <= ?",
        (*params, floor, timestamp(now)),
    ).fetchall()
    found = (as_of(row, now) for row in rows)
    return [
        Hit(comment.created_at, comment=comment)
        for comment in found
        if not comment.deleted and wanted <= words(comment.text)
    ]
