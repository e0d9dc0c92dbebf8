"""Publish budgets on SQLite and PostgreSQL: one post of an account on its way at a time, a
rolling window per account, a cap per platform, a 429 pausing the account, and batch claims
that never hand one post to two workers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from tandem.core import new_id
from tandem.jobs.publishing import publish_next
from tandem.publish import worker as pw
from tandem.publish.budgets import Budgets, PlatformBudget, Window
from tandem.publish.claims import Claim, claim_batch
from tandem.publish.ledger import (
    Publication,
    PublicationState,
    attempts_of,
    publication,
)
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OutboundPost,
    PublishedRef,
    PublishError,
)
from tandem.publish.scheduling import to_local
from tandem.publish.store import SocialAccountRow
from tandem.storage import Database
from tests.support.fake_publisher import FakePublisher
from tests.support.world import T0, World

S = PublicationState
LEASE = timedelta(minutes=5)
ZONE = "Europe/Paris"


def add_accounts(db: Database, world: World, count: int) -> list[str]:
    ids = []
    with db.session() as s:
        for n in range(count):
            ids.append(new_id())
            s.add(
                SocialAccountRow(
                    id=ids[-1],
                    workspace_id=world.acme.id,
                    platform="sandbox",
                    handle=f"budget{n}",
                    display_name=f"Budget {n}",
                    health="ok",
                    health_message="",
                    followers=0,
                    created_at=T0,
                )
            )
    return ids


def schedule(
    db: Database, world: World, account_id: str, text: str, minutes: int = 0
) -> str:
    from tandem.publish import actions as pa

    with db.session() as s:
        p = pa.create_publication(
            s,
            workspace_id=world.acme.id,
            account_id=account_id,
            parts=[text],
            local_time=to_local(T0 + timedelta(minutes=minutes), ZONE),
            timezone=ZONE,
            now=world.clock.now(),
        )
    return p.id


def state_of(db: Database, pid: str) -> Publication:
    with db.session() as s:
        return publication(s, pid)


@dataclass
class Watching:
    """A FakePublisher that takes a while per post and records how many were on their way
    at once, per account and in all, and the order each account's posts went out in."""

    fake: FakePublisher
    delay: float = 0.02
    most_per_account: Counter[str] = field(default_factory=Counter)
    most_overall: int = 0
    sent: list[tuple[str, str]] = field(default_factory=list)
    _now: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        with self._lock:
            self._now[account.id] += 1
            self.most_per_account[account.id] = max(
                self.most_per_account[account.id], self._now[account.id]
            )
            self.most_overall = max(self.most_overall, sum(self._now.values()))
            self.sent.append((account.id, post.parts[0]))
        try:
            time.sleep(self.delay)
            return self.fake.publish(account, post)
        finally:
            with self._lock:
                self._now[account.id] -= 1

    def recent_posts(self, account, *, since):  # type: ignore[no-untyped-def]
        return self.fake.recent_posts(account, since=since)

    def delete(self, account, platform_post_id):  # type: ignore[no-untyped-def]
        self.fake.delete(account, platform_post_id)


