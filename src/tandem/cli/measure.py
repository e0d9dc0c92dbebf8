"""`tandem measure ...`: attribution, saved funnels, experiments and the conversions import
from the command line, with the same page data as the web (docs/measure.md)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission
from tandem.cli.base import (
    ACTOR,
    WORKSPACE,
    app,
    clock,
    console,
    fail,
    id_column,
    member_who_may,
    open_database,
    settings,
    unit_of_work,
    workspace_named,
)
from tandem.measure import SqlRunner, import_conversions
from tandem.measure.comparison import MODEL_KEYS, ModelParams
from tandem.measure.experiments import experiment_in, experiments_of
from tandem.measure.saved_funnels import funnel_in, funnels_of, step_json
from tandem.web.experiment_data import experiment_data
from tandem.web.funnel_data import funnel_csv, saved_funnel_data
from tandem.web.measure_data import (
    Range,
    attribution_data,
    attribution_rows,
    parse_range,
    warehouse_reader,
)

measure_app = typer.Typer(
    no_args_is_help=True,
    help="Measure: attribution, saved funnels, experiments, conversions import.",
)
funnels_app = typer.Typer(no_args_is_help=True, help="Saved funnels.")
experiments_app = typer.Typer(no_args_is_help=True, help="Experiments and verdicts.")
measure_app.add_typer(funnels_app, name="funnels")
measure_app.add_typer(experiments_app, name="experiments")
app.add_typer(measure_app, name="measure")

SINCE = typer.Option(None, help="First day, 2026-01-31 (default: 30 days ago).")
UNTIL = typer.Option(None, help="Last day (default: today).")
COMPARE = typer.Option(
    "previous", help="previous, year, custom (with --compare-since/--until) or none."
)
CSV = typer.Option(False, "--csv", help="Print CSV to stdout instead of a table.")


@contextmanager
def _acting(
    workspace: str, email: str, permission: Permission, doing: str
) -> Iterator[tuple[Session, Member]]:
    with unit_of_work(open_database(settings())) as session:
        ws = workspace_named(session, workspace)
        yield session, member_who_may(session, ws, email, permission, doing)


def _span(member: Member, since: str | None, until: str | None, compare: str,
          compare_since: str | None = None, compare_until: str | None = None) -> Range:  # fmt: skip
    return parse_range(since, until, compare, zone=member.workspace.timezone,
                       now=clock.now(), compare_since=compare_since,
                       compare_until=compare_until)  # fmt: skip


@contextmanager
def _reader() -> Iterator[SqlRunner]:
    with warehouse_reader(settings().warehouse_path) as runner:
        yield runner


def _print_csv(header: list[str], rows: list[list[Any]]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(header)
    writer.writerows(rows)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


@measure_app.command("attribution")
def attribution(
    workspace: str = WORKSPACE,
    who: str = ACTOR,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    compare: str = COMPARE,
    compare_since: str | None = typer.Option(
        None, help="Custom comparison, first day."
    ),
    compare_until: str | None = typer.Option(None, help="Custom comparison, last day."),
    model: list[str] = typer.Option(
        [], "--model", help=f"Only these models (repeat): {', '.join(MODEL_KEYS)}."
    ),
    order: int = typer.Option(1, help="Markov (and Shapley) order, 1 to 4."),
    half_life: float = typer.Option(7.0, help="Time-decay half-life in days."),
    first_share: float = typer.Option(0.4, help="Position-based first-touch share."),
    last_share: float = typer.Option(0.4, help="Position-based last-touch share."),
    lookback: int = typer.Option(30, help="Lookback window in days."),
    as_csv: bool = CSV,
) -> None:
    """Conversions credited per channel by each model, side by side, for a date range."""
    params = ModelParams(order, half_life, first_share, last_share, lookback)
    with _acting(workspace, who, Permission.ANALYTICS_VIEW, "view analytics") as (
        _,
        member,
    ):
        span = _span(member, since, until, compare, compare_since, compare_until)
        with _reader() as runner:
            data = attribution_data(runner, member.workspace.id, span, params,
                                    model or MODEL_KEYS)  # fmt: skip
    header, rows = attribution_rows(data)
    if as_csv:
        _print_csv(header, rows)
        return
    keys = [m["key"] for m in data["models"]]  # type: ignore[attr-defined]
    table = Table("channel", *(f"{k}" for k in keys), "last_touch, comparison",
                  title="Conversions credited per channel")  # fmt: skip
    for c in data["channels"]:  # type: ignore[attr-defined]
        prior = c["conversions_comparison"].get("last_touch")
        table.add_row(escape(c["channel"]), *(_fmt(c["conversions"].get(k)) for k in keys),
                      _fmt(prior))  # fmt: skip
    totals = data["totals"]
    console.print(table)
    console.print(
        f"{totals['conversions']} conversions worth {totals['value']:.2f} from "  # type: ignore[index]
        f"{totals['journeys']} journeys; {_params_line(params)}."  # type: ignore[index]
    )


def _params_line(p: ModelParams) -> str:
    return (
        f"Markov order {p.order}, half-life {p.half_life:g} days, position-based "
        f"{p.first_share:g}/{p.last_share:g}, lookback {p.lookback} days"
    )


@funnels_app.command("list")
def funnels_list(workspace: str = WORKSPACE, who: str = ACTOR) -> None:
    """The workspace's saved funnels."""
    table = Table(id_column(), "name", "steps", "window")
    with _acting(workspace, who, Permission.ANALYTICS_VIEW, "view analytics") as (
        session,
        member,
    ):
        for f in funnels_of(session, member.workspace.id):
            steps = " > ".join(
                f"{j['match']}:{j['value']}" if j["value"] else j["match"]
                for j in map(step_json, f.steps)
            )
            table.add_row(f.id, escape(f.name), escape(steps), f"{f.window_days} days")
    console.print(table)


