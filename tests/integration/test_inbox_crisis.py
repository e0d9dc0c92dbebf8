"""Crisis alerts on simulator data, SQLite and PostgreSQL: a planted burst alerts once
(in the app, by email, by webhook) and says why; steady high volume, a weekly busy hour and
three angry comments at night stay silent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tandem.inbox.crisis import DAILY, WEEKLY, assess
from tandem.inbox.crisis_watch import (
    CRISIS_EVENT,
    alerts_of,
    check_all,
    check_workspace,
    volume,
)
from tandem.inbox.ingest import store_page
from tandem.inbox.jobs import DETECT_CRISES, ensure_crisis_watch
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.inbox.targets import CrisisSettings, set_crisis_settings
from tandem.notify import SEND_EMAIL
from tandem.notify.endpoints import create_endpoint
from tandem.notify.inbox import NotificationRow
from tandem.notify.webhooks import PlainSecrets, WebhookDeliveryRow
from tandem.publish.store import SocialAccountRow
from tandem.sim.conversations import messages
from tandem.storage.queue import JobRow
from tests.support.world import T0, World

NOW = T0 + timedelta(days=35, minutes=50)  # a Monday, 09:50 UTC
BASE = "http://tandem.test"


def _plant(db, world: World, seed: int, count: int, start: datetime, **kw) -> None:
    """`count` simulator messages written evenly over the hour starting at `start`."""
    drawn = messages(seed, count, **kw)
    page = [
        Interaction(
            platform_id=f"s{seed}-{start.timestamp():.0f}-{i}",
            kind=InteractionKind.COMMENT,
            text=m.text,
            author_handle=m.author_handle,
            author_name=m.author_name,
            created_at=start + timedelta(seconds=1 + 3598 * i // max(count, 1)),
            url="",
            author_followers=m.author_followers,
        )
        for i, m in enumerate(drawn)
    ]
    with db.session() as s:
        account = s.get(SocialAccountRow, world.acme_account_id)
        store_page(s, account, page, start + timedelta(hours=1))


def _history(db, world: World, per_hour: dict[int, int], days: range) -> None:
    """For each day back, the hour ending at NOW's time gets per_hour[weekday] messages."""
    for d in days:
        start = NOW - timedelta(days=d, hours=1)
        count = per_hour.get(start.weekday(), per_hour.get(-1, 0))
        if count:
            _plant(db, world, 1000 + d, count, start)


def _check(db, world: World, at: datetime = NOW):
    with db.session() as s:
        return check_workspace(s, world.acme, now=at, base_url=BASE)


def _subscribe(db, world: World) -> None:
    with db.session() as s:
        create_endpoint(
            s,
            workspace_id=world.acme.id,
            url="https://hooks.example.com/tandem",
            event_types=[CRISIS_EVENT],
            box=PlainSecrets(),
            now=world.clock.now(),
        )


def test_a_planted_burst_alerts_once_in_app_by_email_and_webhook(db, world):
    _subscribe(db, world)
    _history(db, world, {-1: 12}, range(1, 36))
    _plant(db, world, 7, 60, NOW - timedelta(hours=1), crisis_share=0.5)

    check = _check(db, world)
    assert check.started is not None, check.assessment
    a = check.assessment
    assert a.basis == WEEKLY and len(a.samples) == 4
    assert a.current > a.threshold and a.current >= 10
    alert = check.started
    assert f"last hour: {a.current:g}" in alert.summary
    assert "same hour of the week over the previous 4 weeks" in alert.summary
    assert "Top terms:" in alert.summary and "Examples:" in alert.summary
    assert len(alert.examples) == 3 and alert.terms

    with db.session() as s:
        notes = s.scalars(
            select(NotificationRow).where(NotificationRow.kind == CRISIS_EVENT)
        ).all()
        # Owner, admin and social media manager manage the inbox; the others do not.
        assert len(notes) == 3
        assert notes[0].url == f"/w/{world.acme.slug}/inbox/sla#crisis"
        emails = s.scalars(select(JobRow).where(JobRow.kind == SEND_EMAIL)).all()
        assert {j.payload["to"] for j in emails} == {
            "owner@acme.test",
            "admin@acme.test",
            "social@acme.test",
        }
        hooks = s.scalars(select(WebhookDeliveryRow)).all()
        assert [h.event_type for h in hooks] == [CRISIS_EVENT]
        assert '"top_terms"' in hooks[0].body

    # The next polls during the same episode alert nobody again.
    again = _check(db, world, NOW + timedelta(minutes=10))
    assert again.started is None and again.ongoing is not None
    with db.session() as s:
        assert len(s.scalars(select(NotificationRow)).all()) == 3
        assert len(alerts_of(s, world.acme.id)) == 1
    # Quiet for longer than the cool-down: the episode ends, a new burst would alert again.
    later = _check(db, world, NOW + timedelta(hours=4))
    assert later.ongoing is None
    with db.session() as s:
        assert alerts_of(s, world.acme.id)[0].ended_at == NOW + timedelta(hours=4)


