"""Marketing sections for the Digital Marketer: goals, campaign ROI and channel mix.

Money is in the workspace's reporting currency (Plan settings); spend whose currency has no
rate is left out and named in the summary, as on the Plan pages. ROAS, CPA and ROI are the
plan KPIs (tandem.plan.kpis): None, shown "-", when the denominator is zero. Conversions and
revenue are the ad platforms' or a Measure model's (the `results` filter, report/attributed.py);
every summary ends saying which.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from tandem import plan
from tandem.core.periods import Period
from tandem.plan.attribution import (
    Attributed,
    Credit,
    Outcome,
    daily_campaign_revenue,
    total,
)
from tandem.plan.model import SpendLine
from tandem.plan.results import convert_lines, rates_of, with_credit
from tandem.report import format as fmt
from tandem.report.attributed import measure_of, outcome_of, source_line
from tandem.report.section import (
    Audience,
    Chart,
    Context,
    Figure,
    Section,
    Series,
    Table,
    register,
)


def spend_lines(ctx: Context, period: Period) -> list[SpendLine]:
    campaign = ctx.filters.get("campaign") or None
    return plan.store.all_lines(
        ctx.session,
        ctx.workspace_id,
        campaign_ids=[campaign] if campaign else None,
        since=period.start,
        until=period.end,
    )


def _kpis(
    ctx: Context, lines: Sequence[SpendLine], credit: Credit | None = None
) -> tuple[plan.KpiValues, list[str]]:
    """KPIs of the lines; with `credit`, conversions and revenue are Measure's."""
    settings = plan.store.settings_of(ctx.session, ctx.workspace_id)
    rates = rates_of(settings)
    converted = convert_lines(lines, rates)
    totals = converted.totals
    if credit is not None:
        totals = with_credit(totals, credit, rates)
    return plan.kpis(totals), converted.missing_rates


def _scope_credit(attributed: Attributed | None, keys: Sequence[str]) -> Credit | None:
    """What the campaigns keyed `keys` were credited; None for the platform figures."""
    if attributed is None:
        return None
    return total(attributed.campaign(k) for k in keys)


def _rest_credit(attributed: Attributed, keys: Sequence[str]) -> Credit:
    """Credited to anything but the Plan campaigns: other UTM campaigns, direct, organic."""
    known = set(keys)
    others = [c for k, c in attributed.campaigns.items() if k not in known]
    return total([*others, *attributed.unattributed.values()])


def _missing(missing: Sequence[str]) -> str:
    if not missing:
        return ""
    return f" Spend in {', '.join(missing)} is left out: add its rate in Plan settings."


