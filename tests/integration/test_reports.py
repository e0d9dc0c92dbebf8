"""Reports on a real database: the PDF shows its title and charts, the CSV holds the
tables, and the periodic job emails due reports through a real SMTP server once."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from tandem.accounts import Member, Role
from tandem.accounts import store as accounts
from tandem.core import InvalidInput, NotFound
from tandem.jobs.runtime import Worker, run_pending
from tandem.report import actions, delivery, store
from tandem.report.model import ReportInput, Schedule
from tandem.storage import Database
from tandem.storage.queue import JobRow, enqueue
from tests.support.world import World
from tests.web.conftest import make_settings

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db40000000049454e44ae426082"
)


def member(session, world: World, role: Role = Role.OWNER) -> Member:
    found = accounts.member_in(session, world.users[role], world.acme)
    assert found is not None
    return found


def weekly(**overrides) -> ReportInput:
    values = {
        "title": "Acme weekly social",
        "sections": ("social_performance", "best_time"),
        "period_days": 7,
        "schedule": Schedule.WEEKLY,
        "recipients": ("client@acme.test", "Boss@Acme.test"),
    }
    values.update(overrides)
    return ReportInput(**values)  # type: ignore[arg-type]


def test_the_pdf_page_one_shows_the_title_and_a_chart(db: Database, world: World):
    with db.session() as s:
        me = member(s, world)
        actions.save_branding(
            s,
            actor=me,
            agency_name="Northwind Agency",
            primary_colour="#b91c1c",
            accent_colour="#0e7490",
            logo=PNG_1PX,
            clock=world.clock,
        )
        report = actions.create_report(s, actor=me, data=weekly(), clock=world.clock)
        files = delivery.render_files(
            s,
            report,
            now=world.clock.now(),
            start=date(2026, 10, 27),
            end=date(2026, 11, 2),
        )
    pdf = pdfium.PdfDocument(files.pdf)
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert "Acme weekly social" in text
    assert "2026-10-27 to 2026-11-02" in text
    assert "Engagements per day" in text  # the chart's own title, drawn as SVG text
    assert "Northwind Agency" in text  # white-label footer
    image = page.render(scale=1).to_pil().convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours and len(colours) > 20  # not blank: text, table and chart strokes
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 60 and b < 60)
    assert red > 500  # the brand colour (#b91c1c) heads the page and the chart line


def test_the_csv_zip_has_one_file_per_table_and_the_figures(db: Database, world: World):
    with db.session() as s:
        report = actions.create_report(
            s,
            actor=member(s, world),
            data=weekly(schedule=Schedule.NONE, recipients=()),
            clock=world.clock,
        )
        files = delivery.render_files(s, report, now=world.clock.now())
    z = zipfile.ZipFile(io.BytesIO(files.csv_zip))
    assert sorted(z.namelist()) == [
        "best_time-best_time_cells.csv",
        "figures.csv",
        "social_performance-top_posts.csv",
    ]
    figures = z.read("figures.csv").decode("utf-8-sig")
    # the last 7 days up to yesterday (1 Nov): posts of 27 Oct..1 Nov, i = 1..4 (1 Nov 10:00 Paris)
    assert "social_performance,Posts,4,4,0," in figures  # 0 in the week before
    assert "÷ impressions of the posts published in the period" in figures


def test_bad_input_names_the_field(db: Database, world: World):
    with db.session() as s:
        me = member(s, world)
        for data, field in (
            (weekly(title=" "), "title"),
            (weekly(sections=("nope",)), "sections"),
            (weekly(recipients=("not-an-address",)), "recipients"),
            (weekly(recipients=()), "recipients"),
            (weekly(period_days=0), "period_days"),
        ):
            with pytest.raises(InvalidInput) as caught:
                actions.create_report(s, actor=me, data=data, clock=world.clock)
            assert caught.value.field == field
        with pytest.raises(InvalidInput) as caught:
            actions.save_branding(
                s,
                actor=me,
                agency_name="",
                primary_colour="red",
                accent_colour="#000000",
                logo=None,
                clock=world.clock,
            )
        assert caught.value.field == "primary_colour"
        with pytest.raises(InvalidInput) as caught:
            actions.save_branding(
                s,
                actor=me,
                agency_name="",
                primary_colour="#000000",
                accent_colour="#000000",
                logo=b"<svg/>",
                clock=world.clock,
            )
        assert caught.value.field == "logo"


def test_a_report_of_another_workspace_is_not_found(db: Database, world: World):
    with db.session() as s:
        report = actions.create_report(
            s, actor=member(s, world), data=weekly(), clock=world.clock
        )
    with db.session() as s, pytest.raises(NotFound):
        store.report_in(s, world.beta.id, report.id)


def test_the_job_emails_a_due_weekly_report_once_with_pdf_and_csv(
    db: Database, world: World, tmp_path: Path, smtp_server
):
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
    )
    with db.session() as s:
        report = actions.create_report(
            s, actor=member(s, world), data=weekly(), clock=world.clock
        )
    # created Monday 2 Nov 10:00 Paris: the first delivery is Monday 9 Nov, 08:00 Paris
    assert report.next_send_at == datetime(2026, 11, 9, 7, 0, tzinfo=UTC)
    worker = Worker(database=db, settings=settings, clock=world.clock, publish=False)
    with db.session() as s:
        enqueue(s, delivery.SEND_DUE_REPORTS, {}, now=world.clock.now())
    run_pending(worker)
    assert smtp_server.inbox.messages == []  # not due yet
    world.clock.advance(days=7)  # Monday 9 Nov, 09:00 UTC
    with db.session() as s:
        enqueue(s, delivery.SEND_DUE_REPORTS, {}, now=world.clock.now())
    run_pending(worker)
    messages = smtp_server.inbox.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["boss@acme.test", "client@acme.test"]
    message = messages[0]
    assert message["Subject"] == "Acme weekly social (2026-11-02 to 2026-11-08) - Acme"
    parts = {p.get_filename(): p for p in message.walk() if p.get_filename()}
    assert set(parts) == {
        "acme-weekly-social-2026-11-02-2026-11-08.pdf",
        "acme-weekly-social-2026-11-02-2026-11-08-csv.zip",
    }
    pdf = parts["acme-weekly-social-2026-11-02-2026-11-08.pdf"].get_payload(decode=True)
    assert (
        pdf.startswith(b"%PDF")
        and "Acme weekly social"
        in pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    )
    csvs = zipfile.ZipFile(
        io.BytesIO(
            parts["acme-weekly-social-2026-11-02-2026-11-08-csv.zip"].get_payload(
                decode=True
            )
        )
    )
    assert "figures.csv" in csvs.namelist()
    with db.session() as s:
        row = store.report_row(s, world.acme.id, report.id)
        assert row.next_send_at == datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
        assert row.last_sent_at == world.clock.now() and row.last_error == ""
        queued = s.scalars(
            select(JobRow).where(
                JobRow.kind == delivery.SEND_DUE_REPORTS, JobRow.status == "queued"
            )
        ).all()
        assert len(queued) == 1  # it re-queued itself
    with db.session() as s:
        enqueue(s, delivery.SEND_DUE_REPORTS, {}, now=world.clock.now())
    run_pending(worker)
    assert len(smtp_server.inbox.messages) == 2  # sent once


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted():
    from tandem.report.render import _csv

    text = _csv([("=HYPERLINK(1)", "+12.5%", "-", "-3", "@x")]).decode("utf-8-sig")
    assert text.strip() == "'=HYPERLINK(1),+12.5%,-,-3,'@x"


def test_a_queued_send_whose_recipients_were_removed_sends_nothing(
    db: Database, world: World, tmp_path: Path, smtp_server
):
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
    )
    with db.session() as s:
        me = member(s, world)
        report = actions.create_report(s, actor=me, data=weekly(), clock=world.clock)
        enqueue(
            s,
            delivery.SEND_REPORT,
            {"workspace_id": world.acme.id, "report_id": report.id},
            now=world.clock.now(),
        )
        actions.update_report(
            s,
            actor=me,
            report_id=report.id,
            data=weekly(schedule=Schedule.NONE, recipients=()),
            clock=world.clock,
        )
    worker = Worker(database=db, settings=settings, clock=world.clock, publish=False)
    assert run_pending(worker) == 1
    with db.session() as s:
        job = s.scalars(select(JobRow).where(JobRow.kind == delivery.SEND_REPORT)).one()
        assert job.status == "done"
        assert store.report_row(s, world.acme.id, report.id).next_send_at is None
    assert smtp_server.inbox.messages == []
