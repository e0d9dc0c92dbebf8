"""Campaign and channel results from Measure's attribution, on DuckDB and PostgreSQL events.

A tiny world whose credit is computed by hand (last touch and linear exactly), and a larger
simulated one where every model conserves the conversions and ROAS/CPA use the credit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tandem.core import InvalidInput
from tandem.plan.attribution import (
    GA4_TO_PLAN,
    Measure,
    attribute,
    daily_channel_revenue,
    parse_results,
    results_for,
)
from tandem.plan.kpis import Totals, kpis
from tandem.plan.model import Channel
from tandem.plan.money import Rates
from tandem.storage.warehouse import EventType, WarehouseEvent
from tests.integration.warehouse_engines import engine_runner

WS = "ws-attr"
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RATES = Rates("EUR", {"USD": 0.92})
_n = 0


def touch(at, visitor, channel, campaign=None, source=None, medium=None):
    global _n
    _n += 1
    return WarehouseEvent(
        f"t{_n:05d}", WS, EventType.PAGEVIEW, at, at, visitor_id=visitor,
        channel=channel, source=source, medium=medium, campaign=campaign,
    )  # fmt: skip


def conversion(at, visitor, value, currency="EUR"):
    global _n
    _n += 1
    return WarehouseEvent(
        f"c{_n:05d}", WS, EventType.CONVERSION, at, at, visitor_id=visitor,
        value=value, currency=currency,
    )  # fmt: skip


def tiny() -> list[WarehouseEvent]:
    return [
        # J1: paid social for spring-launch, then direct; buys for 100 EUR.
        touch(T0 - 3 * DAY, "v1", "Paid Social", "spring-launch", "facebook", "paid"),
        touch(T0 - DAY, "v1", "Direct", None, "(direct)", "(none)"),
        conversion(T0, "v1", 100.0),
        # J2: organic search, the reforest newsletter, a spring-launch ad; 60 EUR.
        touch(T0 - 5 * DAY, "v2", "Organic Search", None, "google", "organic"),
        touch(T0 - 4 * DAY, "v2", "Email", "ReForest", "newsletter", "email"),
        touch(T0 - 2 * DAY, "v2", "Paid Social", "Spring Launch", "facebook", "paid"),
        conversion(T0 + DAY, "v2", 60.0),
        # J3: the reforest newsletter alone; 40 USD (36.80 EUR at 0.92).
        touch(T0 - DAY, "v3", "Email", "reforest", "newsletter", "email"),
        conversion(T0, "v3", 40.0, "USD"),
        # J4: a display touch that never converts.
        touch(T0 - DAY, "v4", "Display", None, "ads.example", "display"),
        # J5: converted before the range: not counted.
        touch(T0 - 40 * DAY, "v5", "Paid Social", "spring-launch", "facebook", "paid"),
        conversion(T0 - 39 * DAY, "v5", 500.0),
    ]


SINCE, UNTIL = date(2026, 11, 1), date(2026, 11, 30)


def _measure(runner) -> Measure:
    return Measure(runner, WS, "UTC", lookback_days=30)


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_last_touch_and_linear_credit_campaigns_as_computed_by_hand(
    engine: str, tmp_path: Path
):
    with engine_runner(engine, tmp_path, tiny()) as runner:
        found = _measure(runner).journeys(SINCE, UNTIL)
    last = attribute(found, "last_touch", RATES, since=SINCE, until=UNTIL)
    linear = attribute(found, "linear", RATES, since=SINCE, until=UNTIL)
    lnd = attribute(found, "last_non_direct", RATES, since=SINCE, until=UNTIL)
    assert last and linear and lnd
    assert last.conversions == 3 and last.revenue == pytest.approx(196.8)
    # Last touch: J1 to Direct, J2 to spring-launch, J3 to reforest.
    assert last.campaign("spring-launch").conversions == pytest.approx(1.0)
    assert last.campaign("spring-launch").revenue == pytest.approx(60.0)
    assert last.campaign("reforest").revenue == pytest.approx(36.8)
    assert last.unattributed["Direct"].revenue == pytest.approx(100.0)
    # Last non-direct: J1 goes to the spring-launch ad before the direct visit.
    assert lnd.campaign("spring-launch").revenue == pytest.approx(160.0)
    # Linear: J1 halves, J2 thirds.
    s, r = linear.campaign("spring-launch"), linear.campaign("reforest")
    assert s.conversions == pytest.approx(0.5 + 1 / 3)
    assert s.revenue == pytest.approx(50.0 + 20.0)
    assert r.conversions == pytest.approx(1 / 3 + 1)
    assert r.revenue == pytest.approx(20.0 + 36.8)
    assert linear.unattributed["Organic Search"].conversions == pytest.approx(1 / 3)
    # Per Plan channel: Paid Social -> paid social, Email -> email, Direct -> other.
    assert linear.channels[Channel.PAID_SOCIAL].conversions == pytest.approx(5 / 6)
    assert linear.channels[Channel.EMAIL].conversions == pytest.approx(4 / 3)
    assert linear.channels[Channel.SEO_CONTENT].conversions == pytest.approx(1 / 3)
    assert linear.channels[Channel.OTHER].conversions == pytest.approx(0.5)
    assert linear.channels_of("reforest") == {
        Channel.EMAIL: pytest.approx(r)  # type: ignore[dict-item]
    }


def test_results_fall_back_to_the_platform_and_say_so(tmp_path: Path):
    with engine_runner("duckdb", tmp_path, tiny()) as runner:
        measure = _measure(runner)
        empty = results_for(
            measure, "markov", RATES, since=date(2026, 12, 1), until=date(2026, 12, 31)
        )
        full = results_for(measure, "markov", RATES, since=SINCE, until=UNTIL)
    assert empty.source == "platform" and "no conversions" in empty.note
    assert full.source == "markov" and full.note == ""
    assert full.label == "Markov chain (Measure)"
    assert results_for(None, "linear", RATES, since=SINCE, until=UNTIL).note
    assert results_for(measure, "platform", RATES, since=SINCE, until=UNTIL).note == ""


def test_parse_results_names_the_field():
    assert parse_results(None) == "last_non_direct"
    assert parse_results("Markov") == "markov"
    with pytest.raises(InvalidInput) as caught:
        parse_results("shapely")
    assert caught.value.field == "results"


def _simulated(n_people: int = 400) -> list[WarehouseEvent]:
    """A seeded world: journeys over GA4 channels, half the touches with a campaign."""
    import random

    rng = random.Random(7)
    channels = [
        ("Paid Social", "facebook", "paid", "spring-launch"),
        ("Paid Search", "google", "cpc", "spring-launch"),
        ("Email", "newsletter", "email", "reforest"),
        ("Organic Social", "instagram", "social", None),
        ("Organic Search", "google", "organic", None),
        ("Direct", "(direct)", "(none)", None),
    ]
    events = []
    for p in range(n_people):
        start = T0 - timedelta(days=rng.randint(5, 15), hours=rng.randint(0, 23))
        for k in range(rng.randint(1, 4)):
            ch, src, med, camp = rng.choice(channels)
            events.append(touch(start + k * DAY, f"p{p}", ch, camp, src, med))
        if rng.random() < 0.3:
            events.append(
                conversion(start + 5 * DAY, f"p{p}", rng.choice([20.0, 50.0]))
            )
    return events


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_every_model_conserves_conversions_on_a_simulated_world(
    engine: str, tmp_path: Path
):
    with engine_runner(engine, tmp_path, _simulated()) as runner:
        found = _measure(runner).journeys(SINCE, UNTIL)
    converted = [j for j in found if j.converted and j.touches]
    assert len(converted) > 50
    revenue = sum(j.value for j in converted)
    for model in ("markov", "linear", "last_non_direct", "time_decay"):
        a = attribute(found, model, RATES, since=SINCE, until=UNTIL)
        assert a is not None
        by_campaign = sum(c.conversions for c in a.campaigns.values()) + sum(
            c.conversions for c in a.unattributed.values()
        )
        assert by_campaign == pytest.approx(len(converted)), model
        assert sum(c.conversions for c in a.channels.values()) == pytest.approx(
            len(converted)
        ), model
        assert sum(c.revenue for c in a.channels.values()) == pytest.approx(revenue)
        daily = daily_channel_revenue(found, model, RATES, zone="UTC")
        assert sum(sum(d.values()) for d in daily.values()) == pytest.approx(revenue)
        for channel, series in daily.items():
            assert sum(series.values()) == pytest.approx(a.channels[channel].revenue)
        # ROAS and CPA of a campaign use the credited revenue and conversions.
        credit = a.campaign("spring-launch")
        k = kpis(
            Totals(cost=500.0, conversions=credit.conversions, revenue=credit.revenue)
        )
        assert k.roas == pytest.approx(credit.revenue / 500.0)
        assert k.cpa == pytest.approx(500.0 / credit.conversions)


def test_zero_conversions_and_zero_spend_show_no_ratio():
    k = kpis(Totals(cost=0.0, conversions=0.0, revenue=0.0))
    assert k.roas is None and k.cpa is None and k.roi is None
    k = kpis(Totals(cost=100.0, conversions=0.0, revenue=0.0))
    assert k.cpa is None and k.roas == 0.0


def test_the_mapping_covers_the_plan_channels_with_a_ga4_group():
    assert set(GA4_TO_PLAN.values()) == set(Channel) - {Channel.OTHER}
