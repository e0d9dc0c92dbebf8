"""Server-rendered SVG charts: no chart library, readable without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    css_class: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    paths: list[tuple[Series, str]]
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    title: str
    pad_left: int = 56
    pad_bottom: int = 24


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(value)


def _tick_label(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 720,
    height: int = 220,
) -> LineChart:
    """Lines over shared x positions; `labels` name the x positions (days)."""
    pad_left, pad_top, pad_bottom = 56, 10, 24
    plot_w, plot_h = width - pad_left - 10, height - pad_top - pad_bottom
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return pad_left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return pad_top + plot_h - plot_h * v / top

    paths = []
    for s in series:
        points = " ".join(
            f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}"
            for i, v in enumerate(s.values)
        )
        paths.append((s, points))
    y_ticks = [(y(top * k / 4), _tick_label(top * k / 4)) for k in range(5)]
    every = max(1, n // 6)
    x_labels = [(x(i), labels[i]) for i in range(0, len(labels), every)]
    return LineChart(
        width, height, paths, y_ticks, x_labels, title, pad_left, pad_bottom
    )
