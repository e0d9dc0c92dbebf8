"""The collector, snippet, sites and conversions API over HTTP."""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tandem.accounts import Role
from tandem.measure import store
from tandem.measure.group_commit import GroupCommitter
from tests.web.conftest import api_client

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PAGE = {"origin": "https://shop.example.com", "user-agent": FIREFOX}


@pytest.fixture
def marketer(app, client_as) -> TestClient:
    return api_client(app, client_as, Role.MARKETER)


@pytest.fixture
def site(marketer, world) -> dict:
    response = marketer.post(
        f"/api/v1/workspaces/{world.acme.slug}/sites",
        json={"name": "Shop", "domains": ["https://Example.com/"]},
    )
    assert response.status_code == 201, response.text
    return response.json()


def _outbox(db):
    with db.session() as s:
        return [e for _, e in store.oldest(s, limit=100)]


def test_sites_get_a_key_and_a_snippet(site, marketer, world):
    assert site["site"]["domains"] == ["example.com"]
    assert site["site"]["privacy"] == "cookieless"
    assert site["snippet"] == (
        f'<script defer src="http://tandem.test/t.js" data-site="{site["site"]["key"]}">'
        "</script>"
    )
    listed = marketer.get(f"/api/v1/workspaces/{world.acme.slug}/sites").json()
    assert [s["site"]["key"] for s in listed] == [site["site"]["key"]]


def test_a_beacon_is_stored_before_the_answer(client, site, db):
    body = {
        "site": site["site"]["key"],
        "url": "https://shop.example.com/?utm_source=newsletter&utm_medium=email",
    }
    response = client.post(
        "/c",
        content=json.dumps(body),
        headers={**PAGE, "content-type": "text/plain;charset=UTF-8"},
    )
    assert response.status_code == 202, response.text
    assert response.json() == {"stored": 1, "filtered": 0, "duplicates": 0}
    assert response.headers["access-control-allow-origin"] == PAGE["origin"]
    assert "set-cookie" not in response.headers
    [event] = _outbox(db)
    assert event.channel == "Email"


