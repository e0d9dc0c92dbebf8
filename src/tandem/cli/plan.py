"""`tandem plan campaigns -w demo-brand --results linear`: every campaign's KPIs, with the
conversions and revenue from the ad platforms or a Measure attribution model."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from tandem import plan
from tandem.accounts import store
from tandem.cli.base import (
    app,
    clock,
    console,
    fail,
    open_database,
    settings,
    unit_of_work,
)
from tandem.core import InvalidInput
from tandem.core.periods import local_today
from tandem.measure import DuckDBRunner
from tandem.storage.warehouse_open import open_for_reading

plan_app = typer.Typer(no_args_is_help=True, help="Plan: campaign KPIs.")
app.add_typer(plan_app, name="plan")


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


@plan_app.command("campaigns")
def campaigns_command(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    results: str = typer.Option(
        plan.DEFAULT_RESULTS,
        "--results",
        help="Where conversions and revenue come from: "
        + ", ".join(k for k, _ in plan.RESULTS)
        + " (platform: the ad exports' own).",
    ),
) -> None:
    """Each campaign's spend, conversions, revenue, ROAS and CPA (reporting currency)."""
    try:
        chosen = plan.parse_results(results)
    except InvalidInput as exc:
        fail(f"--{exc.message}")
    s = settings()
    with unit_of_work(open_database(s)) as session:
        ws = store.workspace_by_slug(session, workspace)
        if ws is None:
            fail(f"No workspace with the slug {workspace!r}.")
        config = plan.store.settings_of(session, ws.id)
        today = local_today(clock.now(), ws.timezone)
        lookback = s.journey_lookback_days
        if chosen == plan.PLATFORM:
            found = plan.overview(session, ws.id, config, today=today, results=chosen)
        else:
            with open_for_reading(s.warehouse_path) as warehouse:
                measure = plan.Measure(
                    DuckDBRunner(warehouse), ws.id, ws.timezone, lookback
                )
                found = plan.overview(
                    session, ws.id, config, today=today, measure=measure, results=chosen
                )
    table = Table(
        "campaign", "dates", f"spend ({config.currency})", "conversions",
        f"revenue ({config.currency})", "ROAS", "CPA", "conversions from",
        title="Campaigns",
    )  # fmt: skip
    notes = []
    for summary in found.campaigns:
        c, k = summary.campaign, summary.kpis
        table.add_row(
            escape(c.name), f"{c.start} to {c.end}", _num(k.cost), _num(k.conversions, 1),
            _num(k.revenue), _num(k.roas), _num(k.cpa), summary.outcome.label,
        )  # fmt: skip
        if summary.outcome.note:
            notes.append(f"{c.name}: {summary.outcome.note}")
    console.print(table)
    for note in notes:
        console.print(escape(note), highlight=False)
