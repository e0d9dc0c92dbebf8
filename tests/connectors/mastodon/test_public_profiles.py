"""Competitors' public metrics from a Mastodon instance, no token: `accounts/lookup` and
`accounts/:id/statuses`, answered by a real HTTP server on 127.0.0.1 from recordings shaped
like Mastodon's documented Account and Status entities."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.connectors.public import PublicProfiles, mastodon_account, reason_unreadable
from tandem.publish.ports import ErrorKind, PublishError
from tests.connectors.mastodon.conftest import RECORDINGS
from tests.connectors.replay import fake_dns

INSTANCE = "mastodon.example"


@dataclass
class Answer:
    path: str  # `{name}` matches one segment
    recording: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Instance:
    """A queue of recorded answers, each for one request, in order; records the requests."""

    queue: list[Answer] = field(default_factory=list)
    seen: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(
        default_factory=list
    )
    url: str = ""

    def expect(self, path: str, recording: str, **kwargs: Any) -> None:
        self.queue.append(Answer(path, recording, **kwargs))

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes, float]:
        for index, a in enumerate(self.queue):
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(a.path))
            if re.fullmatch(pattern, path):
                del self.queue[index]
                recorded = json.loads((RECORDINGS / f"{a.recording}.json").read_text())
                response = recorded["response"]
                body = (
                    json.dumps(response["json"]).encode()
                    if "json" in response
                    else response.get("text", "").encode()
                )
                headers = {**response.get("headers", {}), **a.headers}
                return a.status or response["status"], headers, body, a.delay
        return 599, {}, b"unexpected request", 0.0


@pytest.fixture
def instance() -> Iterator[Instance]:
    state = Instance()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            state.seen.append((parts.path, parse_qs(parts.query), dict(self.headers)))
            status, headers, body, delay = state.answer(parts.path)
            time.sleep(delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    assert not state.queue, f"answers never asked for: {state.queue}"


def reader(instance: Instance, timeout: float = 5.0) -> PublicProfiles:
    return PublicProfiles(mastodon_instances={INSTANCE: instance.url}, timeout=timeout)


def test_it_reads_followers_posts_and_engagement_of_recent_statuses(instance):
    instance.expect("/api/v1/accounts/lookup", "public_lookup")
    instance.expect("/api/v1/accounts/{id}/statuses", "public_statuses")
    profiles = reader(instance)
    profile = profiles.read("mastodon", "@northwind@mastodon.example")
    profiles.close()
    assert (profile.followers, profile.posts) == (8312, 1207)
    # replies + boosts + favourites: (12+30+98 + 1+0+4 + 7+20+73) / 3
    assert profile.engagement_per_post == 245 / 3 and profile.sampled_posts == 3
    (lookup, q1, h1), (statuses, q2, h2) = instance.seen
    assert lookup == "/api/v1/accounts/lookup"
    assert q1 == {"acct": ["northwind@mastodon.example"]}
    assert statuses == "/api/v1/accounts/109412345678901234/statuses"
    assert q2 == {"exclude_reblogs": ["true"], "limit": ["40"]}
    assert "Authorization" not in h1 and "Authorization" not in h2  # public: no token


def test_an_unknown_account_names_the_instance(instance):
    instance.expect("/api/v1/accounts/lookup", "public_lookup_not_found")
    with pytest.raises(PublishError) as caught:
        reader(instance).read("mastodon", "nobody@mastodon.example")
    assert caught.value.kind is ErrorKind.PERMANENT
    assert caught.value.message.startswith(
        "No such account on mastodon.example: @nobody (Record not found)"
    )


def test_a_rate_limit_waits_for_retry_after(instance):
    instance.expect(
        "/api/v1/accounts/lookup", "rate_limited", headers={"Retry-After": "120"}
    )
    with pytest.raises(PublishError) as caught:
        reader(instance).read("mastodon", "northwind@mastodon.example")
    assert caught.value.kind is ErrorKind.RETRY and caught.value.retry_after == 120
    assert caught.value.message == (
        "mastodon.example: Too many requests (retry after 120 s)"
    )


def test_server_errors_and_timeouts_are_read_again_later(instance):
    instance.expect("/api/v1/accounts/lookup", "public_lookup")
    instance.expect("/api/v1/accounts/{id}/statuses", "server_unavailable")
    with pytest.raises(PublishError) as caught:
        reader(instance).read("mastodon", "northwind@mastodon.example")
    assert caught.value.kind is ErrorKind.RETRY and caught.value.status == 503
    assert caught.value.message == "mastodon.example: Mastodon answered HTTP 503."
    instance.expect("/api/v1/accounts/lookup", "public_lookup", delay=1.0)
    with pytest.raises(PublishError) as slow:
        reader(instance, timeout=0.3).read("mastodon", "northwind@mastodon.example")
    assert slow.value.kind is ErrorKind.RETRY
    assert slow.value.message.startswith("mastodon.example: Could not reach Mastodon")


def test_an_instance_that_requires_a_login_says_so(instance):
    instance.expect("/api/v1/accounts/lookup", "public_lookup")
    instance.expect("/api/v1/accounts/{id}/statuses", "public_statuses_login_required")
    with pytest.raises(PublishError) as caught:
        reader(instance).read("mastodon", "northwind@mastodon.example")
    assert caught.value.kind is ErrorKind.PERMANENT  # no login of ours to renew
    assert "does not let visitors read its accounts" in caught.value.message


def test_handles_are_user_at_instance_and_instances_are_public_addresses(
    monkeypatch,
):
    assert reason_unreadable("mastodon") is None
    assert mastodon_account("@Northwind@Mastodon.Social") == (
        "Northwind",
        "mastodon.social",
    )
    for bad in ("northwind", "northwind@", "@mastodon.social", "a b@x.social"):
        with pytest.raises(ValueError, match="user@instance"):
            mastodon_account(bad)
    fake_dns(monkeypatch, {"intranet.example": "10.1.2.3"})
    with pytest.raises(PublishError) as caught:
        PublicProfiles().read("mastodon", "boss@intranet.example")
    assert "private" in caught.value.message.lower()
