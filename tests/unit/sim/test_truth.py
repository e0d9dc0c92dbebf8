"""The metrics really are drawn from the ground truth, so analytics can be checked against it."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

import pytest

from tandem.sim import ContentType, SimPost, SimWorld, generate_world
from tandem.sim.styles import PROFILES

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
SEEDS = (1, 2, 3)
MIN_POSTS = 5


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest) -> SimWorld:
    return generate_world(request.param, now=NOW)


def _mature(world: SimWorld, account_key: str) -> list[SimPost]:
    # Younger posts are still accumulating, and their first pulls round small counts to zero.
    return [
        p
        for p in world.posts_of(account_key)
        if NOW - p.published_at >= timedelta(days=7)
    ]


def _rate(post: SimPost) -> float:
    rate = post.latest.engagement_rate
    assert rate is not None
    return rate


def test_the_true_best_hour_is_an_hour_the_brand_posts_at(world: SimWorld) -> None:
    for account in world.accounts:
        truth = world.truth.of(account.key)
        assert truth.best_hour in PROFILES[account.style].peak_hours
        assert truth.hour_multipliers.count(max(truth.hour_multipliers)) == 1


def test_posts_at_the_best_hour_engage_more_than_at_the_worst(world: SimWorld) -> None:
    for account in world.accounts:
        truth = world.truth.of(account.key)
        by_hour: dict[int, list[float]] = defaultdict(list)
        for post in _mature(world, account.key):
            by_hour[post.published_at.astimezone(BERLIN).hour].append(_rate(post))
        observed = [h for h, rates in by_hour.items() if len(rates) >= MIN_POSTS]
        worst = min(observed, key=truth.hour_multipliers.__getitem__)
        assert len(by_hour[truth.best_hour]) >= MIN_POSTS, account.key
        assert mean(by_hour[truth.best_hour]) > 1.2 * mean(by_hour[worst]), account.key


def test_observed_rates_average_to_the_expected_rates(world: SimWorld) -> None:
    for account in world.accounts:
        truth = world.truth.of(account.key)
        ratios = []
        for post in _mature(world, account.key):
            local = post.published_at.astimezone(BERLIN)
            expected = truth.expected_engagement_rate(
                post.content_type, local.hour, local.weekday()
            )
            ratios.append(_rate(post) / expected)
        assert mean(ratios) == pytest.approx(1.0, abs=0.12), account.key


def test_content_type_effects_can_be_recovered(world: SimWorld) -> None:
    for account in world.accounts:
        truth = world.truth.of(account.key)
        by_type: dict[ContentType, list[float]] = defaultdict(list)
        for post in _mature(world, account.key):
            local = post.published_at.astimezone(BERLIN)
            # Divide out the time effects: what is left estimates the content multiplier.
            timing = (
                truth.hour_multipliers[local.hour]
                * truth.weekday_multipliers[local.weekday()]
            )
            by_type[post.content_type].append(
                _rate(post) / (truth.base_engagement_rate * timing)
            )
        # Small X audiences make Poisson noise large: 0.3 holds with margin on 200 seeds.
        estimates = {c: mean(v) for c, v in by_type.items() if len(v) >= 15}
        for content_type, estimate in estimates.items():
            assert estimate == pytest.approx(
                truth.content_multipliers[content_type], rel=0.3
            ), (account.key, content_type)
        best = max(estimates, key=truth.content_multipliers.__getitem__)
        worst = min(estimates, key=truth.content_multipliers.__getitem__)
        assert estimates[best] > estimates[worst], account.key


def test_link_posts_earn_more_clicks_per_impression(world: SimWorld) -> None:
    clicks: dict[bool, list[int]] = defaultdict(list)
    impressions: dict[bool, list[int]] = defaultdict(list)
    for account in world.accounts:
        for post in _mature(world, account.key):
            is_link = post.content_type is ContentType.LINK
            clicks[is_link].append(post.latest.clicks)
            impressions[is_link].append(post.latest.impressions)
    link_ctr = sum(clicks[True]) / sum(impressions[True])
    other_ctr = sum(clicks[False]) / sum(impressions[False])
    assert link_ctr > 4 * other_ctr


def test_bigger_audiences_see_more_impressions(world: SimWorld) -> None:
    def median_impressions(key: str) -> float:
        values = sorted(p.latest.impressions for p in _mature(world, key))
        return values[len(values) // 2]

    assert median_impressions("insta") > median_impressions("bsky")
