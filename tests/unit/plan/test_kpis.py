"""KPI definitions against hand-computed examples, zero denominators included."""

from __future__ import annotations

import math

import pytest

from tandem.plan import DEFINITIONS, Totals, kpis
from tandem.plan.kpis import cpa, cpc, cpm, ctr, roas, roi

# 10,000 impressions, 250 clicks, 500.00 spent, 20 conversions worth 1,800.00:
# CTR 250/10000 = 2.5%; CPC 500/250 = 2.00; CPM 500/10000*1000 = 50.00;
# conversion rate 20/250 = 8%; CPA 500/20 = 25.00; ROAS 1800/500 = 3.6; ROI (1800-500)/500 = 2.6
EXAMPLE = Totals(
    cost=500.0,
    impressions=10_000,
    reach=7_000,
    clicks=250,
    conversions=20,
    revenue=1800.0,
)


def test_it_computes_every_kpi_of_a_hand_worked_example():
    k = kpis(EXAMPLE)
    assert k.ctr == pytest.approx(0.025)
    assert k.cpc == pytest.approx(2.0)
    assert k.cpm == pytest.approx(50.0)
    assert k.conversion_rate == pytest.approx(0.08)
    assert k.cpa == pytest.approx(25.0)
    assert k.roas == pytest.approx(3.6)
    assert k.roi == pytest.approx(2.6)
    assert (k.impressions, k.reach, k.clicks, k.revenue) == (10_000, 7_000, 250, 1800.0)


def test_a_loss_gives_a_negative_roi_and_a_roas_below_one():
    assert roi(300.0, 500.0) == pytest.approx(-0.4)
    assert roas(300.0, 500.0) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (ctr, (5, 0)),
        (cpc, (100.0, 0)),
        (cpm, (100.0, 0)),
        (cpa, (100.0, 0)),
        (roas, (100.0, 0)),
        (roi, (100.0, 0)),
    ],
)
def test_a_zero_denominator_gives_none_never_infinity_or_an_error(function, args):
    assert function(*args) is None


def test_an_empty_campaign_has_sums_of_zero_and_no_ratios():
    k = kpis(Totals())
    assert (k.cost, k.impressions, k.clicks, k.conversions, k.revenue) == (
        0,
        0,
        0,
        0,
        0,
    )
    ratios = (k.ctr, k.cpc, k.cpm, k.conversion_rate, k.cpa, k.roas, k.roi)
    assert all(r is None for r in ratios)


def test_clicks_without_conversions_give_a_zero_rate_but_no_cpa():
    k = kpis(Totals(cost=50.0, impressions=1000, clicks=10))
    assert k.conversion_rate == 0.0
    assert k.cpa is None
    assert k.roi == pytest.approx(-1.0)
    assert not any(isinstance(v, float) and math.isinf(v) for v in vars(k).values())


def test_totals_add_field_by_field():
    doubled = EXAMPLE + EXAMPLE
    assert doubled.cost == 1000.0
    assert doubled.clicks == 500


def test_every_kpi_has_a_definition_with_its_zero_rule_and_source():
    for key in (
        "impressions",
        "reach",
        "clicks",
        "ctr",
        "cpc",
        "cpm",
        "conversions",
        "conversion_rate",
        "cpa",
        "revenue",
        "roas",
        "roi",
    ):
        d = DEFINITIONS[key]
        assert d.formula and d.source and d.when_zero
        assert d.label in d.hover and d.when_zero in d.hover


def test_cpm_and_cpc_leave_out_cost_that_bought_no_delivery():
    # 100 on ads (10,000 impressions, 50 clicks) and a 400 sponsorship fee with neither.
    ads = Totals(cost=100.0, impressions=10_000, clicks=50)
    fee = Totals(cost=400.0, cost_without_impressions=400.0, cost_without_clicks=400.0)
    k = kpis(ads + fee)
    assert k.cost == 500.0
    assert k.cpm == pytest.approx(10.0)  # 100 / 10,000 x 1,000, not 50
    assert k.cpc == pytest.approx(2.0)  # 100 / 50, not 10
    assert k.roas == 0.0 and k.cpa is None  # nothing else changes: spend is still 500
    only_fee = kpis(fee)
    assert only_fee.cpm is None and only_fee.cpc is None


def test_convert_lines_counts_a_manual_cost_as_spend_but_not_in_cpm_or_cpc():
    from datetime import UTC, date, datetime

    from tandem.plan.model import Channel, SpendLine
    from tandem.plan.money import Rates
    from tandem.plan.results import convert_lines

    def line(amount: float, impressions: int, clicks: int, source: str) -> SpendLine:
        return SpendLine(
            "l" + source, "w", None, date(2026, 11, 2), Channel.PAID_SOCIAL, source,
            "", round(amount * 1_000_000), "EUR", impressions, 0, clicks, 0.0, 0, "",
            None, datetime(2026, 11, 2, tzinfo=UTC),
        )  # fmt: skip

    converted = convert_lines(
        [line(100.0, 10_000, 50, "meta_ads"), line(400.0, 0, 0, "manual")],
        Rates("EUR", {}),
    )
    k = kpis(converted.totals)
    assert (k.cost, k.cpm, k.cpc) == (500.0, 10.0, 2.0)
