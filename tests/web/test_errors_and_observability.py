"""Errors are friendly pages or problem details, never a stack trace; health, metrics, logs."""

from __future__ import annotations

import json
import logging
import sqlite3

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tandem.accounts import Role
from tandem.core.logs import JsonFormatter
from tandem.web import errors
from tests.web.conftest import form_post


def test_an_unknown_page_is_a_friendly_html_404(client_as):
    c = client_as(Role.OWNER)
    response = c.get("/no/such/page")
    assert response.status_code == 404
    assert (
        "There is no page at this address." in response.text
        and "<html" in response.text
    )


def test_api_errors_are_problem_details_naming_the_field(client_as, world):
    c = client_as(Role.OWNER)
    response = c.get(
        f"/api/v1/workspaces/{world.acme.slug}/posts", params={"limit": 10_000}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["errors"][0]["field"] == "limit" and "limit" in body["detail"]


def test_a_bad_date_names_the_parameter_and_the_format(client_as, world):
    c = client_as(Role.MARKETER)
    response = c.get(f"/w/{world.acme.slug}/measure", params={"since": "last tuesday"})
    assert response.status_code == 422
    assert "from must be a date like 2026-01-31" in response.text


def test_a_bad_time_zone_is_explained_and_nothing_changes(client_as, world):
    c = client_as(Role.OWNER)
    page = f"/w/{world.acme.slug}/settings"
    response = form_post(c, page, page, {"name": "Acme", "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "is not an IANA time zone" in response.text
    assert "Europe/Paris" in c.get(page).text


def test_garbage_in_forms_and_queries_never_causes_a_500(client_as, world):
    c = client_as(Role.OWNER)
    base = f"/w/{world.acme.slug}"
    probes = [
        c.get(
            f"{base}/publish",
            params={"sort": "'; drop table users", "page_number": "-3"},
        ),
        c.get(f"{base}/publish", params={"page_number": "abc"}),
        c.get(f"{base}/measure", params={"since": "2026-02-30", "compare": "bogus"}),
        c.get(f"{base}/settings/audit", params={"page_number": "0"}),
        form_post(
            c,
            f"{base}/settings/members",
            f"{base}/settings/members/invite",
            {"email": "x" * 400, "role": "god"},
        ),
        form_post(
            c,
            f"{base}/settings/members",
            f"{base}/settings/members/nobody/role",
            {"role": "owner"},
        ),
        c.post(
            "/api/v1/workspaces/acme/invitations",
            content=b"{not json",
            headers={"content-type": "application/json"},
        ),
    ]
    assert all(p.status_code < 500 for p in probes), [p.status_code for p in probes]


def test_health_reports_the_database(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"


def test_metrics_are_in_prometheus_format_with_route_labels(client_as, client, world):
    client_as(Role.OWNER).get(f"/w/{world.acme.slug}/publish")
    text = client.get("/metrics").text
    assert (
        'tandem_http_requests_total{method="GET",route="/w/{ws}/publish",status="200"}'
        in text
    )
    assert "tandem_users 7.0" in text and "tandem_workspaces 2.0" in text


def test_every_response_carries_a_request_id(client):
    assert len(client.get("/healthz").headers["x-request-id"]) >= 8
    assert (
        client.get("/healthz", headers={"x-request-id": "abc123"}).headers[
            "x-request-id"
        ]
        == "abc123"
    )


def test_log_lines_are_json_with_the_extra_fields():
    record = logging.LogRecord(
        "tandem.http", logging.INFO, __file__, 1, "request", None, None
    )
    record.status = 200
    line = json.loads(JsonFormatter().format(record))
    assert (
        line["message"] == "request"
        and line["status"] == 200
        and line["level"] == "info"
    )


def test_a_locked_sqlite_database_is_a_503_to_retry_not_a_500(tmp_path):
    """SQLite's 'database is locked' (another writer held the lock past busy_timeout) is
    transient: the answer says so and when to retry."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # holds the write lock for the whole request
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    app = FastAPI()
    errors.install(app)

    @app.post("/api/v1/write")
    def write() -> dict[str, str]:
        with impatient.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
        return {"ok": "yes"}

    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            response = c.post("/api/v1/write")
    finally:
        holder.rollback()
        holder.close()
        impatient.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(errors.BUSY_RETRY_AFTER_SECONDS)
    assert "Try again" in response.json()["detail"]
