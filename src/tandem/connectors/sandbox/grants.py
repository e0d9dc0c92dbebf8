"""The Sandbox's OAuth 2 grants: authorisation codes (with PKCE S256), expiring access tokens
and rotating refresh tokens, in the Sandbox's SQLite file.

It behaves like the strict platforms (X, Threads) on purpose, so Tandem's handling is tested
against the hard case: a refresh token works once (refreshing rotates it), an access token
expires after `access_seconds`, and a code works once, within 10 minutes, for the redirect
URI and PKCE verifier it was issued for.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ACCESS_PREFIX = "sbx_at_"
REFRESH_PREFIX = "sbx_rt_"
CODE_SECONDS = 600
DEFAULT_ACCESS_SECONDS = 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS oauth_codes (
    code TEXT PRIMARY KEY,
    handle TEXT NOT NULL,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    challenge TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS oauth_tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    handle TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at REAL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS oauth_settings (
    name TEXT PRIMARY KEY,
    value REAL NOT NULL
);
"""


class GrantError(Exception):
    """An RFC 6749 error: `code` is the `error` field, the message its description."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


@dataclass(frozen=True)
class Issued:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str
    handle: str


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _now() -> float:
    return datetime.now(UTC).timestamp()


class Grants:
    def __init__(self, path: Path) -> None:
        self.path = path
        with closing(self._connect()) as connection:
            connection.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        connection.row_factory = sqlite3.Row
        return connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")  # one refresh of a token at a time
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # --- settings (the control API) --------------------------------------------------------

    def access_seconds(self) -> int:
        with self._transaction() as c:
            row = c.execute(
                "SELECT value FROM oauth_settings WHERE name = 'access_seconds'"
            ).fetchone()
        return int(row["value"]) if row else DEFAULT_ACCESS_SECONDS

    def set_access_seconds(self, seconds: int) -> None:
        with self._transaction() as c:
            c.execute(
                "INSERT INTO oauth_settings (name, value) VALUES ('access_seconds', ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (seconds,),
            )

    def expire_access(self, handle: str) -> int:
        """End every access token of `handle` now (refresh tokens keep working)."""
        with self._transaction() as c:
            cursor = c.execute(
                "UPDATE oauth_tokens SET expires_at = ? WHERE handle = ? AND kind = 'access'",
                (_now() - 1, handle),
            )
        return cursor.rowcount

    def revoke_all(self, handle: str) -> int:
        """The user removed the app: every token of `handle` stops working."""
        with self._transaction() as c:
            cursor = c.execute(
                "UPDATE oauth_tokens SET revoked = 1 WHERE handle = ?", (handle,)
            )
        return cursor.rowcount

    def reset(self) -> None:
        with self._transaction() as c:
            for table in ("oauth_codes", "oauth_tokens", "oauth_settings"):
                c.execute(f"DELETE FROM {table}")  # noqa: S608  (fixed names)

    # --- the flow ---------------------------------------------------------------------------

    def issue_code(
        self,
        *,
        handle: str,
        client_id: str,
        redirect_uri: str,
        challenge: str,
        scope: str,
    ) -> str:
        code = secrets.token_urlsafe(24)
        with self._transaction() as c:
            c.execute(
                "INSERT INTO oauth_codes (code, handle, client_id, redirect_uri, challenge,"
                " scope, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    handle,
                    client_id,
                    redirect_uri,
                    challenge,
                    scope,
                    _now() + CODE_SECONDS,
                ),
            )
        return code

    def exchange(
        self, *, code: str, client_id: str, redirect_uri: str, verifier: str
    ) -> Issued:
        """A code is spent by its first use, even a failed one (a guessed verifier gets
        one try), so the problem is raised after the transaction commits."""
        problem = ""
        with self._transaction() as c:
            row = c.execute(
                "SELECT * FROM oauth_codes WHERE code = ?", (code,)
            ).fetchone()
            if row is None or row["used"] or row["expires_at"] < _now():
                raise GrantError(
                    "invalid_grant", "The authorization code is invalid or expired."
                )
            c.execute("UPDATE oauth_codes SET used = 1 WHERE code = ?", (code,))
            if row["client_id"] != client_id or row["redirect_uri"] != redirect_uri:
                problem = "The code was issued to another client or redirect URI."
            elif not verifier or s256(verifier) != row["challenge"]:
                problem = "The PKCE code verifier does not match."
            else:
                return self._issue(c, row["handle"], client_id, row["scope"])
        raise GrantError("invalid_grant", problem)

    def refresh(self, *, refresh_token: str, client_id: str) -> Issued:
        with self._transaction() as c:
            row = c.execute(
                "SELECT * FROM oauth_tokens WHERE token = ? AND kind = 'refresh'",
                (refresh_token,),
            ).fetchone()
            if row is None or row["revoked"]:
                raise GrantError(
                    "invalid_grant", "The refresh token is invalid or was already used."
                )
            if row["client_id"] != client_id:
                raise GrantError(
                    "invalid_grant", "The refresh token belongs to another client."
                )
            c.execute(
                "UPDATE oauth_tokens SET revoked = 1 WHERE token = ?", (refresh_token,)
            )
            return self._issue(c, row["handle"], client_id, row["scope"])

    def _issue(
        self, c: sqlite3.Connection, handle: str, client_id: str, scope: str
    ) -> Issued:
        row = c.execute(
            "SELECT value FROM oauth_settings WHERE name = 'access_seconds'"
        ).fetchone()
        seconds = int(row["value"]) if row else DEFAULT_ACCESS_SECONDS
        access = ACCESS_PREFIX + secrets.token_urlsafe(24)
        refresh = REFRESH_PREFIX + secrets.token_urlsafe(24)
        c.executemany(
            "INSERT INTO oauth_tokens (token, kind, handle, client_id, scope, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (access, "access", handle, client_id, scope, _now() + seconds),
                (refresh, "refresh", handle, client_id, scope, None),
            ],
        )
        return Issued(access, refresh, seconds, scope, handle)

    def holder(self, access_token: str) -> tuple[str | None, str]:
        """(handle, "") for a live access token, else (None, why)."""
        with closing(self._connect()) as c:
            row = c.execute(
                "SELECT * FROM oauth_tokens WHERE token = ? AND kind = 'access'",
                (access_token,),
            ).fetchone()
        if row is None:
            return None, "The access token is invalid."
        if row["revoked"]:
            return None, "The access token was revoked."
        if row["expires_at"] is not None and row["expires_at"] < _now():
            when = datetime.fromtimestamp(row["expires_at"], UTC)
            return None, f"The access token expired at {when:%Y-%m-%d %H:%M:%S} UTC."
        return str(row["handle"]), ""