def drain(
    db: Database, world: World, publisher: object, budgets: Budgets | None, threads: int
) -> None:
    """Worker threads publish until nothing is claimable (a few rounds, bounded)."""

    def loop() -> None:
        misses = 0  # on PostgreSQL an empty claim may only mean another worker's lock
        while misses < 3:
            busy = publish_next(
                db,
                publishers=lambda _: publisher,  # type: ignore[arg-type,return-value]
                clock=world.clock,
                lease=LEASE,
                budgets=budgets,
                batch=3,
            )
            misses = 0 if busy else misses + 1
            if not busy:
                time.sleep(0.01)

    for _ in range(5):
        pool = [threading.Thread(target=loop) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()


def test_an_account_never_has_two_posts_on_their_way(db, world):
    accounts = add_accounts(db, world, 3)
    ids = {
        a: [schedule(db, world, a, f"{a} post {i}", minutes=i - 6) for i in range(5)]
        for a in accounts
    }
    watching = Watching(FakePublisher(now=T0))
    drain(db, world, watching, Budgets(), threads=6)
    assert {state_of(db, p).state for ps in ids.values() for p in ps} == {S.PUBLISHED}
    assert len(watching.fake.posts) == 15
    assert max(watching.most_per_account.values()) == 1
    for a in accounts:  # one at a time also means in due order
        assert [text for acc, text in watching.sent if acc == a] == [
            f"{a} post {i}" for i in range(5)
        ]
    assert watching.most_overall > 1, "accounts are still published in parallel"


def test_without_the_account_cap_one_account_would_overlap(db, world):
    # The control for the test above: the same set-up does catch two at once.
    (account,) = add_accounts(db, world, 1)
    for i in range(6):
        schedule(db, world, account, f"post {i}", minutes=-i)
    watching = Watching(
        FakePublisher(now=T0), delay=0.5
    )  # long enough to overlap under load
    drain(db, world, watching, Budgets(account_in_flight=3), threads=4)
    assert watching.most_per_account[account] > 1


def test_the_window_budget_defers_then_publishes(db, world):
    budgets = Budgets(
        platforms={"sandbox": PlatformBudget((Window(2, timedelta(hours=1)),))}
    )
    fake = FakePublisher(now=T0)
    pids = [
        schedule(db, world, world.acme_account_id, f"P{i}", minutes=i - 3)
        for i in range(3)
    ]
    drain(db, world, fake, budgets, threads=1)
    first, second, third = (state_of(db, p) for p in pids)
    assert first.state is S.PUBLISHED and second.state is S.PUBLISHED
    assert third.state is S.SCHEDULED, "over budget waits; it is never failed"
    assert third.next_attempt_at == T0 + timedelta(hours=1)
    assert third.error_kind == "waiting"
    # 10:00 UTC is 11:00 in Paris (CET), the zone the post was scheduled in.
    assert third.last_error == (
        "waiting: The Sandbox allows 2 posts per 1 h; next slot 11:00 Europe/Paris"
    )
    with db.session() as s:
        assert attempts_of(s, third.id) == []
        assert pw.sweep_overdue(s, now=T0 + timedelta(minutes=59)) == 0
    world.clock.advance(minutes=59)
    drain(db, world, fake, budgets, threads=1)
    assert state_of(db, third.id).state is S.SCHEDULED
    world.clock.advance(minutes=1)
    drain(db, world, fake, budgets, threads=1)
    done = state_of(db, third.id)
    assert done.state is S.PUBLISHED and done.last_error is None
    assert len(fake.posts) == 3


def test_the_window_counts_every_call_the_account_made(db, world):
    # Two failed calls within the hour use the budget just as published posts do.
    budgets = Budgets(
        platforms={"sandbox": PlatformBudget((Window(2, timedelta(hours=1)),))}
    )
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.RETRY, times=2)
    pid = schedule(db, world, world.acme_account_id, "Persistent", minutes=-1)
    for _ in range(3):
        drain(db, world, fake, budgets, threads=1)
        world.clock.advance(minutes=5)
    p = state_of(db, pid)
    assert p.state is S.SCHEDULED and p.error_kind == "waiting" and p.attempts == 2
    assert p.next_attempt_at > T0 + timedelta(minutes=59)


def test_the_platform_cap_holds_across_threads(db, world):
    accounts = add_accounts(db, world, 6)
    for a in accounts:
        for i in range(2):
            schedule(db, world, a, f"{a} {i}", minutes=-i)
    capped = Budgets(platforms={"sandbox": PlatformBudget((), in_flight=2)})
    watching = Watching(FakePublisher(now=T0), delay=0.05)
    drain(db, world, watching, capped, threads=6)
    assert len(watching.fake.posts) == 12
    assert watching.most_overall == 2


def test_without_the_platform_cap_threads_overlap_more(db, world):
    accounts = add_accounts(db, world, 6)
    for a in accounts:
        schedule(db, world, a, f"{a} only")
    # Each publish takes long enough (0.5 s) that the threads overlap even when claiming is
    # slow on a loaded machine.
    watching = Watching(FakePublisher(now=T0), delay=0.5)
    drain(db, world, watching, Budgets(), threads=6)
    assert watching.most_overall > 2


class RateLimitedOnce(FakePublisher):
    """Answers the first post "First" with a 429 and Retry-After 10 minutes."""

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        if post.parts[0] == "First" and not getattr(self, "limited", False):
            self.limited = True
            raise PublishError(
                "Too many requests", kind=ErrorKind.RETRY, retry_after=600, status=429
            )
        return super().publish(account, post)


