"""Report sections drawn on pages: each `Chart` becomes a plotly `Plot`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy.orm import Session

from tandem.accounts import Workspace
from tandem.core.periods import Period, local_today, parse_comparison, parse_period
from tandem.report import Chart, Section, dashboard
from tandem.web.plots import Plot, Trace, figure, heatmap
from tandem.web.state import AppState

# The `results` query parameter of the dashboard page and the section API.
ResultsParam = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Conversions and revenue of the marketing sections: platform or a "
        "Measure model (last_non_direct, last_touch, first_touch, linear, time_decay, "
        "position_based, markov); default last_non_direct.",
    ),
]


def plot_of(section: Section, chart: Chart) -> Plot:
    plot_id = f"plot-{section.key}-{chart.key}".replace("_", "-")
    if chart.kind == "heatmap":
        return heatmap(
            plot_id,
            chart.title,
            x=chart.series[0].x if chart.series else (),
            y=[s.name for s in chart.series],
            z=[s.y for s in chart.series],
            text=[list(row) for row in chart.notes] or None,
            z_title=chart.y_title,
        )
    kind = "bar" if chart.kind == "bar" else "scatter"
    traces = [Trace(s.name, s.x, s.y, kind) for s in chart.series]
    return figure(plot_id, chart.title, traces, y_title=chart.y_title)


def drawn(sections: list[Section]) -> list[dict[str, Any]]:
    """Sections with their plots, as templates and the JSON twin read them."""
    return [
        {"section": s, "plots": [plot_of(s, c).as_json() for c in s.charts]}
        for s in sections
    ]


@dataclass(frozen=True)
class Built:
    period: Period
    compare: str  # previous, year or none
    filters: dict[str, str]
    sections: list[Section]


def build_for(
    session: Session,
    state: AppState,
    ws: Workspace,
    keys: tuple[str, ...],
    *,
    since: str | None,
    until: str | None,
    compare: str | None,
    filters: dict[str, str | None],
) -> Built:
    """The dashboard sections `keys` for a request's period, comparison and filters (each
    checked against the workspace): what the dashboard page and the section API share."""
    today = local_today(state.clock.now(), ws.timezone)
    period = parse_period(since, until, zone=ws.timezone, today=today)
    how = parse_comparison(compare)
    checked = dashboard.check_filters(
        session, ws.id, {k: v or "" for k, v in filters.items()}
    )
    sections = dashboard.build_sections(
        session,
        ws.id,
        keys,
        period=period,
        previous=period.compared(how),
        today=today,
        filters=checked,
        now=state.clock.now(),
        refit_in_background=True,
        warehouse_path=str(state.settings.warehouse_path),
        lookback_days=state.settings.journey_lookback_days,
    )
    return Built(period, how, checked, sections)
