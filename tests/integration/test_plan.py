"""Plan on a real database: campaigns, all-or-nothing idempotent spend imports, currency
conversion, pacing alerts and tenancy (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tandem import plan
from tandem.accounts import Member, Role
from tandem.accounts import store as accounts
from tandem.compose import actions as compose_actions
from tandem.compose.actions import BriefInput
from tandem.core import Conflict, InvalidInput, NotFound
from tandem.notify import notifications_of
from tandem.plan import CampaignInput, GoalInput, ManualCost, Pacing
from tandem.plan.store import SpendLineRow
from tandem.storage import Database
from tests.support.world import World

DATA = Path(__file__).parents[1] / "data" / "spend"
NOV1 = date(2026, 11, 1)


def member(db_session, world: World, role: Role = Role.MARKETER, ws=None) -> Member:
    workspace = ws or world.acme
    user = world.users[role] if ws is None else world.outsider
    found = accounts.member_in(db_session, user, workspace)
    assert found is not None
    return found


def spring(**overrides) -> CampaignInput:
    values = {
        "name": "Spring Launch",
        "utm_key": "Spring Launch",
        "start": NOV1,
        "end": date(2026, 11, 30),
        "budget": "3000",
        "currency": "EUR",
        "channels": ["search_ads", "paid_social", "organic_social"],
    }
    values.update(overrides)
    return CampaignInput(**values)


def import_file(s, m, world, name, preset, **kw):
    return plan.import_spend(
        s,
        actor=m,
        data=(DATA / name).read_bytes(),
        filename=name,
        mapping=plan.preset_map(preset),
        clock=world.clock,
        **kw,
    )


def line_count(s, workspace_id: str) -> int:
    return s.scalar(
        select(func.count()).where(SpendLineRow.workspace_id == workspace_id)
    )


def test_a_campaign_key_is_slugged_and_unique_per_workspace(db: Database, world: World):
    with db.session() as s:
        m = member(s, world)
        campaign = plan.create_campaign(s, actor=m, data=spring(), clock=world.clock)
        assert campaign.utm_key == "spring-launch"
        assert campaign.channels[0] is plan.Channel.SEARCH_ADS
        with pytest.raises(Conflict):
            plan.create_campaign(
                s,
                actor=m,
                data=spring(name="Other", utm_key="spring-launch"),
                clock=world.clock,
            )
        with pytest.raises(InvalidInput) as bad:
            plan.create_campaign(
                s,
                actor=m,
                data=spring(utm_key="x", end=date(2026, 10, 1)),
                clock=world.clock,
            )
        assert bad.value.field == "end_date"
        # another workspace may use the same key
        beta = member(s, world, ws=world.beta)
        other = plan.create_campaign(s, actor=beta, data=spring(), clock=world.clock)
        assert other.utm_key == "spring-launch"


def test_the_key_is_locked_once_posts_carry_it(db: Database, world: World):
    with db.session() as s:
        m = member(s, world)
        campaign = plan.create_campaign(s, actor=m, data=spring(), clock=world.clock)
        compose_actions.create_brief(
            s,
            actor=m,
            base_url="http://tandem.test",
            clock=world.clock,
            data=BriefInput(text="Spring is here", campaign_key="spring-launch"),
        )
        with pytest.raises(Conflict):
            plan.update_campaign(
                s,
                actor=m,
                campaign_id=campaign.id,
                data=spring(utm_key="spring-2027"),
                clock=world.clock,
            )
        renamed = plan.update_campaign(
            s,
            actor=m,
            campaign_id=campaign.id,
            data=spring(name="Spring Launch 2026"),
            clock=world.clock,
        )
        assert renamed.name == "Spring Launch 2026"


def test_importing_the_same_export_twice_never_double_counts(
    db: Database, world: World
):
    with db.session() as s:
        m = member(s, world)
        campaign = plan.create_campaign(s, actor=m, data=spring(), clock=world.clock)
        first = import_file(s, m, world, "google_ads.csv", "google_ads")
        assert (first.rows, first.added, first.replaced) == (4, 4, 0)
        assert first.unassigned == ["Brand Terms"]
        again = import_file(s, m, world, "google_ads.csv", "google_ads")
        assert (again.added, again.replaced, again.previously_imported) == (0, 4, True)
        assert line_count(s, world.acme.id) == 4
        report = plan.campaign_report(
            s,
            campaign,
            plan.store.settings_of(s, world.acme.id),
            today=NOV1 + timedelta(days=2),
        )
        # only the "Spring Launch - Search" rows: 120.50 + 99.50 spent, 650 revenue
        assert report.kpis.cost == pytest.approx(220.0)
        assert report.kpis.revenue == pytest.approx(650.0)
        assert report.kpis.roas == pytest.approx(650 / 220)
        assert report.by_channel[0].channel is plan.Channel.SEARCH_ADS


def test_a_corrected_export_of_the_same_period_replaces_the_figures(
    db: Database, world: World
):
    text = "Day,Campaign,Currency code,Cost,Impr.,Clicks\n2026-11-01,Spring Launch,EUR,{},100,5\n"
    with db.session() as s:
        m = member(s, world)
        mapping = plan.preset_map("google_ads")
        for cost in ("10.00", "12.50"):
            plan.import_spend(
                s,
                actor=m,
                data=text.format(cost).encode(),
                filename="a.csv",
                mapping=mapping,
                clock=world.clock,
            )
        lines = plan.store.all_lines(s, world.acme.id)
        assert [line.amount for line in lines] == [12.5]


def test_one_bad_row_imports_nothing(db: Database, world: World):
    text = "Day,Campaign,Currency code,Cost\n2026-11-01,A,EUR,10\n2026-13-01,A,EUR,10\n"
    with db.session() as s:
        m = member(s, world)
        with pytest.raises(plan.ImportRejected) as rejected:
            plan.import_spend(
                s,
                actor=m,
                data=text.encode(),
                filename="bad.csv",
                mapping=plan.preset_map("google_ads"),
                clock=world.clock,
            )
        assert [(e.row, e.field) for e in rejected.value.errors] == [(3, "date")]
        assert "Row 3" in rejected.value.message
        assert line_count(s, world.acme.id) == 0


def test_every_preset_imports_its_sample_export(db: Database, world: World):
    with db.session() as s:
        m = member(s, world)
        plan.create_campaign(s, actor=m, data=spring(), clock=world.clock)
        for name, preset in [
            ("google_ads.csv", "google_ads"),
            ("meta_ads.csv", "meta_ads"),
            ("linkedin_ads.csv", "linkedin_ads"),
            ("tiktok_ads.csv", "tiktok_ads"),
        ]:
            result = import_file(s, m, world, name, preset)
            assert result.added > 0, name
        assert plan.store.currencies_in(s, world.acme.id) == ["EUR", "USD"]


def test_reports_convert_with_the_workspace_rates_and_name_missing_ones(
    db: Database, world: World
):
    with db.session() as s:
        m = member(s, world)
        campaign = plan.create_campaign(s, actor=m, data=spring(), clock=world.clock)
        import_file(s, m, world, "linkedin_ads.csv", "linkedin_ads")  # USD 115.00
        import_file(s, m, world, "tiktok_ads.csv", "tiktok_ads")  # EUR 62.00
        settings = plan.save_settings(
            s,
            actor=m,
            currency="EUR",
            rates={},
            pacing_threshold=0.1,
            clock=world.clock,
        )
        report = plan.campaign_report(s, campaign, settings, today=NOV1)
        assert report.missing_rates == ["USD"]
        assert report.kpis.cost == pytest.approx(62.0)
        settings = plan.save_settings(
            s,
            actor=m,
            currency="EUR",
            rates={"usd": "0.9"},
            pacing_threshold=0.1,
            clock=world.clock,
        )
        report = plan.campaign_report(s, campaign, settings, today=NOV1)
        assert report.missing_rates == []
        assert report.kpis.cost == pytest.approx(62.0 + 115.0 * 0.9)
        with pytest.raises(InvalidInput) as bad:
            plan.save_settings(
                s,
                actor=m,
                currency="EUR",
                rates={"GBP": "-1"},
                pacing_threshold=0.1,
                clock=world.clock,
            )
        assert bad.value.field == "rate_GBP"


def test_over_pacing_alerts_the_planners_once(db: Database, world: World):
    with db.session() as s:
        m = member(s, world)
        plan.create_campaign(s, actor=m, data=spring(budget="300"), clock=world.clock)
        for i in range(3):
            plan.add_manual_cost(
                s,
                actor=m,
                clock=world.clock,
                data=ManualCost(
                    day=NOV1 + timedelta(days=i),
                    amount="60",
                    currency="EUR",
                    channel="paid_social",
                    campaign_id=plan.store.campaign_by_key(
                        s, world.acme.id, "spring-launch"
                    ).id,
                ),
            )
        today = NOV1 + timedelta(days=2)
        sent = plan.check_pacing(
            s,
            workspace_id=world.acme.id,
            today=today,
            base_url="http://tandem.test",
            now=world.clock.now(),
        )
        assert (
            sent >= 2
        )  # owner, admin, social manager and marketer may all manage plans
        assert (
            plan.check_pacing(
                s,
                workspace_id=world.acme.id,
                today=today,
                base_url="http://tandem.test",
                now=world.clock.now(),
            )
            == 0
        )
        notes = notifications_of(s, world.users[Role.MARKETER].id)
        assert notes[0].kind == "campaign.pacing"
        assert "over-pacing" in notes[0].title
        approver_notes = notifications_of(s, world.users[Role.APPROVER].id)
        assert all(n.kind != "campaign.pacing" for n in approver_notes)
        summaries = plan.overview(
            s, world.acme.id, plan.store.settings_of(s, world.acme.id), today=today
        ).campaigns
        assert summaries[0].pacing.state is Pacing.OVER


def test_a_goal_forecasts_from_its_campaigns_spend(db: Database, world: World):
    with db.session() as s:
        m = member(s, world)
        goal = plan.create_goal(
            s,
            actor=m,
            clock=world.clock,
            data=GoalInput(
                name="Leads",
                metric="conversions",
                target=5,
                start=NOV1,
                deadline=date(2026, 11, 30),
            ),
        )
        plan.create_campaign(
            s, actor=m, data=spring(goal_id=goal.id), clock=world.clock
        )
        import_file(s, m, world, "google_ads.csv", "google_ads")
        view = plan.goal_view(
            s,
            goal,
            plan.store.settings_of(s, world.acme.id),
            today=date(2026, 11, 3),
            zone="Europe/Paris",
        )
        assert view.forecast.progress == 7  # the spring campaign's 4 + 3 conversions
        assert view.forecast.status is plan.GoalStatus.ACHIEVED
        assert [c.name for c in view.campaigns] == ["Spring Launch"]


def test_workspace_b_sees_none_of_workspace_a(db: Database, world: World):
    with db.session() as s:
        m = member(s, world)
        campaign = plan.create_campaign(s, actor=m, data=spring(), clock=world.clock)
        goal = plan.create_goal(
            s,
            actor=m,
            clock=world.clock,
            data=GoalInput(
                name="Leads",
                metric="conversions",
                target=5,
                start=NOV1,
                deadline=date(2026, 11, 30),
            ),
        )
        import_file(s, m, world, "google_ads.csv", "google_ads")
        beta = member(s, world, ws=world.beta)
        assert plan.store.campaigns_in(s, world.beta.id) == []
        assert plan.store.goals_in(s, world.beta.id) == []
        assert plan.store.all_lines(s, world.beta.id) == []
        with pytest.raises(NotFound):
            plan.store.campaign_in(s, world.beta.id, campaign.id)
        with pytest.raises(NotFound):
            plan.store.goal_in(s, world.beta.id, goal.id)
        with pytest.raises(NotFound):
            plan.add_manual_cost(
                s,
                actor=beta,
                clock=world.clock,
                data=ManualCost(
                    day=NOV1,
                    amount="5",
                    currency="EUR",
                    channel="email",
                    campaign_id=campaign.id,
                ),
            )
        # the same export in B creates B's own lines and leaves A's alone
        import_file(s, beta, world, "google_ads.csv", "google_ads")
        assert line_count(s, world.acme.id) == line_count(s, world.beta.id) == 4
