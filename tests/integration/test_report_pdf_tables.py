"""Long tables in a PDF report: every row, across pages with the header repeated, up to a
cap; past it the PDF says "top N of M" and the CSV has them all. Filters are named."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pypdfium2 as pdfium

from tandem.core.periods import Period
from tandem.report.model import Branding, Report, Schedule
from tandem.report.render import Rendered, to_pdf, to_zip
from tandem.report.section import Section, Table

ROWS = 120


def rendered() -> Rendered:
    table = Table(
        "posts",
        "Every post",
        ("Post", "Impressions"),
        tuple((f"post number {i:03d}", 1000 + i) for i in range(1, ROWS + 1)),
    )
    report = Report(
        "r1",
        "w1",
        "Client monthly",
        ("long",),
        30,
        "none",
        Schedule.NONE,
        (),
        {"pillar": "p1"},
        None,
        None,
        "",
        datetime(2026, 11, 1, tzinfo=UTC),
    )
    return Rendered(
        report,
        "Acme",
        Period(date(2026, 10, 1), date(2026, 10, 31), "Europe/Paris"),
        None,
        [Section("long", "Long section", "Many posts.", tables=(table,))],
        Branding("w1"),
        "pillar: Education",
    )


def pages_text(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def test_a_table_of_more_than_50_rows_runs_over_pages_with_its_header_repeated():
    pages = pages_text(to_pdf(rendered()))
    assert len(pages) >= 3
    text = "\n".join(pages)
    for i in (1, 50, 51, 120):
        assert f"post number {i:03d}" in text
    assert all("Impressions" in p for p in pages)  # the header row on every page
    assert "Filters: pillar: Education" in pages[0]
    assert "Top " not in text and "more rows" not in text


def test_past_the_cap_the_pdf_says_top_n_of_m_and_the_csv_holds_every_row():
    r = rendered()
    text = "\n".join(pages_text(to_pdf(r, max_rows=100)))
    assert (
        "Top 100 of 120 rows; all 120 are in the CSV attachment (long-posts.csv)."
        in (" ".join(text.split()))
    )
    assert "post number 100" in text and "post number 101" not in text
    csv = (
        zipfile.ZipFile(io.BytesIO(to_zip(r)))
        .read("long-posts.csv")
        .decode("utf-8-sig")
    )
    assert len(csv.strip().splitlines()) == ROWS + 1
