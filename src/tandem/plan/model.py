"""Goals, campaigns and spend: the pure part (no SQLAlchemy, no HTTP, no Jinja).

Money is held as integer micros (millionths of the currency unit, as the Google Ads API
reports `cost_micros`): exact sums, no float drift, and no Decimal binding on SQLite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from tandem.core import InvalidInput, slugify

MICROS = 1_000_000
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class Channel(StrEnum):
    """The marketing channels a campaign can use (and a spend line is booked against)."""

    ORGANIC_SOCIAL = "organic_social"
    PAID_SOCIAL = "paid_social"
    SEARCH_ADS = "search_ads"
    EMAIL = "email"
    SEO_CONTENT = "seo_content"
    DISPLAY = "display"
    AFFILIATE = "affiliate"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.ORGANIC_SOCIAL: "Organic social",
    Channel.PAID_SOCIAL: "Paid social",
    Channel.SEARCH_ADS: "Search ads",
    Channel.EMAIL: "Email",
    Channel.SEO_CONTENT: "SEO / content",
    Channel.DISPLAY: "Display",
    Channel.AFFILIATE: "Affiliate",
    Channel.OTHER: "Other",
}


class GoalMetric(StrEnum):
    """What a goal measures. Totals accumulate towards a target; rates are held to one."""

    CONVERSIONS = "conversions"  # e.g. qualified leads, sign-ups, purchases
    REVENUE = "revenue"
    CLICKS = "clicks"
    IMPRESSIONS = "impressions"
    ENGAGEMENTS = "engagements"
    ENGAGEMENT_RATE = "engagement_rate"
    CTR = "ctr"
    CONVERSION_RATE = "conversion_rate"
    ROAS = "roas"
    CPA = "cpa"

    @property
    def is_total(self) -> bool:
        return self in TOTAL_METRICS

    @property
    def higher_is_better(self) -> bool:
        return self is not GoalMetric.CPA

    @property
    def label(self) -> str:
        return GOAL_METRIC_LABELS[self]


TOTAL_METRICS = frozenset(
    {
        GoalMetric.CONVERSIONS,
        GoalMetric.REVENUE,
        GoalMetric.CLICKS,
        GoalMetric.IMPRESSIONS,
        GoalMetric.ENGAGEMENTS,
    }
)
# Counts of independent events, forecast with a Poisson model; the rest with daily means.
COUNT_METRICS = frozenset(
    {
        GoalMetric.CONVERSIONS,
        GoalMetric.CLICKS,
        GoalMetric.IMPRESSIONS,
        GoalMetric.ENGAGEMENTS,
    }
)
# Ratios people type as percentages (4 means 4%); stored as fractions (0.04).
PERCENT_METRICS = frozenset(
    {GoalMetric.ENGAGEMENT_RATE, GoalMetric.CTR, GoalMetric.CONVERSION_RATE}
)
GOAL_METRIC_LABELS: dict[GoalMetric, str] = {
    GoalMetric.CONVERSIONS: "Conversions",
    GoalMetric.REVENUE: "Revenue",
    GoalMetric.CLICKS: "Clicks",
    GoalMetric.IMPRESSIONS: "Impressions",
    GoalMetric.ENGAGEMENTS: "Engagements",
    GoalMetric.ENGAGEMENT_RATE: "Engagement rate",
    GoalMetric.CTR: "Click-through rate",
    GoalMetric.CONVERSION_RATE: "Conversion rate",
    GoalMetric.ROAS: "ROAS",
    GoalMetric.CPA: "Cost per acquisition",
}


class GoalStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_STARTED = "not_started"
    ACHIEVED = "achieved"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Pacing(StrEnum):
    ON_PACE = "on_pace"
    OVER = "over"
    UNDER = "under"
    NO_BUDGET = "no_budget"
    NOT_STARTED = "not_started"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return PACING_LABELS[self]


PACING_LABELS: dict[Pacing, str] = {
    Pacing.ON_PACE: "On pace",
    Pacing.OVER: "Over-pacing",
    Pacing.UNDER: "Under-pacing",
    Pacing.NO_BUDGET: "No budget",
    Pacing.NOT_STARTED: "Not started",
    Pacing.ENDED: "Ended",
}


@dataclass(frozen=True)
class Goal:
    id: str
    workspace_id: str
    name: str
    metric: GoalMetric
    target: (
        float  # a count, an amount in the reporting currency, or a ratio (0.04 = 4%)
    )
    start: date
    deadline: date
    platform: (
        str  # "" = every platform; e.g. "linkedin" for "4% engagement rate on LinkedIn"
    )
    description: str
    created_at: datetime


@dataclass(frozen=True)
class Campaign:
    id: str
    workspace_id: str
    name: str
    utm_key: str  # utm_campaign of its links and the campaign key of its posts
    goal_id: str | None
    start: date
    end: date
    budget_micros: int
    currency: str
    channels: tuple[Channel, ...]
    description: str
    pacing_alert: str  # the last pacing state the team was alerted about ("" = none)
    created_at: datetime

    @property
    def budget(self) -> float:
        return self.budget_micros / MICROS

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class SpendLine:
    id: str
    workspace_id: str
    campaign_id: str | None
    day: date
    channel: Channel
    source: str  # a preset name ("google_ads"), "mapped" or "manual"
    external_campaign: (
        str  # the campaign's name in the ad platform; "" for manual lines
    )
    amount_micros: int
    currency: str
    impressions: int
    reach: int
    clicks: int
    conversions: float
    revenue_micros: int  # conversion value, in `currency`
    note: str
    import_id: str | None
    created_at: datetime

    @property
    def amount(self) -> float:
        return self.amount_micros / MICROS

    @property
    def revenue(self) -> float:
        return self.revenue_micros / MICROS


@dataclass(frozen=True)
class SpendImport:
    id: str
    workspace_id: str
    source: str
    filename: str
    digest: str
    first_day: date | None
    last_day: date | None
    rows: int
    added: int
    replaced: int
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class PlanSettings:
    """Per workspace: the reporting currency, the rates into it, and the pacing alert threshold."""

    workspace_id: str
    currency: str
    rates: dict[str, float]  # 1 unit of the key currency = rate units of `currency`
    pacing_threshold: float  # 0.1 = alert when the projection is 10% off the budget


DEFAULT_CURRENCY = "USD"
DEFAULT_PACING_THRESHOLD = 0.10


def parse_currency(value: str, *, field: str = "currency") -> str:
    code = value.strip().upper()
    if not _CURRENCY.match(code):
        raise InvalidInput(
            f"{field} must be a three-letter ISO 4217 code such as EUR or USD, not {value!r}.",
            field=field,
        )
    return code


def parse_channel(value: str | Channel, *, field: str = "channel") -> Channel:
    if isinstance(value, Channel):
        return value
    key = value.strip().lower().replace(" ", "_").replace("-", "_").replace("/", "_")
    aliases = {"seo": Channel.SEO_CONTENT, "content": Channel.SEO_CONTENT}
    try:
        return aliases.get(key) or Channel(key)
    except ValueError:
        choices = ", ".join(c.value for c in Channel)
        raise InvalidInput(
            f"Unknown {field} {value!r}; choose one of {choices}.", field=field
        ) from None


def parse_metric(value: str | GoalMetric) -> GoalMetric:
    if isinstance(value, GoalMetric):
        return value
    try:
        return GoalMetric(value.strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in GoalMetric)
        raise InvalidInput(
            f"Unknown metric {value!r}; choose one of {choices}.", field="metric"
        ) from None


def campaign_key(value: str) -> str:
    """The slug a campaign is keyed by: lower case, ASCII, words joined by '-'.

    The same rule as the composer's campaign keys (lowercased), so posts and links already
    tagged "spring-launch" belong to the campaign keyed "spring-launch".
    """
    if not value.strip():
        raise InvalidInput(
            "Give the campaign a UTM campaign key (letters, digits and '-').",
            field="utm_key",
        )
    return slugify(value, max_length=100)


def to_micros(value: float | str, *, field: str) -> int:
    """An amount typed by a person or read from an export ("1,234.50", "-", "") as micros."""
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("\u00a0", "")
        if text in ("", "-", "--"):
            return 0
        try:
            number = float(text)
        except ValueError:
            raise InvalidInput(
                f"{field} must be a number like 1234.50, not {value!r}.", field=field
            ) from None
    else:
        number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(f"{field} must be a finite number.", field=field)
    return round(number * MICROS)
