"""A report rendered: its sections over a period, as PDF (WeasyPrint) and as CSV files.

Charts go into the PDF as static SVG (report/svg.py); the CSV zip holds one file per table
plus figures.csv, so every number in the PDF can be opened in a spreadsheet.
"""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from tandem.core.periods import Period
from tandem.report import svg
from tandem.report.dashboard import build_sections, describe_filters, filter_choices
from tandem.report.model import Branding, Report
from tandem.report.section import Section
from tandem.report.store import branding_of

# A client reads every row of a table, across pages (WeasyPrint repeats the header row on
# each page); past this many the PDF says "top N of M" and the CSV attachment has them all.
MAX_PDF_ROWS = 1000
_env = Environment(
    loader=PackageLoader("tandem.report", "templates"),
    autoescape=select_autoescape(default=True),
)


@dataclass(frozen=True)
class Rendered:
    report: Report
    workspace_name: str
    period: Period
    previous: Period | None
    sections: list[Section]
    branding: Branding
    filters: str = ""  # the filters in words ("campaign: Spring Launch"), "" for none

    @property
    def slug(self) -> str:
        keep = "".join(c if c.isalnum() else "-" for c in self.report.title.lower())
        return "-".join(p for p in keep.split("-") if p) or "report"

    @property
    def file_stem(self) -> str:
        return f"{self.slug}-{self.period.start}-{self.period.end}"


def compute(
    session: Session,
    report: Report,
    *,
    workspace_name: str,
    zone: str,
    start: date,
    end: date,
    today: date,
    warehouse_path: str | None = None,
    lookback_days: int = 30,
) -> Rendered:
    period = Period(start, end, zone)
    previous = period.compared(report.compare)
    sections = build_sections(
        session,
        report.workspace_id,
        report.sections,
        period=period,
        previous=previous,
        today=today,
        filters=report.filters,
        warehouse_path=warehouse_path,
        lookback_days=lookback_days,
    )
    return Rendered(
        report,
        workspace_name,
        period,
        previous,
        sections,
        branding_of(session, report.workspace_id),
        describe_filters(report.filters, filter_choices(session, report.workspace_id)),
    )


def html(r: Rendered, max_rows: int = MAX_PDF_ROWS) -> str:
    b = r.branding
    logo = (
        f"data:{b.logo_type};base64,{base64.b64encode(b.logo).decode()}"
        if b.logo and b.logo_type
        else ""
    )
    colours = (b.primary_colour, b.accent_colour, *svg.PALETTE[2:])
    return _env.get_template("report.html").render(
        title=r.report.title,
        workspace=r.workspace_name,
        period=r.period,
        previous=r.previous,
        sections=r.sections,
        charts={s.key: [svg.render(c, colours) for c in s.charts] for s in r.sections},
        branding=b,
        logo=logo,
        footer=b.agency_name or r.workspace_name,
        max_rows=max_rows,
        filters=r.filters,
    )


def to_pdf(r: Rendered, max_rows: int = MAX_PDF_ROWS) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy import (pango, fonts): only when a PDF is made

    pdf = HTML(string=html(r, max_rows)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def csv_files(r: Rendered) -> dict[str, bytes]:
    """File name -> CSV bytes (UTF-8 with BOM so spreadsheet apps read accents right)."""
    files: dict[str, bytes] = {}
    figures: list[tuple[object, ...]] = [
        ("section", "figure", "value", "text", "comparison", "definition")
    ]
    for s in r.sections:
        for f in s.figures:
            figures.append(
                (
                    s.key,
                    f.label,
                    "" if f.value is None else str(f.value),
                    f.text,
                    f.previous_text or "",
                    f.definition,
                )
            )
        for t in s.tables:
            files[f"{s.key}-{t.key}.csv"] = _csv([t.columns, *t.rows])
    files["figures.csv"] = _csv(figures)
    return files


NUMBER_CHARS = set("0123456789.,%")


def _cell(value: object) -> object:
    # A text starting with = + - @ is a formula to a spreadsheet (CSV injection, OWASP);
    # "+12.5%" and "-3" stay numbers.
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] in ("=", "+", "-", "@")
        and not set(value[1:]) <= NUMBER_CHARS
    ):
        return "'" + value
    return "" if value is None else value


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode()


def to_zip(r: Rendered) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in csv_files(r).items():
            z.writestr(name, data)
    return buffer.getvalue()
