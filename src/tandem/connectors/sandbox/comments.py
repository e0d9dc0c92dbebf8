"""The Sandbox's conversations: comments, mentions and replies, in the Sandbox's SQLite file.

Generated messages (audience.py) are written into the `comments` table lazily, when someone
reads an account's conversations, metrics or search results: everything that arrived up to
that moment is inserted (by id, so twice is harmless) and the account's watermark moves to
it. Each row carries its whole fate (a later edit, a later deletion) and every query takes
"as of" a time, so reading at time T gives the same answer however often, and whenever,
the rows were written. Planted messages and replies are ordinary rows with `sbc_<n>` ids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tandem.connectors.sandbox.audience import (
    Arrival,
    AudienceConfig,
    Writer,
    comments_between,
    mentions_between,
    plain_writer,
)
from tandem.connectors.sandbox.engagement import (
    HORIZON,
    PostFigures,
    figures_at,
    followers_at,
    totals,
)
from tandem.connectors.sandbox.store import (
    ID_PREFIX,
    SandboxStore,
    StoredPost,
    post_seq,
    row_to_post,
    timestamp,
)

STORED_PREFIX = "sbc_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS comments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    account TEXT NOT NULL,
    post_id TEXT NOT NULL,
    in_reply_to TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    intent TEXT NOT NULL,
    text TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name TEXT NOT NULL,
    author_followers INTEGER NOT NULL,
    language TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edited_text TEXT,
    edited_at TEXT,
    deleted_at TEXT,
    idempotency_key TEXT
);
CREATE INDEX IF NOT EXISTS comments_by_account ON comments (account, created_at);
CREATE INDEX IF NOT EXISTS comments_by_post ON comments (post_id, created_at);
CREATE INDEX IF NOT EXISTS comments_by_conversation ON comments (conversation_id);
CREATE UNIQUE INDEX IF NOT EXISTS comments_by_key
    ON comments (author_handle, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS audience_marks (
    account TEXT PRIMARY KEY,
    until TEXT NOT NULL
);
"""


