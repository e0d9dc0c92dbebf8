"""The budget guidance section: fitted response curves per channel and the reallocation
they recommend (tandem.plan.budget), over the dashboard's period."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from tandem import plan
from tandem.core.periods import Period
from tandem.plan.attribution import PLATFORM, Outcome, daily_channel_revenue
from tandem.plan.budget import MIN_DAYS, Guidance, guidance
from tandem.plan.model import Channel
from tandem.plan.refit import queue_refit
from tandem.plan.results import rates_of
from tandem.report import fits
from tandem.report import format as fmt
from tandem.report.attributed import chosen, measure_of, outcome_of, source_line
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
    """Curves of daily revenue on daily spend per channel. The revenue is the platforms'
    unless the `results` filter names a Measure model: response curves need months of
    daily history, which the ad exports have and a newly tracked site may not."""

    key = "budget_guidance"
    title = "Budget guidance"
    audience: Audience = "marketing"

    def _attributed(
        self, ctx: Context
    ) -> tuple[Outcome, dict[Channel, dict[date, float]] | None]:
        """Revenue per channel and day credited by the chosen Measure model, or None
        (the platforms' revenue) when the platform figures are asked or Measure has none."""
        campaign = ctx.filters.get("campaign") or None
        with measure_of(ctx, PLATFORM) as measure:
            outcome = outcome_of(ctx, measure, ctx.period, PLATFORM)
            if outcome.attributed is None or measure is None:
                return outcome, None
            key = (
                plan.store.campaign_in(ctx.session, ctx.workspace_id, campaign).utm_key
                if campaign
                else None
            )
            settings = plan.store.settings_of(ctx.session, ctx.workspace_id)
            return outcome, daily_channel_revenue(
                measure.journeys(ctx.period.start, ctx.period.end),
                outcome.attributed.model,
                rates_of(settings),
                zone=ctx.period.zone,
                campaign=key,
                params=measure.model_params(),
            )

    def build(self, ctx: Context) -> Section:
        settings = plan.store.settings_of(ctx.session, ctx.workspace_id)
        rates, currency = rates_of(settings), settings.currency
        days = [ctx.period.start + timedelta(days=i) for i in range(ctx.period.days)]
        index = {d: i for i, d in enumerate(days)}
        spend: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(days))
        results: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(days))
        outcome, credited = self._attributed(ctx)
        for line in spend_lines(ctx, ctx.period):
            cost = rates.convert(line.amount_micros, line.currency)
            value = rates.convert(line.revenue_micros, line.currency)
            if cost is None or value is None or line.day not in index:
                continue
            spend[line.channel.label][index[line.day]] += cost
            if credited is None:
                results[line.channel.label][index[line.day]] += value
        for channel, series in (credited or {}).items():
            for day, value in series.items():
                if day in index:
                    results[channel.label][index[day]] += value
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
                f"{MIN_DAYS} days of spend that changed over time."
                + note
                + source_line(outcome),
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
        summary += note + source_line(outcome)
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
    results = chosen(ctx, PLATFORM)
    scope = fits.scope_of(ctx.period.days, campaign, results)
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
                results=results,
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
    results: str | None = None,
    warehouse_path: str | None = None,
    lookback_days: int = 30,
) -> int:
    """Refit and store the curves: for one period, or (no period) for every stored scope
    (its campaign and results source) over the same number of days up to `today`, or the
    dashboard's default 30 days when none is stored. Returns how many scopes were fitted."""
    if since is not None and until is not None:
        periods = [(Period(since, until, zone), campaign, results or "")]
    else:
        stored = [
            fits.parse_scope(s) for s, _, _ in fits.scopes_of(session, workspace_id)
        ]
        periods = [
            (
                Period(today - timedelta(days=days - 1), today, zone),
                scoped_campaign,
                scoped_results,
            )
            for days, scoped_campaign, scoped_results in sorted(
                set(stored) or {(30, None, "")}, key=str
            )
        ]
    source = BudgetGuidance()
    for period, scoped_campaign, scoped_results in periods:
        filters = {"campaign": scoped_campaign} if scoped_campaign else {}
        if scoped_results:
            filters["results"] = scoped_results
        ctx = Context(
            session, workspace_id, period, None, today, filters,
            warehouse_path=warehouse_path, lookback_days=lookback_days, now=now,
        )  # fmt: skip
        source.build(ctx)
    return len(periods)
