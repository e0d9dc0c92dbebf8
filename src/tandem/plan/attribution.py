"""Conversions and revenue Measure attributes to Plan's campaigns and channels.

The journeys of the warehouse (tandem.measure.journeys: touches within the lookback before
each conversion dated in the range) are credited by one of Measure's models
(tandem.analytics.attribution), three ways:

- by campaign: a touch carrying utm_campaign is labelled by that key (slugged as campaign
  keys are), a touch without one by its GA4 channel ("Direct", "Organic Search"), so credit
  is shared honestly with what no campaign brought;
- by channel: every touch labelled by its GA4 default channel group, then the groups mapped
  to Plan's channels (`GA4_TO_PLAN`; docs/metrics.md);
- by campaign and channel (a campaign's own channel rows): campaign touches labelled by key
  and GA4 channel.

Revenue is each conversion's value converted into the reporting currency with the Plan
rates; a currency without a rate is left out and named, as for spend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from tandem.analytics import attribution
from tandem.core import InvalidInput, slugify
from tandem.measure.channels import Channel as Ga4
from tandem.measure.comparison import ModelParams
from tandem.measure.journeys import SqlRunner, journeys
from tandem.measure.model import Journey, Touch
from tandem.plan.model import MICROS, Channel
from tandem.plan.money import Rates

K = TypeVar("K")
PLATFORM = "platform"
RESULTS: tuple[tuple[str, str], ...] = (
    (PLATFORM, "Reported by the ad platform"),
    ("last_non_direct", "Last non-direct click (Measure)"),
    ("last_touch", "Last touch (Measure)"),
    ("first_touch", "First touch (Measure)"),
    ("linear", "Linear (Measure)"),
    ("time_decay", "Time decay (Measure)"),
    ("position_based", "Position-based (Measure)"),
    ("markov", "Markov chain (Measure)"),
)
RESULT_KEYS = tuple(k for k, _ in RESULTS)
RESULT_LABELS = dict(RESULTS)
# Asked for nothing: Measure's last non-direct click (GA4's and Google Ads' own default),
# or the platform figures, said so, when Measure recorded no conversion in the range.
DEFAULT_RESULTS = "last_non_direct"

GA4_TO_PLAN: dict[str, Channel] = {
    Ga4.PAID_SOCIAL: Channel.PAID_SOCIAL,
    Ga4.PAID_SEARCH: Channel.SEARCH_ADS,
    Ga4.PAID_SHOPPING: Channel.SEARCH_ADS,
    Ga4.EMAIL: Channel.EMAIL,
    Ga4.ORGANIC_SOCIAL: Channel.ORGANIC_SOCIAL,
    Ga4.ORGANIC_SEARCH: Channel.SEO_CONTENT,
    Ga4.DISPLAY: Channel.DISPLAY,
    Ga4.AFFILIATES: Channel.AFFILIATE,
}  # every other group (Direct, Referral, Paid Video, Unassigned ...) is Channel.OTHER
_NO_CAMPAIGN = frozenset({"(not set)", "(none)", "(direct)", "(organic)", "(referral)"})
_CAMPAIGN = "utm:"  # label prefix: a campaign key never collides with a channel name
_DIRECT = ("Direct", "direct")


def parse_results(value: str | None) -> str:
    """The results source asked for: "" or None is the default; anything else is checked."""
    key = (value or "").strip().lower() or DEFAULT_RESULTS
    if key not in RESULT_KEYS:
        raise InvalidInput(
            f"results must be one of {', '.join(RESULT_KEYS)} (platform: the ad "
            f"platforms' own conversions; the others: Measure's attribution models), "
            f"not {value[:30] if value else value!r}.",
            field="results",
        )
    return key


def plan_channel(group: str) -> Channel:
    return GA4_TO_PLAN.get(group, Channel.OTHER)


def campaign_of(touch: Touch) -> str | None:
    """The campaign key a touch carries (utm_campaign slugged like campaign keys), or None."""
    raw = (touch.campaign or "").strip()
    if not raw or raw.lower() in _NO_CAMPAIGN:
        return None
    return slugify(raw, max_length=100)


@dataclass(frozen=True)
class Credit:
    conversions: float = 0.0
    revenue: float = 0.0  # in the reporting currency

    def __add__(self, other: Credit) -> Credit:
        return Credit(
            self.conversions + other.conversions, self.revenue + other.revenue
        )


def total(items: Iterable[Credit]) -> Credit:
    out = Credit()
    for item in items:
        out = out + item
    return out


@dataclass(frozen=True)
class Attributed:
    """What one model credits, for the conversions dated in one range."""

    model: str
    since: date
    until: date  # inclusive
    campaigns: dict[str, Credit]  # campaign key -> credit
    unattributed: dict[
        str, Credit
    ]  # GA4 channel of touches without a campaign -> credit
    channels: dict[Channel, Credit]  # Plan channel -> credit
    campaign_channels: dict[tuple[str, Channel], Credit]
    conversions: int  # converting journeys with at least one touch
    revenue: float  # their value, reporting currency
    missing_rates: tuple[str, ...] = ()

    def campaign(self, key: str) -> Credit:
        return self.campaigns.get(key, Credit())

    def channels_of(self, key: str) -> dict[Channel, Credit]:
        return {ch: c for (k, ch), c in self.campaign_channels.items() if k == key}


def _frame(
    found: Sequence[Journey], label: Callable[[int, Touch], str], values: list[float]
) -> Any:
    """The journeys as attribution's journeys table, each touch labelled by `label(i, t)`."""
    import pandas as pd  # noqa: PLC0415  (pandas costs 0.3 s to import; only callers pay)

    rows = [
        {
            "journey_id": i,
            "channel": label(i, touch),
            "timestamp": touch.at,
            "total_conversions": int(j.converted),
            "total_conversion_value": values[i],
            "total_null": int(not j.converted),
            "converted_at": j.ends_at if j.converted else None,
        }
        for i, j in enumerate(found)
        for touch in j.touches
    ]
    return pd.DataFrame(rows)


