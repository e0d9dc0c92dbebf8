"""Reports over the REST API: CRUD, render to PDF and CSV, send now through SMTP, branding,
permissions and tenancy."""

from __future__ import annotations

import base64
import io
import zipfile

import pypdfium2 as pdfium
from fastapi import FastAPI

from tandem.accounts import Role
from tandem.jobs.runtime import Worker, run_pending
from tandem.storage import Database
from tests.integration.test_reports import PNG_1PX
from tests.web.conftest import api_client, make_settings

BODY = {
    "title": "Client monthly",
    "sections": ["social_performance", "campaign_roi"],
    "period_days": 30,
    "schedule": "monthly",
    "recipients": ["client@acme.test"],
}


def test_a_manager_defines_renders_and_sends_a_report(
    app: FastAPI, client_as, world, db: Database, tmp_path, smtp_server
):
    api = api_client(app, client_as, Role.MARKETER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    created = api.post(f"{prefix}/reports", json=BODY)
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["next_send_at"].startswith("2026-12-01T07:00")  # 1 Dec, 08:00 Paris
    assert [r["id"] for r in api.get(f"{prefix}/reports").json()["reports"]] == [
        report["id"]
    ]
    branded = api.put(
        f"{prefix}/report-branding",
        json={
            "agency_name": "Northwind",
            "primary_colour": "#B91C1C",
            "accent_colour": "#0e7490",
            "logo_base64": base64.b64encode(PNG_1PX).decode(),
        },
    )
    assert branded.json() == {
        "agency_name": "Northwind",
        "primary_colour": "#b91c1c",
        "accent_colour": "#0e7490",
        "has_logo": True,
    }
    pdf = api.get(
        f"{prefix}/reports/{report['id']}/render?format=pdf&since=2026-10-01&until=2026-11-01"
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert (
        'filename="client-monthly-2026-10-01-2026-11-01.pdf"'
        in pdf.headers["content-disposition"]
    )
    text = pdfium.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
    assert (
        "Client monthly" in text
        and "Campaign ROI"
        in pdfium.PdfDocument(pdf.content)[1].get_textpage().get_text_range() + text
    )
    csv = api.get(f"{prefix}/reports/{report['id']}/render?format=csv")
    assert (
        "campaign_roi-campaigns.csv"
        in zipfile.ZipFile(io.BytesIO(csv.content)).namelist()
    )
    sent = api.post(f"{prefix}/reports/{report['id']}/send")
    assert sent.status_code == 202 and sent.json()["recipients"] == 1
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
    )
    run_pending(
        Worker(database=db, settings=settings, clock=world.clock, publish=False)
    )
    message = smtp_server.inbox.wait_for(1)[0]
    assert message["To"] == "client@acme.test" and "Northwind" in message["Subject"]
    assert {p.get_content_type() for p in message.walk() if p.get_filename()} == {
        "application/pdf",
        "application/zip",
    }
    assert (
        api.get(f"{prefix}/reports/{report['id']}").json()["last_sent_at"] is not None
    )
    assert api.delete(f"{prefix}/reports/{report['id']}").status_code == 204
    assert api.get(f"{prefix}/reports/{report['id']}").status_code == 404


def test_bad_input_is_a_422_naming_the_field(app: FastAPI, client_as, world):
    api = api_client(app, client_as, Role.MARKETER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    for body, field in (
        ({**BODY, "schedule": "daily"}, "schedule"),
        ({**BODY, "sections": []}, "sections"),
        ({**BODY, "recipients": ["nobody"]}, "recipients"),
    ):
        response = api.post(f"{prefix}/reports", json=body)
        assert response.status_code == 422 and field in response.text, (
            field,
            response.text,
        )
    report = api.post(
        f"{prefix}/reports", json={**BODY, "schedule": "none", "recipients": []}
    ).json()
    assert api.post(f"{prefix}/reports/{report['id']}/send").status_code == 422
    assert (
        api.get(f"{prefix}/reports/{report['id']}/render?format=docx").status_code
        == 422
    )
    assert (
        api.get(f"{prefix}/reports/{report['id']}/render?since=soon").status_code == 422
    )
    assert (
        api.put(f"{prefix}/report-branding", json={"primary_colour": "red"}).status_code
        == 422
    )


def test_an_analyst_reads_but_cannot_manage_and_beta_cannot_see_acme(
    app: FastAPI, client_as, world
):
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    manager = api_client(app, client_as, Role.MARKETER)
    report = manager.post(f"{prefix}/reports", json=BODY).json()
    analyst = api_client(app, client_as, Role.ANALYST)
    assert analyst.get(f"{prefix}/reports").status_code == 200
    assert analyst.post(f"{prefix}/reports", json=BODY).status_code == 403
    assert analyst.post(f"{prefix}/reports/{report['id']}/send").status_code == 403
    outsider = api_client(app, client_as, "owner@beta.test")
    assert outsider.get(f"{prefix}/reports").status_code in (403, 404)
    beta = f"/api/v1/workspaces/{world.beta.slug}"
    assert outsider.get(f"{beta}/reports/{report['id']}").status_code == 404
