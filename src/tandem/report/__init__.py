"""Dashboards and reports: named sections of numbers, charts and tables, computed once and
shown on role dashboards, exported as CSV and rendered into PDF reports sent by email."""

from tandem.report.section import (
    SECTIONS,
    Chart,
    Context,
    Figure,
    Section,
    SectionSource,
    Series,
    Table,
    register,
)

__all__ = [
    "SECTIONS",
    "Chart",
    "Context",
    "Figure",
    "Section",
    "SectionSource",
    "Series",
    "Table",
    "register",
]
