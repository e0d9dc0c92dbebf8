"""The contract between what computes a dashboard section and what shows or sends it.

A `SectionSource` turns a `Context` (workspace, period, comparison period, filters) into a
`Section`: headline figures with their definitions, charts as plain series, and tables whose
rows may link to the rows behind them (drill-down). Dashboards draw sections with plotly
(tandem.web.plots), reports render the same sections to PDF and CSV (tandem.report), so a
number on a dashboard and in the report a client receives are the same number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from tandem.core.periods import Period

Audience = Literal["social", "marketing", "both"]
Cell = str | int | float | None


@dataclass(frozen=True)
class Context:
    """What a section is computed for. `previous` is None when no comparison is asked."""

    session: Session
    workspace_id: str
    period: Period
    previous: Period | None
    today: date
    filters: Mapping[str, str] = field(default_factory=dict)
    warehouse_path: str | None = None  # the DuckDB file, for sections reading events
    lookback_days: int = (
        30  # Measure's journey lookback (settings.journey_lookback_days)
    )
    now: datetime | None = None  # when given, slow results (budget fits) are cached
    refit_in_background: bool = False  # a dashboard: show a stale fit and queue a refit


@dataclass(frozen=True)
class Figure:
    """One headline number. `value` None means "no denominator": shown as `text` ("-")."""

    key: str
    label: str
    value: float | None
    text: str
    definition: str
    previous: float | None = None
    previous_text: str | None = None


@dataclass(frozen=True)
class Series:
    name: str
    x: tuple[str, ...]
    y: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A chart as data: drawn with plotly on pages and as static SVG in PDFs.

    For kind "heatmap", `series` are the rows (name = row label, x = column labels, y = cell
    values) and `notes` holds a hover text per cell in the same shape.
    """

    key: str
    title: str
    kind: Literal["line", "bar", "heatmap"]
    series: tuple[Series, ...]
    y_title: str = ""
    notes: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Table:
    """Rows behind the numbers. `links[i]`, when given, is the drill-down URL path of row i,
    relative to the workspace (e.g. "/posts/123")."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    links: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str  # one or two sentences in words: what moved and by how much
    figures: tuple[Figure, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()


class SectionSource(Protocol):
    key: str
    title: str
    audience: Audience

    def build(self, ctx: Context) -> Section: ...


SECTIONS: dict[str, SectionSource] = {}


def register(source: SectionSource) -> SectionSource:
    """Add a section source to the registry (keys are unique; a second one is a bug)."""
    if source.key in SECTIONS:
        raise ValueError(f"section {source.key!r} is registered twice")
    SECTIONS[source.key] = source
    return source