def test_json_posts_have_a_preflight(client):
    response = client.options(
        "/c", headers={**PAGE, "access-control-request-method": "POST"}
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-methods"] == "POST"


def test_refusals_say_why(client, site, db):
    key = site["site"]["key"]
    url = "https://shop.example.com/"
    other = client.post(
        "/c",
        json={"site": key, "url": url},
        headers={**PAGE, "origin": "https://evil.test"},
    )
    assert other.status_code == 403 and "evil.test" in other.json()["detail"]
    unknown = client.post(
        "/c", json={"site": "ts_unknownkey1", "url": url}, headers=PAGE
    )
    assert unknown.status_code == 404
    invalid = client.post("/c", json={"site": key}, headers=PAGE)
    assert invalid.status_code == 422 and invalid.json()["field"] == "url"
    form = client.post("/c", data={"site": key}, headers=PAGE)
    assert form.status_code == 422 and form.json()["field"] == "content-type"
    huge = client.post(
        "/c",
        content=b"{" + b" " * 70_000 + b"}",
        headers={**PAGE, "content-type": "text/plain"},
    )
    assert huge.status_code == 422 and huge.json()["field"] == "body"
    assert _outbox(db) == []


def test_bots_get_a_2xx_and_nothing_is_stored(client, site, db):
    response = client.post(
        "/c",
        json={"site": site["site"]["key"], "url": "https://shop.example.com/"},
        headers={**PAGE, "user-agent": "Mozilla/5.0 HeadlessChrome/120.0"},
    )
    assert response.status_code == 202 and response.json()["filtered"] == 1
    assert _outbox(db) == []


def test_backpressure_answers_503_with_retry_after(app, client, site, db):
    app.state.tandem.settings.collect_max_backlog = 100
    body = {
        "site": site["site"]["key"],
        "events": [{"url": "https://shop.example.com/"}] * 100,
    }
    assert client.post("/c", json=body, headers=PAGE).status_code == 202
    response = client.post("/c", json=body, headers=PAGE)
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert len(_outbox(db)) == 100


def test_the_snippet_is_served_as_javascript(client):
    response = client.get("/t.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "sendBeacon" in response.text


def test_the_conversion_api_is_idempotent_by_order(marketer, world, db):
    url = f"/api/v1/workspaces/{world.acme.slug}/conversions"
    order = {"order_id": "W-1", "value": 30, "currency": "usd", "contact": "c-42"}
    first = marketer.post(url, json=order)
    assert first.status_code == 201, first.text
    assert first.json()["conversion"]["currency"] == "USD"
    again = marketer.post(url, json=order)
    assert again.status_code == 200 and again.json()["created"] is False
    changed = marketer.post(url, json={**order, "value": 31})
    assert changed.status_code == 409 and changed.json()["field"] == "order_id"
    assert len(_outbox(db)) == 1


def test_an_analyst_cannot_record_conversions(app, client_as, world):
    analyst = api_client(app, client_as, Role.ANALYST)
    response = analyst.post(
        f"/api/v1/workspaces/{world.acme.slug}/conversions", json={"order_id": "X"}
    )
    assert response.status_code == 403


def test_csv_import_reports_rows_and_is_all_or_nothing(marketer, world, db):
    url = f"/api/v1/workspaces/{world.acme.slug}/conversions/import"
    csv = "order_id,occurred_at,value,currency\nA-1,2026-11-01,5,EUR\nA-2,yesterday,5,EUR\n"
    refused = marketer.post(url, content=csv, headers={"content-type": "text/csv"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "row": 2,
            "field": "occurred_at",
            "message": refused.json()["errors"][0]["message"],
        }
    ]
    assert "yesterday" in refused.json()["errors"][0]["message"]
    assert _outbox(db) == []
    partial = marketer.post(
        url + "?partial=true", files={"file": ("orders.csv", csv, "text/csv")}
    )
    assert partial.status_code == 200
    assert partial.json()["imported"] == 1 and partial.json()["stored"] is True
    assert len(_outbox(db)) == 1


def test_concurrent_beacons_are_each_stored_once_and_answered_after_the_commit(
    app, site, db
):
    key = site["site"]["key"]

    async def send_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://tandem.test"
        ) as c:
            return await asyncio.gather(
                *(
                    c.post(
                        "/c",
                        content=json.dumps(
                            {"site": key, "url": f"https://shop.example.com/{i}"}
                        ),
                        headers={**PAGE, "content-type": "text/plain"},
                    )
                    for i in range(60)
                )
            )

    responses = asyncio.run(send_all())
    assert [r.status_code for r in responses] == [202] * 60
    assert all(r.headers["x-request-id"] for r in responses)
    urls = sorted(e.url for e in _outbox(db))
    assert urls == sorted(f"https://shop.example.com/{i}" for i in range(60))
    app.state.tandem.collector.close()


def test_a_batch_that_cannot_be_stored_answers_503_and_keeps_nothing(
    app, client, site, db, world
):
    class Broken:
        @contextmanager
        def session(self) -> Iterator[Session]:
            with db.session() as s:
                yield s
                raise OperationalError("COMMIT", {}, Exception("database is locked"))

    app.state.tandem.collector = GroupCommitter(Broken(), clock=world.clock)
    body = {"site": site["site"]["key"], "url": "https://shop.example.com/"}
    response = client.post("/c", json=body, headers=PAGE)
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "nothing of them was kept" in response.json()["detail"]
    assert response.headers["access-control-allow-origin"] == PAGE["origin"]
    assert _outbox(db) == []
    app.state.tandem.collector.close()


def test_beacons_are_counted_in_the_metrics(client, site):
    body = {"site": site["site"]["key"], "url": "https://shop.example.com/"}
    assert client.post("/c", json=body, headers=PAGE).status_code == 202
    text = client.get("/metrics").text
    assert 'tandem_http_requests_total{method="POST",route="/c",status="202"}' in text
