"""Competitor benchmarks: accounts added on the page or the API, public profiles read into
daily snapshots (the Sandbox for real, Bluesky from a stand-in reader), and the dashboard's
table of follower growth, posting frequency and engagement per post."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tandem.accounts import Role, store
from tandem.connectors.public import PublicProfile, PublicProfiles
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.connectors.sandbox.store import SandboxStore
from tandem.core import FrozenClock
from tandem.jobs.runtime import Worker, run_pending
from tandem.report import competitors
from tandem.report.demo import seed_rival_history
from tandem.sim.rivals import plan_rival
from tandem.storage import Database
from tandem.storage.queue import JobRow
from tests.web.conftest import api_client, form_post, make_settings


def test_the_dashboard_benchmarks_the_brand_against_its_competitors(
    app: FastAPI, client_as, world, db: Database
):
    api = api_client(app, client_as, Role.SOCIAL_MANAGER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    bsky = api.post(
        f"{prefix}/competitors",
        json={"platform": "bluesky", "handle": "@northwind.bsky.social"},
    )
    assert bsky.status_code == 201, bsky.text
    assert bsky.json()["handle"] == "northwind.bsky.social"
    insta = api.post(
        f"{prefix}/competitors", json={"platform": "instagram", "handle": "rival"}
    )
    assert "Business Discovery" in insta.json()["unreadable"]
    with db.session() as s:  # a read is queued for the readable one only
        kinds = s.scalars(select(JobRow.kind)).all()
        assert kinds.count(competitors.SNAPSHOT_COMPETITORS) == 1
    figures = {
        datetime(2026, 10, 29, 6, tzinfo=UTC): PublicProfile(1000, 100, 50.0, 30),
        datetime(2026, 11, 2, 6, tzinfo=UTC): PublicProfile(1100, 108, 70.0, 30),
    }
    for at, profile in figures.items():
        with db.session() as s:
            run = competitors.snapshot_competitors(
                s, lambda _p, _h, profile=profile: profile, now=at
            )
        assert (run.read, run.skipped) == (1, 1)
    section = api.get(
        f"{prefix}/sections/competitor_benchmark?since=2026-10-29&until=2026-11-02"
    ).json()
    rows = {r[0]: r for r in section["tables"][0]["rows"]}
    assert rows["@acme"][2] == "Brand"
    assert rows["@acme"][6] == round(5 / (5 / 7), 1)  # 5 posts in 5 days: 7 a week
    assert rows["@northwind.bsky.social"][3:8] == [1100, "+100", "+10.0%", 14.0, 60.0]
    assert (
        "2 daily snapshot(s) from 2026-10-29 to 2026-11-02"
        in (rows["@northwind.bsky.social"][8])
    )
    assert rows["@rival"][3] == "-"
    assert rows["@rival"][8].startswith("no public metrics on instagram")
    assert "No public metrics on instagram" in section["summary"]
    series = {s["name"] for s in section["charts"][0]["series"]}
    assert "@northwind.bsky.social (bluesky)" in series

    c = client_as(Role.SOCIAL_MANAGER)
    page = c.get(f"/w/{world.acme.slug}/dashboard/competitors").text
    assert "@northwind.bsky.social" in page and "No public metrics on instagram" in page
    html = c.get(
        f"/w/{world.acme.slug}/dashboard?view=social&since=2026-10-29&until=2026-11-02"
    ).text
    assert "Competitor benchmarks" in html


def test_bad_competitors_name_the_field_and_stay_in_their_workspace(
    app: FastAPI, client_as, world
):
    api = api_client(app, client_as, Role.MARKETER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    bad = api.post(f"{prefix}/competitors", json={"platform": "myspace", "handle": "x"})
    assert bad.status_code == 422 and bad.json()["field"] == "platform"
    bad = api.post(
        f"{prefix}/competitors", json={"platform": "bluesky", "handle": "two words"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "handle"
    made = api.post(f"{prefix}/competitors", json={"platform": "x", "handle": "Rival"})
    again = api.post(f"{prefix}/competitors", json={"platform": "x", "handle": "rival"})
    assert again.status_code == 409
    analyst = api_client(app, client_as, Role.ANALYST)
    assert analyst.get(f"{prefix}/competitors").status_code == 200
    assert (
        analyst.post(
            f"{prefix}/competitors", json={"platform": "x", "handle": "b"}
        ).status_code
        == 403
    )
    beta = api_client(app, client_as, "owner@beta.test")
    beta_prefix = f"/api/v1/workspaces/{world.beta.slug}"
    assert beta.get(f"{beta_prefix}/competitors").json() == []
    competitor_id = made.json()["id"]
    assert beta.delete(f"{beta_prefix}/competitors/{competitor_id}").status_code == 404
    c = client_as(Role.MARKETER)
    slug = world.acme.slug
    wrong = form_post(
        c,
        f"/w/{slug}/dashboard/competitors",
        f"/w/{slug}/dashboard/competitors",
        {"platform": "bluesky", "handle": ""},
    )
    assert wrong.status_code == 422 and "give the account" in wrong.text
    assert api.delete(f"{prefix}/competitors/{competitor_id}").status_code == 204


def test_the_worker_snapshots_a_sandbox_competitor(
    client_as, world, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    server = SandboxServer(tmp_path / "sandbox.db", free_port())
    server.start()
    monkeypatch.setenv("TANDEM_SANDBOX_URL", server.url)
    try:
        c = client_as(Role.SOCIAL_MANAGER)
        slug = world.acme.slug
        added = form_post(
            c,
            f"/w/{slug}/dashboard/competitors",
            f"/w/{slug}/dashboard/competitors",
            {"platform": "sandbox", "handle": "rival_brand"},
        )
        assert added.status_code == 303
        worker = Worker(
            database=db,
            settings=make_settings(tmp_path),
            clock=world.clock,
            publish=False,
        )
        run_pending(worker)
    finally:
        server.stop()
    with db.session() as s:
        (competitor,) = competitors.competitors_in(s, world.acme.id)
        assert competitor.last_error == "" and competitor.checked_at is not None
        (snap,) = competitors.snapshots_of(
            s, competitor.id, until=world.clock.now().date()
        )
    assert snap.followers > 0 and snap.posts == 0


def test_a_seeded_rival_history_and_a_live_snapshot_form_one_line(
    app: FastAPI, client_as, world, db: Database, tmp_path: Path
):
    now = datetime.now(UTC)
    rival = plan_rival(seed=3, now=now, days=14)
    SandboxStore(tmp_path / "sandbox.db").backfill(
        rival.handle, rival.since, rival.posts
    )
    with db.session() as s:
        owner = store.member_in(s, world.users[Role.OWNER], world.acme)
        assert owner is not None
        seed_rival_history(s, owner=owner, rival=rival, now=now, clock=FrozenClock(now))
    server = SandboxServer(tmp_path / "sandbox.db", free_port())
    server.start()
    try:
        reader = PublicProfiles(sandbox_url=server.url)
        with db.session() as s:
            run = competitors.snapshot_competitors(
                s, reader.read, now=datetime.now(UTC)
            )
        reader.close()
    finally:
        server.stop()
    assert run.read == 1
    with db.session() as s:
        (competitor,) = competitors.competitors_in(s, world.acme.id)
        line = competitors.snapshots_of(s, competitor.id, until=now.date())
    assert len(line) == 15 and line[-1].day == now.date()
    assert line[-1].posts == len(rival.posts) and line[0].posts == 0
    steps = [b.followers - a.followers for a, b in zip(line, line[1:], strict=False)]
    assert max(steps) - min(steps) <= 1, steps  # steady growth, no jump at today
    api = api_client(app, client_as, Role.ANALYST)
    section = api.get(
        f"/api/v1/workspaces/{world.acme.slug}/sections/competitor_benchmark",
        params={"since": line[0].day.isoformat(), "until": now.date().isoformat()},
    ).json()
    rows = {r[0]: r for r in section["tables"][0]["rows"]}
    assert rows[f"@{rival.handle}"][6] == round(len(rival.posts) / 14 * 7, 1)


def test_a_mastodon_competitor_is_user_at_instance_and_shows_its_engagement(
    app: FastAPI, client_as, world, db: Database
):
    api = api_client(app, client_as, Role.SOCIAL_MANAGER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    bad = api.post(
        f"{prefix}/competitors", json={"platform": "mastodon", "handle": "northwind"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "handle"
    assert "user@instance" in bad.json()["detail"]
    added = api.post(
        f"{prefix}/competitors",
        json={"platform": "mastodon", "handle": "@Northwind@Mastodon.Example"},
    )
    assert added.status_code == 201, added.text
    assert added.json()["handle"] == "Northwind@mastodon.example"
    assert added.json()["unreadable"] == ""
    with db.session() as s:
        kinds = s.scalars(select(JobRow.kind)).all()
        assert kinds.count(competitors.SNAPSHOT_COMPETITORS) == 1
        seen: list[tuple[str, str]] = []

        def read(platform: str, handle: str) -> PublicProfile:
            seen.append((platform, handle))
            return PublicProfile(8312, 1207, 81.7, 3)

        competitors.snapshot_competitors(s, read, now=world.clock.now())
    assert seen == [("mastodon", "Northwind@mastodon.example")]
    day = world.clock.now().date().isoformat()
    section = api.get(
        f"{prefix}/sections/competitor_benchmark?since={day}&until={day}"
    ).json()
    row = next(r for r in section["tables"][0]["rows"] if r[1] == "mastodon")
    assert row[3] == 8312 and row[7] == 81.7
    assert "favourites + boosts + replies of the last 3 posts" in row[8]
    assert "no public metrics on mastodon" not in section["summary"].lower()
