"""The publish ledger on SQLite and PostgreSQL: each post goes out once, whatever fails."""

from __future__ import annotations

import threading
from datetime import timedelta

from tandem.compose.publishing import schedule_variant
from tandem.compose.store import BriefRow, VariantRow
from tandem.core import FrozenClock, new_id
from tandem.publish import actions as pa
from tandem.publish import worker as pw
from tandem.publish.attempt import begin_attempt, load_target
from tandem.publish.ledger import (
    AttemptOutcome,
    Publication,
    PublicationState,
    attempts_of,
    publication,
)
from tandem.publish.policy import Policy
from tandem.publish.ports import ErrorKind
from tandem.publish.scheduling import to_local
from tandem.publish.store import SocialAccountRow
from tandem.storage import Database
from tests.support.fake_publisher import UNKNOWN_AFTER, FakePublisher
from tests.support.world import T0, World

S = PublicationState
LEASE = timedelta(minutes=5)


def schedule(db: Database, world: World, text: str, minutes: int = 0) -> str:
    with db.session() as s:
        p = pa.create_publication(
            s,
            workspace_id=world.acme.id,
            account_id=world.acme_account_id,
            parts=[text],
            local_time=to_local(T0 + timedelta(minutes=minutes), "Europe/Paris"),
            timezone="Europe/Paris",
            now=world.clock.now(),
        )
    return p.id


def run_due(
    db: Database,
    fake: FakePublisher,
    clock: FrozenClock,
    name: str = "w1",
    policy: Policy | None = None,
) -> int:
    ran = 0
    while True:
        with db.session() as s:
            claim = pw.claim_due(s, worker=name, now=clock.now(), lease=LEASE)
        if claim is None:
            return ran
        pw.run_publication(
            db, claim, publishers=lambda _: fake, clock=clock, policy=policy
        )
        ran += 1


def state_of(db: Database, pid: str) -> Publication:
    with db.session() as s:
        return publication(s, pid)


def test_success_publishes_once(db, world):
    fake = FakePublisher(now=T0)
    pid = schedule(db, world, "Hello")
    assert run_due(db, fake, world.clock) == 1
    assert run_due(db, fake, world.clock) == 0
    p = state_of(db, pid)
    assert p.state is S.PUBLISHED and p.platform_post_id == "p1" and p.url
    assert len(fake.posts) == 1


def test_not_due_yet_is_not_claimed(db, world):
    fake = FakePublisher(now=T0)
    schedule(db, world, "Later", minutes=10)
    assert run_due(db, fake, world.clock) == 0


def test_retry_then_success_leaves_two_attempts(db, world):
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.RETRY, retry_after=120)
    pid = schedule(db, world, "Hello")
    run_due(db, fake, world.clock)
    p = state_of(db, pid)
    assert p.state is S.SCHEDULED and p.error_kind == "retry"
    assert p.next_attempt_at >= T0 + timedelta(seconds=120)
    world.clock.advance(hours=1)
    run_due(db, fake, world.clock)
    with db.session() as s:
        attempts = attempts_of(s, pid)
    assert [a.outcome for a in attempts] == [
        AttemptOutcome.RETRY,
        AttemptOutcome.SUCCESS,
    ]
    assert state_of(db, pid).state is S.PUBLISHED and len(fake.posts) == 1


def test_retries_run_out_after_max_attempts(db, world):
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.RETRY, times=3)
    pid = schedule(db, world, "Hello")
    for _ in range(4):
        run_due(db, fake, world.clock, policy=Policy(max_attempts=3))
        world.clock.advance(hours=2)
    p = state_of(db, pid)
    assert p.state is S.FAILED and p.attempts == 3 and not fake.posts


def test_permanent_fails_with_the_platform_message(db, world):
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.PERMANENT, message="Status is a duplicate.")
    pid = schedule(db, world, "Hello")
    run_due(db, fake, world.clock)
    p = state_of(db, pid)
    assert (p.state, p.error_kind, p.last_error) == (
        S.FAILED,
        "permanent",
        "Status is a duplicate.",
    )


def test_reconnect_fails_and_flags_the_account(db, world):
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.RECONNECT, message="Token revoked.")
    pid = schedule(db, world, "Hello")
    run_due(db, fake, world.clock)
    p = state_of(db, pid)
    assert (p.state, p.error_kind, p.last_error) == (
        S.FAILED,
        "reconnect",
        "Token revoked.",
    )
    with db.session() as s:
        account = s.get(SocialAccountRow, world.acme_account_id)
        assert account is not None
        assert (account.health, account.health_message) == (
            "needs_reconnect",
            "Token revoked.",
        )


def test_unknown_outcome_is_reconciled_without_a_second_post(db, world):
    fake = FakePublisher(now=T0)
    fake.fail_next(UNKNOWN_AFTER)
    pid = schedule(db, world, "Hello")
    run_due(db, fake, world.clock)
    world.clock.advance(hours=3)
    run_due(db, fake, world.clock)
    p = state_of(db, pid)
    assert p.state is S.PUBLISHED and p.platform_post_id == "p1"
    assert len(fake.posts) == 1 and fake.calls == 1


def test_unknown_outcome_not_found_waits_then_sends_once(db, world):
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.UNKNOWN)  # the platform never got it
    pid = schedule(db, world, "Hello")
    run_due(db, fake, world.clock)
    assert state_of(db, pid).state is S.OUTCOME_UNKNOWN and not fake.posts
    world.clock.advance(hours=1)
    run_due(db, fake, world.clock)
    assert state_of(db, pid).state is S.PUBLISHED and len(fake.posts) == 1


