"""Budget guidance is fitted once per data: a dashboard reads the stored fit, shows a stale
one at once while a job refits, and a report refits before it is sent."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tandem.accounts import Member, Role
from tandem.accounts import store as accounts
from tandem.core.periods import Period
from tandem.jobs.runtime import Worker, run_pending
from tandem.plan.refit import REFIT_BUDGET
from tandem.report import budget, fits
from tandem.report.dashboard import build_sections
from tandem.sim.media_mix import seed_spend_history
from tandem.storage import Database
from tandem.storage.queue import JobRow, JobStatus
from tests.support.world import World
from tests.web.conftest import make_settings

END = date(2026, 11, 1)
PERIOD = Period(END - timedelta(days=59), END, "Europe/Paris")


def marketer(session, world: World) -> Member:
    found = accounts.member_in(session, world.users[Role.MARKETER], world.acme)
    assert found is not None
    return found


def guidance_section(
    session, world: World, *, background: bool, filters=None, warehouse=None
):
    (section,) = build_sections(
        session,
        world.acme.id,
        ("budget_guidance",),
        period=PERIOD,
        previous=None,
        today=END,
        filters=filters or {},
        now=world.clock.now(),
        refit_in_background=background,
        warehouse_path=warehouse,
    )
    return section


def queued_refits(session) -> list[dict]:
    return [
        dict(p)
        for p in session.scalars(
            select(JobRow.payload).where(
                JobRow.kind == REFIT_BUDGET, JobRow.status == JobStatus.QUEUED
            )
        )
    ]


def test_a_stored_fit_is_reused_until_the_spend_changes(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    with db.session() as s:
        seed_spend_history(s, actor=marketer(s, world), clock=world.clock, end=END)
        # three imports, one refit waiting (of every stored scope)
        assert queued_refits(s) == [
            {
                "workspace_id": world.acme.id,
                "since": None,
                "until": None,
                "campaign": None,
                "results": None,
            }
        ]
    with db.session() as s:
        first = guidance_section(s, world, background=True)  # no fit yet: fitted now
    assert "Moving spend from" in first.summary
    assert "Curves fitted just now." in first.summary

    def no_fit(*_args, **_kwargs):
        raise AssertionError(
            "the curves were refitted although the data did not change"
        )

    world.clock.advance(minutes=7)
    with monkeypatch.context() as m:
        m.setattr(budget, "guidance", no_fit)
        with db.session() as s:
            again = guidance_section(s, world, background=True)
    assert again.tables == first.tables
    assert "Curves fitted 7 minutes ago." in again.summary

    with db.session() as s:  # another month of spend lands in the period
        seed_spend_history(
            s, actor=marketer(s, world), clock=world.clock, end=END, days=20, seed=3
        )
    with monkeypatch.context() as m:
        m.setattr(budget, "guidance", no_fit)
        with db.session() as s:
            stale = guidance_section(s, world, background=True)
            assert stale.tables == first.tables
            assert "Curves fitted 7 minutes ago on 2026-09-03 to 2026-11-01" in (
                stale.summary
            )
            assert "refitting" in stale.summary
            assert {
                "workspace_id": world.acme.id,
                "since": "2026-09-03",
                "until": "2026-11-01",
                "campaign": None,
                "results": "platform",
            } in queued_refits(s)
        with db.session() as s:  # a second look does not queue a second refit
            guidance_section(s, world, background=True)
            assert len(queued_refits(s)) == 2

    worker = Worker(
        database=db, settings=make_settings(tmp_path), clock=world.clock, publish=False
    )
    assert run_pending(worker) == 2
    with monkeypatch.context() as m:
        m.setattr(budget, "guidance", no_fit)
        with db.session() as s:
            fresh = guidance_section(s, world, background=True)
    assert "Curves fitted just now." not in fresh.summary
    assert "Curves fitted less than a minute ago." in fresh.summary
    assert fresh.tables != first.tables


def test_a_report_refits_a_stale_fit_before_it_is_rendered(db: Database, world: World):
    with db.session() as s:
        seed_spend_history(s, actor=marketer(s, world), clock=world.clock, end=END)
        guidance_section(s, world, background=True)
        seed_spend_history(
            s, actor=marketer(s, world), clock=world.clock, end=END, days=20, seed=3
        )
    world.clock.advance(minutes=30)
    with db.session() as s:
        section = guidance_section(s, world, background=False)
        assert "Curves fitted just now." in section.summary
        row = s.scalar(select(fits.BudgetFitRow))
        assert row is not None and row.fitted_at == world.clock.now()


def test_a_fit_round_trips_through_its_stored_form():
    from tandem.plan.budget import ChannelAdvice, Curve, Guidance

    g = Guidance(
        (ChannelAdvice("Search ads", 400.0, 300.0, Curve(900, 150, 1.2, 0.1), 0.9),),
        12.5,
        3.0,
        20.0,
        ("Display",),
        120,
    )
    assert fits.decode(fits.encode(g)) == g
    assert fits.decode(fits.encode(None)) is None
    assert fits.fingerprint({"a": ([1.0], [2.0])}) != fits.fingerprint(
        {"a": ([1.0], [2.5])}
    )


def test_guidance_fits_on_attributed_revenue_cached_per_results_source(
    db: Database, world: World, tmp_path: Path
):
    """Each day's platform revenue of a channel arrives as one site conversion whose only
    touch is that channel: last-touch credit equals the platform revenue, so both fits
    agree, and each is stored under its own results source."""
    from datetime import UTC, datetime, time

    from tandem.plan import store as plan_store
    from tandem.plan.attribution import GA4_TO_PLAN
    from tandem.storage.warehouse import EventType, Warehouse, WarehouseEvent

    group_of = {plan: group for group, plan in GA4_TO_PLAN.items()}
    with db.session() as s:
        seed_spend_history(s, actor=marketer(s, world), clock=world.clock, end=END)
        lines = plan_store.all_lines(s, world.acme.id)
        events = []
        for n, line in enumerate(lines):
            at = datetime.combine(line.day, time(11), UTC)
            who = f"v{n}"
            events += [
                WarehouseEvent(f"t{n}", world.acme.id, EventType.PAGEVIEW, at, at,
                               visitor_id=who, channel=group_of[line.channel]),
                WarehouseEvent(f"c{n}", world.acme.id, EventType.CONVERSION,
                               at + timedelta(minutes=5), at, visitor_id=who,
                               value=line.revenue, currency=line.currency),
            ]  # fmt: skip
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path) as warehouse:
        warehouse.append(events)
    with db.session() as s:
        platform = guidance_section(s, world, background=False)  # the default
        attributed = guidance_section(
            s, world, background=False, filters={"results": "last_touch"},
            warehouse=str(path),
        )  # fmt: skip
        scopes = {r for r, _, _ in fits.scopes_of(s, world.acme.id)}
    assert "Moving spend from" in attributed.summary
    assert "Last touch (Measure)" in attributed.summary
    assert "reported by the ad platform" in platform.summary
    assert attributed.tables == platform.tables
    assert scopes == {"60d:all:platform", "60d:all:last_touch"}
    assert fits.parse_scope("30d:all") == (30, None, "platform")
    assert fits.parse_scope("60d:abc:markov") == (60, "abc", "markov")
