"""Response metrics from real replies and closures, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from tandem.accounts.model import Role
from tandem.core.periods import Period
from tandem.inbox import actions, queries
from tandem.inbox.ingest import ingest_account
from tandem.inbox.metrics import inbox_report
from tandem.inbox.replies import begin_reply, send_reply
from tandem.inbox.sla import DEFAULT_TARGETS
from tests.support.fake_conversations import FakeConversations
from tests.support.world import T0

PERIOD = Period(date(2026, 10, 26), date(2026, 11, 15), "Europe/Paris")


def _reply(db, world, fake, item_id: str, user_id: str, key: str) -> None:
    begun = begin_reply(
        db,
        world.acme.id,
        item_id,
        text="Thanks, looking into it",
        key=key,
        user_id=user_id,
        now=world.clock.now(),
    )
    send_reply(db, begun.reply.id, fake, world.clock)


def test_first_response_resolution_rate_and_breaches(db, world):
    fake = FakeConversations()
    fake.add("Still waiting for my refund after 20 days.", platform_id="a", at=T0)
    fake.add("Is the shop open Sunday?", platform_id="b", at=T0)
    fake.add("Does it come in blue?", platform_id="c", at=T0)
    fake.add("Buy cheap followers at bit.ly/x", platform_id="d", at=T0)
    ingest_account(db, world.acme_account_id, fake, world.clock)
    with db.session() as s:
        items = queries.find_items(s, world.acme.id, queries.ItemQuery(status="all"))
        ids = {i.platform_id: i.id for i in items}
    social = world.users[Role.SOCIAL_MANAGER].id
    marketer = world.users[Role.MARKETER].id
    world.clock.advance(minutes=30)
    _reply(db, world, fake, ids["a"], social, "k1")
    world.clock.advance(hours=5, minutes=30)  # 6 h after writing: late for a complaint
    _reply(db, world, fake, ids["b"], marketer, "k2")
    with db.session() as s:
        actions.set_status(
            s, world.acme.id, [ids["a"]], "closed", now=world.clock.now()
        )
        actions.assign(s, world.acme.id, [ids["c"]], user_id=marketer)
        report = inbox_report(
            s,
            world.acme.id,
            PERIOD,
            targets=DEFAULT_TARGETS,
            now=T0 + timedelta(days=2),
        )
        empty = inbox_report(
            s,
            world.beta.id,
            PERIOD,
            targets=DEFAULT_TARGETS,
            now=T0 + timedelta(days=2),
        )
    total = report.total
    assert (total.items, total.needing, total.answered) == (
        4,
        3,
        2,
    )  # spam needs nothing
    assert total.response_rate == 2 / 3
    assert total.first_response_median == (30 * 60 + 6 * 3600) / 2
    assert total.first_response_p90 == 6 * 3600
    assert total.resolution_median == 6 * 3600
    # Questions from 100-follower authors score 51 (4 h band): "b" was answered after 6 h
    # and "c" still waits after two days; "a" was answered in 30 min.
    assert total.breaches == 2
    members = {g.label: g.stats for g in report.members}
    assert members["Social media manager"].answered == 1
    assert members["Digital marketer"].needing == 2
    assert members["Digital marketer"].answered == 1
    assert members["Unassigned"].needing == 0  # the spam
    assert [g.key for g in report.platforms] == ["sandbox"]
    assert [g.key for g in report.weeks] == ["2026-W44", "2026-W45", "2026-W46"]
    assert report.weeks[1].stats.items == 4 and report.weeks[0].stats.items == 0
    assert empty.total.items == 0 and empty.members == []
