"""Dashboards over HTTP: each role gets its sections, numbers match the rows behind them,
filters are checked, and the marketer's ROAS links to the spend lines it comes from."""

from __future__ import annotations

import re
from pathlib import Path

from tandem.accounts import Role
from tests.web.conftest import csrf_of, form_post

DATA = Path(__file__).parents[1] / "data" / "spend"


def _plan_spring_launch(c, slug: str) -> str:
    base = f"/w/{slug}/plan"
    settings = form_post(
        c, base, f"{base}/settings", {"currency": "EUR", "pacing_threshold": "10"}
    )
    assert settings.status_code == 303, settings.text[:300]
    created = form_post(
        c,
        f"{base}/campaigns",
        f"{base}/campaigns",
        {
            "name": "Spring Launch",
            "start": "2026-11-01",
            "end": "2026-11-30",
            "budget": "3000",
            "currency": "EUR",
            "channels": "search_ads",
        },
    )
    assert created.status_code == 303
    campaign_id = created.headers["location"].split("?")[0].rsplit("/", 1)[1]
    token = csrf_of(c.get(f"{base}/spend").text)
    imported = c.post(
        f"{base}/spend/import",
        data={"csrf_token": token, "preset": "google_ads"},
        files={"file": ("g.csv", (DATA / "google_ads.csv").read_bytes(), "text/csv")},
    )
    assert imported.status_code == 200, imported.text[:300]
    return campaign_id


def test_the_social_manager_sees_engagement_rate_on_an_impressions_base(
    client_as, world
):
    c = client_as(Role.SOCIAL_MANAGER)
    data = c.get(f"/w/{world.acme.slug}/dashboard?format=json").json()
    assert data["view"] == "social"
    keys = [s["section"]["key"] for s in data["sections"]]
    assert keys == [
        "social_performance",
        "social_breakdown",
        "social_pillars",
        "best_time",
        "competitor_benchmark",
    ]
    figures = {f["key"]: f for f in data["sections"][0]["section"]["figures"]}
    # five seeded posts: impressions 1000..1040, engagements 26..30
    assert figures["impressions"]["value"] == 5100
    assert figures["engagements"]["value"] == 140
    assert figures["engagement_rate"]["text"] == "2.75%"
    assert "÷ impressions" in figures["engagement_rate"]["definition"]
    heat = data["sections"][3]["plots"][0]["figure"]["data"][0]
    assert heat["type"] == "heatmap"
    # posts went out at 09:00 UTC = 10:00 in Paris; hover says how many posts back a cell
    monday = heat["y"].index("Mon")
    assert (
        heat["text"][monday][10] == "2.60% over 1 post(s)"
    )  # 2 Nov 2026 is a Monday: 26 / 1000
    home = c.get(f"/w/{world.acme.slug}/").text
    assert (
        f'href="/w/{world.acme.slug}/dashboard?view=social" data-dashboard-link' in home
    )
    html = c.get(f"/w/{world.acme.slug}/dashboard").text
    assert 'data-plot id="plot-best-time-heatmap"' in html
    assert "Engagement rate by platform" in html


def test_the_marketer_sees_roas_and_drills_down_to_the_spend_lines(client_as, world):
    c = client_as(Role.MARKETER)
    slug = world.acme.slug
    campaign_id = _plan_spring_launch(c, slug)
    url = (
        f"/w/{slug}/dashboard?since=2026-11-01&until=2026-11-30&campaign={campaign_id}"
    )
    data = c.get(url + "&format=json").json()
    assert data["view"] == "marketing"
    roi = next(
        s["section"] for s in data["sections"] if s["section"]["key"] == "campaign_roi"
    )
    figures = {f["key"]: f for f in roi["figures"]}
    assert figures["roas"]["text"] == "2.95"  # 650.00 / 220.00
    assert figures["cost"]["value"] == 220.0
    table = roi["tables"][0]
    assert table["rows"][0][0] == "Spring Launch"
    assert table["links"][0] == f"/plan/spend?campaign={campaign_id}"
    page = c.get(url).text
    roas = re.search(
        r'data-figure="roas"><dt[^>]*>ROAS</dt><dd><a href="([^"]+)">2.95</a>', page
    )
    assert roas, page[:2000]
    spend = c.get(roas.group(1).replace("&amp;", "&")).text
    assert "Spring Launch - Search" in spend and "Brand Terms" not in spend
    everything = c.get(
        f"/w/{slug}/dashboard?since=2026-11-01&until=2026-11-30&format=json"
    ).json()
    mix = next(
        s["section"]
        for s in everything["sections"]
        if s["section"]["key"] == "channel_mix"
    )
    assert mix["tables"][0]["rows"][0][:2] == ["Search ads", 250.0]


def test_bad_filters_name_the_field_instead_of_failing(client_as, world):
    c = client_as(Role.MARKETER)
    slug = world.acme.slug
    for query, field in (
        ("campaign=nope", "campaign"),
        ("platform=myspace&view=social", "platform"),
        ("view=sales", "view"),
        ("since=yesterday", "from"),
    ):
        response = c.get(f"/w/{slug}/dashboard?{query}&format=json")
        assert response.status_code == 422, query
        assert field in response.text, (query, response.text)


def test_an_approver_has_no_dashboard_and_beta_sees_none_of_acme(client_as, world):
    assert (
        client_as(Role.APPROVER).get(f"/w/{world.acme.slug}/dashboard").status_code
        == 403
    )
    beta = (
        client_as("owner@beta.test")
        .get(f"/w/{world.beta.slug}/dashboard?view=social&format=json")
        .json()
    )
    assert beta["sections"][0]["section"]["figures"][0]["value"] == 3  # its own 3 posts
    assert client_as("owner@beta.test").get(
        f"/w/{world.acme.slug}/dashboard"
    ).status_code in (403, 404)


def test_the_marketer_sees_budget_guidance_that_follows_the_true_curves(
    client_as, world, db
):
    from datetime import date

    from tandem.accounts import store as accounts
    from tandem.sim.media_mix import (
        DEFAULT_CHANNELS,
        seed_spend_history,
        true_allocation,
    )

    with db.session() as s:
        me = accounts.member_in(s, world.users[Role.MARKETER], world.acme)
        seed_spend_history(s, actor=me, clock=world.clock, end=date(2026, 11, 1))
    c = client_as(Role.MARKETER)
    url = (
        f"/w/{world.acme.slug}/dashboard?since=2026-07-05&until=2026-11-01&format=json"
    )
    data = c.get(url).json()
    section = next(
        s for s in data["sections"] if s["section"]["key"] == "budget_guidance"
    )
    rows = {r[0]: r for r in section["section"]["tables"][0]["rows"]}
    current = {
        "search_ads": rows["Search ads"][1],
        "paid_social": rows["Paid social"][1],
        "display": rows["Display"][1],
    }
    truth = true_allocation(DEFAULT_CHANNELS, current)
    label = {
        "search_ads": "Search ads",
        "paid_social": "Paid social",
        "display": "Display",
    }
    for channel, now in current.items():
        assert (rows[label[channel]][2] > now) == (truth[channel] > now), channel
    assert "Moving spend from" in section["section"]["summary"]
    assert section["plots"][0]["figure"]["data"][1]["name"] == "Recommended"
