"""The budget guidance section: fitted response curves per channel and the reallocation
they recommend (tandem.plan.budget), over the dashboard's period."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from tandem import plan
from tandem.core.periods import Period
from tandem.plan.budget import MIN_DAYS, Guidance, guidance
from tandem.plan.refit import queue_refit
from tandem.plan.results import rates_of
from tandem.report import fits
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
        advice, note = _fitted(ctx, {c: (spend[c], results[c]) for c in spend})
        if advice is None:
            return Section(
                self.key,
                self.title,
                "Not enough varied spend yet: guidance needs at least two channels with "
                f"{MIN_DAYS} days of spend that changed over time." + note,
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
        summary += note
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


def _ago(then: datetime, now: datetime) -> str:
    minutes = max(int((now - then).total_seconds() // 60), 0)
    if minutes < 1:
        return "less than a minute ago"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    return f"{hours} hours ago" if hours < 48 else f"{hours // 24} days ago"


def _fitted(ctx: Context, history: fits.History) -> tuple[Guidance | None, str]:
    """The guidance for `history` and a note on its age. A stored fit of the same data is
    reused; a stale one is shown at once when the caller refits in the background (a
    dashboard), otherwise (a report) the curves are refitted now."""
    campaign = ctx.filters.get("campaign") or None
    scope = fits.scope_of(ctx.period.days, campaign)
    current = fits.fingerprint(history)
    stored = fits.stored_fit(ctx.session, ctx.workspace_id, scope, current)
    if stored is not None and ctx.now is not None:
        age = _ago(stored.fitted_at, ctx.now)
        if stored.fresh:
            return stored.guidance, f" Curves fitted {age}."
        if ctx.refit_in_background:
            queue_refit(
                ctx.session,
                ctx.workspace_id,
                since=ctx.period.start,
                until=ctx.period.end,
                campaign=campaign,
                now=ctx.now,
            )
            return stored.guidance, (
                f" Curves fitted {age} on {stored.since} to {stored.until}; the spend "
                "changed since, refitting (reload in a minute)."
            )
    elif stored is not None and stored.fresh:
        return stored.guidance, ""
    advice = guidance(history)
    if ctx.now is not None:
        fits.save_fit(
            ctx.session,
            ctx.workspace_id,
            scope,
            since=ctx.period.start,
            until=ctx.period.end,
            fingerprint=current,
            guidance=advice,
            now=ctx.now,
        )
    return advice, " Curves fitted just now." if ctx.now is not None else ""


register(BudgetGuidance())


def refit(
    session: Session,
    workspace_id: str,
    *,
    zone: str,
    today: date,
    now: datetime,
    since: date | None = None,
    until: date | None = None,
    campaign: str | None = None,
) -> int:
    """Refit and store the curves: for one period, or (no period) for every stored scope
    over the same number of days up to `today`, or the dashboard's default 30 days when
    none is stored. Returns how many scopes were fitted."""
    if since is not None and until is not None:
        periods = [(Period(since, until, zone), campaign)]
    else:
        stored = fits.scopes_of(session, workspace_id)
        lengths = {(s.split(":")[0], s.split(":", 1)[1]) for s, _, _ in stored} or {
            ("30d", "all")
        }
        periods = [
            (
                Period(today - timedelta(days=int(d[:-1]) - 1), today, zone),
                None if c == "all" else c,
            )
            for d, c in sorted(lengths)
        ]
    source = BudgetGuidance()
    for period, chosen in periods:
        filters = {"campaign": chosen} if chosen else {}
        ctx = Context(session, workspace_id, period, None, today, filters, now=now)
        source.build(ctx)
    return len(periods)
