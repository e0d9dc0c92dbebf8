"""Where the marketing sections' conversions and revenue come from: the ad platforms' own
figures or a Measure attribution model over the warehouse's journeys (`results` filter;
default last non-direct click, the platforms' figures, said so, when Measure recorded no
conversions in the period)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tandem import plan
from tandem.core.periods import Period
from tandem.measure import DuckDBRunner
from tandem.plan.attribution import Measure, Outcome, results_for
from tandem.plan.results import rates_of
from tandem.report.section import Context
from tandem.storage.warehouse_open import open_for_reading


def chosen(ctx: Context, default: str = plan.DEFAULT_RESULTS) -> str:
    """The `results` filter, else `default` (budget guidance defaults to the platforms')."""
    return plan.parse_results(ctx.filters.get("results") or default)


@contextmanager
def measure_of(
    ctx: Context, default: str = plan.DEFAULT_RESULTS
) -> Iterator[Measure | None]:
    """Measure's journeys for the section's workspace; None for the platform figures or
    when the section was built without a warehouse."""
    if chosen(ctx, default) == plan.PLATFORM or not ctx.warehouse_path:
        yield None
        return
    zone = ctx.period.zone
    with open_for_reading(Path(ctx.warehouse_path)) as warehouse:
        yield Measure(
            DuckDBRunner(warehouse), ctx.workspace_id, zone, ctx.lookback_days
        )


def outcome_of(
    ctx: Context,
    measure: Measure | None,
    period: Period,
    default: str = plan.DEFAULT_RESULTS,
) -> Outcome:
    rates = rates_of(plan.store.settings_of(ctx.session, ctx.workspace_id))
    return results_for(
        measure, chosen(ctx, default), rates, since=period.start, until=period.end
    )


def source_line(outcome: Outcome) -> str:
    """The sentence a section ends with: where its conversions and revenue come from."""
    if outcome.attributed is None:
        text = " Conversions and revenue: reported by the ad platform."
        return f" {outcome.note}" if outcome.note else text
    a = outcome.attributed
    return (
        f" Conversions and revenue: {outcome.label}, {a.conversions} conversions "
        f"recorded from {a.since} to {a.until}."
    )
