"""The Sandbox's state: one SQLite file, stdlib sqlite3, one transaction per request.

Several processes may share the file (a restarted server, a test reading it), so every
write takes the write lock up front (BEGIN IMMEDIATE) and WAL lets readers proceed
meanwhile. Ids come from an AUTOINCREMENT key, so a deleted post's id is never reused.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ID_PREFIX = "sbx_"
PART_SEPARATOR = "\n\n"  # a thread's parts joined: the text duplicates are judged by

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    handle TEXT PRIMARY KEY,
    followers INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS posts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL REFERENCES accounts(handle),
    parts TEXT NOT NULL,
    text TEXT NOT NULL,
    first_comment TEXT NOT NULL,
    client_ref TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_by_account ON posts (account, seq);
"""


@dataclass(frozen=True)
class StoredPost:
    id: str
    account: str
    parts: tuple[str, ...]
    text: str
    first_comment: str
    client_ref: str | None
    created_at: datetime


@dataclass(frozen=True)
class PastPost:
    """A post an account made before the Sandbox ran (history for the demo's rivals)."""

    parts: tuple[str, ...]
    client_ref: str
    created_at: datetime


@dataclass(frozen=True)
class StoredAccount:
    handle: str
    followers: int
    posts: int
    created_at: datetime


def timestamp(moment: datetime) -> str:
    # One fixed-width UTC form, so text comparison in SQL is time comparison.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _post_id(seq: int) -> str:
    return f"{ID_PREFIX}{seq}"


def post_seq(post_id: str) -> int | None:
    digits = post_id.removeprefix(ID_PREFIX)
    if not post_id.startswith(ID_PREFIX) or not digits.isdigit():
        return None
    return int(digits)


def base_followers(handle: str) -> int:
    """An account's followers when first seen (they grow from there: engagement.followers_at).
    Stable per handle, so a demo shows the same audience after every reset."""
    digest = hashlib.sha256(handle.encode()).digest()
    return 100 + int.from_bytes(digest[:4], "big") % 9900