@funnels_app.command("show")
def funnels_show(
    funnel_id: str = typer.Argument(..., help="The funnel's id (tandem measure funnels list)."),
    workspace: str = WORKSPACE, who: str = ACTOR, since: str | None = SINCE,
    until: str | None = UNTIL, compare: str = COMPARE, as_csv: bool = CSV,
) -> None:  # fmt: skip
    """A saved funnel's results: people per step, conversion and drop-off, the change."""
    with _acting(workspace, who, Permission.ANALYTICS_VIEW, "view analytics") as (
        session,
        member,
    ):
        saved = funnel_in(session, member.workspace.id, funnel_id)
        span = _span(member, since, until, compare)
        with _reader() as runner:
            data = saved_funnel_data(runner, member.workspace.id, span, saved)
    if as_csv:
        _print_csv(*funnel_csv(data))
        return
    table = Table("step", "people", "of entered", "of previous", "dropped",
                  "people, comparison", "change", title=escape(saved.name))  # fmt: skip
    for s in data["steps"]:  # type: ignore[attr-defined]
        pct = s["people_change_pct"]
        change = "-" if s["people_comparison"] is None else (
            f"{s['people_change']:+d} ({'-' if pct is None else f'{pct:+.1%}'})"
        )  # fmt: skip
        table.add_row(escape(s["step"]), str(s["people"]), f"{s['of_first']:.1%}",
                      f"{s['of_previous']:.1%}", str(s["dropped"]),
                      _fmt(s["people_comparison"], 0), change)  # fmt: skip
    console.print(table)


@experiments_app.command("list")
def experiments_list(workspace: str = WORKSPACE, who: str = ACTOR) -> None:
    """The workspace's experiments."""
    table = Table(id_column(), "key", "name", "variants", "metric")
    with _acting(workspace, who, Permission.ANALYTICS_VIEW, "view analytics") as (
        session,
        member,
    ):
        for e in experiments_of(session, member.workspace.id):
            table.add_row(e.id, e.key, escape(e.name),
                          ", ".join(escape(v.name) for v in e.variants), e.metric)  # fmt: skip
    console.print(table)


@experiments_app.command("show")
def experiments_show(
    experiment_id: str = typer.Argument(..., help="The experiment's id."),
    workspace: str = WORKSPACE, who: str = ACTOR, since: str | None = SINCE,
    until: str | None = UNTIL,
) -> None:  # fmt: skip
    """An experiment's counts per variant and the verdict of each against the control."""
    with _acting(workspace, who, Permission.ANALYTICS_VIEW, "view analytics") as (
        session,
        member,
    ):
        experiment = experiment_in(session, member.workspace.id, experiment_id)
        span = _span(member, since, until, "none")
        with _reader() as runner:
            data = experiment_data(runner, member.workspace.id, span, experiment)
    result: dict[str, Any] = data["result"]  # type: ignore[assignment]
    table = Table("variant", "visitors", "conversions", "rate", "revenue",
                  title=escape(experiment.name))  # fmt: skip
    for v in result["variants"]:
        table.add_row(escape(v["name"]), str(v["visitors"]), str(v["conversions"]),
                      _fmt(v["rate"] * 100 if v["rate"] is not None else None, 2) + "%",
                      _fmt(v["revenue"]))  # fmt: skip
    console.print(table)
    for c in result["comparisons"]:
        lift = "-" if c["lift"] is None else f"{c['lift']:+.1%}"
        console.print(f"{escape(c['variant'])} vs control: {escape(c['headline'])} "
                      f"(lift {lift})", highlight=False)  # fmt: skip
        for caveat in c["caveats"]:
            console.print(f"  - {escape(caveat)}", highlight=False)


@measure_app.command("import-conversions")
def import_conversions_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="CSV of conversions (docs/collection.md)."),
    workspace: str = WORKSPACE, who: str = ACTOR,
    partial: bool = typer.Option(False, help="Store the good rows even if some are bad."),
) -> None:  # fmt: skip
    """Import conversions (e.g. orders) from a CSV: all rows or none, unless --partial."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{file} is not UTF-8 text; save the CSV as UTF-8.")
    with _acting(workspace, who, Permission.MEASURE_MANAGE, "import conversions") as (
        session,
        member,
    ):
        result = import_conversions(session, workspace_id=member.workspace.id,
                                    text=text, clock=clock, partial=partial)  # fmt: skip
    for error in result.errors:
        where = f"row {error.row}" + (f", column {error.field}" if error.field else "")
        console.print(f"[red]{where}:[/red] {escape(error.message)}", highlight=False)
    if not result.stored:
        fail(f"Nothing imported: {len(result.errors)} rows have errors (fix them, or "
             "use --partial to store the good rows).")  # fmt: skip
    console.print(
        f"Imported {result.imported} conversions; {result.duplicates} already known."
    )