class ConversationError(Exception):
    """A request the Sandbox refuses: `status` is the HTTP answer, the message its words."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Comment:
    """A comment, mention or reply as it stands at one moment."""

    id: str
    kind: str  # "comment" (under a post, replies included) | "mention"
    account: str  # the account it concerns (the post's owner, or who is mentioned)
    post_id: str
    in_reply_to: str
    conversation_id: str
    intent: str
    text: str
    author_handle: str
    author_name: str
    author_followers: int
    language: str
    origin: str  # generated | planted | reply
    created_at: datetime
    edited_at: datetime | None
    deleted: bool


@dataclass(frozen=True)
class Figures:
    """A post's metrics at `at`: the curves' figures and its real comment count."""

    post: StoredPost
    at: datetime
    figures: PostFigures
    comments: int


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def as_of(row: sqlite3.Row, at: datetime) -> Comment:
    edited_at, deleted_at = _time(row["edited_at"]), _time(row["deleted_at"])
    edited = edited_at is not None and edited_at <= at
    return Comment(
        id=row["id"],
        kind=row["kind"],
        account=row["account"],
        post_id=row["post_id"],
        in_reply_to=row["in_reply_to"],
        conversation_id=row["conversation_id"],
        intent=row["intent"],
        text=row["edited_text"] if edited else row["text"],
        author_handle=row["author_handle"],
        author_name=row["author_name"],
        author_followers=row["author_followers"],
        language=row["language"],
        origin=row["origin"],
        created_at=datetime.fromisoformat(row["created_at"]),
        edited_at=edited_at if edited else None,
        deleted=deleted_at is not None and deleted_at <= at,
    )


def insert(
    connection: sqlite3.Connection,
    arrival: Arrival,
    *,
    origin: str,
    in_reply_to: str = "",
    conversation_id: str = "",
    idempotency_key: str | None = None,
) -> str:
    """Insert (ignoring an id already there); a stored row without an id gets `sbc_<seq>`."""
    cursor = connection.execute(
        "INSERT OR IGNORE INTO comments (id, kind, account, post_id, in_reply_to,"
        " conversation_id, intent, text, author_handle, author_name, author_followers,"
        " language, origin, created_at, edited_text, edited_at, deleted_at,"
        " idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            arrival.id,
            arrival.kind,
            arrival.account,
            arrival.post_id,
            in_reply_to or arrival.post_id,
            conversation_id or arrival.id,
            arrival.intent,
            arrival.text,
            arrival.author_handle,
            arrival.author_name,
            arrival.author_followers,
            arrival.language,
            origin,
            timestamp(arrival.created_at),
            arrival.edited_text,
            None if arrival.edited_at is None else timestamp(arrival.edited_at),
            None if arrival.deleted_at is None else timestamp(arrival.deleted_at),
            idempotency_key,
        ),
    )
    if arrival.id:
        return arrival.id
    seq = cursor.lastrowid
    assert seq is not None  # an INSERT into a rowid table always sets it
    stored_id = f"{STORED_PREFIX}{seq}"
    # A row is its own conversation unless it answers one.
    connection.execute(
        "UPDATE comments SET id = ?, conversation_id = CASE conversation_id"
        " WHEN '' THEN ? ELSE conversation_id END WHERE seq = ?",
        (stored_id, stored_id, seq),
    )
    return stored_id


class CommentStore:
    """Conversations over `SandboxStore`'s file; `now` is the Sandbox's clock."""

    def __init__(
        self,
        store: SandboxStore,
        now: Callable[[], datetime],
        writer: Writer = plain_writer,
        config: AudienceConfig | None = None,
    ) -> None:
        self.store = store
        self.now = now
        self.writer = writer
        self.initial = config or AudienceConfig()
        self.config = self.initial
        store.apply_schema(_SCHEMA)

    # --- materialising the audience ------------------------------------------------------

    def materialise(
        self, connection: sqlite3.Connection, handle: str, now: datetime
    ) -> None:
        """Write every generated message for `handle` that arrived by `now`."""
        mark = connection.execute(
            "SELECT until FROM audience_marks WHERE account = ?", (handle,)
        ).fetchone()
        start = _time(mark["until"]) if mark else None
        if start is not None and start >= now:
            return
        self.store.ensure_account(connection, handle, now)
        account = connection.execute(
            "SELECT followers, created_at FROM accounts WHERE handle = ?", (handle,)
        ).fetchone()
        base, since = (
            account["followers"],
            datetime.fromisoformat(account["created_at"]),
        )
        window = "" if start is None else timestamp(start - HORIZON)
        posts = connection.execute(
            "SELECT * FROM posts WHERE account = ? AND created_at > ? AND created_at <= ?",
            (handle, window, timestamp(now)),
        ).fetchall()
        config, arrivals = self.config, []
        for row in posts:
            post = row_to_post(row)
            expected = totals(
                post.id, followers_at(base, since, post.created_at)
            ).comments
            arrivals += comments_between(
                self.writer,
                config,
                account=handle,
                post_id=post.id,
                post_created_at=post.created_at,
                expected=expected,
                start=start,
                end=now,
            )
        origin = since - timedelta(hours=config.backfill_hours)
        arrivals += mentions_between(
            self.writer, config, account=handle, origin=origin, start=start, end=now
        )
        for arrival in arrivals:
            insert(connection, arrival, origin="generated")
        connection.execute(
            "INSERT INTO audience_marks (account, until) VALUES (?, ?)"
            " ON CONFLICT (account) DO UPDATE SET until = excluded.until",
            (handle, timestamp(now)),
        )

    def materialise_all(self, connection: sqlite3.Connection, now: datetime) -> None:
        for row in connection.execute("SELECT handle FROM accounts").fetchall():
            self.materialise(connection, row["handle"], now)

    # --- reading -------------------------------------------------------------------------

    def figures(self, post_id: str) -> Figures | None:
        """The post's metrics now, or None when there is no such post."""
        seq = post_seq(post_id)
        if seq is None:
            return None
        with self.store.transaction(write=True) as connection:
            now = self.now()
            row = connection.execute(
                "SELECT * FROM posts WHERE seq = ?", (seq,)
            ).fetchone()
            if row is None:
                return None
            post = row_to_post(row)
            self.materialise(connection, post.account, now)
            return self.figures_in(connection, post, now)

    def figures_in(
        self, connection: sqlite3.Connection, post: StoredPost, now: datetime
    ) -> Figures:
        account = connection.execute(
            "SELECT followers, created_at FROM accounts WHERE handle = ?",
            (post.account,),
        ).fetchone()
        followers = followers_at(
            account["followers"],
            datetime.fromisoformat(account["created_at"]),
            post.created_at,
        )
        comments = connection.execute(
            "SELECT COUNT(*) FROM comments WHERE post_id = ? AND created_at <= ?"
            " AND (deleted_at IS NULL OR deleted_at > ?)",
            (post.id, timestamp(now), timestamp(now)),
        ).fetchone()[0]
        return Figures(
            post, now, figures_at(post.id, followers, post.created_at, now), comments
        )

    def thread(self, item_id: str) -> tuple[StoredPost | Comment, list[Comment]] | None:
        """A post (or a mention) and everything under it that is visible now, oldest first."""
        with self.store.transaction(write=True) as connection:
            now = self.now()
            root: StoredPost | Comment | None
            if item_id.startswith(ID_PREFIX):
                row = connection.execute(
                    "SELECT * FROM posts WHERE seq = ?", (post_seq(item_id),)
                ).fetchone()
                root = None if row is None else row_to_post(row)
                if root is not None:
                    self.materialise(connection, root.account, now)
                column = "post_id"
            else:
                root = self.visible(connection, item_id, now)
                column = "conversation_id"
            if root is None:
                return None
            rows = connection.execute(
                f"SELECT * FROM comments WHERE {column} = ? AND id != ?"
                " AND created_at <= ? ORDER BY created_at, seq",
                (item_id, item_id, timestamp(now)),
            ).fetchall()
        return root, [c for c in (as_of(r, now) for r in rows) if not c.deleted]

    def visible(
        self, connection: sqlite3.Connection, item_id: str, now: datetime
    ) -> Comment | None:
        row = connection.execute(
            "SELECT * FROM comments WHERE id = ? AND created_at <= ?",
            (item_id, timestamp(now)),
        ).fetchone()
        return None if row is None else as_of(row, now)

    # --- writing -------------------------------------------------------------------------

    def reply(
        self, handle: str, to_id: str, text: str, key: str | None
    ) -> tuple[Comment, bool]:
        """`handle` answers a post, comment or mention; returns the reply and whether it is
        a replay of an earlier request with the same idempotency key."""
        with self.store.transaction(write=True) as connection:
            now = self.now()
            if key:
                row = connection.execute(
                    "SELECT * FROM comments WHERE author_handle = ? AND idempotency_key = ?",
                    (handle, key),
                ).fetchone()
                if row is not None:
                    if row["in_reply_to"] != to_id or row["text"] != text:
                        raise ConversationError(
                            "This Idempotency-Key was already used for a different "
                            "reply; send a new key for a new reply.",
                            422,
                        )
                    return as_of(row, now), True
            account, post_id, conversation = self._target(connection, to_id, now)
            self.store.ensure_account(connection, handle, now)
            me = connection.execute(
                "SELECT followers, created_at FROM accounts WHERE handle = ?", (handle,)
            ).fetchone()
            arrival = Arrival(
                id="",
                kind="comment" if post_id else "mention",
                account=account,
                post_id=post_id,
                intent="reply",
                text=text,
                author_handle=handle,
                author_name=handle.replace("_", " ").title(),
                author_followers=followers_at(
                    me["followers"], datetime.fromisoformat(me["created_at"]), now
                ),
                language="",
                created_at=now,
            )
            stored = insert(
                connection,
                arrival,
                origin="reply",
                in_reply_to=to_id,
                conversation_id=conversation,
                idempotency_key=key or None,
            )
            found = self.visible(connection, stored, now)
        assert found is not None  # inserted just above, in the same transaction
        return found, False

    def _target(
        self, connection: sqlite3.Connection, to_id: str, now: datetime
    ) -> tuple[str, str, str]:
        """(account, post id, conversation id) of what is being answered."""
        if to_id.startswith(ID_PREFIX):
            row = connection.execute(
                "SELECT account FROM posts WHERE seq = ?", (post_seq(to_id),)
            ).fetchone()
            if row is None:
                raise ConversationError(f"No post {to_id}.", 404)
            return row["account"], to_id, ""
        target = self.visible(connection, to_id, now)
        if target is None:
            raise ConversationError(f"No comment or mention {to_id}.", 404)
        if target.deleted:
            raise ConversationError(
                f"{to_id} was deleted by its author; it cannot be answered.", 422
            )
        return target.account, target.post_id, target.conversation_id

    def delete(self, handle: str, item_id: str) -> None:
        """The author, or the owner of the post it is under (hiding spam), deletes it."""
        with self.store.transaction(write=True) as connection:
            now = self.now()
            found = self.visible(connection, item_id, now)
            if found is None or found.deleted:
                raise ConversationError(f"No comment or mention {item_id}.", 404)
            if handle not in (found.author_handle, found.account):
                raise ConversationError(
                    f"@{handle} may delete only its own comments and those under its "
                    "own posts.",
                    403,
                )
            connection.execute(
                "UPDATE comments SET deleted_at = ? WHERE id = ?",
                (timestamp(now), item_id),
            )

    def post_deleted(self, connection: sqlite3.Connection, post_id: str) -> None:
        """A deleted post takes its thread with it (reported to readers as deletions)."""
        now = timestamp(self.now())
        connection.execute(
            "UPDATE comments SET deleted_at = ? WHERE post_id = ?"
            " AND (deleted_at IS NULL OR deleted_at > ?)",
            (now, post_id, now),
        )

    def reset(self) -> None:
        self.config = self.initial
        with self.store.transaction(write=True) as connection:
            connection.execute("DELETE FROM comments")
            connection.execute("DELETE FROM audience_marks")


def visible_rows(
    connection: sqlite3.Connection, ids: Sequence[str]
) -> dict[str, sqlite3.Row]:
    marks = ",".join("?" * len(ids))
    rows = connection.execute(
        f"SELECT * FROM comments WHERE id IN ({marks})",
        tuple(ids),
    ).fetchall()
    return {row["id"]: row for row in rows}