def row_to_post(row: sqlite3.Row) -> StoredPost:
    return StoredPost(
        id=_post_id(row["seq"]),
        account=row["account"],
        parts=tuple(json.loads(row["parts"])),
        text=row["text"],
        first_comment=row["first_comment"],
        client_ref=row["client_ref"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


class SandboxStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection:
            connection.execute("PRAGMA journal_mode=WAL")  # persists in the file
            connection.executescript(_SCHEMA)

    def apply_schema(self, script: str) -> None:
        """Create tables of another part of the Sandbox in this file (idempotent DDL)."""
        with closing(self._connect()) as connection:
            connection.executescript(script)

    def _connect(self) -> sqlite3.Connection:
        # autocommit mode: transactions are opened explicitly by `_transaction`.
        connection = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        connection.row_factory = sqlite3.Row
        # FULL: a 201 means the post is on disk, which the exactly-once checks rely on.
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    @staticmethod
    def ensure_account(
        connection: sqlite3.Connection, handle: str, now: datetime | None = None
    ) -> None:
        connection.execute(
            "INSERT OR IGNORE INTO accounts (handle, followers, created_at) "
            "VALUES (?, ?, ?)",
            (handle, base_followers(handle), timestamp(now or datetime.now(UTC))),
        )

    def create_post(
        self,
        handle: str,
        parts: Sequence[str],
        first_comment: str = "",
        client_ref: str | None = None,
        now: datetime | None = None,
    ) -> StoredPost:
        created_at = now or datetime.now(UTC)
        with self.transaction(write=True) as connection:
            self.ensure_account(connection, handle, created_at)
            cursor = connection.execute(
                "INSERT INTO posts (account, parts, text, first_comment, client_ref,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    handle,
                    json.dumps(list(parts)),
                    PART_SEPARATOR.join(parts),
                    first_comment,
                    client_ref,
                    timestamp(created_at),
                ),
            )
            seq = cursor.lastrowid
        assert seq is not None  # an INSERT into a rowid table always sets it
        return StoredPost(
            id=_post_id(seq),
            account=handle,
            parts=tuple(parts),
            text=PART_SEPARATOR.join(parts),
            first_comment=first_comment,
            client_ref=client_ref,
            created_at=created_at,
        )

    def backfill(self, handle: str, since: datetime, posts: Sequence[PastPost]) -> int:
        """Give `handle` a past: it exists since `since` (moved back, never forward) and made
        `posts`. Idempotent: a post whose `client_ref` the account already has is skipped.
        Returns how many posts were added."""
        with self.transaction(write=True) as connection:
            self.ensure_account(connection, handle, since)
            connection.execute(
                "UPDATE accounts SET created_at = ? WHERE handle = ? AND created_at > ?",
                (timestamp(since), handle, timestamp(since)),
            )
            known = {
                row["client_ref"]
                for row in connection.execute(
                    "SELECT client_ref FROM posts WHERE account = ? "
                    "AND client_ref IS NOT NULL",
                    (handle,),
                )
            }
            new = sorted(
                (p for p in posts if p.client_ref not in known),
                key=lambda p: p.created_at,
            )
            connection.executemany(
                "INSERT INTO posts (account, parts, text, first_comment, client_ref,"
                " created_at) VALUES (?, ?, ?, '', ?, ?)",
                [
                    (
                        handle,
                        json.dumps(list(p.parts)),
                        PART_SEPARATOR.join(p.parts),
                        p.client_ref,
                        timestamp(p.created_at),
                    )
                    for p in new
                ],
            )
        return len(new)

    def list_posts(
        self, handle: str, *, since: datetime | None = None, limit: int | None = None
    ) -> list[StoredPost]:
        """Newest first; `since` is inclusive."""
        query = "SELECT * FROM posts WHERE account = ?"
        params: list[Any] = [handle]
        if since is not None:
            query += " AND created_at >= ?"
            params.append(timestamp(since))
        query += " ORDER BY seq DESC"
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        with self.transaction(write=False) as connection:
            rows = connection.execute(query, params).fetchall()
        return [row_to_post(row) for row in rows]

    def get_post(self, post_id: str) -> StoredPost | None:
        seq = post_seq(post_id)
        if seq is None:
            return None
        with self.transaction(write=False) as connection:
            row = connection.execute(
                "SELECT * FROM posts WHERE seq = ?", (seq,)
            ).fetchone()
        return None if row is None else row_to_post(row)

    def delete_post(self, post_id: str) -> bool:
        seq = post_seq(post_id)
        if seq is None:
            return False
        with self.transaction(write=True) as connection:
            cursor = connection.execute("DELETE FROM posts WHERE seq = ?", (seq,))
        return cursor.rowcount > 0

    def account(self, handle: str, now: datetime | None = None) -> StoredAccount:
        with self.transaction(write=True) as connection:
            self.ensure_account(connection, handle, now)
            row = connection.execute(
                "SELECT a.handle, a.followers, a.created_at, "
                "(SELECT COUNT(*) FROM posts p WHERE p.account = a.handle) AS posts "
                "FROM accounts a WHERE a.handle = ?",
                (handle,),
            ).fetchone()
        return StoredAccount(
            handle=row["handle"],
            followers=row["followers"],
            posts=row["posts"],
            created_at=datetime.fromisoformat(row["created_at"]),
        )

    def stats(self) -> dict[str, Any]:
        """Totals and the duplicates an exactly-once test looks for (one snapshot)."""
        with self.transaction(write=False) as connection:
            total = connection.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
            by_account = connection.execute(
                "SELECT account, COUNT(*) AS n FROM posts GROUP BY account"
            ).fetchall()
            duplicates = connection.execute(
                "SELECT account, text, COUNT(*) AS n FROM posts "
                "GROUP BY account, text HAVING COUNT(*) > 1 ORDER BY account, text"
            ).fetchall()
        return {
            "posts_total": total,
            "posts_by_account": {row["account"]: row["n"] for row in by_account},
            "duplicates": [
                {"account": row["account"], "text": row["text"], "count": row["n"]}
                for row in duplicates
            ],
        }

    def reset(self) -> None:
        with self.transaction(write=True) as connection:
            connection.execute("DELETE FROM posts")
            connection.execute("DELETE FROM accounts")
            # The id sequence is kept: an id a client stored before the reset must
            # never name a different post afterwards.
