"""The living Sandbox against a real server: metrics over time, conversations with an
incremental cursor, planted messages, replies with idempotency keys, edits and deletions,
search, and fault injection on all of it."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tandem.sim.conversations import TEMPLATES
from tests.connectors.sandbox.flows import DAY, advance, drain, outbound

AccountFactory = Callable[..., AccountRef]


def test_post_metrics_grow_over_time_and_repeat_at_the_same_time(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    ref = publisher.publish(account, outbound("Our new trail shoes are here"))

    [fresh] = publisher.post_metrics(account, [ref.platform_post_id])
    advance(quiet, 2 * 3600)
    [early] = publisher.post_metrics(account, [ref.platform_post_id])
    advance(quiet, 3 * DAY)
    [late] = publisher.post_metrics(account, [ref.platform_post_id])
    [again] = publisher.post_metrics(account, [ref.platform_post_id])

    assert fresh.impressions == fresh.likes == 0
    assert 0 < early.impressions < late.impressions  # type: ignore[operator]
    assert early.likes <= late.likes  # type: ignore[operator]
    assert late.reach <= late.impressions  # type: ignore[operator]
    assert late.at - early.at >= timedelta(days=3)
    # Saturated: another read a moment later gives the same figures.
    assert (again.impressions, again.likes, again.shares) == (
        late.impressions,
        late.likes,
        late.shares,
    )
    thread = httpx.get(
        f"{quiet.url}/api/v1/posts/{ref.platform_post_id}/comments",
        headers={"Authorization": "Bearer t"},
    ).json()["comments"]
    assert late.comments == len(thread) > 0  # the count is the real thread


def test_metrics_skip_posts_that_are_gone(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    kept = publisher.publish(account, outbound("kept"))
    gone = publisher.publish(account, outbound("gone"))
    publisher.delete(account, gone.platform_post_id)

    found = publisher.post_metrics(
        account, [kept.platform_post_id, gone.platform_post_id, "sbx_999999"]
    )
    assert [m.platform_post_id for m in found] == [kept.platform_post_id]


def test_account_metrics_and_slow_follower_growth(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    account = account_factory()
    publisher.publish(account, outbound("one"))
    before = publisher.account_metrics(account)
    advance(sandbox, 30 * DAY)
    after = publisher.account_metrics(account)

    assert before.posts == after.posts == 1
    assert before.following == after.following
    assert before.followers is not None and after.followers is not None
    assert before.followers < after.followers < before.followers * 1.2


def test_conversations_are_the_same_for_the_same_post_age_on_any_server(
    tmp_path: Path, account_factory: AccountFactory
) -> None:
    """Two fresh Sandboxes, one post each, read two days later: the same comments."""

    def comments_two_days_on(name: str) -> list[tuple[str, str, float]]:
        server = SandboxServer(tmp_path / f"{name}.db", free_port())
        server.start()
        try:
            server.control("audience", {"mentions_per_hour": 0})
            with SandboxPublisher(server.url, timeout=5) as client:
                ref = client.publish(account_factory(), outbound("same words"))
                server.control("clock", {"advance_seconds": 2 * DAY})
                items, _ = drain(client, account_factory())
        finally:
            server.stop()
        return [
            (i.platform_id, i.text, (i.created_at - ref.published_at).total_seconds())
            for i in items
        ]

    first, second = comments_two_days_on("a"), comments_two_days_on("b")
    assert len(first) > 0
    assert [(i, t) for i, t, _ in first] == [(i, t) for i, t, _ in second]
    for (_, _, one), (_, _, two) in zip(first, second, strict=True):
        assert one == pytest.approx(two, abs=0.5)  # same age, give or take the clock


def test_interactions_are_incremental_without_duplicates_and_match_a_full_read(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    sandbox.control(
        "audience", {"mentions_per_hour": 3, "edit_share": 0, "delete_share": 0}
    )
    account = account_factory()
    publisher.publish(account, outbound("first post"))

    ingested: dict[str, Interaction] = {}
    cursor: str | None = None
    for _ in range(6):
        advance(sandbox, 5 * 3600)
        items, cursor = drain(publisher, account, cursor)
        repeated = [i.platform_id for i in items if i.platform_id in ingested]
        assert repeated == []  # nothing changes, so nothing comes twice
        ingested.update({i.platform_id: i for i in items})
        assert publisher.interactions(account, cursor=cursor).items == []

    everything, _ = drain(publisher, account)
    assert {i.platform_id: i for i in everything} == ingested
    kinds = {i.kind for i in ingested.values()}
    assert kinds == {InteractionKind.COMMENT, InteractionKind.MENTION}
    stamps = [i.created_at for i in everything]
    assert stamps == sorted(stamps)
    for item in ingested.values():
        assert item.author_handle != account.handle
        if item.kind is InteractionKind.COMMENT:
            assert item.post_platform_id.startswith("sbx_")
            assert item.url.endswith(f"/{item.post_platform_id}#{item.platform_id}")
        else:
            assert item.text.startswith("@brand")


def test_small_pages_report_each_item_once(
    sandbox: SandboxServer, account_factory: AccountFactory
) -> None:
    sandbox.control("audience", {"edit_share": 0, "delete_share": 0})
    account = account_factory()
    advance(sandbox, 3600)
    seen: list[str] = []
    cursor = None
    while True:
        answer = httpx.get(
            f"{sandbox.url}/api/v1/accounts/brand/interactions",
            params={"limit": 7, **({"cursor": cursor} if cursor else {})},
            headers={"Authorization": f"Bearer {account.credentials['token']}"},
        ).json()
        if not answer["items"]:
            break
        assert len(answer["items"]) <= 7
        seen += [item["id"] for item in answer["items"]]
        cursor = answer["next_cursor"]
    assert len(seen) == len(set(seen)) > 7  # about a day of backfilled mentions


def test_a_planted_comment_arrives_at_once(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    ref = publisher.publish(account, outbound("fresh post"))
    _, cursor = drain(publisher, account)

    planted = quiet.control(
        "plant",
        {"handle": "brand", "text": "Is this waterproof?", "author": "ines42"},
    )["planted"]
    page = publisher.interactions(account, cursor=cursor)

    [item] = page.items
    assert item.platform_id == planted[0]["id"]
    assert item.text == "Is this waterproof?"
    assert item.author_handle == "ines42"
    assert item.kind is InteractionKind.COMMENT
    assert item.post_platform_id == ref.platform_post_id
    assert publisher.interactions(account, cursor=page.cursor).items == []


def test_a_crisis_burst_plants_many_crisis_mentions(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    _, cursor = drain(publisher, account)
    burst = quiet.control("plant", {"handle": "brand", "crisis": True})["planted"]

    items, _ = drain(publisher, account, cursor)
    assert len(items) == len(burst) == 12
    assert {b["truth"]["intent"] for b in burst} == {"crisis"}
    assert all(i.kind is InteractionKind.MENTION for i in items)


def test_planting_under_an_account_without_posts_says_what_to_do(
    quiet: SandboxServer,
) -> None:
    answer = httpx.post(
        f"{quiet.url}/_control/plant", json={"handle": "nobody", "kind": "comment"}
    )
    assert answer.status_code == 422
    assert "publish one first" in answer.json()["error"]


def test_edits_and_deletions_come_back_with_the_cursor(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    sandbox.control(
        "audience",
        {"mentions_per_hour": 6, "edit_share": 0.4, "delete_share": 0.4, "seed": 3},
    )
    account = account_factory()
    first, cursor = drain(publisher, account)  # a day of backfill, fates still pending
    # Three days on every fate of the backfill is due, whatever the wall-clock time the
    # Sandbox started at (its messages are placed relative to real time).
    advance(sandbox, 72 * 3600)
    later, _ = drain(publisher, account, cursor)

    known = {i.platform_id: i for i in first}
    changed = [i for i in later if i.platform_id in known]
    # Which messages change, and when, depends on the wall-clock time the Sandbox started
    # at; that some do, and that each comes back as an edit or a deletion, does not.
    assert changed, (len(first), len(later))
    for item in changed:
        if item.deleted:
            continue
        assert item.edited_at is not None
        assert item.text != known[item.platform_id].text
        assert item.text.startswith(known[item.platform_id].text)
        assert item.edited_at > item.created_at
    # The final state matches a fresh full read.
    final = {i.platform_id: i for i in first + later}
    fresh, _ = drain(publisher, account)
    assert {i.platform_id: i for i in fresh} == final


def test_deleting_a_post_reports_its_comments_deleted(
    publisher: SandboxPublisher, account_factory: AccountFactory, quiet: SandboxServer
) -> None:
    account = account_factory()
    ref = publisher.publish(account, outbound("soon gone"))
    quiet.control("plant", {"handle": "brand", "count": 2})
    _, cursor = drain(publisher, account)

    publisher.delete(account, ref.platform_post_id)
    items, _ = drain(publisher, account, cursor)
    assert len(items) == 2
    assert all(i.deleted for i in items)


def test_faults_apply_to_reading_when_scoped_to_all(
    publisher: SandboxPublisher, account_factory: AccountFactory, sandbox: SandboxServer
) -> None:
    account = account_factory()
    ref = publisher.publish(account, outbound("post"))
    sandbox.control("faults", {"error_rate": 1.0, "scope": "all"})

    calls: list[Callable[[], object]] = [
        lambda: publisher.interactions(account),
        lambda: publisher.post_metrics(account, [ref.platform_post_id]),
        lambda: publisher.account_metrics(account),
        lambda: publisher.search(account, "post"),
    ]
    for call in calls:
        with pytest.raises(PublishError) as caught:
            call()
        assert caught.value.kind is ErrorKind.RETRY
        assert caught.value.status in (500, 502, 503)

    sandbox.control(
        "faults", {"error_rate": 0.0, "rate_limit_rate": 1.0, "scope": "publish"}
    )
    assert publisher.interactions(account).items is not None  # reads are clean again
    with pytest.raises(PublishError) as limited:
        publisher.reply(account, ref.platform_post_id, "hello")
    assert limited.value.status == 429  # a reply publishes: it is in the publish scope


def test_the_clock_only_moves_forward(sandbox: SandboxServer) -> None:
    before = httpx.get(f"{sandbox.url}/_control/clock").json()
    moved = sandbox.control("clock", {"advance_seconds": 3600})
    back = httpx.post(f"{sandbox.url}/_control/clock", json={"advance_seconds": -5})

    assert moved["offset_seconds"] == before["offset_seconds"] + 3600
    assert back.status_code == 422
    assert "never goes back" in back.json()["error"]
    sandbox.control("reset")
    assert httpx.get(f"{sandbox.url}/_control/clock").json()["offset_seconds"] == 0


def test_a_bad_cursor_is_refused_with_what_to_do(
    sandbox: SandboxServer,
) -> None:
    answer = httpx.get(
        f"{sandbox.url}/api/v1/accounts/brand/interactions",
        params={"cursor": "not-ours"},
        headers={"Authorization": "Bearer t"},
    )
    assert answer.status_code == 400
    assert "start again without it" in answer.json()["error"]


def test_an_oauth_token_reads_only_its_own_interactions(
    sandbox: SandboxServer,
) -> None:
    answer = httpx.get(
        f"{sandbox.url}/api/v1/accounts/brand/interactions",
        headers={"Authorization": "Bearer revoked-1"},
    )
    assert answer.status_code == 401


def _sim_lines(intent: str) -> list[re.Pattern[str]]:
    lines = [
        t
        for by_lang in TEMPLATES[intent].values()
        for ts in by_lang.values()
        for t in ts
    ]
    return [re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(t)) + "$") for t in lines]


def test_tandem_sandbox_serve_speaks_with_the_simulators_words(tmp_path: Path) -> None:
    launcher = (
        sys.executable,
        "-c",
        "import sys, tandem.cli.sandbox; from tandem.cli.base import app;"
        " app(sys.argv[1:])",
        "sandbox",
        "serve",
    )
    server = SandboxServer(
        tmp_path / "cli.db", free_port(), ("--mentions-per-hour", "0.5"), launcher
    )
    server.start()
    try:
        audience = httpx.get(f"{server.url}/_control/audience", timeout=5).json()
        planted = server.control(
            "plant",
            {"handle": "brand", "kind": "mention", "intent": "lead", "count": 5},
        )["planted"]
    finally:
        server.stop()
    assert audience["mentions_per_hour"] == 0.5
    patterns = _sim_lines("lead")
    for item in planted:
        text = item["text"].removeprefix("@brand ")
        assert any(p.match(text) for p in patterns), text


def test_python_m_sandbox_takes_audience_flags(tmp_path: Path) -> None:
    server = SandboxServer(
        tmp_path / "m.db",
        free_port(),
        ("--comment-rate", "2.5", "--backfill-hours", "0"),
    )
    server.start()
    try:
        audience = httpx.get(f"{server.url}/_control/audience", timeout=5).json()
    finally:
        server.stop()
    assert (audience["comment_rate"], audience["backfill_hours"]) == (2.5, 0.0)
