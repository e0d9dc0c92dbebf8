"""Interactive charts: plotly figures described in Python, drawn in the browser.

Pages pass a `Plot` to the `plot()` macro in _macros.html. The figure travels as JSON in a
`<script type="application/json">` beside an empty div; static/plots.js loads plotly.min.js
(served from the installed `plotly` package at /static/vendor/plotly/, never a CDN) only on
pages that have a plot, and draws every one. The same `Plot.figure` is part of each page's
JSON twin, so the API shows exactly the numbers the chart shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly

PLOTLY_JS_DIR = Path(plotly.__file__).parent / "package_data"

# The palette of static/tandem.css, so charts match the rest of the page.
COLOURS = ("#2f5d8a", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490", "#a16207")


@dataclass(frozen=True)
class Plot:
    """One chart: an element id, a title for screen readers, and a plotly figure dict."""

    id: str
    title: str
    figure: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "figure": self.figure}


@dataclass(frozen=True)
class Trace:
    """One named series: x values, y values, and an optional plotly trace type."""

    name: str
    x: Sequence[Any]
    y: Sequence[float | int | None]
    kind: str = "scatter"  # scatter (lines), bar
    extra: dict[str, Any] = field(default_factory=dict)


def _layout(title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "font": {"size": 14}},
        "margin": {"l": 48, "r": 16, "t": 36, "b": 40},
        "height": 320,
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "colorway": list(COLOURS),
        "hovermode": "x unified",
    }
    layout.update(extra)
    return layout


def figure(
    plot_id: str,
    title: str,
    traces: Sequence[Trace],
    *,
    y_title: str = "",
    **layout: Any,
) -> Plot:
    """A line or bar chart of named series."""
    data = []
    for trace in traces:
        item: dict[str, Any] = {
            "type": trace.kind,
            "name": trace.name,
            "x": list(trace.x),
            "y": list(trace.y),
        }
        if trace.kind == "scatter":
            item["mode"] = "lines+markers"
        item.update(trace.extra)
        data.append(item)
    return Plot(
        plot_id, title, {"data": data, "layout": _layout(title, y_title, **layout)}
    )


def heatmap(
    plot_id: str,
    title: str,
    *,
    x: Sequence[Any],
    y: Sequence[Any],
    z: Sequence[Sequence[float | None]],
    text: Sequence[Sequence[str]] | None = None,
    z_title: str = "",
) -> Plot:
    """A heatmap (e.g. weekday x hour); `text` is shown on hover for each cell."""
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": list(x),
        "y": list(y),
        "z": [list(row) for row in z],
        "colorscale": "Blues",
        "colorbar": {"title": {"text": z_title}},
    }
    if text is not None:
        trace["text"] = [list(row) for row in text]
        trace["hovertemplate"] = "%{y} %{x}<br>%{text}<extra></extra>"
    layout = _layout(title, "", hovermode="closest")
    layout["yaxis"] = {"autorange": "reversed"}
    return Plot(plot_id, title, {"data": [trace], "layout": layout})