def test_a_429_pauses_the_account_until_retry_after(db, world):
    (other,) = add_accounts(db, world, 1)
    limited = schedule(db, world, world.acme_account_id, "First", minutes=-3)
    waiting = schedule(db, world, world.acme_account_id, "Second", minutes=-2)
    elsewhere = schedule(db, world, other, "Another account", minutes=-1)
    fake = RateLimitedOnce(now=T0)
    drain(db, world, fake, Budgets(), threads=1)
    first, second = state_of(db, limited), state_of(db, waiting)
    assert first.state is S.SCHEDULED and first.error_kind == "rate_limited"
    assert first.next_attempt_at == T0 + timedelta(seconds=600)
    assert second.state is S.SCHEDULED and second.error_kind == "waiting"
    assert second.next_attempt_at == T0 + timedelta(seconds=600)
    assert second.last_error == (
        "waiting: The Sandbox answered 429 Too Many Requests, so this account is "
        "paused until 10:10 Europe/Paris"
    )
    assert state_of(db, elsewhere).state is S.PUBLISHED, "other accounts go on"
    with db.session() as s:
        account = s.get(SocialAccountRow, world.acme_account_id)
        assert account is not None and account.health == "rate_limited"
    world.clock.advance(minutes=10)
    drain(db, world, fake, Budgets(), threads=1)
    assert state_of(db, limited).state is S.PUBLISHED
    assert state_of(db, waiting).state is S.PUBLISHED
    with db.session() as s:
        account = s.get(SocialAccountRow, world.acme_account_id)
        assert account is not None and account.health == "ok"
    assert [p.remote.text for p in fake.posts] == ["Another account", "First", "Second"]


def _claim_in_threads(
    db: Database, world: World, budgets: Budgets | None, threads: int, enough: int
) -> list[Claim]:
    """Threads claim batches (never settling them) until `enough` are claimed, or each has
    tried 40 times; a thread that finds nothing may only be behind another's lock."""
    barrier, won, lock = threading.Barrier(threads), [], threading.Lock()

    def claim(name: str) -> None:
        barrier.wait()
        for _ in range(40):
            with db.session() as s:
                got = claim_batch(
                    s,
                    worker=name,
                    now=world.clock.now(),
                    lease=LEASE,
                    budgets=budgets,
                    limit=4,
                )
            with lock:
                won.extend(got)
                if len(won) >= enough:
                    return

    pool = [threading.Thread(target=claim, args=(f"w{n}",)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return won


def test_batch_claims_never_hand_a_post_to_two_workers(db, world):
    accounts = add_accounts(db, world, 20)
    for a in accounts:
        for i in range(3):
            schedule(db, world, a, f"{a} {i}", minutes=-i)
    won = _claim_in_threads(db, world, None, threads=8, enough=60)
    ids = [c.publication_id for c in won]
    assert len(ids) == len(set(ids)), "no post claimed twice"
    assert len(ids) == 60, "every due post was claimed"


def test_batch_claims_under_budgets_take_one_post_per_account(db, world):
    accounts = add_accounts(db, world, 20)
    for a in accounts:
        for i in range(3):
            schedule(db, world, a, f"{a} {i}", minutes=-i)
    won = _claim_in_threads(db, world, Budgets(), threads=8, enough=21)
    with db.session() as s:
        owners = [publication(s, c.publication_id).account_id for c in won]
    assert len(won) == 20 and sorted(owners) == sorted(accounts), (
        "one post of each account on its way, never two of one account"
    )


def test_a_pending_attempt_written_with_the_claim_is_reconciled_after_a_crash(
    db, world
):
    # claim_batch(begin=True) commits the pending attempt with the claim: a worker that dies
    # right after claiming leaves the evidence, and the next one looks before it sends.
    fake = FakePublisher(now=T0)
    pid = schedule(db, world, world.acme_account_id, "Claimed, then the worker died")
    with db.session() as s:
        (claim,) = claim_batch(
            s, worker="doomed", now=T0, lease=LEASE, budgets=Budgets(), begin=True
        )
    assert claim.begun == (1, 1) and not claim.reconcile_first
    with db.session() as s:
        assert [a.outcome for a in attempts_of(s, pid)] == ["pending"]
    world.clock.advance(minutes=10)
    drain(db, world, fake, Budgets(), threads=1)
    assert state_of(db, pid).state is S.PUBLISHED and len(fake.posts) == 1
    with db.session() as s:
        assert [a.outcome for a in attempts_of(s, pid)] == ["unknown", "success"]


def test_with_two_windows_a_post_waits_for_the_later_slot(db, world):
    windows = (Window(1, timedelta(minutes=10)), Window(2, timedelta(hours=1)))
    budgets = Budgets(platforms={"sandbox": PlatformBudget(windows)})
    fake = FakePublisher(now=T0)
    a, b, c = (
        schedule(db, world, world.acme_account_id, text, minutes=n - 3)
        for n, text in enumerate("ABC")
    )
    drain(db, world, fake, budgets, threads=1)
    assert state_of(db, b).next_attempt_at == T0 + timedelta(minutes=10)
    world.clock.advance(minutes=10)
    drain(db, world, fake, budgets, threads=1)
    assert state_of(db, b).state is S.PUBLISHED
    waiting = state_of(db, c)
    assert waiting.next_attempt_at == T0 + timedelta(hours=1), "not the 10-minute slot"
    assert "allows 2 posts per 1 h" in (waiting.last_error or "")
    assert state_of(db, a).state is S.PUBLISHED
