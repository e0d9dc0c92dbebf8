"""Charts as static SVG for PDFs (WeasyPrint runs no JavaScript, so plotly cannot draw there).

Small on purpose: line, grouped bar and heatmap, with axis labels and a legend, in the
workspace's colours. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tandem.report.section import Chart

W, H, LEFT, BOTTOM, TOP = 640, 240, 56, 48, 24
PALETTE = ("#2f5d8a", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490")


def _max(values: Sequence[float | None]) -> float:
    top = max((v for v in values if v is not None), default=0.0)
    return top if top > 0 else 1.0


def _label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"


def _axes(top: float) -> list[str]:
    out = []
    for i in range(5):
        value = top * i / 4
        y = H - BOTTOM - (H - BOTTOM - TOP) * i / 4
        out.append(
            f'<line x1="{LEFT}" x2="{W - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">{_label(value)}</text>'
        )
    return out


def _x_labels(labels: Sequence[str], x_of: list[float]) -> list[str]:
    step = max(1, len(labels) // 8)
    return [
        f'<text x="{x_of[i]:.1f}" y="{H - BOTTOM + 14}" font-size="9" text-anchor="middle">{escape(labels[i][:14])}</text>'
        for i in range(0, len(labels), step)
    ]


def _legend(names: Sequence[str], colours: Sequence[str]) -> list[str]:
    out, x = [], LEFT
    for name, colour in zip(names, colours, strict=False):
        out.append(
            f'<rect x="{x}" y="{H - 16}" width="10" height="10" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{x + 14}" y="{H - 7}" font-size="10">{escape(name)}</text>'
        )
        x += 24 + 6 * len(name)
    return out


def _line_or_bar(chart: Chart, colours: Sequence[str]) -> list[str]:
    labels = chart.series[0].x if chart.series else ()
    top = _max([v for s in chart.series for v in s.y])
    n = max(len(labels), 1)
    width = (W - LEFT - 8) / n
    x_of = [LEFT + width * (i + 0.5) for i in range(n)]
    parts = _axes(top) + _x_labels(labels, x_of)

    def y_of(v: float) -> float:
        return H - BOTTOM - (H - BOTTOM - TOP) * v / top

    for k, s in enumerate(chart.series):
        colour = colours[k % len(colours)]
        if chart.kind == "bar":
            bar = width * 0.8 / max(len(chart.series), 1)
            for i, v in enumerate(s.y):
                if v is None:
                    continue
                x = x_of[i] - width * 0.4 + k * bar
                parts.append(
                    f'<rect x="{x:.1f}" y="{y_of(v):.1f}" width="{bar:.1f}" height="{H - BOTTOM - y_of(v):.1f}" fill="{colour}"/>'
                )
        else:
            points = " ".join(
                f"{x_of[i]:.1f},{y_of(v):.1f}"
                for i, v in enumerate(s.y)
                if v is not None
            )
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
    return parts + _legend(
        [s.name for s in chart.series],
        [colours[k % len(colours)] for k in range(len(chart.series))],
    )


def _heatmap(chart: Chart, colour: str) -> list[str]:
    rows = chart.series
    cols = rows[0].x if rows else ()
    top = _max([v for s in rows for v in s.y])
    cw = (W - LEFT - 8) / max(len(cols), 1)
    ch = (H - BOTTOM - TOP) / max(len(rows), 1)
    parts = []
    for r, s in enumerate(rows):
        y = TOP + r * ch
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + ch / 2 + 3:.1f}" font-size="9" text-anchor="end">{escape(s.name)}</text>'
        )
        for c, v in enumerate(s.y):
            opacity = 0.06 if v is None else 0.15 + 0.85 * v / top
            parts.append(
                f'<rect x="{LEFT + c * cw:.1f}" y="{y:.1f}" width="{cw - 1:.1f}" height="{ch - 1:.1f}" fill="{colour}" fill-opacity="{opacity:.2f}"/>'
            )
    parts += _x_labels(cols, [LEFT + cw * (i + 0.5) for i in range(len(cols))])
    return parts


def render(chart: Chart, colours: Sequence[str] = PALETTE) -> str:
    body = (
        _heatmap(chart, colours[0])
        if chart.kind == "heatmap"
        else _line_or_bar(chart, colours)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
        f'role="img" aria-label="{escape(chart.title)}" font-family="sans-serif">'
        f'<text x="{LEFT}" y="14" font-size="12" font-weight="bold">{escape(chart.title)}</text>'
        + "".join(body)
        + "</svg>"
    )
