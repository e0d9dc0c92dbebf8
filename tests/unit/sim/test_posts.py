from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.sim import ContentType, SimWorld, generate_world

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
OFFSETS = [timedelta(hours=h) for h in (1, 6, 24, 72, 168)]


@pytest.fixture(scope="module")
def world() -> SimWorld:
    return generate_world(11, now=NOW)


def test_every_post_is_published_before_now_in_aware_utc(world: SimWorld) -> None:
    assert all(p.published_at < NOW for p in world.posts)
    assert all(p.published_at.tzinfo is UTC for p in world.posts)
    assert [p.published_at for p in world.posts] == sorted(
        p.published_at for p in world.posts
    )


def test_each_account_posts_one_to_three_times_on_every_full_day(
    world: SimWorld,
) -> None:
    today = NOW.astimezone(BERLIN).date()
    first = today - timedelta(days=world.days - 1)
    for account in world.accounts:
        per_day = Counter(
            p.published_at.astimezone(BERLIN).date()
            for p in world.posts_of(account.key)
        )
        full_days = [first + timedelta(days=i) for i in range(world.days - 1)]
        assert min(per_day[d] for d in full_days) >= 1
        assert max(per_day.values()) <= 3
        assert set(per_day) <= {*full_days, today}


def test_posts_go_out_in_the_brands_working_day(world: SimWorld) -> None:
    hours = Counter(p.published_at.astimezone(BERLIN).hour for p in world.posts)
    assert set(hours) <= set(range(7, 22))
    office = sum(n for h, n in hours.items() if 9 <= h <= 17)
    assert office / len(world.posts) > 0.6


def test_all_content_types_appear(world: SimWorld) -> None:
    assert {p.content_type for p in world.posts} == set(ContentType)


def test_platform_ids_and_urls_are_sequential_per_account(world: SimWorld) -> None:
    for account in world.accounts:
        posts = world.posts_of(account.key)
        assert [p.number for p in posts] == list(range(1, len(posts) + 1))
        assert [p.platform_post_id for p in posts] == [
            str(n) for n in range(1, len(posts) + 1)
        ]
        assert posts[0].url == f"https://sandbox.tandem.test/{account.handle}/1"


def test_post_text_carries_the_brand_hashtag_and_link_posts_a_link(
    world: SimWorld,
) -> None:
    assert all("#DemoBrand" in p.text for p in world.posts)
    links = [p for p in world.posts if p.content_type is ContentType.LINK]
    assert links
    assert all(world.brand.website + "/journal/" in p.text for p in links)
    x_posts = [p for p in world.posts if p.account_key == "x"]
    assert max(len(p.text) for p in x_posts) <= 280


def test_snapshots_never_decrease_and_only_the_last_is_latest(world: SimWorld) -> None:
    for post in world.posts:
        snaps = post.snapshots
        assert snaps, post
        assert [s.is_latest for s in snaps] == [False] * (len(snaps) - 1) + [True]
        assert [s.at for s in snaps] == sorted({s.at for s in snaps})
        for before, after in zip(snaps, snaps[1:], strict=False):
            for field in (
                "impressions",
                "reach",
                "likes",
                "comments",
                "shares",
                "saves",
                "clicks",
            ):
                assert getattr(before, field) <= getattr(after, field), (
                    post.url,
                    field,
                )
        assert all(s.reach <= s.impressions for s in snaps)


def test_mature_posts_are_pulled_at_the_fixed_offsets(world: SimWorld) -> None:
    mature = [p for p in world.posts if NOW - p.published_at > OFFSETS[-1]]
    assert len(mature) > 500
    for post in mature:
        assert [s.at - post.published_at for s in post.snapshots] == OFFSETS


def test_young_posts_are_last_pulled_now(world: SimWorld) -> None:
    young = [p for p in world.posts if NOW - p.published_at <= OFFSETS[-1]]
    assert young
    for post in young:
        assert post.latest.at == NOW
        assert all(s.at <= NOW for s in post.snapshots)


def test_posts_earn_plausible_engagement(world: SimWorld) -> None:
    mature = [p.latest for p in world.posts if NOW - p.published_at > OFFSETS[-1]]
    assert all(s.impressions > 0 for s in mature)
    rates = sorted(s.engagement_rate or 0.0 for s in mature)
    assert 0.005 < rates[len(rates) // 2] < 0.1
    assert rates[-1] < 0.5
