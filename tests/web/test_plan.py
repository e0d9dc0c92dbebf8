"""Plan over HTTP: pages render with KPI definitions, forms create goals and campaigns,
a Google Ads export imports and shows its ROAS, and the REST API matches."""

from __future__ import annotations

import re
from pathlib import Path

from tandem.accounts import Role
from tests.web.conftest import api_client, csrf_of, form_post

DATA = Path(__file__).parents[1] / "data" / "spend"


def test_a_marketer_plans_a_campaign_imports_google_ads_and_sees_roas(client_as, world):
    c = client_as(Role.MARKETER)
    base = f"/w/{world.acme.slug}/plan"
    goal = form_post(
        c,
        f"{base}/goals",
        f"{base}/goals",
        {
            "name": "500 qualified leads",
            "metric": "conversions",
            "target": "500",
            "start": "2026-11-01",
            "deadline": "2027-01-31",
        },
    )
    assert goal.status_code == 303
    goal_id = goal.headers["location"].split("/goals/")[1].split("?")[0]
    created = form_post(
        c,
        f"{base}/campaigns",
        f"{base}/campaigns",
        {
            "name": "Spring Launch",
            "utm_key": "",
            "start": "2026-11-01",
            "end": "2026-11-30",
            "budget": "3000",
            "currency": "EUR",
            "goal_id": goal_id,
            "channels": "search_ads",
        },
    )
    assert created.status_code == 303, created.text[:500]
    campaign_url = created.headers["location"].split("?")[0]
    token = csrf_of(c.get(f"{base}/spend").text)
    imported = c.post(
        f"{base}/spend/import",
        data={
            "csrf_token": token,
            "preset": "google_ads",
            "campaign_id": "",
            "currency": "",
        },
        files={
            "file": (
                "google_ads.csv",
                (DATA / "google_ads.csv").read_bytes(),
                "text/csv",
            )
        },
    )
    assert imported.status_code == 200
    assert "4 lines added" in imported.text
    page = c.get(campaign_url)
    assert page.status_code == 200
    roas = re.search(r'data-kpi="roas"><dt>.*?<dd>([^<]+)</dd>', page.text, re.S)
    assert roas and roas.group(1).strip() == "2.95"  # 650.00 / 220.00
    assert 'title="ROAS: revenue ÷ spend' in page.text
    assert "utm_campaign=spring-launch" in page.text
    overview = c.get(base)
    assert "Spring Launch" in overview.text and "500 qualified leads" in overview.text


def test_a_bad_export_shows_its_row_errors_and_imports_nothing(client_as, world):
    c = client_as(Role.MARKETER)
    base = f"/w/{world.acme.slug}/plan"
    token = csrf_of(c.get(f"{base}/spend").text)
    bad = (
        b"Day,Campaign,Currency code,Cost\n2026-11-01,A,EUR,10\n2026-11-02,A,EUR,lots\n"
    )
    response = c.post(
        f"{base}/spend/import",
        data={"csrf_token": token, "preset": "google_ads"},
        files={"file": ("bad.csv", bad, "text/csv")},
    )
    assert response.status_code == 422
    assert "Row 3, spend" in response.text
    assert "No spend yet" in response.text


def test_zero_denominators_render_as_a_dash(client_as, world):
    c = client_as(Role.MARKETER)
    base = f"/w/{world.acme.slug}/plan"
    form_post(
        c,
        f"{base}/campaigns",
        f"{base}/campaigns",
        {
            "name": "Empty",
            "start": "2026-11-01",
            "end": "2026-11-30",
            "budget": "0",
            "currency": "USD",
        },
    )
    page = c.get(f"{base}/campaigns")
    assert re.search(r'data-kpi="roas">-</td>', page.text)


def test_an_analyst_reads_but_cannot_plan(client_as, world):
    c = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/plan"
    assert c.get(f"{base}/goals").status_code == 200
    assert "New goal" not in c.get(f"{base}/goals").text
    token = csrf_of(c.get(f"{base}/spend").text)
    denied = c.post(f"{base}/goals", data={"csrf_token": token, "name": "x"})
    assert denied.status_code == 403


def test_the_api_creates_imports_and_reports_problems_by_row(app, client_as, world):
    api = api_client(app, client_as, Role.MARKETER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    created = api.post(
        f"{prefix}/campaigns",
        json={
            "name": "Spring Launch",
            "start": "2026-11-01",
            "end": "2026-11-30",
            "budget": 3000,
            "currency": "EUR",
            "channels": ["paid_social"],
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["utm_key"] == "spring-launch"
    ok = api.post(
        f"{prefix}/spend/imports",
        data={"preset": "meta_ads"},
        files={"file": ("meta.csv", (DATA / "meta_ads.csv").read_bytes(), "text/csv")},
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["added"] == 3 and ok.json()["unassigned"] == [
        "ReForest partnership"
    ]
    bad = api.post(
        f"{prefix}/spend/imports",
        data={"preset": "meta_ads"},
        files={"file": ("m.csv", b"Day,Amount spent (EUR)\nnope,1\n", "text/csv")},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {"row": 2, "field": "date", "message": bad.json()["errors"][0]["message"]}
    ]
    detail = api.get(f"{prefix}/campaigns/{created.json()['id']}").json()
    assert detail["report"]["kpis"]["cost"] == 85.0
    assert detail["report"]["kpis"]["roas"] == 350 / 85
    kpis = api.get(f"{prefix}/plan/kpis").json()
    assert kpis["cpa"]["when_zero"].startswith("'-'")
