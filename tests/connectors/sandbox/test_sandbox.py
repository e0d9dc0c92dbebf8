"""The Sandbox connector against the real Sandbox server (a subprocess)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tandem.connectors.registry import CONNECTORS, UnknownPlatform, publisher_for
from tandem.connectors.sandbox import SandboxPublisher, post_text
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError

AccountFactory = Callable[..., AccountRef]


def outbound(*parts: str, first_comment: str = "") -> OutboundPost:
    return OutboundPost(
        parts=parts, fingerprint=f"fp-{hash(parts)}", first_comment=first_comment
    )


def test_publish_single_post(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    before = datetime.now(UTC)
    ref = publisher.publish(account_factory(), outbound("Hello, Sandbox 👋🏽"))

    assert ref.platform_post_id.startswith("sbx_")
    assert ref.url == f"{sandbox.url}/@brand/{ref.platform_post_id}"
    assert before - timedelta(seconds=1) <= ref.published_at <= datetime.now(UTC)
    body = httpx.get(
        f"{sandbox.url}/api/v1/posts/{ref.platform_post_id}",
        headers={"Authorization": "Bearer x"},
    ).json()
    assert body["parts"] == ["Hello, Sandbox 👋🏽"]
    assert body["client_ref"].startswith("fp-")


def test_thread_is_one_post_with_parts(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    post = outbound("1/ first", "2/ second", "3/ third", first_comment="link below")
    ref = publisher.publish(account_factory(), post)

    [remote] = publisher.recent_posts(
        account_factory(), since=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert remote.platform_post_id == ref.platform_post_id
    assert remote.text == post_text(post) == "1/ first\n\n2/ second\n\n3/ third"
    assert sandbox.stats()["posts_total"] == 1


def test_recent_posts_since_newest_first(
    publisher: SandboxPublisher, account_factory: AccountFactory
) -> None:
    account = account_factory()
    publisher.publish(account, outbound("old"))
    time.sleep(0.01)
    cutoff = datetime.now(UTC)
    second = publisher.publish(account, outbound("new 1"))
    third = publisher.publish(account, outbound("new 2"))
    publisher.publish(account_factory("other"), outbound("someone else"))

    recent = publisher.recent_posts(account, since=cutoff)

    assert [p.platform_post_id for p in recent] == [
        third.platform_post_id,
        second.platform_post_id,
    ]
    assert len(publisher.recent_posts(account, since=cutoff - timedelta(hours=1))) == 3


def test_delete(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    account = account_factory()
    ref = publisher.publish(account, outbound("short-lived"))

    publisher.delete(account, ref.platform_post_id)
    publisher.delete(account, ref.platform_post_id)  # already gone: still fine

    assert sandbox.stats()["posts_total"] == 0
    assert publisher.recent_posts(account, since=datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_account_is_created_on_first_use_with_followers(sandbox: SandboxServer) -> None:
    answer = httpx.get(
        f"{sandbox.url}/api/v1/accounts/newcomer", headers={"Authorization": "Bearer x"}
    )
    assert answer.status_code == 200
    assert answer.json()["followers"] > 0
    assert answer.json()["posts"] == 0


def test_revoked_token_means_reconnect(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    with pytest.raises(PublishError) as caught:
        publisher.publish(account_factory(token="revoked-2024"), outbound("hi"))

    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "token revoked"
    assert caught.value.status == 401
    assert sandbox.stats()["posts_total"] == 0


def test_missing_token_means_reconnect(publisher: SandboxPublisher) -> None:
    account = AccountRef(id="a", platform="sandbox", handle="brand")
    with pytest.raises(PublishError) as caught:
        publisher.publish(account, outbound("hi"))
    assert caught.value.kind is ErrorKind.RECONNECT


def test_over_limit_part_is_permanent_with_the_platform_message(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    # 500 family emoji are 500 graphemes (fine); one more letter makes 501.
    family = "👨‍👩‍👧‍👦"
    publisher.publish(account_factory(), outbound(family * 500))

    with pytest.raises(PublishError) as caught:
        publisher.publish(account_factory(), outbound("ok", family * 500 + "x"))

    assert caught.value.kind is ErrorKind.PERMANENT
    assert caught.value.status == 422
    assert "Part 2 is 501 characters long" in caught.value.message
    assert "500" in caught.value.message
    assert sandbox.stats()["posts_total"] == 1


def test_rate_limit_is_retry_with_retry_after(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    sandbox.control("faults", {"rate_limit_rate": 1.0, "retry_after": 7})

    with pytest.raises(PublishError) as caught:
        publisher.publish(account_factory(), outbound("too fast"))

    assert caught.value.kind is ErrorKind.RETRY
    assert caught.value.status == 429
    assert caught.value.retry_after == 7.0
    assert sandbox.stats()["posts_total"] == 0


def test_server_error_is_retry_and_creates_nothing(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    sandbox.control("faults", {"error_rate": 1.0, "seed": 1})

    for _ in range(5):
        with pytest.raises(PublishError) as caught:
            publisher.publish(account_factory(), outbound("unlucky"))
        assert caught.value.kind is ErrorKind.RETRY
        assert caught.value.status in (500, 502, 503)

    assert sandbox.stats()["posts_total"] == 0


def test_timeout_after_publishing_is_unknown_and_the_post_exists(
    sandbox: SandboxServer, account_factory: AccountFactory
) -> None:
    sandbox.control("faults", {"timeout_rate": 1.0, "timeout_seconds": 3})
    account = account_factory()
    started = datetime.now(UTC)

    with SandboxPublisher(sandbox.url, timeout=0.5) as client:
        with pytest.raises(PublishError) as caught:
            client.publish(account, outbound("did it go out?"))
        assert caught.value.kind is ErrorKind.UNKNOWN

        sandbox.control("faults", {"timeout_rate": 0.0})
        found = [
            p
            for p in client.recent_posts(account, since=started)
            if p.text == "did it go out?"
        ]
    assert len(found) == 1


def test_connection_refused_is_retry(account_factory: AccountFactory) -> None:
    client = SandboxPublisher(f"http://127.0.0.1:{free_port()}", timeout=1)
    with client, pytest.raises(PublishError) as caught:
        client.publish(account_factory(), outbound("nobody home"))
    assert caught.value.kind is ErrorKind.RETRY


def test_faults_are_deterministic_with_a_seed(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    def run() -> list[str]:
        sandbox.control(
            "faults", {"error_rate": 0.3, "rate_limit_rate": 0.3, "seed": 42}
        )
        outcomes = []
        for n in range(20):
            try:
                publisher.publish(account_factory(), outbound(f"p{n}"))
                outcomes.append("ok")
            except PublishError as exc:
                outcomes.append(str(exc.status))
        return outcomes

    first = run()
    assert first == run()
    assert {"ok", "429"} <= set(first)


def test_concurrent_publishers_create_every_post_once(
    sandbox: SandboxServer, account_factory: AccountFactory
) -> None:
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        account = account_factory(f"acct{number % 3}")
        try:
            with SandboxPublisher(sandbox.url, timeout=10) as client:
                for n in range(25):
                    client.publish(account, outbound(f"worker {number} post {n}"))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    stats = sandbox.stats()
    assert stats["posts_total"] == 200
    assert stats["duplicates"] == []
    assert sum(stats["posts_by_account"].values()) == 200


def test_stats_report_duplicates(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    for _ in range(3):
        publisher.publish(account_factory(), outbound("same again"))
    publisher.publish(account_factory("other"), outbound("same again"))

    assert sandbox.stats()["duplicates"] == [
        {"account": "brand", "text": "same again", "count": 3}
    ]


def test_state_survives_a_restart(
    tmp_path: Path, account_factory: AccountFactory
) -> None:
    server = SandboxServer(tmp_path / "restart.db", free_port())
    server.start()
    try:
        with SandboxPublisher(server.url, timeout=5) as client:
            ref = client.publish(account_factory(), outbound("persisted"))
        server.stop()
        server.start()
        with SandboxPublisher(server.url, timeout=5) as client:
            [remote] = client.recent_posts(
                account_factory(), since=datetime(2000, 1, 1, tzinfo=UTC)
            )
            newer = client.publish(account_factory(), outbound("after restart"))
    finally:
        server.stop()
    assert remote.platform_post_id == ref.platform_post_id
    assert remote.text == "persisted"
    assert newer.platform_post_id != ref.platform_post_id


def test_control_rejects_bad_fault_settings(sandbox: SandboxServer) -> None:
    answer = httpx.post(
        f"{sandbox.url}/_control/faults", json={"error_rate": 0.8, "timeout_rate": 0.5}
    )
    assert answer.status_code == 422
    assert "must not exceed 1" in answer.json()["error"]


def test_registry_has_the_sandbox(sandbox: SandboxServer) -> None:
    assert "sandbox" in CONNECTORS
    publisher = publisher_for("sandbox", {"base_url": sandbox.url})
    assert isinstance(publisher, SandboxPublisher)
    publisher.close()
    with pytest.raises(UnknownPlatform):
        publisher_for("myspace")


def test_the_connector_refuses_non_loopback_addresses() -> None:
    with pytest.raises(ValueError, match="loopback"):
        SandboxPublisher("http://example.com")


def test_tandem_sandbox_serve_runs_the_server_with_start_faults(tmp_path: Path) -> None:
    # cli/__init__.py may not import the command yet, so the test registers it itself.
    launcher = (
        sys.executable,
        "-c",
        "import sys, tandem.cli.sandbox; from tandem.cli.base import app;"
        " app(sys.argv[1:])",
        "sandbox",
        "serve",
    )
    server = SandboxServer(
        tmp_path / "cli.db", free_port(), ("--error-rate", "0.25"), launcher
    )
    server.start()
    try:
        faults = httpx.get(f"{server.url}/_control/faults", timeout=5).json()
    finally:
        server.stop()
    assert faults["error_rate"] == 0.25
    assert (tmp_path / "cli.db").exists()
