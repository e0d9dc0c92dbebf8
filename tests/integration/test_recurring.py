"""Recurring posts on SQLite and PostgreSQL: occurrences are normal publications, materialised
ahead idempotently, at the same wall time across DST; edits reach only future unsent ones."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from tandem.core import Conflict, InvalidInput, NotFound
from tandem.jobs import Worker, run_pending
from tandem.publish import actions as pa
from tandem.publish.ledger import PublicationState, publication, publications_in
from tandem.publish.queue_slots import PLAN_QUEUES
from tandem.publish.recurring import (
    SeriesInput,
    create_series,
    edit_series,
    repeat_publication,
    stop_series,
)
from tandem.publish.recurring_materialise import materialise
from tandem.publish.recurring_store import occurrences_of
from tandem.storage import Database
from tandem.storage.queue import JobRow
from tests.support.queues import outsider, owner, post_at
from tests.support.world import T0, World
from tests.web.conftest import make_settings

S = PublicationState
WEEKLY = SeriesInput(
    parts=["Weekly tip"],
    start_local="2026-11-04T09:00",  # a Wednesday; T0 is Monday 2026-11-02 10:00 Paris
    frequency="weekly",
    weekdays=["mon", "wed"],
)


def make(db: Database, world: World, given: SeriesInput = WEEKLY, horizon: int = 14):
    with db.session() as s:
        return create_series(
            s,
            actor=owner(world),
            account_id=world.acme_account_id,
            given=given,
            now=world.clock.now(),
            horizon_days=horizon,
        )


def scheduled(db: Database, world: World) -> list[tuple[str, str, str]]:
    with db.session() as s:
        rows = publications_in(s, world.acme.id, states=[S.SCHEDULED])
    return [(p.local_time, p.timezone, p.parts[0]) for p in rows]


def test_occurrences_are_materialised_over_the_horizon_and_never_doubled(db, world):
    series = make(db, world)
    expected = ["2026-11-04T09:00", "2026-11-09T09:00", "2026-11-11T09:00"]
    expected.append("2026-11-16T09:00")
    assert [t for t, _, _ in scheduled(db, world)] == expected
    with db.session() as s:
        assert materialise(s, now=world.clock.now(), horizon_days=14) == 0
    assert len(scheduled(db, world)) == 4
    world.clock.current = T0 + timedelta(days=7)
    with db.session() as s:
        assert materialise(s, now=world.clock.now(), horizon_days=14) == 2
    with db.session() as s:
        numbers = [o.number for o in occurrences_of(s, world.acme.id, series.id)]
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_two_planners_at_once_create_each_occurrence_once(db, world):
    make(db, world, horizon=0)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def plan() -> None:
        try:
            barrier.wait()
            with db.session() as s:
                materialise(s, now=T0, horizon_days=21)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=plan) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    times = [t for t, _, _ in scheduled(db, world)]
    assert len(times) == len(set(times)) == 6


def test_a_daily_series_keeps_its_wall_time_across_the_spring_change(db, world):
    world.clock.current = datetime(2027, 3, 25, 12, 0, tzinfo=UTC)
    make(
        db,
        world,
        SeriesInput(parts=["Daily"], start_local="2027-03-26T09:00", frequency="daily"),
        horizon=4,
    )
    with db.session() as s:
        rows = publications_in(s, world.acme.id, states=[S.SCHEDULED])
    assert [p.local_time[11:] for p in rows] == ["09:00"] * 4
    # Paris moves from UTC+1 to UTC+2 on 28 March: 09:00 local is 08:00, then 07:00 UTC.
    assert [p.due_at.hour for p in rows] == [8, 8, 7, 7]


def test_count_and_until_end_the_series(db, world):
    make(
        db,
        world,
        SeriesInput(
            parts=["Thrice"],
            start_local="2026-11-03T09:00",
            frequency="daily",
            count=3,
        ),
        horizon=30,
    )
    make(
        db,
        world,
        SeriesInput(
            parts=["Until"],
            start_local="2026-11-03T12:00",
            frequency="weekly",
            until=date(2026, 11, 17),
        ),
        horizon=60,
    )
    texts = [text for _, _, text in scheduled(db, world)]
    assert texts.count("Thrice") == 3
    assert texts.count("Until") == 3  # 3, 10 and 17 November


def test_editing_the_text_changes_future_unsent_occurrences_only(db, world):
    series = make(db, world)
    with db.session() as s:
        first = occurrences_of(s, world.acme.id, series.id)[0]
        assert first.publication_id is not None
        pa.mark_published(
            s, actor=owner(world), publication_id=first.publication_id, now=T0
        )
    with db.session() as s:
        edit_series(
            s,
            actor=owner(world),
            series_id=series.id,
            given=SeriesInput(parts=["Better tip"]),
            now=T0,
            horizon_days=14,
        )
    with db.session() as s:
        assert publication(s, first.publication_id).parts == ("Weekly tip",)
    assert {text for _, _, text in scheduled(db, world)} == {"Better tip"}
    assert len(scheduled(db, world)) == 3


def test_changing_the_time_replans_future_occurrences_without_doubling_any_date(
    db, world
):
    series = make(db, world)
    with db.session() as s:
        edit_series(
            s,
            actor=owner(world),
            series_id=series.id,
            given=SeriesInput(start_local="2026-11-04T18:00"),
            now=T0,
            horizon_days=14,
        )
    times = [t for t, _, _ in scheduled(db, world)]
    assert times == [
        "2026-11-04T18:00",
        "2026-11-09T18:00",
        "2026-11-11T18:00",
        "2026-11-16T18:00",
    ]
    with db.session() as s:
        cancelled = publications_in(s, world.acme.id, states=[S.CANCELLED])
    assert len(cancelled) == 4


def test_stopping_cancels_future_occurrences_and_planning_adds_none(db, world):
    series = make(db, world)
    with db.session() as s:
        stopped = stop_series(s, actor=owner(world), series_id=series.id, now=T0)
        assert stopped.state == "stopped"
        assert materialise(s, now=T0 + timedelta(days=7), horizon_days=14) == 0
    assert scheduled(db, world) == []
    with db.session() as s, pytest.raises(Conflict):
        edit_series(
            s,
            actor=owner(world),
            series_id=series.id,
            given=SeriesInput(parts=["x"]),
            now=T0,
        )


def test_repeating_a_post_makes_it_occurrence_one(db, world):
    source = post_at(db, world, datetime(2026, 11, 3, 8, 0, tzinfo=UTC), "Tuesday news")
    with db.session() as s:
        series = repeat_publication(
            s,
            actor=owner(world),
            publication_id=source,
            given=SeriesInput(frequency="weekly"),
            now=T0,
            horizon_days=14,
        )
        occurrences = occurrences_of(s, world.acme.id, series.id)
    assert occurrences[0].publication_id == source
    # the horizon ends on 16 November (14 days after 2 November)
    assert [o.occurrence_date.day for o in occurrences] == [3, 10]
    assert len(scheduled(db, world)) == 2


def test_rule_errors_name_the_field(db, world):
    with db.session() as s:
        for given, field in [
            (
                SeriesInput(
                    parts=["x"], start_local="2026-11-04T09:00", frequency="hourly"
                ),
                "frequency",
            ),
            (
                SeriesInput(
                    parts=["x"],
                    start_local="2026-11-04 9am",
                    frequency="daily",
                ),
                "start_local",
            ),
            (
                SeriesInput(
                    parts=["x"],
                    start_local="2026-11-04T09:00",
                    frequency="daily",
                    weekdays=["mon"],
                ),
                "weekdays",
            ),
            (
                SeriesInput(
                    parts=["x"],
                    start_local="2026-11-04T09:00",
                    frequency="daily",
                    until=date(2026, 11, 1),
                ),
                "until",
            ),
            (
                SeriesInput(
                    parts=[" "], start_local="2026-11-04T09:00", frequency="daily"
                ),
                "parts",
            ),
        ]:
            with pytest.raises(InvalidInput) as caught:
                create_series(
                    s,
                    actor=owner(world),
                    account_id=world.acme_account_id,
                    given=given,
                    now=T0,
                )
            assert caught.value.field == field


def test_another_workspace_cannot_see_edit_or_stop_a_series(db, world):
    series = make(db, world)
    with db.session() as s:
        with pytest.raises(NotFound):
            stop_series(s, actor=outsider(world), series_id=series.id, now=T0)
        with pytest.raises(NotFound):
            occurrences_of(s, world.beta.id, series.id)
        with pytest.raises(NotFound):
            create_series(
                s,
                actor=outsider(world),
                account_id=world.acme_account_id,
                given=WEEKLY,
                now=T0,
            )


def test_the_planner_job_materialises_and_queues_its_next_run(db, world, tmp_path):
    make(
        db, world, horizon=0
    )  # only today's occurrences: none (the first is Wednesday)
    assert scheduled(db, world) == []
    worker = Worker(
        database=db,
        settings=make_settings(tmp_path, recurring_horizon_days=7),
        clock=world.clock,
        publish=False,
    )
    assert run_pending(worker, limit=1) == 1
    assert [t for t, _, _ in scheduled(db, world)] == [
        "2026-11-04T09:00",
        "2026-11-09T09:00",
    ]
    with db.session() as s:
        waiting = [
            (j.status, j.run_at)
            for j in s.query(JobRow).filter(JobRow.kind == PLAN_QUEUES)
        ]
    assert ("queued", T0 + timedelta(hours=1)) in waiting