def test_killed_worker_after_the_call_is_reconciled_not_resent(db, world):
    fake = FakePublisher(now=T0)
    pid = schedule(db, world, "Hello")
    with db.session() as s:
        claim = pw.claim_due(s, worker="doomed", now=T0, lease=LEASE)
    assert claim is not None
    target = load_target(db, claim, Policy())
    assert target is not None and begin_attempt(db, claim, T0) is not None
    fake.publish(target.account, target.post)  # ... then the process dies
    assert run_due(db, fake, world.clock, "w2") == 0  # still leased
    world.clock.advance(minutes=10)
    run_due(db, fake, world.clock, "w2")
    p = state_of(db, pid)
    assert p.state is S.PUBLISHED and len(fake.posts) == 1 and fake.calls == 1
    with db.session() as s:
        assert [a.outcome for a in attempts_of(s, pid)] == [AttemptOutcome.SUCCESS]


def test_killed_worker_before_the_call_sends_once_after_reconciling(db, world):
    fake = FakePublisher(now=T0)
    pid = schedule(db, world, "Hello")
    with db.session() as s:
        claim = pw.claim_due(s, worker="doomed", now=T0, lease=LEASE)
    assert claim is not None and begin_attempt(db, claim, T0) is not None
    world.clock.advance(minutes=10)
    run_due(db, fake, world.clock, "w2")
    assert state_of(db, pid).state is S.PUBLISHED and len(fake.posts) == 1
    with db.session() as s:
        assert [a.outcome for a in attempts_of(s, pid)] == [
            AttemptOutcome.UNKNOWN,
            AttemptOutcome.SUCCESS,
        ]


def test_two_threads_never_both_win_a_claim(db, world):
    for i in range(10):
        schedule(db, world, f"Race {i}")
        barrier, wins = threading.Barrier(2), []

        def claim(name: str, barrier: threading.Barrier, wins: list[str]) -> None:
            barrier.wait()
            with db.session() as s:
                c = pw.claim_due(s, worker=name, now=world.clock.now(), lease=LEASE)
            if c is not None:
                wins.append(c.publication_id)

        threads = [
            threading.Thread(target=claim, args=(f"t{n}", barrier, wins))
            for n in (1, 2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1


def test_sweeper_marks_missed_only_after_the_grace(db, world):
    fake = FakePublisher(now=T0)
    late = schedule(db, world, "Late", minutes=-40)
    recent = schedule(db, world, "Recent", minutes=-10)
    with db.session() as s:
        assert pw.sweep_overdue(s, now=T0, grace=timedelta(minutes=30)) == 1
    run_due(db, fake, world.clock)
    assert state_of(db, late).state is S.MISSED
    assert "30 minutes" in (state_of(db, late).last_error or "")
    assert state_of(db, recent).state is S.PUBLISHED


def test_schedule_variant_uses_the_manual_time_in_the_workspace_zone(db, world):
    when = T0 + timedelta(hours=2)
    with db.session() as s:
        brief = BriefRow(
            id=new_id(),
            workspace_id=world.acme.id,
            title="B",
            text="t",
            status="scheduled",
            planned_at=T0 + timedelta(days=1),
            created_at=T0,
            updated_at=T0,
        )
        s.add(brief)
        s.flush()
        variant = VariantRow(
            id=new_id(),
            brief_id=brief.id,
            workspace_id=world.acme.id,
            account_id=world.acme_account_id,
            platform="sandbox",
            content={"parts": ["Hi"]},
            scheduled_at=when,
            updated_at=T0,
        )
        s.add(variant)
        s.flush()
        p = schedule_variant(s, variant_id=variant.id, now=T0)
        assert p is not None and p.due_at == when and p.timezone == "Europe/Paris"
        assert p.local_time == "2026-11-02T12:00"  # 11:00 UTC is 12:00 CET
        again = schedule_variant(s, variant_id=variant.id, now=T0)
        assert again is not None and again.id == p.id
        brief.status = "approved"
        gone = schedule_variant(s, variant_id=variant.id, now=T0)
        assert gone is not None and gone.state is S.CANCELLED


def test_many_publications_many_threads_each_published_once(db, world):
    fake = FakePublisher(now=T0, flaky=0.25, seed=42)
    ids = [schedule(db, world, f"Post number {i}") for i in range(200)]
    policy = Policy(max_attempts=30)
    for _ in range(30):
        threads = [
            threading.Thread(
                target=run_due, args=(db, fake, world.clock, f"w{n}", policy)
            )
            for n in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        states = {state_of(db, pid).state for pid in ids}
        if states == {S.PUBLISHED}:
            break
        world.clock.advance(hours=2)
    assert {state_of(db, pid).state for pid in ids} == {S.PUBLISHED}
    fingerprints = fake.fingerprints()
    assert len(fingerprints) == 200 == len(set(fingerprints))


def test_user_can_retry_a_missed_post_and_cancel_another(db, world):
    from tandem.accounts import Member, Role

    owner = Member(world.users[Role.OWNER], world.acme, Role.OWNER, "m")
    fake = FakePublisher(now=T0)
    missed = schedule(db, world, "Missed", minutes=-60)
    other = schedule(db, world, "Other", minutes=30)
    with db.session() as s:
        pw.sweep_overdue(s, now=T0)
        pa.retry_now(s, actor=owner, publication_id=missed, now=T0)
        pa.cancel(s, actor=owner, publication_id=other, now=T0)
    run_due(db, fake, world.clock)
    world.clock.advance(hours=1)
    run_due(db, fake, world.clock)
    assert state_of(db, missed).state is S.PUBLISHED
    assert state_of(db, other).state is S.CANCELLED and len(fake.posts) == 1
