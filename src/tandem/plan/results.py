"""What campaigns and channels achieved: spend, KPIs, pacing, organic results, goal series.

Conversions and revenue are either the ad platforms' own (the spend exports, `platform`) or
credited by one of Measure's attribution models over the site's journeys
(tandem.plan.attribution); every report says which (`Outcome`), and why when a model was
asked but Measure recorded no conversions in the range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.compose.store import BriefRow, VariantRow
from tandem.links.store import LinkClickRow, TrackedLinkRow
from tandem.plan import store
from tandem.plan.attribution import (
    DEFAULT_RESULTS,
    Credit,
    Measure,
    Outcome,
    results_for,
)
from tandem.plan.attribution import total as total_credit
from tandem.plan.forecast import DayValue
from tandem.plan.kpis import KpiValues, Totals, kpis
from tandem.plan.model import (
    Campaign,
    Channel,
    Goal,
    GoalMetric,
    PlanSettings,
    SpendLine,
)
from tandem.plan.money import Rates
from tandem.plan.pacing import PacingReport, pace
from tandem.publish.ledger import PublicationRow
from tandem.publish.store import PostMetricRow, PublishedPostRow, SocialAccountRow


def rates_of(settings: PlanSettings) -> Rates:
    return Rates(settings.currency, dict(settings.rates))


@dataclass(frozen=True)
class Converted:
    totals: Totals
    missing_rates: list[str] = field(default_factory=list)  # currencies left out


def convert_lines(
    lines: Iterable[SpendLine], rates: Rates, currency: str | None = None
) -> Converted:
    """Sum lines in one currency. Counts always add up; money whose currency has no rate is
    left out and the currency named, so a report never mixes currencies silently."""
    out, missing = Totals(), set()
    for line in lines:
        cost = rates.convert(line.amount_micros, line.currency, currency)
        revenue = rates.convert(line.revenue_micros, line.currency, currency)
        if cost is None or revenue is None:
            missing.add(line.currency)
            cost = revenue = 0.0
        out = out + Totals(
            cost,
            line.impressions,
            line.reach,
            line.clicks,
            line.conversions,
            revenue,
            cost_without_impressions=0.0 if line.impressions else cost,
            cost_without_clicks=0.0 if line.clicks else cost,
        )
    return Converted(out, sorted(missing))


def with_credit(
    totals: Totals,
    credit: Credit,
    rates: Rates,
    currency: str | None = None,
    missing: set[str] | None = None,
) -> Totals:
    """`totals` with conversions and revenue replaced by attributed `credit` (reporting
    currency), the revenue converted into `currency`; a missing rate is named in `missing`."""
    revenue = rates.convert(round(credit.revenue * 1_000_000), rates.currency, currency)
    if revenue is None:
        if missing is not None:
            missing.add(rates.currency)
        revenue = 0.0
    return replace(totals, conversions=credit.conversions, revenue=revenue)


@dataclass(frozen=True)
class Organic:
    """Results of the campaign's own posts and links (no spend involved)."""

    posts: int
    impressions: int
    engagements: int
    post_clicks: int
    link_clicks: int  # by people, on the campaign's tracked links

    @property
    def engagement_rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None


