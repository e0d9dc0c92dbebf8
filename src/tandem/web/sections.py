"""Report sections drawn on pages: each `Chart` becomes a plotly `Plot`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from tandem.report import Chart, Section
from tandem.web.plots import Plot, Trace, figure, heatmap

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
