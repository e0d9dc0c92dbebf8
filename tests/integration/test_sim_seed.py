"""Seeding the simulated world: the demo organisation, its team and its social history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.accounts import Role, actions, auth, store
from tandem.accounts.auth import Throttle
from tandem.core import Conflict, FrozenClock
from tandem.publish.store import (
    PostQuery,
    accounts_in,
    daily_totals,
    follower_series,
    post_performance,
)
from tandem.sim import SeedResult, SimWorld, generate_world, seed_demo, seed_workspace
from tandem.storage import Database

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
PASSWORD = "demo password 123"


@pytest.fixture(scope="module")
def sim() -> SimWorld:
    return generate_world(4, now=NOW)


@pytest.fixture
def seeded(db: Database, sim: SimWorld) -> SeedResult:
    with db.session() as s:
        return seed_demo(s, sim, clock=FrozenClock(NOW), password=PASSWORD)


def test_the_demo_workspace_has_a_member_for_every_role(
    db: Database, sim: SimWorld, seeded: SeedResult
) -> None:
    with db.session() as s:
        members = store.memberships_in(s, seeded.workspace.id)
    assert sorted(m.role for m in members) == sorted(Role)
    assert {(m.user.email, m.role) for m in members} == set(seeded.credentials)
    assert seeded.workspace.name == "Demo Brand"
    assert seeded.workspace.timezone == "Europe/Berlin"


def test_every_credential_signs_in(db: Database, seeded: SeedResult) -> None:
    throttle = Throttle(max_failures=5, window=timedelta(minutes=15))
    with db.session() as s:
        for email, _role in seeded.credentials:
            user = auth.authenticate(
                s,
                email=email,
                password=PASSWORD,
                throttle=throttle,
                clock=FrozenClock(NOW),
            )
            assert user.email == email


def test_the_four_sandbox_accounts_are_connected(
    db: Database, sim: SimWorld, seeded: SeedResult
) -> None:
    with db.session() as s:
        accounts = accounts_in(s, seeded.workspace.id)
    assert sorted(a.handle for a in accounts) == sorted(a.handle for a in sim.accounts)
    assert {a.platform for a in accounts} == {"sandbox"}
    by_handle = {a.handle: a for a in accounts}
    for account in sim.accounts:
        assert by_handle[account.handle].followers == account.current_followers
    assert seeded.counts.accounts == 4


def test_every_post_is_stored_with_its_latest_snapshot(
    db: Database, sim: SimWorld, seeded: SeedResult
) -> None:
    with db.session() as s:
        rows, total = post_performance(s, seeded.workspace.id, PostQuery(limit=10_000))
    assert total == len(sim.posts) == seeded.counts.posts
    assert seeded.counts.post_metrics == sum(len(p.snapshots) for p in sim.posts)
    expected = {
        (p.url, p.latest.impressions, p.latest.likes, p.latest.clicks)
        for p in sim.posts
    }
    assert {(r.post.url, r.impressions, r.likes, r.clicks) for r in rows} == expected
    newest = rows[0].post
    assert newest.published_at == sim.posts[-1].published_at


def test_daily_totals_add_up_to_the_simulated_history(
    db: Database, sim: SimWorld, seeded: SeedResult
) -> None:
    since = sim.posts[0].published_at
    with db.session() as s:
        totals = daily_totals(s, seeded.workspace.id, since=since, until=NOW)
    assert sum(t.posts for t in totals) == len(sim.posts)
    assert sum(t.impressions for t in totals) == sum(
        p.latest.impressions for p in sim.posts
    )
    assert sum(t.engagements for t in totals) == sum(
        p.latest.engagements for p in sim.posts
    )
    assert len(totals) >= sim.days - 1


def test_follower_history_has_one_row_per_day(
    db: Database, sim: SimWorld, seeded: SeedResult
) -> None:
    with db.session() as s:
        accounts = {a.handle: a for a in accounts_in(s, seeded.workspace.id)}
        for account in sim.accounts:
            series = follower_series(
                s, seeded.workspace.id, accounts[account.handle].id
            )
            assert series == [(p.day, p.followers) for p in account.followers]
    assert seeded.counts.account_metrics == 4 * sim.days


def test_one_world_can_be_seeded_into_a_second_workspace_without_mixing(
    db: Database, sim: SimWorld, seeded: SeedResult
) -> None:
    clock = FrozenClock(NOW)
    with db.session() as s:
        _, other = actions.create_organisation(
            s,
            name="Other",
            workspace_name="Other",
            owner_email="owner@other.test",
            owner_name="Oda Other",
            owner_password=PASSWORD,
            clock=clock,
        )
        small = generate_world(9, now=NOW, days=3)
        counts = seed_workspace(s, other, small)
    with db.session() as s:
        _, other_total = post_performance(s, other.id, PostQuery())
        _, demo_total = post_performance(s, seeded.workspace.id, PostQuery())
    assert other_total == counts.posts == len(small.posts)
    assert demo_total == len(sim.posts)


def test_seeding_the_same_accounts_twice_is_refused_with_a_reason(
    db: Database, sim: SimWorld, seeded: SeedResult
) -> None:
    with (
        db.session() as s,
        pytest.raises(Conflict, match="already has the simulated accounts"),
    ):
        seed_workspace(s, seeded.workspace, sim)
    with db.session() as s:
        assert len(accounts_in(s, seeded.workspace.id)) == 4