class CampaignRoi:
    key = "campaign_roi"
    title = "Campaign ROI"
    audience: Audience = "marketing"

    def build(self, ctx: Context) -> Section:
        with measure_of(ctx) as measure:
            outcome = outcome_of(ctx, measure, ctx.period)
            prior = outcome_of(ctx, measure, ctx.previous) if ctx.previous else None
            daily: dict[str | None, dict[date, float]] = {}
            if outcome.attributed is not None and measure is not None:
                settings = plan.store.settings_of(ctx.session, ctx.workspace_id)
                daily = daily_campaign_revenue(
                    measure.journeys(ctx.period.start, ctx.period.end),
                    outcome.attributed.model,
                    rates_of(settings),
                    zone=ctx.period.zone,
                    params=measure.model_params(),
                )
        return self._section(ctx, outcome, prior, daily)

    def _section(
        self,
        ctx: Context,
        outcome: Outcome,
        prior: Outcome | None,
        daily: dict[str | None, dict[date, float]],
    ) -> Section:
        currency = plan.store.settings_of(ctx.session, ctx.workspace_id).currency
        campaigns = plan.store.campaigns_in(ctx.session, ctx.workspace_id)
        names = {c.id: c.name for c in campaigns}
        keys = {c.id: c.utm_key for c in campaigns}
        chosen = ctx.filters.get("campaign") or None
        scope = [keys[chosen]] if chosen in keys else list(keys.values())
        attributed = outcome.attributed
        lines = spend_lines(ctx, ctx.period)
        now, missing = _kpis(ctx, lines, _scope_credit(attributed, scope))
        before = (
            _kpis(
                ctx,
                spend_lines(ctx, ctx.previous),
                _scope_credit(prior.attributed if prior else None, scope),
            )[0]
            if ctx.previous
            else None
        )
        defs = plan.DEFINITIONS

        def figure(key: str, label: str, text: fmt.Formatter) -> Figure:
            value = getattr(now, key)
            prior = getattr(before, key) if before else None
            definition = defs[key].hover if key in defs else label
            return Figure(
                key,
                label,
                value,
                text(value),
                definition,
                prior,
                text(prior) if before else None,
            )

        def money(value: float | None) -> str:
            return fmt.money(value, currency)

        figures = (
            figure("cost", "Spend", money),
            figure("conversions", "Conversions", fmt.num),
            figure("revenue", "Revenue", money),
            figure("roas", "ROAS", fmt.ratio),
            figure("cpa", "CPA", money),
            figure("roi", "ROI", fmt.pct),
        )
        groups: dict[str | None, list[SpendLine]] = defaultdict(list)
        for line in lines:
            groups[line.campaign_id].append(line)
        if attributed is not None:  # campaigns credited without spend in the period
            for known, key in keys.items():
                credited = attributed.campaign(key).conversions
                if (chosen is None or known == chosen) and credited:
                    groups.setdefault(known, [])
            if chosen is None:
                groups.setdefault(None, [])
        order = sorted(groups, key=lambda k: (k is None, names.get(k or "", "")))
        rows, links, roas_bars = [], [], []
        for cid in order:
            credit = None
            if attributed is not None:
                credit = (
                    attributed.campaign(keys[cid])
                    if cid in keys
                    else _rest_credit(attributed, list(keys.values()))
                )
            k = _kpis(ctx, groups[cid], credit)[0]
            name = names.get(cid, "(no campaign)") if cid else "(no campaign)"
            if cid is None and attributed is not None:
                name = "(no Plan campaign: direct, organic, other UTM campaigns)"
            rows.append(
                (
                    name,
                    round(k.cost, 2),
                    k.conversions,
                    round(k.revenue, 2),
                    fmt.ratio(k.roas),
                    money(k.cpa),
                    fmt.pct(k.roi),
                )
            )
            links.append(f"/plan/spend?campaign={cid}" if cid else "/plan/spend")
            roas_bars.append((name, k.roas))
        table = Table(
            "campaigns",
            "By campaign (open a row for its spend and conversion lines)",
            (
                "Campaign",
                f"Spend ({currency})",
                f"Conversions ({outcome.label})",
                f"Revenue ({currency})",
                "ROAS",
                "CPA",
                "ROI",
            ),
            tuple(rows),
            tuple(links),
        )
        days = [ctx.period.start + timedelta(days=i) for i in range(ctx.period.days)]
        spend: dict[str, float] = defaultdict(float)
        revenue: dict[str, float] = defaultdict(float)
        for day, items in _by_day(lines).items():
            k = _kpis(ctx, items)[0]
            spend[day], revenue[day] = k.cost, k.revenue
        if attributed is not None:
            revenue = defaultdict(float)
            for key in scope:
                for day_of, value in daily.get(key, {}).items():
                    revenue[day_of.isoformat()] += value
        x = tuple(d.isoformat() for d in days)
        charts = (
            Chart(
                "roas_by_campaign",
                "ROAS by campaign",
                "bar",
                (
                    Series(
                        "ROAS",
                        tuple(n for n, _ in roas_bars),
                        tuple(v for _, v in roas_bars),
                    ),
                ),
                "Revenue ÷ spend",
            ),
            Chart(
                "spend_revenue_daily",
                f"Spend and revenue per day ({currency})",
                "line",
                (
                    Series("Spend", x, tuple(round(spend.get(d, 0.0), 2) for d in x)),
                    Series(
                        "Revenue", x, tuple(round(revenue.get(d, 0.0), 2) for d in x)
                    ),
                ),
                currency,
            ),
        )
        summary = f"{money(now.cost)} spent returned {money(now.revenue)}: ROAS {fmt.ratio(now.roas)}, CPA {money(now.cpa)}"
        if before is not None:
            summary += f" (ROAS {fmt.ratio(before.roas)} in the comparison period)"
        if attributed is not None and chosen is None:
            summary += (
                f". {now.conversions:,.1f} of the {attributed.conversions} conversions"
                " Measure recorded are credited to Plan campaigns"
            )
        lost = list(attributed.missing_rates) if attributed else []
        return Section(
            self.key,
            self.title,
            summary
            + "."
            + _missing(sorted(set(missing) | set(lost)))
            + source_line(outcome),
            figures,
            charts,
            (table,),
        )


