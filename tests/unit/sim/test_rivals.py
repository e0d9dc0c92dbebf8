"""The demo's rival brand: a deterministic 90-day posting rhythm and the daily readings a
snapshot job would have taken of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem.connectors.sandbox.engagement import followers_at
from tandem.connectors.sandbox.store import base_followers
from tandem.sim.rivals import DAYS, RIVAL_HANDLE, plan_rival, readings

NOW = datetime(2026, 11, 29, 10, 30, tzinfo=UTC)


def test_the_rival_posts_on_a_weekly_rhythm_over_the_90_days():
    plan = plan_rival(seed=42, now=NOW)
    assert plan.handle == RIVAL_HANDLE and plan.since == NOW - timedelta(days=DAYS)
    times = [p.created_at for p in plan.posts]
    assert times == sorted(times) and plan.since < times[0] and times[-1] < NOW
    per_week = len(plan.posts) / (DAYS / 7)
    assert 5 <= per_week <= 10, per_week  # about 1.3 a weekday, 0.5 a weekend day
    weekdays = sum(1 for t in times if t.weekday() < 5) / 5
    weekends = sum(1 for t in times if t.weekday() >= 5) / 2
    assert weekdays > weekends
    assert len({p.client_ref for p in plan.posts}) == len(plan.posts)
    assert all(7 <= t.hour <= 20 for t in times)


def test_the_same_seed_and_day_give_the_same_posts_whenever_the_demo_is_built():
    earlier = plan_rival(seed=42, now=NOW)
    later = plan_rival(seed=42, now=NOW + timedelta(hours=5))
    assert set(earlier.posts) <= set(later.posts)
    other = plan_rival(seed=7, now=NOW)
    assert [p.created_at for p in other.posts] != [p.created_at for p in earlier.posts]


def test_one_reading_per_past_day_on_the_sandbox_s_follower_line():
    plan = plan_rival(seed=42, now=NOW)
    found = readings(plan, now=NOW)
    assert len(found) == DAYS
    assert found[0].day == (NOW - timedelta(days=DAYS)).date()
    assert found[-1].day == (NOW - timedelta(days=1)).date()
    base = base_followers(RIVAL_HANDLE)
    assert found[0].followers == base
    assert found[-1].followers == followers_at(base, plan.since, found[-1].at)
    assert [r.followers for r in found] == sorted(r.followers for r in found)
    assert found[-1].followers > found[0].followers
    yesterday = found[-1]
    assert yesterday.posts == sum(1 for p in plan.posts if p.created_at <= yesterday.at)
    assert found[0].posts == 0 and yesterday.posts > 60
