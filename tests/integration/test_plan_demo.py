"""The demo's plan: goals, campaigns and spend imported from exports in each platform's format."""

from __future__ import annotations

from tandem import plan
from tandem.sim.plan import seed_plan_demo
from tandem.storage import Database
from tests.support.world import World


def test_the_demo_gets_goals_campaigns_and_spend_from_every_platform(
    db: Database, world: World
):
    with db.session() as s:
        lines = seed_plan_demo(
            s,
            workspace_id=world.acme.id,
            clock=world.clock,
            base_url="http://tandem.test",
        )
        assert lines == 4 * 21
        ws = world.acme.id
        settings = plan.store.settings_of(s, ws)
        found = plan.overview(s, ws, settings, today=world.clock.now().date())
        summaries, channels = found.campaigns, found.channels
        totals, missing = found.totals, found.missing_rates
        assert (
            found.outcome.source == "platform"
            and "no conversions" in found.outcome.note
        )
        assert missing == []  # the USD LinkedIn spend converts with the demo's rate
        assert {c.campaign.utm_key for c in summaries} == {"spring-launch", "reforest"}
        assert {r.channel for r in channels} == {
            plan.Channel.SEARCH_ADS,
            plan.Channel.PAID_SOCIAL,
        }
        assert totals.cost > 0 and totals.roas is not None
        assert plan.store.all_lines(s, ws, campaign_ids=[]) == []
        unassigned, count = plan.store.list_lines(
            s, ws, plan.store.SpendQuery(unassigned=True)
        )
        assert count == 0
        assert len(plan.store.goals_in(s, ws)) == 2
