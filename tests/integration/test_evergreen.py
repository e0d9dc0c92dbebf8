"""Evergreen recycling on SQLite and PostgreSQL: least recently used first, a minimum gap
between repeats, never the same text back to back, only into empty slots, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.core import NotFound
from tandem.publish import actions as pa
from tandem.publish.evergreen import items_in, mark_evergreen, recycle, retire
from tandem.publish.ledger import PublicationState, publications_in
from tandem.publish.planner import plan_queues
from tandem.storage import Database
from tests.support.queues import outsider, owner, post_at, set_slots
from tests.support.world import T0, World

S = PublicationState
# T0 is Monday 10:00 in Paris; with a 3-day look-ahead the free weekday slots are
# Mon 12:30, Tue 09:00, Tue 12:30, Wed 09:00, Wed 12:30 and Thu 09:00.
MON_1230 = datetime(2026, 11, 2, 11, 30, tzinfo=UTC)
TUE_0900 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def published_long_ago(db: Database, world: World, text: str, days: int) -> str:
    when = T0 - timedelta(days=days)
    publication_id = post_at(db, world, when, text)
    with db.session() as s:
        pa.mark_published(
            s, actor=owner(world), publication_id=publication_id, now=when
        )
        mark_evergreen(s, actor=owner(world), publication_id=publication_id, now=T0)
    return publication_id


def recycled(db: Database, world: World) -> list[tuple[datetime, str]]:
    with db.session() as s:
        rows = publications_in(s, world.acme.id, states=[S.SCHEDULED], since=T0)
    return [(p.due_at, p.parts[0]) for p in rows]


def run(db: Database) -> int:
    with db.session() as s:
        return recycle(s, now=T0)


def test_the_least_recently_used_item_fills_the_next_empty_slot(db, world):
    set_slots(db, world, evergreen=True, evergreen_gap_days=30)
    published_long_ago(db, world, "Old favourite", days=60)
    published_long_ago(db, world, "Newer favourite", days=45)
    assert run(db) == 2
    # each item is then inside its 30-day gap, so the other slots stay empty
    assert recycled(db, world) == [
        (MON_1230, "Old favourite"),
        (TUE_0900, "Newer favourite"),
    ]
    assert run(db) == 0  # idempotent: nothing is allowed, nothing doubles
    with db.session() as s:
        items = items_in(s, world.acme.id)
    assert {i.times_recycled for i in items} == {1}


def test_an_item_inside_its_minimum_gap_is_not_recycled(db, world):
    set_slots(db, world, evergreen=True, evergreen_gap_days=30)
    published_long_ago(db, world, "Too recent", days=10)
    assert run(db) == 0
    assert recycled(db, world) == []


def test_scheduled_content_keeps_its_slot_and_the_same_text_never_runs_back_to_back(
    db, world
):
    set_slots(db, world, evergreen=True, evergreen_gap_days=1)
    published_long_ago(db, world, "Evergreen", days=60)
    post_at(db, world, TUE_0900, "Evergreen")  # someone scheduled the same text by hand
    post_at(db, world, datetime(2026, 11, 3, 11, 30, tzinfo=UTC), "Launch day")
    run(db)
    got = recycled(db, world)
    # Mon 12:30 sits right before the identical Tue 09:00 post, so it stays empty; after
    # "Launch day" the item may run again, one day after the hand-scheduled copy.
    assert (MON_1230, "Evergreen") not in got
    texts = [text for _, text in got]
    assert all(a != b for a, b in zip(texts, texts[1:], strict=False))
    assert texts[:2] == ["Evergreen", "Launch day"]
    assert texts.count("Evergreen") == 2


def test_nothing_is_recycled_when_evergreen_is_off_or_the_item_retired(db, world):
    set_slots(db, world)
    published_long_ago(db, world, "Dormant", days=60)
    assert run(db) == 0
    set_slots(db, world, evergreen=True)
    with db.session() as s:
        (item,) = items_in(s, world.acme.id)
        retire(s, actor=owner(world), item_id=item.id, now=T0)
    assert run(db) == 0


def test_the_planner_runs_recurring_and_evergreen_together(db, world):
    set_slots(db, world, evergreen=True, evergreen_gap_days=30)
    published_long_ago(db, world, "Classic", days=90)
    published_long_ago(db, world, "Since then", days=5)
    with db.session() as s:
        result = plan_queues(s, now=T0)
    assert (result.recurring, result.evergreen) == (0, 1)


def test_an_only_item_that_was_also_the_last_post_waits_for_other_content(db, world):
    set_slots(db, world, evergreen=True, evergreen_gap_days=30)
    published_long_ago(db, world, "Alone", days=90)
    assert run(db) == 0  # the account's last post is that very text


def test_another_workspace_cannot_mark_or_retire_items(db, world):
    set_slots(db, world, evergreen=True)
    source = published_long_ago(db, world, "Ours", days=60)
    with db.session() as s:
        (item,) = items_in(s, world.acme.id)
        assert items_in(s, world.beta.id) == []
        with pytest.raises(NotFound):
            retire(s, actor=outsider(world), item_id=item.id, now=T0)
        with pytest.raises(NotFound):
            mark_evergreen(s, actor=outsider(world), publication_id=source, now=T0)