def _credit(
    frame: Any, model: str, params: ModelParams, direct: Sequence[str] = _DIRECT
) -> dict[str, Credit]:
    if model == "markov":
        result = attribution.markov(frame, order=params.order)
    else:
        result = attribution.heuristic(
            frame,
            model,
            direct_channels=tuple(direct),
            half_life_days=params.half_life,
            position_weights=params.position_weights,
        )
    out: dict[str, Credit] = {}
    for name, conv, value in zip(
        result["channel_name"],
        result["total_conversions"],
        result["total_conversion_value"],
        strict=True,
    ):
        money = float(value) if value == value else 0.0  # NaN: no value column
        out[str(name)] = Credit(float(conv), money)
    return out


def _values(found: Sequence[Journey], rates: Rates) -> tuple[list[float], set[str]]:
    """Each journey's conversion value in the reporting currency (0 when unconvertible)."""
    values, missing = [], set()
    for j in found:
        if not j.converted or not j.value:
            values.append(0.0)
            continue
        converted = rates.convert(round(j.value * MICROS), j.currency or rates.currency)
        if converted is None:
            missing.add(j.currency or "?")
        values.append(converted or 0.0)
    return values, missing


def _channel_label(_: int, touch: Touch) -> str:
    return touch.channel


def _campaign_label(_: int, touch: Touch) -> str:
    key = campaign_of(touch)
    return f"{_CAMPAIGN}{key}" if key else touch.channel


def _campaign_channel_label(_: int, touch: Touch) -> str:
    key = campaign_of(touch)
    return f"{_CAMPAIGN}{key}|{touch.channel}" if key else touch.channel


def attribute(
    found: Sequence[Journey],
    model: str,
    rates: Rates,
    *,
    since: date,
    until: date,
    params: ModelParams | None = None,
) -> Attributed | None:
    """Credit by campaign, by channel and by campaign and channel; None when none converted."""
    if model not in RESULT_KEYS or model == PLATFORM:
        raise InvalidInput(
            f"results: {model!r} is not a Measure model.", field="results"
        )
    params = (params or ModelParams()).checked()
    found = [j for j in found if j.touches]
    converted = [j for j in found if j.converted]
    if not converted:
        return None
    values, missing = _values(found, rates)
    by_label = _credit(_frame(found, _campaign_label, values), model, params)
    campaigns = {
        k[len(_CAMPAIGN) :]: c for k, c in by_label.items() if k.startswith(_CAMPAIGN)
    }
    rest = {k: c for k, c in by_label.items() if not k.startswith(_CAMPAIGN)}
    channels: dict[Channel, Credit] = defaultdict(Credit)
    for group, c in _credit(
        _frame(found, _channel_label, values), model, params
    ).items():
        channels[plan_channel(group)] += c
    pairs: dict[tuple[str, Channel], Credit] = defaultdict(Credit)
    fine = _credit(_frame(found, _campaign_channel_label, values), model, params)
    for label, c in fine.items():
        if label.startswith(_CAMPAIGN):
            key, group = label[len(_CAMPAIGN) :].rsplit("|", 1)
            pairs[(key, plan_channel(group))] += c
    return Attributed(
        model,
        since,
        until,
        campaigns,
        rest,
        dict(channels),
        dict(pairs),
        len(converted),
        sum(v for v, j in zip(values, found, strict=True) if j.converted),
        tuple(sorted(missing)),
    )


