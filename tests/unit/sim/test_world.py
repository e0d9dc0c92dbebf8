from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.accounts import Role
from tandem.sim import SimWorld, generate_world

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def world() -> SimWorld:
    return generate_world(11, now=NOW)


def test_the_same_seed_and_now_give_an_identical_world(world: SimWorld) -> None:
    again = generate_world(11, now=NOW)
    assert again == world
    assert repr(again) == repr(world)


def test_a_different_seed_gives_a_different_world(world: SimWorld) -> None:
    other = generate_world(12, now=NOW)
    assert other != world
    assert [p.text for p in other.posts] != [p.text for p in world.posts]
    assert other.truth != world.truth


def test_now_in_another_zone_means_the_same_instant() -> None:
    paris_now = NOW.astimezone(ZoneInfo("Europe/Paris"))
    assert generate_world(3, now=paris_now, days=5) == generate_world(
        3, now=NOW, days=5
    )


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        generate_world(1, now=NOW.replace(tzinfo=None))


def test_it_refuses_an_empty_history() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        generate_world(1, now=NOW, days=0)


def test_the_brand_is_demo_brand_in_berlin(world: SimWorld) -> None:
    assert world.brand.name == "Demo Brand"
    assert world.brand.timezone == "Europe/Berlin"
    assert world.truth.timezone == world.brand.timezone


def test_the_team_has_one_member_per_role_with_stable_emails(world: SimWorld) -> None:
    assert sorted(m.role for m in world.team) == sorted(Role)
    assert world.member(Role.OWNER).email == "owner@demo.tandem.test"
    assert len({m.email for m in world.team}) == len(Role)
    assert len({m.name for m in world.team}) == len(Role)
    other = generate_world(12, now=NOW, days=1)
    assert [m.email for m in other.team] == [m.email for m in world.team]


def test_there_are_four_sandbox_accounts_imitating_different_platforms(
    world: SimWorld,
) -> None:
    assert [a.handle for a in world.accounts] == [
        "demobrand.insta",
        "demobrand.linkedin",
        "demobrand.x",
        "demobrand.bsky",
    ]
    assert {a.platform for a in world.accounts} == {"sandbox"}
    assert len({a.style for a in world.accounts}) == 4
    assert [t.account_key for t in world.truth.accounts] == [
        a.key for a in world.accounts
    ]


def test_accounts_were_connected_before_the_history_starts(world: SimWorld) -> None:
    first_post = world.posts[0].published_at
    for account in world.accounts:
        assert account.created_at < first_post
        assert account.created_at.tzinfo is UTC


def test_followers_have_one_value_per_local_day_ending_today(world: SimWorld) -> None:
    today = NOW.astimezone(BERLIN).date()
    for account in world.accounts:
        days = [point.day for point in account.followers]
        assert len(days) == world.days
        assert days[-1] == today
        assert all(
            b - a == timedelta(days=1) for a, b in zip(days, days[1:], strict=False)
        )


def test_followers_grow_as_the_truth_says(world: SimWorld) -> None:
    for account in world.accounts:
        truth = world.truth.of(account.key)
        net = truth.daily_follower_growth - truth.daily_follower_churn
        expected = account.starting_followers * (1 + net) ** world.days
        assert account.current_followers > account.starting_followers
        assert account.current_followers == pytest.approx(expected, rel=0.05)


def test_another_process_with_another_hash_seed_generates_the_same_bytes(
    world: SimWorld,
) -> None:
    # Catches reliance on hash() or set order, which PYTHONHASHSEED changes between processes.
    script = (
        "import hashlib, sys; from datetime import datetime, UTC; "
        "from tandem.sim import generate_world; "
        "w = generate_world(11, now=datetime(2026, 11, 2, 15, 0, tzinfo=UTC)); "
        "sys.stdout.write(hashlib.sha256(repr(w).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == hashlib.sha256(repr(world).encode()).hexdigest()