def _by_day(lines: Sequence[SpendLine]) -> dict[str, list[SpendLine]]:
    out: dict[str, list[SpendLine]] = defaultdict(list)
    for line in lines:
        out[line.day.isoformat()].append(line)
    return out


class ChannelMix:
    key = "channel_mix"
    title = "Channel mix"
    audience: Audience = "marketing"

    def build(self, ctx: Context) -> Section:
        with measure_of(ctx) as measure:
            outcome = outcome_of(ctx, measure, ctx.period)
        attributed = outcome.attributed
        currency = plan.store.settings_of(ctx.session, ctx.workspace_id).currency
        lines = spend_lines(ctx, ctx.period)
        chosen = ctx.filters.get("campaign") or None
        credit: dict[plan.Channel, Credit] = {}
        if attributed is not None:
            if chosen:
                key = plan.store.campaign_in(
                    ctx.session, ctx.workspace_id, chosen
                ).utm_key
                credit = attributed.channels_of(key)
            else:
                credit = attributed.channels
        everything, missing = _kpis(ctx, lines)
        groups: dict[plan.Channel, list[SpendLine]] = defaultdict(list)
        for line in lines:
            groups[line.channel].append(line)
        rows, labels, shares = [], [], []
        for channel in plan.Channel:
            if channel not in groups and channel not in credit:
                continue
            k = _kpis(
                ctx,
                groups.get(channel, []),
                credit.get(channel, Credit()) if attributed else None,
            )[0]
            share = k.cost / everything.cost if everything.cost else None
            rows.append(
                (
                    channel.label,
                    round(k.cost, 2),
                    fmt.pct(share, 1),
                    k.conversions,
                    round(k.revenue, 2),
                    fmt.ratio(k.roas),
                    fmt.money(k.cpa, currency),
                )
            )
            labels.append(channel.label)
            shares.append(None if share is None else round(share * 100, 2))
        table = Table(
            "channels",
            "By channel",
            (
                "Channel",
                f"Spend ({currency})",
                "Share of spend",
                f"Conversions ({outcome.label})",
                f"Revenue ({currency})",
                "ROAS",
                "CPA",
            ),
            tuple(rows),
        )
        chart = Chart(
            "spend_share",
            "Share of spend by channel (%)",
            "bar",
            (Series("Share of spend (%)", tuple(labels), tuple(shares)),),
            "%",
        )
        top = max(rows, key=lambda r: r[1], default=None)
        summary = (
            f"{top[0]} took {top[2]} of {fmt.money(everything.cost, currency)}."
            if top and everything.cost
            else "No spend in the period."
        )
        lost = list(attributed.missing_rates) if attributed else []
        return Section(
            self.key,
            self.title,
            summary + _missing(sorted(set(missing) | set(lost))) + source_line(outcome),
            charts=(chart,),
            tables=(table,),
        )


class Goals:
    key = "goals"
    title = "Goals"
    audience: Audience = "marketing"

    def build(self, ctx: Context) -> Section:
        settings = plan.store.settings_of(ctx.session, ctx.workspace_id)
        views = plan.goal_views(
            ctx.session,
            ctx.workspace_id,
            settings,
            today=ctx.today,
            zone=ctx.period.zone,
        )
        rows = tuple(
            (
                v.goal.name,
                v.goal.metric.value,
                v.goal.target,
                v.forecast.progress,
                v.forecast.expected,
                fmt.pct(v.forecast.chance, 0),
                v.forecast.status.value,
            )
            for v in views
        )
        table = Table(
            "goals",
            "Goals and their forecasts",
            (
                "Goal",
                "Metric",
                "Target",
                "So far",
                "Expected at deadline",
                "Chance of meeting it",
                "Status",
            ),
            rows,
            tuple(f"/plan/goals/{v.goal.id}" for v in views),
        )
        on_track = sum(1 for v in views if v.forecast.status.value == "on_track")
        summary = (
            f"{on_track} of {len(views)} goal(s) on track."
            if views
            else "No goals yet."
        )
        return Section(self.key, self.title, summary, tables=(table,))


for _source in (Goals(), CampaignRoi(), ChannelMix()):
    register(_source)
