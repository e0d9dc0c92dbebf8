"""`tandem competitor ...`: add, list, snapshot against a real Sandbox, remove."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tandem.accounts import Role
from tandem.cli import app
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tests.integration.test_listen_cli import env  # noqa: F401  (fixture)
from tests.support.world import PERSONAS, World

runner = CliRunner()


def test_competitors_from_the_command_line(
    env,  # noqa: F811  (the fixture imported above)
    world: World,
    tmp_path: Path,
    monkeypatch,
):
    ws, me = world.acme.slug, PERSONAS[Role.SOCIAL_MANAGER]
    analyst = runner.invoke(
        app,
        [
            "competitor",
            "add",
            "sandbox",
            "rival",
            "-w",
            ws,
            "--as",
            PERSONAS[Role.ANALYST],
        ],
    )
    assert analyst.exit_code != 0 and "cannot manage competitors" in analyst.output
    bad = runner.invoke(
        app, ["competitor", "add", "myspace", "x", "-w", ws, "--as", me]
    )
    assert bad.exit_code != 0 and "platform must be one of" in bad.output
    added = runner.invoke(
        app, ["competitor", "add", "sandbox", "rival", "-w", ws, "--as", me]
    )
    assert added.exit_code == 0, added.output
    runner.invoke(
        app, ["competitor", "add", "linkedin", "rival-co", "-w", ws, "--as", me]
    )
    server = SandboxServer(tmp_path / "sandbox.db", free_port())
    server.start()
    monkeypatch.setenv("TANDEM_SANDBOX_URL", server.url)
    try:
        snap = runner.invoke(app, ["competitor", "snapshot", "-w", ws])
    finally:
        server.stop()
    assert snap.exit_code == 0, snap.output
    assert "Read 1, failed 0, 1 on platforms without public metrics." in snap.output
    listed = runner.invoke(app, ["competitor", "list", "-w", ws])
    assert (
        "@rival" in listed.output and "no public metrics on linkedin" in listed.output
    )
    competitor_id = added.output.rsplit(": ", 1)[1].strip()
    removed = runner.invoke(
        app, ["competitor", "remove", competitor_id, "-w", ws, "--as", me]
    )
    assert removed.exit_code == 0 and "Removed." in removed.output