def daily_credit(
    found: Sequence[Journey],
    model: str,
    rates: Rates,
    *,
    zone: str,
    label: Callable[[Touch], str],
    key: Callable[[str], K],
    params: ModelParams | None = None,
) -> dict[K, dict[date, float]]:
    """Credited revenue per `key(label(touch))` and local day of the conversion.

    Rule-based models credit each journey on its own, so labelling touches by `label` and
    conversion day gives the exact daily split. Markov credits the whole range at once: a
    key's Markov total is spread over days as its linear credit is.
    """
    params = (params or ModelParams()).checked()
    found = [j for j in found if j.touches]
    converted = [j for j in found if j.converted]
    if not converted:
        return {}
    values, _ = _values(converted, rates)
    tz = ZoneInfo(zone)
    days = [j.ends_at.astimezone(tz).date().isoformat() for j in converted]
    direct = {
        f"{label(t)}\x1f{days[i]}"
        for i, j in enumerate(converted)
        for t in j.touches
        if t.channel in _DIRECT
    }
    frame = _frame(converted, lambda i, t: f"{label(t)}\x1f{days[i]}", values)
    rule = "linear" if model == "markov" else model
    out: dict[K, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for name, c in _credit(frame, rule, params, sorted(direct)).items():
        name_of, day = name.rsplit("\x1f", 1)
        out[key(name_of)][date.fromisoformat(day)] += c.revenue
    if model == "markov":
        all_values = _values(found, rates)[0]
        whole: dict[K, float] = defaultdict(float)
        for name, c in _credit(
            _frame(found, lambda _, t: label(t), all_values), model, params
        ).items():
            whole[key(name)] += c.revenue
        for k, series in out.items():
            linear = sum(series.values())
            scale = whole[k] / linear if linear else 0.0
            for when in series:
                series[when] *= scale
    return {k: dict(series) for k, series in out.items()}


def daily_channel_revenue(
    found: Sequence[Journey],
    model: str,
    rates: Rates,
    *,
    zone: str,
    campaign: str | None = None,
    params: ModelParams | None = None,
) -> dict[Channel, dict[date, float]]:
    """Credited revenue per Plan channel and day (budget fits); with `campaign`, only the
    credit of that campaign's touches (the rest is shared with them, then left out)."""

    def label(t: Touch) -> str:
        if campaign is None:
            return t.channel
        return (
            t.channel if campaign_of(t) == campaign else f"{_CAMPAIGN}other|{t.channel}"
        )

    found_credit = daily_credit(
        found, model, rates, zone=zone, label=label, key=lambda x: x, params=params
    )
    out: dict[Channel, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for name, series in found_credit.items():
        if name.startswith(_CAMPAIGN):
            continue
        for day, value in series.items():
            out[plan_channel(name)][day] += value
    return {k: dict(v) for k, v in out.items()}


def daily_campaign_revenue(
    found: Sequence[Journey],
    model: str,
    rates: Rates,
    *,
    zone: str,
    params: ModelParams | None = None,
) -> dict[str | None, dict[date, float]]:
    """Credited revenue per campaign key (None: touches without a campaign) and day."""

    def key(name: str) -> str | None:
        return name[len(_CAMPAIGN) :] if name.startswith(_CAMPAIGN) else None

    return daily_credit(
        found,
        model,
        rates,
        zone=zone,
        label=lambda t: _campaign_label(0, t),
        key=key,
        params=params,
    )


def day_bounds(since: date, until: date, zone: str) -> tuple[datetime, datetime]:
    """[since 00:00, the day after `until` 00:00) in the workspace's time zone."""
    tz = ZoneInfo(zone)
    return (
        datetime.combine(since, time.min, tz),
        datetime.combine(until + timedelta(days=1), time.min, tz),
    )


@dataclass
class Measure:
    """Where attributed results come from: the warehouse events (None: no warehouse) read
    with the workspace's lookback; journeys are read once per range."""

    runner: SqlRunner | None
    workspace_id: str
    zone: str
    lookback_days: int = 30
    params: ModelParams = field(default_factory=ModelParams)
    _cache: dict[tuple[date, date], list[Journey]] = field(default_factory=dict)

    def journeys(self, since: date, until: date) -> list[Journey]:
        if self.runner is None:
            return []
        if (since, until) not in self._cache:
            start, end = day_bounds(since, until, self.zone)
            self._cache[(since, until)] = journeys(
                self.runner,
                workspace_id=self.workspace_id,
                since=start,
                until=end,
                lookback=timedelta(days=self.lookback_days),
            )
        return self._cache[(since, until)]

    def model_params(self) -> ModelParams:
        return ModelParams(
            self.params.order,
            self.params.half_life,
            self.params.first_share,
            self.params.last_share,
            self.lookback_days,
        )


@dataclass(frozen=True)
class Outcome:
    """Which figures a page shows: what was asked, what is shown, and why if they differ."""

    requested: str
    attributed: Attributed | None
    note: str = ""  # why the platform figures are shown although a model was asked

    @property
    def source(self) -> str:
        return self.attributed.model if self.attributed else PLATFORM

    @property
    def label(self) -> str:
        return RESULT_LABELS[self.source]


def results_for(
    measure: Measure | None,
    requested: str,
    rates: Rates,
    *,
    since: date,
    until: date,
) -> Outcome:
    """The attributed results of `requested` over [since, until], or the platform's, said so
    when Measure recorded no conversion in the range (or has no warehouse)."""
    if requested == PLATFORM:
        return Outcome(requested, None)
    found = measure.journeys(since, until) if measure else []
    params = measure.model_params() if measure else None
    attributed = (
        attribute(found, requested, rates, since=since, until=until, params=params)
        if found
        else None
    )
    if attributed is None:
        return Outcome(
            requested,
            None,
            f"Measure recorded no conversions from {since} to {until}: conversions and "
            "revenue are as reported by the ad platform.",
        )
    return Outcome(requested, attributed)
