"""Best time to post from an account's stored posts and metric snapshots; "use suggested
slots" fills the queue. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.core import Conflict, NotFound, new_id
from tandem.publish.besttime import best_times_for, use_suggested_slots
from tandem.publish.queue_slots import queue_settings
from tandem.publish.store import PostMetricRow, PublishedPostRow
from tandem.storage import Database
from tests.support.queues import owner, set_slots
from tests.support.world import T0, World


def seed_history(db: Database, world: World, weeks: int = 10) -> None:
    """Thursdays 16:00 UTC (17:00 Paris in winter) earn 5%; Mondays 08:00 UTC earn 2%."""
    with db.session() as s:
        for week in range(1, weeks + 1):
            for days, hour, rate in ((3, 16, 0.05), (0, 8, 0.02), (2, 12, 0.022)):
                at = datetime(2026, 8, 3, hour, tzinfo=UTC) + timedelta(
                    weeks=week, days=days
                )
                post_id = new_id()
                s.add(
                    PublishedPostRow(
                        id=post_id,
                        workspace_id=world.acme.id,
                        account_id=world.acme_account_id,
                        platform_post_id=f"h-{week}-{days}",
                        url=f"https://sandbox.test/h/{week}/{days}",
                        text=f"History {week} {days}",
                        content_type="text",
                        published_at=at,
                    )
                )
                s.flush()
                s.add(
                    PostMetricRow(
                        id=new_id(),
                        workspace_id=world.acme.id,
                        post_id=post_id,
                        at=at + timedelta(days=2),
                        impressions=2000,
                        likes=int(2000 * rate),
                        is_latest=True,
                    )
                )


def test_the_seeded_best_hour_is_suggested_and_fills_the_queue(db, world):
    seed_history(db, world)
    with db.session() as s:
        best = best_times_for(s, world.acme.id, world.acme_account_id, now=T0)
    assert (
        best.enough_data and best.posts == 34
    )  # 30 seeded + 4 of the world's posts (one is published now)
    top = best.suggestions[0]
    # Thursday 16:00 UTC is 18:00 in Paris before 25 October, 17:00 after: two cells
    assert (top.weekday, top.label[4:6]) == (3, "18")
    assert {(c.weekday, c.hour) for c in best.suggestions} <= {(3, 17), (3, 18)}
    set_slots(db, world, [("mon", "09:00")])
    with db.session() as s:
        settings = use_suggested_slots(
            s, actor=owner(world), account_id=world.acme_account_id, now=T0
        )
    assert settings.slots[0] == ("mon", "09:00")
    assert ("thu", "18:00") in settings.slots


def test_too_little_history_is_reported_and_cannot_fill_the_queue(db, world):
    with db.session() as s:
        best = best_times_for(s, world.acme.id, world.acme_account_id, now=T0)
        assert not best.enough_data and best.posts == 4
        with pytest.raises(Conflict) as caught:
            use_suggested_slots(
                s, actor=owner(world), account_id=world.acme_account_id, now=T0
            )
        assert caught.value.field == "slots"
        assert queue_settings(s, world.acme.id, world.acme_account_id).slots == ()


def test_another_workspace_gets_nothing_of_the_history(db, world):
    seed_history(db, world)
    with db.session() as s, pytest.raises(NotFound):
        best_times_for(s, world.beta.id, world.acme_account_id, now=T0)
    with db.session() as s:
        beta = best_times_for(s, world.beta.id, world.beta_account_id, now=T0)
    assert beta.posts == 2
