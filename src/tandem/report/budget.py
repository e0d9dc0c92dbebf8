"""The budget guidance section: fitted response curves per channel and the reallocation
they recommend (tandem.plan.budget), over the dashboard's period."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from tandem import plan
from tandem.plan.budget import MIN_DAYS, guidance
from tandem.plan.results import rates_of
from tandem.report import format as fmt
from tandem.report.marketing import spend_lines
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


class BudgetGuidance:
    key = "budget_guidance"
    title = "Budget guidance"
    audience: Audience = "marketing"

    def build(self, ctx: Context) -> Section:
        settings = plan.store.settings_of(ctx.session, ctx.workspace_id)
        rates, currency = rates_of(settings), settings.currency
        days = [ctx.period.start + timedelta(days=i) for i in range(ctx.period.days)]
        index = {d: i for i, d in enumerate(days)}
        spend: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(days))
        results: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(days))
        for line in spend_lines(ctx, ctx.period):
            cost = rates.convert(line.amount_micros, line.currency)
            value = rates.convert(line.revenue_micros, line.currency)
            if cost is None or value is None or line.day not in index:
                continue
            spend[line.channel.label][index[line.day]] += cost
            results[line.channel.label][index[line.day]] += value
        if len(days) < MIN_DAYS:
            return Section(
                self.key,
                self.title,
                f"Choose a period of at least {MIN_DAYS} days: the curves need that much history.",
            )
        advice = guidance({c: (spend[c], results[c]) for c in spend})
        if advice is None:
            return Section(
                self.key,
                self.title,
                "Not enough varied spend yet: guidance needs at least two channels with "
                f"{MIN_DAYS} days of spend that changed over time.",
            )
        rows = tuple(
            (
                a.channel,
                round(a.current, 2),
                round(a.recommended, 2),
                fmt.change(a.recommended, a.current) or "0.0%",
                fmt.pct(a.agreement, 0),
                round(a.curve.decay, 2),
                round(a.curve.k, 2),
            )
            for a in advice.channels
        )
        names = tuple(a.channel for a in advice.channels)
        chart = Chart(
            "reallocation",
            f"Daily spend now and recommended ({currency})",
            "bar",
            (
                Series(
                    "Now", names, tuple(round(a.current, 2) for a in advice.channels)
                ),
                Series(
                    "Recommended",
                    names,
                    tuple(round(a.recommended, 2) for a in advice.channels),
                ),
            ),
            currency,
        )
        up = max(advice.channels, key=lambda a: a.recommended - a.current)
        down = min(advice.channels, key=lambda a: a.recommended - a.current)
        summary = (
            f"Moving spend from {down.channel} to {up.channel} (same total) is expected to add "
            f"{fmt.money(advice.uplift, currency)} of results a day "
            f"(90% interval {fmt.money(advice.uplift_low, currency)} to "
            f"{fmt.money(advice.uplift_high, currency)}, {len(days)} days of history)."
        )
        if advice.skipped:
            summary += f" Not enough varied spend to fit: {', '.join(advice.skipped)}."
        figure = Figure(
            "uplift",
            "Expected extra results a day",
            advice.uplift,
            fmt.money(advice.uplift, currency),
            "Modelled at steady state with the same total daily spend; each channel moves at "
            "most 50% from today; the interval is the 5th-95th percentile over bootstrap refits.",
        )
        table = Table(
            "channels",
            "Per channel (agreement: share of bootstrap refits moving it the same way)",
            (
                "Channel",
                f"Daily spend now ({currency})",
                f"Recommended ({currency})",
                "Change",
                "Agreement",
                "Carry-over (decay)",
                f"Half-saturation spend ({currency})",
            ),
            rows,
        )
        return Section(self.key, self.title, summary, (figure,), (chart,), (table,))


register(BudgetGuidance())