def organic_results(session: Session, workspace_id: str, key: str) -> Organic:
    m = PostMetricRow
    posts = session.execute(
        select(
            func.count(func.distinct(PublishedPostRow.id)),
            func.coalesce(func.sum(m.impressions), 0),
            func.coalesce(func.sum(m.likes + m.comments + m.shares + m.saves), 0),
            func.coalesce(func.sum(m.clicks), 0),
        )
        .select_from(PublishedPostRow)
        .join(
            PublicationRow,
            (PublicationRow.account_id == PublishedPostRow.account_id)
            & (PublicationRow.platform_post_id == PublishedPostRow.platform_post_id),
        )
        .join(VariantRow, VariantRow.id == PublicationRow.variant_id)
        .join(BriefRow, BriefRow.id == VariantRow.brief_id)
        .outerjoin(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .where(
            PublishedPostRow.workspace_id == workspace_id, BriefRow.campaign_key == key
        )
    ).one()
    link_clicks = session.scalar(
        select(func.count(LinkClickRow.id))
        .join(TrackedLinkRow, TrackedLinkRow.id == LinkClickRow.link_id)
        .where(
            TrackedLinkRow.workspace_id == workspace_id,
            TrackedLinkRow.campaign_key == key,
            LinkClickRow.is_bot.is_(False),
        )
    )
    count, impressions, engagements, clicks = posts
    return Organic(
        int(count),
        int(impressions),
        int(engagements),
        int(clicks),
        int(link_clicks or 0),
    )


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    kpis: KpiValues


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    currency: str  # the campaign's currency: budget, spend and KPIs are in it
    kpis: KpiValues
    by_channel: list[ChannelRow]
    pacing: PacingReport
    organic: Organic
    daily: list[tuple[date, float]]
    missing_rates: list[str]
    outcome: Outcome  # where conversions and revenue come from

    @property
    def attributed(self) -> bool:
        return self.outcome.attributed is not None


def by_channel(
    lines: Sequence[SpendLine], rates: Rates, currency: str | None = None
) -> tuple[list[ChannelRow], list[str]]:
    groups: dict[Channel, list[SpendLine]] = defaultdict(list)
    for line in lines:
        groups[line.channel].append(line)
    rows, missing = [], set()
    for channel in Channel:
        if channel in groups:
            converted = convert_lines(groups[channel], rates, currency)
            missing.update(converted.missing_rates)
            rows.append(ChannelRow(channel, kpis(converted.totals)))
    return rows, sorted(missing)


def daily_spend(
    lines: Iterable[SpendLine], rates: Rates, currency: str | None = None
) -> list[tuple[date, float]]:
    days: dict[date, float] = defaultdict(float)
    for line in lines:
        value = rates.convert(line.amount_micros, line.currency, currency)
        if value is not None:
            days[line.day] += value
    return sorted(days.items())


def attributed_channels(
    lines: Sequence[SpendLine],
    credit: dict[Channel, Credit],
    rates: Rates,
    currency: str | None = None,
) -> tuple[list[ChannelRow], list[str]]:
    """Per Plan channel: spend, impressions and clicks of the lines, conversions and revenue
    credited by Measure; a channel with credit but no spend has a row too (ratios "-")."""
    groups: dict[Channel, list[SpendLine]] = defaultdict(list)
    for line in lines:
        groups[line.channel].append(line)
    rows, missing = [], set()
    for channel in Channel:
        if channel not in groups and channel not in credit:
            continue
        converted = convert_lines(groups.get(channel, []), rates, currency)
        missing.update(converted.missing_rates)
        totals = with_credit(
            converted.totals, credit.get(channel, Credit()), rates, currency, missing
        )
        rows.append(ChannelRow(channel, kpis(totals)))
    return rows, sorted(missing)


def campaign_report(
    session: Session,
    campaign: Campaign,
    settings: PlanSettings,
    *,
    today: date,
    measure: Measure | None = None,
    results: str = DEFAULT_RESULTS,
) -> CampaignReport:
    """The campaign's KPIs over its dates; conversions and revenue from `results` (the ad
    platforms' or a Measure model's, over conversions dated in the campaign's days)."""
    ws, rates = campaign.workspace_id, rates_of(settings)
    lines = store.all_lines(session, ws, campaign_ids=[campaign.id])
    converted = convert_lines(lines, rates, campaign.currency)
    totals = converted.totals
    outcome = results_for(
        measure, results, rates, since=campaign.start, until=campaign.end
    )
    credited: set[str] = set()
    if outcome.attributed is not None:
        own = outcome.attributed.campaign(campaign.utm_key)
        totals = with_credit(totals, own, rates, campaign.currency, credited)
        channels, missing = attributed_channels(
            lines,
            outcome.attributed.channels_of(campaign.utm_key),
            rates,
            campaign.currency,
        )
        credited.update(outcome.attributed.missing_rates)
    else:
        channels, missing = by_channel(lines, rates, campaign.currency)
    daily = daily_spend(lines, rates, campaign.currency)
    pacing = pace(
        budget=campaign.budget,
        start=campaign.start,
        end=campaign.end,
        today=today,
        daily=daily,
        threshold=settings.pacing_threshold,
        currency=campaign.currency,
    )
    return CampaignReport(
        campaign,
        campaign.currency,
        kpis(totals),
        channels,
        pacing,
        organic_results(session, ws, campaign.utm_key),
        daily,
        sorted(set(converted.missing_rates) | set(missing) | credited),
        outcome,
    )


@dataclass(frozen=True)
class CampaignSummary:
    campaign: Campaign
    kpis: KpiValues  # in the reporting currency
    pacing: PacingReport
    outcome: Outcome  # where its conversions and revenue come from


@dataclass(frozen=True)
class Overview:
    campaigns: list[CampaignSummary]
    channels: list[ChannelRow]
    totals: KpiValues
    missing_rates: list[str]
    outcome: Outcome  # of the channel rows and totals
    since: date  # the days the channel rows' attribution covers
    until: date


def _covered(
    lines: Sequence[SpendLine], campaigns: Sequence[Campaign], today: date
) -> tuple[date, date]:
    """The days spend lines and campaigns cover, up to today (today alone when none)."""
    days = [line.day for line in lines] + [c.start for c in campaigns]
    ends = [line.day for line in lines] + [c.end for c in campaigns]
    if not days:
        return today, today
    return min(min(days), today), min(max(ends), today)


def overview(
    session: Session,
    workspace_id: str,
    settings: PlanSettings,
    *,
    today: date,
    measure: Measure | None = None,
    results: str = DEFAULT_RESULTS,
) -> Overview:
    """Every campaign's KPIs and pacing (its conversions dated in its own days when
    attributed), KPIs per channel and in total (reporting currency)."""
    rates = rates_of(settings)
    lines = store.all_lines(session, workspace_id)
    per_campaign: dict[str | None, list[SpendLine]] = defaultdict(list)
    for line in lines:
        per_campaign[line.campaign_id].append(line)
    summaries = []
    missing: set[str] = set()
    campaigns = store.campaigns_in(session, workspace_id)
    for campaign in campaigns:
        own = per_campaign.get(campaign.id, [])
        report = convert_lines(own, rates)
        outcome = results_for(
            measure, results, rates, since=campaign.start, until=campaign.end
        )
        totals = report.totals
        if outcome.attributed is not None:
            credit = outcome.attributed.campaign(campaign.utm_key)
            totals = with_credit(totals, credit, rates, None, missing)
        report_pacing = pace(
            budget=campaign.budget,
            start=campaign.start,
            end=campaign.end,
            today=today,
            daily=daily_spend(own, rates, campaign.currency),
            threshold=settings.pacing_threshold,
            currency=campaign.currency,
        )
        summaries.append(
            CampaignSummary(campaign, kpis(totals), report_pacing, outcome)
        )
    since, until = _covered(lines, campaigns, today)
    outcome = results_for(measure, results, rates, since=since, until=until)
    everything = convert_lines(lines, rates)
    totals = everything.totals
    if outcome.attributed is not None:
        per_channel = outcome.attributed.channels
        channels, lost = attributed_channels(lines, per_channel, rates)
        totals = with_credit(
            totals, total_credit(per_channel.values()), rates, None, missing
        )
        missing.update(outcome.attributed.missing_rates)
    else:
        channels, lost = by_channel(lines, rates)
    return Overview(
        summaries,
        channels,
        kpis(totals),
        sorted(missing | set(lost) | set(everything.missing_rates)),
        outcome,
        since,
        until,
    )


# ---- goal progress ----------------------------------------------------------------------

SOCIAL_METRICS = frozenset({GoalMetric.ENGAGEMENTS, GoalMetric.ENGAGEMENT_RATE})


def _social_days(
    session: Session, workspace_id: str, goal: Goal, zone: str
) -> dict[date, tuple[int, int, int]]:
    """Per local publishing day: (impressions, engagements, clicks) of the posts."""
    m = PostMetricRow
    since = datetime.combine(goal.start, time.min, ZoneInfo(zone))
    until = datetime.combine(
        goal.deadline + timedelta(days=1), time.min, ZoneInfo(zone)
    )
    query = (
        select(
            PublishedPostRow.published_at,
            func.coalesce(m.impressions, 0),
            func.coalesce(m.likes + m.comments + m.shares + m.saves, 0),
            func.coalesce(m.clicks, 0),
        )
        .join(SocialAccountRow, SocialAccountRow.id == PublishedPostRow.account_id)
        .outerjoin(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .where(
            PublishedPostRow.workspace_id == workspace_id,
            PublishedPostRow.published_at >= since,
            PublishedPostRow.published_at < until,
        )
    )
    if goal.platform:
        query = query.where(
            func.coalesce(SocialAccountRow.imitates, SocialAccountRow.platform)
            == goal.platform
        )
    out: dict[date, tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    for at, imp, eng, clicks in session.execute(query).all():
        day = at.astimezone(ZoneInfo(zone)).date()
        a, b, c = out[day]
        out[day] = (a + int(imp), b + int(eng), c + int(clicks))
    return out


def _social_pick(metric: GoalMetric, v: tuple[int, int, int]) -> tuple[float, float]:
    impressions, engagements, clicks = v
    if metric is GoalMetric.ENGAGEMENT_RATE:
        return float(engagements), float(impressions)
    if metric is GoalMetric.CTR:
        return float(clicks), float(impressions)
    if metric is GoalMetric.IMPRESSIONS:
        return float(impressions), 0.0
    if metric is GoalMetric.CLICKS:
        return float(clicks), 0.0
    return float(engagements), 0.0


def goal_series(
    session: Session, goal: Goal, settings: PlanSettings, *, zone: str
) -> list[DayValue]:
    """The goal's metric per day: from posts for social goals (or any goal on one platform),
    else from the spend lines of the goal's campaigns (all campaigns when it has none)."""
    ws = goal.workspace_id
    metric = goal.metric
    if metric in SOCIAL_METRICS or (
        goal.platform
        and metric in (GoalMetric.IMPRESSIONS, GoalMetric.CLICKS, GoalMetric.CTR)
    ):
        days = _social_days(session, ws, goal, zone)
        return [DayValue(d, *_social_pick(metric, v)) for d, v in sorted(days.items())]
    campaigns = [c.id for c in store.campaigns_in(session, ws, goal_id=goal.id)]
    lines = store.all_lines(
        session,
        ws,
        campaign_ids=campaigns or None,
        since=goal.start,
        until=goal.deadline,
    )
    rates = rates_of(settings)
    per_day: dict[date, list[SpendLine]] = defaultdict(list)
    for line in lines:
        per_day[line.day].append(line)
    out = []
    for day, group in sorted(per_day.items()):
        t = convert_lines(group, rates).totals
        num, den = {
            GoalMetric.CONVERSIONS: (t.conversions, 0.0),
            GoalMetric.REVENUE: (t.revenue, 0.0),
            GoalMetric.CLICKS: (float(t.clicks), 0.0),
            GoalMetric.IMPRESSIONS: (float(t.impressions), 0.0),
            GoalMetric.CTR: (float(t.clicks), float(t.impressions)),
            GoalMetric.CONVERSION_RATE: (t.conversions, float(t.clicks)),
            GoalMetric.ROAS: (t.revenue, t.cost),
            GoalMetric.CPA: (t.cost, t.conversions),
        }[metric]
        out.append(DayValue(day, num, den))
    return out
