"""Queue slots and "add to queue" on SQLite and PostgreSQL: the next free slot, DST by the
documented policy, taken slots skipped, and two people adding at once never share a slot."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from tandem.compose.publishing import queue_variant
from tandem.compose.store import BriefRow, VariantRow
from tandem.core import Conflict, InvalidInput, NotFound
from tandem.publish import actions as pa
from tandem.publish.ledger import PublicationState, publication
from tandem.publish.queue_slots import (
    add_publication_to_queue,
    configure_queue,
    queue_settings,
)
from tandem.storage import Database
from tests.support.queues import (
    approved_variant,
    outsider,
    owner,
    post_at,
    set_slots,
)
from tests.support.world import T0, World

# T0 is Monday 2026-11-02 09:00 UTC, 10:00 in Paris (the acme workspace's zone).
MON_1230 = datetime(2026, 11, 2, 11, 30, tzinfo=UTC)
TUE_0900 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
TUE_1230 = datetime(2026, 11, 3, 11, 30, tzinfo=UTC)


def queue(db: Database, world: World, publication_id: str):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return add_publication_to_queue(
            s, actor=owner(world), publication_id=publication_id, now=world.clock.now()
        )


def test_add_to_queue_takes_the_next_slot_and_says_when_in_the_account_zone(db, world):
    set_slots(db, world)
    p = post_at(db, world, T0 + timedelta(days=20), "Hello")
    queued = queue(db, world, p)
    assert queued.publication.due_at == MON_1230
    assert (queued.local_time, queued.timezone) == ("2026-11-02T12:30", "Europe/Paris")
    with db.session() as s:
        stored = publication(s, p)
    assert stored.state is PublicationState.SCHEDULED
    assert (stored.local_time, stored.due_at) == ("2026-11-02T12:30", MON_1230)


def test_taken_slots_are_skipped_and_cancelled_posts_free_theirs(db, world):
    set_slots(db, world)
    post_at(db, world, MON_1230, "Already there")
    cancelled = post_at(db, world, TUE_0900, "Changed my mind")
    with db.session() as s:
        pa.cancel(s, actor=owner(world), publication_id=cancelled, now=T0)
    first = queue(db, world, post_at(db, world, T0 + timedelta(days=30), "One"))
    second = queue(db, world, post_at(db, world, T0 + timedelta(days=30), "Two"))
    assert first.publication.due_at == TUE_0900
    assert second.publication.due_at == TUE_1230


def test_requeueing_a_post_may_keep_its_own_slot(db, world):
    set_slots(db, world)
    p = post_at(db, world, MON_1230, "Mine")
    assert queue(db, world, p).publication.due_at == MON_1230


@pytest.mark.parametrize(
    ("zone", "now", "slot", "local", "due"),
    [
        # Paris springs forward at 02:00 on Sunday 2027-03-28: 02:30 never happens and
        # moves forward by the gap, to 03:30 CEST.
        (
            "Europe/Paris",
            datetime(2027, 3, 27, 12, 0, tzinfo=UTC),
            ("sun", "02:30"),
            "2027-03-28T03:30",
            datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
        ),
        # New York falls back at 02:00 on Sunday 2026-11-01: 01:30 happens twice; the
        # first (EDT, UTC-4) is the one meant.
        (
            "America/New_York",
            datetime(2026, 10, 31, 12, 0, tzinfo=UTC),
            ("sun", "01:30"),
            "2026-11-01T01:30",
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        ),
        # New York springs forward on Sunday 2027-03-14: 02:30 is 03:30 EDT.
        (
            "America/New_York",
            datetime(2027, 3, 13, 12, 0, tzinfo=UTC),
            ("sun", "02:30"),
            "2027-03-14T03:30",
            datetime(2027, 3, 14, 7, 30, tzinfo=UTC),
        ),
    ],
)
def test_slots_on_dst_days_follow_the_documented_policy(
    db, world, zone, now, slot, local, due
):
    world.clock.current = now
    set_slots(db, world, [slot], timezone=zone)
    p = post_at(db, world, now + timedelta(days=60), "DST", zone)
    queued = queue(db, world, p)
    assert (queued.local_time, queued.timezone) == (local, zone)
    assert queued.publication.due_at == due
    # a second post gets the same wall time a week later, its UTC instant moved by the change
    second = queue(db, world, post_at(db, world, now + timedelta(days=60), "2", zone))
    assert second.publication.due_at - due != timedelta(weeks=1)
    assert second.local_time[11:] == slot[1]


def test_two_people_adding_at_once_never_get_the_same_slot(db, world):
    set_slots(db, world)
    ids = [post_at(db, world, T0 + timedelta(days=40), f"Post {i}") for i in range(6)]
    barrier = threading.Barrier(len(ids))
    results: list[datetime] = []
    errors: list[BaseException] = []

    def add(publication_id: str) -> None:
        try:
            barrier.wait()
            with db.session() as s:
                queued = add_publication_to_queue(
                    s, actor=owner(world), publication_id=publication_id, now=T0
                )
            results.append(queued.publication.due_at)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(results) == len(set(results)) == 6
    assert min(results) == MON_1230


def test_an_account_without_slots_says_what_to_do(db, world):
    p = post_at(db, world, T0 + timedelta(days=1), "No slots")
    with pytest.raises(Conflict) as caught:
        queue(db, world, p)
    assert caught.value.field == "slots"
    assert "queue page" in caught.value.message


def test_slot_validation_names_the_field(db, world):
    with db.session() as s:
        with pytest.raises(InvalidInput) as bad_time:
            configure_queue(
                s,
                actor=owner(world),
                account_id=world.acme_account_id,
                now=T0,
                slots=[("tue", "25:00")],
            )
        with pytest.raises(InvalidInput) as bad_zone:
            configure_queue(
                s,
                actor=owner(world),
                account_id=world.acme_account_id,
                now=T0,
                timezone="Mars/Olympus",
            )
    assert bad_time.value.field == "slots.tue"
    assert bad_zone.value.field == "timezone"


def test_the_account_zone_overrides_the_workspace_zone_and_blank_resets_it(db, world):
    set_slots(db, world, timezone="America/New_York")
    with db.session() as s:
        assert queue_settings(s, world.acme.id, world.acme_account_id).timezone == (
            "America/New_York"
        )
    set_slots(db, world, timezone="")
    with db.session() as s:
        settings = queue_settings(s, world.acme.id, world.acme_account_id)
    assert (settings.timezone, settings.zone_is_default) == ("Europe/Paris", True)


def test_another_workspace_cannot_queue_or_read_the_queue(db, world):
    set_slots(db, world)
    p = post_at(db, world, T0 + timedelta(days=1), "Private")
    with db.session() as s:
        with pytest.raises(NotFound):
            add_publication_to_queue(s, actor=outsider(world), publication_id=p, now=T0)
        with pytest.raises(NotFound):
            queue_settings(s, world.beta.id, world.acme_account_id)


def test_an_approved_variant_joins_the_queue_and_its_brief_becomes_scheduled(db, world):
    set_slots(db, world)
    post_at(db, world, MON_1230, "Taken")
    variant_id = approved_variant(db, world)
    with db.session() as s:
        queued = queue_variant(s, actor=owner(world), variant_id=variant_id, now=T0)
    assert queued.publication.due_at == TUE_0900
    assert queued.local_time == "2026-11-03T09:00"
    with db.session() as s:
        variant = s.get(VariantRow, variant_id)
        assert variant is not None and variant.scheduled_at == TUE_0900
        brief = s.get(BriefRow, variant.brief_id)
        assert brief is not None and brief.status == "scheduled"
        again = queue_variant(s, actor=owner(world), variant_id=variant_id, now=T0)
    assert again.publication.id == queued.publication.id  # moved, not duplicated
    assert again.publication.due_at == TUE_0900


def test_a_draft_variant_cannot_be_queued(db, world):
    set_slots(db, world)
    variant_id = approved_variant(db, world, status="draft")
    with db.session() as s, pytest.raises(Conflict) as caught:
        queue_variant(s, actor=owner(world), variant_id=variant_id, now=T0)
    assert caught.value.field == "status"