def test_steady_high_volume_is_not_a_crisis(db, world):
    _history(db, world, {-1: 90}, range(0, 36, 7))  # this hour, every week, 90 messages
    check = _check(db, world)
    a = check.assessment
    assert a.current >= 10, "the decoy must be above the minimum to mean anything"
    assert check.started is None and not a.alert


def test_a_weekly_busy_hour_is_its_own_normal(db, world):
    # Monday at this hour is always busy (a weekly live show); other days are quiet.
    _history(db, world, {NOW.weekday(): 90, -1: 8}, range(0, 36))
    check = _check(db, world)
    a = check.assessment
    assert a.basis == WEEKLY and a.current >= 10
    assert check.started is None
    # Judged against the same hour of the previous six (quiet) days it would alert: the
    # decoy only stays silent because the baseline is the same hour of the week.
    with db.session() as s:
        days = [
            volume(
                s,
                world.acme.id,
                NOW - timedelta(days=d, hours=1),
                NOW - timedelta(days=d),
            )
            for d in range(1, 7)
        ]
    assert assess(a.current, days).alert


def test_three_angry_comments_at_night_page_nobody(db, world):
    _plant(db, world, 3, 3, NOW - timedelta(hours=1), mix={"complaint": 1.0})
    check = _check(db, world)
    assert check.assessment.basis == DAILY and check.assessment.samples == ()
    assert check.assessment.current == 3 and check.started is None


def test_switched_off_workspaces_are_not_checked_and_the_job_keeps_itself_queued(
    db, world
):
    _history(db, world, {-1: 12}, range(1, 36))
    _plant(db, world, 7, 60, NOW - timedelta(hours=1), crisis_share=0.5)
    with db.session() as s:
        set_crisis_settings(s, world.acme.id, CrisisSettings(enabled=False), now=NOW)
        assert check_all(s, now=NOW, base_url=BASE)[0].assessment is None
        assert ensure_crisis_watch(s, now=NOW) is True
        assert ensure_crisis_watch(s, now=NOW) is False
        queued = s.scalars(select(JobRow).where(JobRow.kind == DETECT_CRISES)).all()
        assert len(queued) == 1


def test_the_registered_job_alerts_and_queues_its_next_run(db, world):
    from types import SimpleNamespace

    from tandem.core import FrozenClock
    from tandem.jobs.registry import HANDLERS

    _history(db, world, {-1: 12}, range(1, 36))
    _plant(db, world, 7, 60, NOW - timedelta(hours=1), crisis_share=0.5)
    with db.session() as s:
        ctx = SimpleNamespace(
            session=s, settings=SimpleNamespace(base_url=BASE), clock=FrozenClock(NOW)
        )
        HANDLERS[DETECT_CRISES](ctx, {})
    with db.session() as s:
        assert len(alerts_of(s, world.acme.id)) == 1
        (queued,) = s.scalars(select(JobRow).where(JobRow.kind == DETECT_CRISES)).all()
        assert queued.run_at == NOW + timedelta(minutes=10)
