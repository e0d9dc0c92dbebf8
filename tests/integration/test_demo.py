"""`tandem demo`'s data: every role signs in and lands on a home with real content."""

from __future__ import annotations

import warnings

from tandem.cli.demo import DEMO_PASSWORD, prepare_demo
from tandem.jobs import Worker, run_pending
from tandem.storage import create_database
from tandem.web import create_app
from tests.web.conftest import sign_in

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HOMES = {
    "owner": "Demo Brand: overview",
    "admin": "Demo Brand: overview",
    "social": "Social this week",
    "marketer": "Performance, last 30 days",
    "analyst": "Read-only access",
    "approver": "Workshop tour video",
}


def test_the_demo_builds_a_living_workspace_and_every_role_lands_on_its_home(tmp_path):
    settings, credentials = prepare_demo(
        tmp_path / "demo", reset=True, seed=42, base_url="http://demo.test"
    )
    assert len(credentials) == 6
    database = create_database(settings.database)
    app = create_app(settings, database=database)
    for email, _label in credentials:
        client = sign_in(
            TestClient(app, base_url="http://demo.test"), email, DEMO_PASSWORD
        )
        home = client.get("/")
        assert home.status_code == 200
        assert HOMES[email.split("@")[0]] in home.text, email
    owner = sign_in(
        TestClient(app, base_url="http://demo.test"),
        "owner@demo.tandem.test",
        DEMO_PASSWORD,
    )
    listing = owner.get("/api/v1/workspaces/demo-brand/briefs").json()
    assert {b["status"] for b in listing["briefs"]} == {
        "scheduled",
        "in_review",
        "changes_requested",
        "draft",
    }
    assert owner.get("/api/v1/workspaces/demo-brand/posts").json()["total"] > 600
    listen = owner.get("/w/demo-brand/listen", params={"format": "json"}).json()
    shares = {t["name"]: t["mentions"] for t in listen["share_of_voice"]["topics"]}
    assert shares["Northpeak"] > shares["Trailcraft"] > 0 and "Hiking" not in shares
    assert len(listen["trends"]) >= 3, "the demo's planted bursts are found"
    marketing = owner.get(
        "/w/demo-brand/dashboard", params={"view": "marketing", "format": "json"}
    ).json()
    sections = {s["section"]["key"]: s["section"] for s in marketing["sections"]}
    assert sections["campaign_roi"]["tables"][0]["rows"], "campaigns with spend"
    assert sections["budget_guidance"]["tables"], sections["budget_guidance"]["summary"]
    # The demo's site visits carry its campaigns' UTM keys: Measure credits them.
    campaigns = owner.get("/api/v1/workspaces/demo-brand/campaigns").json()
    for summary in campaigns:
        assert summary["outcome"]["attributed"]["model"] == "last_non_direct"
        assert summary["kpis"]["conversions"] > 0, summary["campaign"]["utm_key"]
    spring = next(c for c in campaigns if c["campaign"]["utm_key"] == "spring-launch")
    page = owner.get(f"/w/demo-brand/plan/campaigns/{spring['campaign']['id']}")
    assert 'data-results-source="last_non_direct"' in page.text
    assert (
        "Conversions and revenue: Last non-direct click (Measure)"
        in (sections["campaign_roi"]["summary"])
    )
    social = owner.get(
        "/w/demo-brand/dashboard", params={"view": "social", "format": "json"}
    ).json()
    assert social["sections"][0]["section"]["figures"][0]["value"] > 20  # posts
    reports = owner.get("/api/v1/workspaces/demo-brand/reports").json()["reports"]
    assert [r["schedule"] for r in reports] == ["weekly"]
    pdf = owner.get(f"/api/v1/workspaces/demo-brand/reports/{reports[0]['id']}/render")
    assert pdf.content.startswith(b"%PDF")
    assert (
        run_pending(
            Worker(database=database, settings=settings, clock=app.state.tandem.clock)
        )
        >= 3
    )
    assert len(list((tmp_path / "demo" / "outbox").glob("*.eml"))) >= 3, (
        "demo mail lands in the outbox"
    )
    again, _ = prepare_demo(
        tmp_path / "demo", reset=False, seed=42, base_url="http://demo.test"
    )
    assert again.database == settings.database, "a second start reuses the demo data"
