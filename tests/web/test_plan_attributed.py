"""Campaign KPIs with the results source selectable: the ad platform's conversions or a
Measure model's, on the campaign page, the campaign list and the REST API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tandem.accounts import Role
from tandem.storage.warehouse import EventType, Warehouse, WarehouseEvent
from tests.web.conftest import api_client, csrf_of, form_post, make_settings

DATA = Path(__file__).parents[1] / "data" / "spend"
DAY = timedelta(days=1)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the world's today is 2 November


def _events(ws: str) -> list[WarehouseEvent]:
    def ev(n, kind, at, visitor, **kw):
        return WarehouseEvent(f"e{n}", ws, kind, at, at, visitor_id=visitor, **kw)

    pv, conv = EventType.PAGEVIEW, EventType.CONVERSION
    ad = {"channel": "Paid Search", "source": "google", "medium": "cpc",
          "campaign": "spring-launch"}  # fmt: skip
    return [
        ev(1, pv, T0 - DAY, "v1", **ad),
        ev(2, conv, T0, "v1", value=300.0, currency="EUR"),
        ev(3, pv, T0 - 2 * DAY, "v2", channel="Email", source="news", medium="email"),
        ev(4, pv, T0 - DAY, "v2", **ad),
        ev(5, conv, T0, "v2", value=140.0, currency="EUR"),
        ev(
            6,
            pv,
            T0 - DAY,
            "v3",
            channel="Organic Social",
            source="instagram",
            medium="social",
        ),  # fmt: skip
        ev(7, conv, T0, "v3", value=100.0, currency="EUR"),
    ]


def _roas(html: str) -> str:
    found = re.search(r'data-kpi="roas"><dt>.*?<dd>([^<]+)</dd>', html, re.S)
    assert found
    return found.group(1).strip()


def test_the_campaign_page_switches_between_platform_and_measure_results(
    app, client_as, world, tmp_path: Path
):
    c = client_as(Role.MARKETER)
    api = api_client(app, client_as, Role.MARKETER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    base = f"/w/{world.acme.slug}/plan"
    saved = api.put(
        f"{prefix}/plan/settings",
        json={"currency": "USD", "rates": {}, "pacing_threshold": 0.1},
    )
    assert saved.status_code == 200, saved.text
    created = form_post(
        c,
        f"{base}/campaigns",
        f"{base}/campaigns",
        {"name": "Spring Launch", "utm_key": "", "start": "2026-11-01",
         "end": "2026-11-30", "budget": "3000", "currency": "EUR",
         "channels": "search_ads"},
    )  # fmt: skip
    campaign_url = created.headers["location"].split("?")[0]
    token = csrf_of(c.get(f"{base}/spend").text)
    c.post(
        f"{base}/spend/import",
        data={"csrf_token": token, "preset": "google_ads", "campaign_id": "",
              "currency": ""},
        files={"file": ("g.csv", (DATA / "google_ads.csv").read_bytes(), "text/csv")},
    )  # fmt: skip
    # No Measure data yet: the default model falls back to the platform's, and says so.
    page = c.get(campaign_url)
    assert _roas(page.text) == "2.95"  # 650.00 / 220.00, as Google Ads reported
    assert 'data-results-source="platform"' in page.text
    assert "Measure recorded no conversions" in page.text
    with Warehouse(make_settings(tmp_path).warehouse_path) as warehouse:
        warehouse.append(_events(world.acme.id))
    page = c.get(campaign_url)  # default: last non-direct click
    # Conversion values are in EUR; without a EUR rate into USD they are left out, said so.
    assert _roas(page.text) == "0.00" and "No exchange rate for EUR" in page.text
    api.put(
        f"{prefix}/plan/settings",
        json={"currency": "EUR", "rates": {}, "pacing_threshold": 0.1},
    )
    page = c.get(campaign_url)
    assert 'data-results-source="last_non_direct"' in page.text
    assert _roas(page.text) == "2.00"  # (300 + 140) / 220
    assert "Measure recorded no conversions" not in page.text
    linear = c.get(campaign_url, params={"results": "linear"})
    assert _roas(linear.text) == "1.68"  # (300 + 140 / 2) / 220
    assert "Linear (Measure)" in linear.text
    platform = c.get(campaign_url, params={"results": "platform"})
    assert _roas(platform.text) == "2.95"
    assert "reported by the ad platform" in platform.text
    listing = c.get(f"{base}/campaigns", params={"results": "last_touch"})
    assert 'data-results-source="last_touch"' in listing.text
    bad = c.get(campaign_url, params={"results": "shapely"})
    assert bad.status_code == 422 and "results must be one of" in bad.text

    cid = campaign_url.rsplit("/", 1)[1]
    data = api.get(f"{prefix}/campaigns/{cid}", params={"results": "linear"}).json()
    assert data["outcome"]["attributed"]["model"] == "linear"
    assert data["report"]["kpis"]["revenue"] == 370.0
    assert data["report"]["kpis"]["conversions"] == 1.5
    rows = api.get(f"{prefix}/campaigns", params={"results": "markov"}).json()
    assert rows[0]["outcome"]["attributed"]["model"] == "markov"
    overview = api.get(f"{prefix}/plan", params={"results": "first_touch"}).json()
    assert overview["outcome"]["attributed"]["conversions"] == 3
    assert sum(r["kpis"]["conversions"] for r in overview["by_channel"]) == 3.0
    wrong = api.get(f"{prefix}/campaigns/{cid}", params={"results": "best"})
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "results"

    # The marketer dashboard's sections take the same source (and the report builder's filter).
    span = {"since": "2026-11-01", "until": "2026-11-02", "compare": "none"}
    roi = api.get(
        f"{prefix}/sections/campaign_roi", params={**span, "results": "linear"}
    ).json()
    figures = {f["key"]: f["value"] for f in roi["figures"]}
    assert figures["revenue"] == 370.0 and figures["cost"] == 250.0
    assert figures["roas"] == 370.0 / 250.0
    assert "Linear (Measure)" in roi["summary"]
    assert "1.5 of the 3 conversions Measure recorded" in roi["summary"]
    mix = api.get(
        f"{prefix}/sections/channel_mix", params={**span, "results": "last_touch"}
    ).json()
    (channels,) = mix["tables"]
    by = {row[0]: row for row in channels["rows"]}
    assert by["Search ads"][3] == 2.0 and by["Organic social"][3] == 1.0
    assert by["Organic social"][1] == 0.0  # credited without spend: ROAS "-"
    assert by["Organic social"][5] == "-"
    platform = api.get(
        f"{prefix}/sections/campaign_roi", params={**span, "results": "platform"}
    ).json()
    assert "reported by the ad platform" in platform["summary"]
    bad = api.get(f"{prefix}/sections/channel_mix", params={"results": "mmm"})
    assert bad.status_code == 422 and bad.json()["field"] == "results"
    page = c.get(f"/w/{world.acme.slug}/dashboard", params={**span, "view": "marketing",
                                                           "results": "markov"})  # fmt: skip
    assert page.status_code == 200 and "Markov chain (Measure)" in page.text
