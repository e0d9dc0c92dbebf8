"""Marketing sections for the Digital Marketer: goals, campaign ROI and channel mix.

Money is in the workspace's reporting currency (Plan settings); spend whose currency has no
rate is left out and named in the summary, as on the Plan pages. ROAS, CPA and ROI are the
plan KPIs (tandem.plan.kpis): None, shown "-", when the denominator is zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from tandem import plan
from tandem.core.periods import Period
from tandem.plan.model import SpendLine
from tandem.plan.results import convert_lines, rates_of
from tandem.report import format as fmt
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


def _kpis(ctx: Context, lines: Sequence[SpendLine]) -> tuple[plan.KpiValues, list[str]]:
    settings = plan.store.settings_of(ctx.session, ctx.workspace_id)
    converted = convert_lines(lines, rates_of(settings))
    return plan.kpis(converted.totals), converted.missing_rates


def _missing(missing: Sequence[str]) -> str:
    if not missing:
        return ""
    return f" Spend in {', '.join(missing)} is left out: add its rate in Plan settings."


class CampaignRoi:
    key = "campaign_roi"
    title = "Campaign ROI"
    audience: Audience = "marketing"

    def build(self, ctx: Context) -> Section:
        currency = plan.store.settings_of(ctx.session, ctx.workspace_id).currency
        lines = spend_lines(ctx, ctx.period)
        now, missing = _kpis(ctx, lines)
        before = _kpis(ctx, spend_lines(ctx, ctx.previous))[0] if ctx.previous else None
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
        names = {
            c.id: c.name for c in plan.store.campaigns_in(ctx.session, ctx.workspace_id)
        }
        groups: dict[str | None, list[SpendLine]] = defaultdict(list)
        for line in lines:
            groups[line.campaign_id].append(line)
        order = sorted(groups, key=lambda k: (k is None, names.get(k or "", "")))
        rows, links, roas_bars = [], [], []
        for cid in order:
            k = _kpis(ctx, groups[cid])[0]
            name = names.get(cid, "(no campaign)") if cid else "(no campaign)"
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
                "Conversions",
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
        return Section(
            self.key,
            self.title,
            summary + "." + _missing(missing),
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
        currency = plan.store.settings_of(ctx.session, ctx.workspace_id).currency
        lines = spend_lines(ctx, ctx.period)
        total, missing = _kpis(ctx, lines)
        groups: dict[plan.Channel, list[SpendLine]] = defaultdict(list)
        for line in lines:
            groups[line.channel].append(line)
        rows, labels, shares = [], [], []
        for channel in plan.Channel:
            if channel not in groups:
                continue
            k = _kpis(ctx, groups[channel])[0]
            share = k.cost / total.cost if total.cost else None
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
                "Conversions",
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
            f"{top[0]} took {top[2]} of {fmt.money(total.cost, currency)}."
            if top
            else "No spend in the period."
        )
        return Section(
            self.key,
            self.title,
            summary + _missing(missing),
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
