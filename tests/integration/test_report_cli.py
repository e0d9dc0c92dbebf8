"""`tandem report ...`: list, render to files, send through the local SMTP server."""

from __future__ import annotations

import pypdfium2 as pdfium
from typer.testing import CliRunner

from tandem.accounts import store as accounts
from tandem.cli import app
from tandem.report import actions
from tandem.storage import Database
from tests.integration.test_listen_cli import env  # noqa: F401  (fixture)
from tests.integration.test_reports import member, weekly
from tests.support.world import World

runner = CliRunner()


def test_render_and_send_from_the_command_line(
    env,  # noqa: F811  (the fixture imported above)
    db: Database,
    world: World,
    tmp_path,
    smtp_server,
    monkeypatch,
):
    monkeypatch.setenv("TANDEM_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("TANDEM_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("TANDEM_SMTP_SECURITY", "none")
    with db.session() as s:
        report = actions.create_report(
            s, actor=member(s, world), data=weekly(), clock=world.clock
        )
    ws = world.acme.slug
    listed = runner.invoke(app, ["report", "list", "-w", ws])
    assert listed.exit_code == 0 and report.id in listed.output
    out = tmp_path / "out"
    rendered = runner.invoke(
        app,
        [
            "report",
            "render",
            report.id,
            "-w",
            ws,
            "-o",
            str(out),
            "--format",
            "both",
            "--since",
            "2026-10-01",
            "--until",
            "2026-10-31",
        ],
    )
    assert rendered.exit_code == 0, rendered.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "acme-weekly-social-2026-10-01-2026-10-31-csv.zip",
        "acme-weekly-social-2026-10-01-2026-10-31.pdf",
    ]
    pdf = pdfium.PdfDocument(out / names[1])
    assert "Acme weekly social" in pdf[0].get_textpage().get_text_range()
    bad = runner.invoke(
        app,
        [
            "report",
            "render",
            report.id,
            "-w",
            ws,
            "--since",
            "2026-11-05",
            "--until",
            "2026-11-01",
        ],
    )
    assert bad.exit_code == 1 and "start date" in bad.output
    missing = runner.invoke(app, ["report", "send", "nope", "-w", ws])
    assert missing.exit_code == 1 and "No such report" in missing.output
    sent = runner.invoke(app, ["report", "send", report.id, "-w", ws])
    assert sent.exit_code == 0, sent.output
    assert "2 recipient(s)" in sent.output
    assert len(smtp_server.inbox.wait_for(2)) == 2
    with db.session() as s:
        assert accounts.workspace_by_slug(s, ws) is not None
