"""How numbers read in sections (the same text on the dashboard, in the PDF and the CSV)."""

from __future__ import annotations

from collections.abc import Callable


def num(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def pct(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def money(value: float | None, currency: str) -> str:
    return "-" if value is None else f"{value:,.2f} {currency}"


def change(current: float | None, previous: float | None) -> str:
    """'+12.5%' against the comparison period; '' when there is nothing to compare."""
    if current is None or not previous:
        return ""
    return f"{(current - previous) / previous * 100:+.1f}%"


Formatter = Callable[[float | None], str]
