"""Listening through the Sandbox's real search: a search source stores what matches a topic,
once, against a real Sandbox server (and the database, SQLite and PostgreSQL)."""

from __future__ import annotations

from tandem.accounts import Role, store
from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer
from tandem.listen import actions, insights
from tandem.listen.collect import collect_search
from tandem.listen.records import SourceInput, TopicInput
from tandem.publish.ports import AccountRef
from tandem.storage import Database
from tests.connectors.sandbox.flows import advance, outbound
from tests.support.world import T0, World


def test_a_search_source_collects_matching_sandbox_posts_once(
    publisher: SandboxPublisher, quiet: SandboxServer, db: Database, world: World
) -> None:
    rival = AccountRef("acc-rival", "sandbox", "rival", {"token": "t0ken"})
    publisher.publish(rival, outbound("Rival heaters recalled after fires"))
    publisher.publish(rival, outbound("Rival giveaway: win a heater"))
    publisher.publish(rival, outbound("Nothing to see here"))
    advance(quiet, 60)
    with db.session() as s:
        user = store.to_user(store.get_user_row(s, world.users[Role.OWNER].id))
        owner = store.member_in(s, user, world.acme)
        assert owner is not None
        actions.add_topic(
            s,
            actor=owner,
            data=TopicInput("Rival", "rival -giveaway", "competitor"),
            clock=world.clock,
        )
        source = actions.add_source(
            s,
            actor=owner,
            data=SourceInput("search", account_id=world.acme_account_id),
            clock=world.clock,
        )

    def searchers(_session, account):  # type: ignore[no-untyped-def]
        return publisher, AccountRef(account.id, "sandbox", "brand", {"token": "t0ken"})

    first = collect_search(db, source.id, searchers=searchers, clock=world.clock)
    again = collect_search(db, source.id, searchers=searchers, clock=world.clock)
    assert (first.stored, first.error, again.stored) == (1, "", 0)
    with db.session() as s:
        (m,) = insights.mentions(
            s,
            world.acme.id,
            insights.Period(T0.replace(year=2000), T0.replace(year=2100)),
        )
    assert (m.text, m.platform, m.author, m.source) == (
        "Rival heaters recalled after fires",
        "sandbox",
        "rival",
        "search",
    )
    assert m.platform_id.startswith("sbx_") and len(m.topic_ids) == 1
