"""`tandem feeds add|list|poll` against a real database and a feed server on 127.0.0.1."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tandem.accounts import Role
from tandem.cli import app
from tandem.compose.store import BriefRow
from tandem.settings import get_settings
from tandem.storage import Database
from tests.support.feeds import rss, serve_feed
from tests.support.world import PERSONAS, World

runner = CliRunner()
FUTURE = "Mon, 01 Jan 2099 09:00:00 GMT"  # after the CLI's real clock added the feed


@pytest.fixture
def env(db: Database, tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", db.url)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("TANDEM_FEEDS_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("COLUMNS", "250")  # rich would wrap the ids in a narrow table
    get_settings.cache_clear()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level
    get_settings.cache_clear()


def test_add_list_and_poll_a_feed_from_the_command_line(env, db, world: World):
    with serve_feed() as server:
        server.body = rss({"guid": "old", "title": "Old", "link": "https://a.test/o"})
        added = runner.invoke(
            app,
            [
                "feeds",
                "add",
                server.url,
                "-w",
                world.acme.slug,
                "--as",
                PERSONAS[Role.SOCIAL_MANAGER],
                "-a",
                "@acme",
                "--template",
                "{title} {link}",
            ],
        )
        assert added.exit_code == 0, added.output
        feed_id = added.output.split(" as feed ")[1].split()[0]
        listed = runner.invoke(app, ["feeds", "list", "-w", world.acme.slug])
        assert feed_id in listed.output and "draft" in listed.output
        first = runner.invoke(app, ["feeds", "poll", feed_id])
        assert "0 new post(s) from 1 entries" in first.output, first.output
        server.body = rss(
            {
                "guid": "new",
                "title": "New",
                "link": "https://a.test/n",
                "pubDate": FUTURE,
            },
            {"guid": "old", "title": "Old", "link": "https://a.test/o"},
        )
        second = runner.invoke(app, ["feeds", "poll", feed_id])
        assert "1 new post(s) from 2 entries" in second.output, second.output
    with db.session() as s:
        assert list(s.scalars(select(BriefRow.title))) == ["New"]


def test_add_names_what_is_wrong(env, world: World):
    result = runner.invoke(
        app,
        [
            "feeds",
            "add",
            "https://blog.test/feed",
            "-w",
            world.acme.slug,
            "--as",
            PERSONAS[Role.ANALYST],
            "-a",
            "@acme",
        ],
    )
    assert result.exit_code == 1 and "cannot create posts" in result.output
    result = runner.invoke(
        app,
        [
            "feeds",
            "add",
            "https://blog.test/feed",
            "-w",
            world.acme.slug,
            "--as",
            PERSONAS[Role.OWNER],
            "-a",
            "@nobody",
        ],
    )
    assert result.exit_code == 1 and "No connected account '@nobody'" in result.output
