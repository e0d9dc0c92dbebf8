"""KPI definitions: one pure function each, with the source of the definition.

Every ratio returns None when its denominator is zero (or missing): the UI shows "-", the
JSON shows null. No KPI ever raises ZeroDivisionError or returns infinity. docs/metrics.md
holds the same definitions for people; `DEFINITIONS` feeds the hover text in the UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields


def ratio(numerator: float, denominator: float | None) -> float | None:
    """numerator / denominator, or None when the denominator is zero or missing."""
    if not denominator:
        return None
    return numerator / denominator


def ctr(clicks: float, impressions: float) -> float | None:
    return ratio(clicks, impressions)


def cpc(cost: float, clicks: float) -> float | None:
    return ratio(cost, clicks)


def cpm(cost: float, impressions: float) -> float | None:
    value = ratio(cost, impressions)
    return None if value is None else value * 1000


def conversion_rate(conversions: float, clicks: float) -> float | None:
    return ratio(conversions, clicks)


def cpa(cost: float, conversions: float) -> float | None:
    return ratio(cost, conversions)


def roas(revenue: float, cost: float) -> float | None:
    return ratio(revenue, cost)


def roi(revenue: float, cost: float) -> float | None:
    """(revenue - cost) / cost: 0.5 means every unit spent came back with 50% on top."""
    return ratio(revenue - cost, cost)


def engagement_rate(engagements: float, impressions: float) -> float | None:
    return ratio(engagements, impressions)


@dataclass(frozen=True)
class Totals:
    """Summed inputs of the KPIs for one campaign, channel or period (money in one currency).

    `reach` is a sum of the reach each source reported: people reached on two days or two
    platforms are counted twice, so it is an upper bound (docs/metrics.md says so).
    `cost_without_impressions` / `cost_without_clicks`: the part of `cost` on lines that
    report no impressions / no clicks (a manual cost, a fee), left out of CPM / CPC so a
    sponsorship does not make every impression look dearer.
    """

    cost: float = 0.0
    impressions: int = 0
    reach: int = 0
    clicks: int = 0
    conversions: float = 0.0
    revenue: float = 0.0
    engagements: int = 0
    cost_without_impressions: float = 0.0
    cost_without_clicks: float = 0.0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )


def total(items: Iterable[Totals]) -> Totals:
    out = Totals()
    for item in items:
        out = out + item
    return out


@dataclass(frozen=True)
class KpiValues:
    """Every KPI of one set of totals; None where a denominator was zero."""

    cost: float
    impressions: int
    reach: int
    clicks: int
    conversions: float
    revenue: float
    ctr: float | None
    cpc: float | None
    cpm: float | None
    conversion_rate: float | None
    cpa: float | None
    roas: float | None
    roi: float | None


def kpis(t: Totals) -> KpiValues:
    return KpiValues(
        cost=t.cost,
        impressions=t.impressions,
        reach=t.reach,
        clicks=t.clicks,
        conversions=t.conversions,
        revenue=t.revenue,
        ctr=ctr(t.clicks, t.impressions),
        cpc=cpc(t.cost - t.cost_without_clicks, t.clicks),
        cpm=cpm(t.cost - t.cost_without_impressions, t.impressions),
        conversion_rate=conversion_rate(t.conversions, t.clicks),
        cpa=cpa(t.cost, t.conversions),
        roas=roas(t.revenue, t.cost),
        roi=roi(t.revenue, t.cost),
    )


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    formula: str
    when_zero: str
    source: str

    @property
    def hover(self) -> str:
        """The title attribute shown on hover: formula, then the zero rule."""
        return f"{self.label}: {self.formula}. {self.when_zero}"


_NO_ZERO = "A sum: 0 when there is nothing to add."
DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            "impressions",
            "Impressions",
            "times an ad or post was shown, summed over the rows",
            _NO_ZERO,
            "Google Ads Help: Impressions",
        ),
        Definition(
            "reach",
            "Reach",
            "people who saw it at least once, as each platform reported; summed across days and platforms",
            _NO_ZERO + " A sum of reaches over-counts people reached twice.",
            "Meta Business Help: Reach",
        ),
        Definition(
            "clicks",
            "Clicks",
            "clicks as the platform counts them (link clicks on Meta, clicks (destination) on TikTok)",
            _NO_ZERO,
            "Google Ads Help: Clicks",
        ),
        Definition(
            "ctr",
            "CTR",
            "clicks ÷ impressions",
            "'-' when there were no impressions.",
            "Google Ads Help: Clickthrough rate",
        ),
        Definition(
            "cost",
            "Spend",
            "cost of the spend lines, converted into the reporting currency",
            _NO_ZERO,
            "the imported ad-platform reports and manual cost lines",
        ),
        Definition(
            "cpc",
            "CPC",
            "spend ÷ clicks, over the spend lines that report clicks",
            "'-' when there were no clicks.",
            "Google Ads Help: Average cost per click",
        ),
        Definition(
            "cpm",
            "CPM",
            "spend ÷ impressions × 1,000, over the spend lines that report impressions",
            "'-' when there were no impressions.",
            "Google Ads Help: Cost per thousand impressions",
        ),
        Definition(
            "conversions",
            "Conversions",
            "conversions from the chosen source: as the ad platforms reported them in the spend "
            "exports, or credited by a Measure attribution model (site conversions dated in the "
            "range, touches within the lookback before each); the page says which",
            _NO_ZERO,
            "Google Ads Help: Conversions",
        ),
        Definition(
            "conversion_rate",
            "Conversion rate",
            "conversions ÷ clicks",
            "'-' when there were no clicks.",
            "Google Ads Help: Conversion rate",
        ),
        Definition(
            "cpa",
            "CPA",
            "spend ÷ conversions",
            "'-' when there were no conversions.",
            "Google Ads Help: Cost per acquisition",
        ),
        Definition(
            "revenue",
            "Revenue",
            "conversion value of those conversions (the platforms' or Measure's credited share), "
            "converted into the reporting currency",
            _NO_ZERO,
            "Google Ads Help: Conversion value",
        ),
        Definition(
            "roas",
            "ROAS",
            "revenue ÷ spend (4.0 = four units back per unit spent)",
            "'-' when nothing was spent.",
            "Google Ads Help: Return on ad spend",
        ),
        Definition(
            "roi",
            "ROI",
            "(revenue − spend) ÷ spend",
            "'-' when nothing was spent.",
            "Google Ads Help: Return on investment",
        ),
        Definition(
            "engagement_rate",
            "Engagement rate",
            "engagements (likes + comments + shares + saves) ÷ impressions",
            "'-' when there were no impressions.",
            "Tandem Measure: the engagement rate of published posts",
        ),
    )
}
