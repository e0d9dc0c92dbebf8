"""DST through the worker: a post typed at a wall time that never happens (spring forward) or
happens twice (fall back) goes out once, at the instant the documented policy names
(tandem.publish.scheduling: gap -> moved forward by the gap; overlap -> first occurrence)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.publish import actions as pa
from tandem.publish import worker as pw
from tandem.publish.ledger import PublicationState, publication
from tandem.storage import Database
from tests.support.fake_publisher import FakePublisher
from tests.support.world import World

LEASE = timedelta(minutes=5)


def _run_due(db: Database, fake: FakePublisher, world: World) -> int:
    ran = 0
    while True:
        with db.session() as s:
            claim = pw.claim_due(s, worker="w", now=world.clock.now(), lease=LEASE)
        if claim is None:
            return ran
        pw.run_publication(db, claim, publishers=lambda _: fake, clock=world.clock)
        ran += 1


@pytest.mark.parametrize(
    ("local_time", "zone", "expected_utc"),
    [
        # Europe/Paris springs forward at 02:00 CET on 2027-03-28: 02:30 is 03:30 CEST.
        ("2027-03-28T02:30", "Europe/Paris", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        # New York springs forward at 02:00 EST on 2027-03-14: 02:30 is 03:30 EDT.
        (
            "2027-03-14T02:30",
            "America/New_York",
            datetime(2027, 3, 14, 7, 30, tzinfo=UTC),
        ),
        # New York falls back at 02:00 EDT on 2027-11-07: 01:30 happens twice; the first
        # (EDT, UTC-4) is the one meant.
        (
            "2027-11-07T01:30",
            "America/New_York",
            datetime(2027, 11, 7, 5, 30, tzinfo=UTC),
        ),
    ],
)
def test_dst_wall_times_publish_once_at_the_policy_instant(
    db, world, local_time, zone, expected_utc
):
    world.clock.current = expected_utc - timedelta(days=2)
    with db.session() as s:
        p = pa.create_publication(
            s,
            workspace_id=world.acme.id,
            account_id=world.acme_account_id,
            parts=[f"Scheduled for {local_time} {zone}"],
            local_time=local_time,
            timezone=zone,
            now=world.clock.now(),
        )
    assert p.due_at == expected_utc
    fake = FakePublisher(now=expected_utc)

    world.clock.current = expected_utc - timedelta(minutes=1)
    assert _run_due(db, fake, world) == 0  # a minute early: nothing goes out

    world.clock.current = expected_utc
    assert _run_due(db, fake, world) == 1
    # An hour later the wall clock may show the same time again (fall back): no second post.
    world.clock.current = expected_utc + timedelta(hours=1, minutes=1)
    assert _run_due(db, fake, world) == 0

    with db.session() as s:
        done = publication(s, p.id)
    assert done.state is PublicationState.PUBLISHED
    assert done.local_time == local_time and done.timezone == zone
    assert len(fake.posts) == 1
