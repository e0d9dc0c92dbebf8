"""An account's past on a real Sandbox server (`POST /_control/history`): it exists since a
given time, holds the posts sent, and sending the same history again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tandem.connectors.sandbox.history import history_json, history_of, send_history
from tandem.connectors.sandbox.process import SandboxServer
from tandem.connectors.sandbox.store import PastPost, SandboxStore, base_followers

SINCE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
POSTS = [
    PastPost((f"Post {n}",), f"ref-{n}", SINCE + timedelta(days=n, hours=9))
    for n in range(1, 6)
]


def _account(sandbox: SandboxServer, handle: str) -> dict:
    return httpx.get(
        f"{sandbox.url}/api/v1/accounts/{handle}",
        headers={"Authorization": "Bearer sandbox:public"},
    ).json()


def test_a_history_backdates_the_account_and_is_sent_once(sandbox: SandboxServer):
    assert send_history(sandbox.url, "rival", SINCE, POSTS[:3]) == 3
    assert send_history(sandbox.url, "rival", SINCE, POSTS) == 2  # only the new ones
    assert send_history(sandbox.url, "rival", SINCE, POSTS) == 0
    account = _account(sandbox, "rival")
    assert account["posts"] == 5
    assert datetime.fromisoformat(account["created_at"]) == SINCE
    # 30 days at 0.4 % a day from the account's first audience
    base = base_followers("rival")
    assert account["followers"] >= base + int(base * 0.004 * 30)
    listed = httpx.get(
        f"{sandbox.url}/api/v1/accounts/rival/posts",
        headers={"Authorization": "Bearer sandbox:rival"},
    ).json()["posts"]
    assert [p["text"] for p in listed] == [f"Post {n}" for n in range(5, 0, -1)]
    assert listed[-1]["created_at"] == POSTS[0].created_at.isoformat()


def test_an_account_seen_before_is_moved_back_never_forward(sandbox: SandboxServer):
    seen_now = _account(sandbox, "late")  # first read: created now
    assert datetime.fromisoformat(seen_now["created_at"]) > SINCE
    send_history(sandbox.url, "late", SINCE, [])
    assert datetime.fromisoformat(_account(sandbox, "late")["created_at"]) == SINCE
    send_history(sandbox.url, "late", SINCE + timedelta(days=3), [])
    assert datetime.fromisoformat(_account(sandbox, "late")["created_at"]) == SINCE


def test_a_bad_history_is_refused_with_what_to_fix(sandbox: SandboxServer):
    url = f"{sandbox.url}/_control/history"
    no_handle = httpx.post(url, json={"since": SINCE.isoformat(), "posts": []})
    assert no_handle.status_code == 422 and "`handle`" in no_handle.json()["error"]
    body = history_json("rival", SINCE, POSTS[:1])
    body["posts"][0]["created_at"] = "yesterday"
    assert "ISO 8601" in httpx.post(url, json=body).json()["error"]
    older = history_json("rival", SINCE, [PastPost(("x",), "r", SINCE - timedelta(1))])
    refused = httpx.post(url, json=older)
    assert refused.status_code == 422 and "older than the account" in refused.text
    assert _account(sandbox, "rival")["posts"] == 0


def test_a_history_is_read_back_from_a_sandbox_file(tmp_path: Path):
    store = SandboxStore(tmp_path / "sandbox.db")
    assert store.backfill("rival", SINCE, POSTS) == 5
    store.create_post("rival", ["no ref: typed on the Sandbox itself"])
    since, posts = history_of(store, "rival")
    assert since == SINCE and posts == POSTS
