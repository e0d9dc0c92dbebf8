"""Funnels and cohorts over warehouse events: the same SQL on DuckDB and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tandem.core.errors import InvalidInput
from tandem.measure import SqlRunner
from tandem.measure.cohorts import cohorts
from tandem.measure.funnels import funnel, parse_steps
from tandem.storage.warehouse import EventType, WarehouseEvent
from tests.integration.warehouse_engines import engine_runner

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
WS = "ws-acme"
DAY = timedelta(days=1)
MIN = timedelta(minutes=1)
PV, CONV, CUSTOM = EventType.PAGEVIEW, EventType.CONVERSION, EventType.CUSTOM


def scenario() -> list[WarehouseEvent]:
    n = 0

    def ev(kind, at, visitor, *, url=None, name=None, channel=None, value=None,
           contact=None, workspace=WS):  # fmt: skip
        nonlocal n
        n += 1
        return WarehouseEvent(
            event_id=f"e{n:05d}",
            workspace_id=workspace,
            type=kind,
            occurred_at=at,
            received_at=at,
            visitor_id=visitor,
            contact_id=contact,
            channel=channel,
            url=url,
            value=value,
            properties={"name": name} if name else {},
        )

    home, pricing = "https://acme.test/", "https://acme.test/pricing?x=1"
    return [
        # A: home -> pricing (2 min) -> signup (8 min) -> purchase 40 next week.
        ev(PV, T0, "vA", url=home, channel="Email"),
        ev(PV, T0 + 2 * MIN, "vA", url=pricing),
        ev(CUSTOM, T0 + 10 * MIN, "vA", name="signup"),
        ev(CONV, T0 + 8 * DAY, "vA", name="purchase", value=40.0),
        # B: home -> pricing (4 min); never signs up.
        ev(PV, T0 + DAY, "vB", url=home, channel="Email"),
        ev(PV, T0 + DAY + 4 * MIN, "vB", url=pricing),
        # C: signs up before seeing pricing: step 3 out of order does not count.
        ev(PV, T0 + DAY, "vC", url=home, channel="Organic Search"),
        ev(CUSTOM, T0 + DAY + MIN, "vC", name="signup"),
        ev(PV, T0 + DAY + 6 * MIN, "vC", url=pricing),
        # D: home only; comes back in week 2 (a pageview, no channel).
        ev(PV, T0 + 2 * DAY, "vD", url=home, channel="Organic Search"),
        ev(PV, T0 + 15 * DAY, "vD", url=home),
        # E: entered before the period (first touch a week earlier): not in the funnel
        # nor in the cohorts, which start at T0.
        ev(PV, T0 - 7 * DAY, "vE", url=home, channel="Email"),
        ev(PV, T0 + DAY, "vE", url=pricing),
        # Another workspace: never counted.
        ev(PV, T0, "vA", url=home, channel="Email", workspace="ws-beta"),
        ev(CUSTOM, T0 + MIN, "vA", name="signup", workspace="ws-beta"),
    ]


@pytest.fixture(params=["duckdb", "postgres"])
def runner(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlRunner]:
    with engine_runner(request.param, tmp_path, scenario()) as found:
        yield found


STEPS = ["url:https://acme.test/", "url:*/pricing*", "event:signup"]


def test_a_funnel_counts_people_per_step_in_order(runner):
    found = funnel(
        runner, workspace_id=WS, steps=parse_steps(STEPS), since=T0, until=T0 + 7 * DAY
    )
    assert [r.people for r in found] == [4, 3, 1]  # A B C D enter; A B C; A only
    assert [r.dropped for r in found] == [0, 1, 2]
    assert found[1].of_first == 0.75
    assert found[2].of_previous == pytest.approx(1 / 3)
    assert found[1].median_seconds == 240.0  # 2, 4 and 6 minutes
    assert found[2].median_seconds == 480.0


def test_a_funnel_step_outside_the_window_does_not_count(runner):
    steps = parse_steps(["url:https://acme.test/", "event:purchase"])
    within = funnel(runner, workspace_id=WS, steps=steps, since=T0, until=T0 + DAY)
    short = funnel(
        runner,
        workspace_id=WS,
        steps=steps,
        since=T0,
        until=T0 + DAY,
        window=timedelta(days=7),
    )
    assert [r.people for r in within] == [1, 1]
    assert [r.people for r in short] == [1, 0]


def test_cohorts_follow_first_touch_week_and_channel(runner):
    found = cohorts(runner, workspace_id=WS, since=T0, until=T0 + 21 * DAY, weeks=3)
    by_channel = {c.channel: c for c in found}
    assert {c.week for c in found} == {date(2026, 11, 2)}
    email, search = by_channel["Email"], by_channel["Organic Search"]
    assert email.people == 2 and email.active == (2, 1, 0)
    assert email.revenue == (0.0, 40.0, 0.0)
    assert search.people == 2 and search.active == (2, 0, 1)
    assert search.retention == (1.0, 0.0, 0.5)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (["pageview"], "2 to 10 steps"),
        (["pageview", "visit:/x"], "not understood"),
        (["pageview", "event:"], "not understood"),
    ],
)
def test_bad_steps_name_the_field_and_the_fix(steps, message):
    with pytest.raises(InvalidInput, match=message) as caught:
        parse_steps(steps)
    assert caught.value.field == "steps"
