"""Tracked links over HTTP: the redirect, QR codes, pages, API, permissions and tenancy."""

from __future__ import annotations

import re
import struct
from typing import Any

import pytest

from tandem.accounts import Role
from tandem.links import TrackedLink, create_link
from tandem.storage import Database
from tests.support.world import World
from tests.web.conftest import TestClient, csrf_of

BROWSER = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"


@pytest.fixture
def link(db: Database, world: World) -> TrackedLink:
    with db.session() as s:
        return create_link(
            s,
            workspace_id=world.acme.id,
            destination="https://acme.test/spring?ref=nav#top",
            campaign_key="spring-sale",
            platform="instagram",
            variant_id="variant-1",
            actor=world.users[Role.MARKETER],
            clock=world.clock,
        )


def api_headers(client: TestClient) -> dict[str, str]:
    page = client.get("/account", headers={"accept": "text/html"})
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token
    return {"x-csrf-token": token.group(1), "accept": "application/json"}


def post_json(client: TestClient, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json=body, headers=api_headers(client))


def detail(client: TestClient, world: World, link: TrackedLink) -> dict[str, Any]:
    response = client.get(f"/api/v1/workspaces/{world.acme.slug}/links/{link.id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


NEW_LINK = {
    "destination": "https://acme.test/launch?utm_source=old",
    "campaign_key": "Launch 2026",
    "platform": "twitter",
    "content": "Thread A",
}


# ---- the redirect -----------------------------------------------------------------------


def test_the_redirect_goes_to_the_exact_stored_url_and_ignores_the_query(client, link):
    response = client.get(
        f"/l/{link.code}?url=https://evil.test&next=//evil.test&utm_source=evil",
        headers={"user-agent": BROWSER},
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["location"] == link.destination
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_head_is_redirected_and_recorded_as_a_bot(client, client_as, world, link):
    response = client.head(f"/l/{link.code}", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == link.destination
    clicks = detail(client_as(Role.ANALYST), world, link)["clicks"]
    assert (clicks["total"], clicks["human"], clicks["bots"]) == (1, 0, 1)


def test_an_unknown_code_gets_a_friendly_not_found_page(client):
    response = client.get("/l/NoSuch99", follow_redirects=False)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "This short link does not exist" in response.text
    assert "location" not in response.headers
    assert "set-cookie" not in response.headers


def test_following_a_link_sets_no_cookie(client, link):
    response = client.get(f"/l/{link.code}", follow_redirects=False)
    assert response.status_code == 302
    assert "set-cookie" not in response.headers


def test_a_bot_is_redirected_recorded_and_not_counted(client, client_as, world, link):
    bot = client.get(
        f"/l/{link.code}", headers={"user-agent": SLACKBOT}, follow_redirects=False
    )
    person = client.get(
        f"/l/{link.code}",
        headers={"user-agent": BROWSER, "referer": "https://l.instagram.com/?u=x"},
        follow_redirects=False,
    )
    prefetch = client.get(
        f"/l/{link.code}",
        headers={"user-agent": BROWSER, "sec-purpose": "prefetch"},
        follow_redirects=False,
    )
    assert {bot.status_code, person.status_code, prefetch.status_code} == {302}
    analyst = client_as(Role.ANALYST)
    clicks = detail(analyst, world, link)["clicks"]
    assert (clicks["total"], clicks["human"], clicks["bots"]) == (3, 1, 2)
    assert [d["clicks"] for d in clicks["by_day"]][-1] == 1
    listed = analyst.get(f"/api/v1/workspaces/{world.acme.slug}/links").json()
    assert [row["clicks"] for row in listed["links"]] == [1]
    page = analyst.get(f"/w/{world.acme.slug}/links/{link.id}")
    assert "l.instagram.com" in page.text and "Slackbot" in page.text


# ---- QR codes ---------------------------------------------------------------------------


def test_qr_codes_are_served_as_svg_and_png_of_the_short_url(client_as, world, link):
    analyst = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/links/{link.id}"
    svg = analyst.get(f"{base}/qr.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"
    assert f"<title>http://tandem.test/l/{link.code}</title>" in svg.text
    png = analyst.get(f"{base}/qr.png?download=true")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"].startswith("attachment;")
    body = png.content
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    width, height = struct.unpack(">II", body[16:24])
    assert width == height > 0


# ---- API --------------------------------------------------------------------------------


def test_a_marketer_creates_a_link_through_the_api(client_as, world):
    marketer = client_as(Role.MARKETER)
    response = post_json(
        marketer, f"/api/v1/workspaces/{world.acme.slug}/links", NEW_LINK
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["short_url"] == f"http://tandem.test/l/{created['link']['code']}"
    assert created["link"]["destination"] == (
        "https://acme.test/launch?utm_source=x&utm_medium=social"
        "&utm_campaign=launch-2026&utm_content=thread-a"
    )
    assert created["clicks"] == 0


def test_the_preview_builds_the_url_without_saving(client_as, world):
    marketer = client_as(Role.MARKETER)
    base = f"/api/v1/workspaces/{world.acme.slug}/links"
    response = post_json(marketer, f"{base}/preview", NEW_LINK)
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["url"].endswith("utm_campaign=launch-2026&utm_content=thread-a")
    assert preview["channel"] == "Organic Social"
    assert marketer.get(base).json()["total"] == 0


def test_the_api_names_the_field_at_fault(client_as, world):
    marketer = client_as(Role.MARKETER)
    response = post_json(
        marketer,
        f"/api/v1/workspaces/{world.acme.slug}/links",
        {**NEW_LINK, "destination": "javascript:alert(1)"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "destination"
    bad_sort = marketer.get(
        f"/api/v1/workspaces/{world.acme.slug}/links", params={"sort": "password"}
    )
    assert bad_sort.status_code == 422 and bad_sort.json()["field"] == "sort"


# ---- pages ------------------------------------------------------------------------------


def test_the_form_previews_then_creates_a_link(client_as, world):
    marketer = client_as(Role.MARKETER)
    form_page = marketer.get(f"/w/{world.acme.slug}/links/new")
    assert form_page.status_code == 200
    data = {
        "destination": "https://acme.test/a",
        "campaign_key": "Spring",
        "platform": "bluesky",
        "content": "",
        "csrf_token": csrf_of(form_page.text),
    }
    preview = marketer.post(
        f"/w/{world.acme.slug}/links", data={**data, "intent": "preview"}
    )
    assert preview.status_code == 200
    assert (
        "https://acme.test/a?utm_source=bluesky&amp;utm_medium=social"
        "&amp;utm_campaign=spring" in preview.text
    )
    created = marketer.post(
        f"/w/{world.acme.slug}/links",
        data={**data, "intent": "create"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    page = marketer.get(created.headers["location"])
    assert "Link created" in page.text and "qr.svg" in page.text


def test_the_form_shows_which_field_is_wrong(client_as, world):
    marketer = client_as(Role.MARKETER)
    token = csrf_of(marketer.get(f"/w/{world.acme.slug}/links/new").text)
    response = marketer.post(
        f"/w/{world.acme.slug}/links",
        data={
            "destination": "javascript:alert(1)",
            "campaign_key": "c",
            "platform": "x",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert re.search(r'id="destination"[^>]*aria-invalid="true"', response.text)
    assert "javascript:alert(1)" in response.text  # kept, escaped, for correction


def test_the_links_page_filters_exports_and_has_a_json_twin(client_as, db, world, link):
    with db.session() as s:
        create_link(
            s,
            workspace_id=world.acme.id,
            destination="https://acme.test/autumn",
            campaign_key="autumn",
            platform="reddit",
            actor=None,
            clock=world.clock,
        )
    analyst = client_as(Role.ANALYST)
    url = f"/w/{world.acme.slug}/links"
    page = analyst.get(url, params={"campaign": "spring-sale"})
    assert page.status_code == 200
    assert f"/l/{link.code}" in page.text and "acme.test/autumn" not in page.text
    assert "New link" not in page.text  # analysts cannot create
    twin = analyst.get(url, params={"format": "json", "sort": "clicks"}).json()
    assert twin["listing"]["total"] == 2
    export = analyst.get(url, params={"export": "csv", "campaign": "autumn"})
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.text.strip().splitlines()
    assert lines[0].startswith("short_url,destination,campaign_key")
    assert len(lines) == 2 and "acme.test/autumn" in lines[1]


# ---- permissions and tenancy ------------------------------------------------------------


def test_an_approver_can_neither_create_nor_list_links(client_as, world):
    approver = client_as(Role.APPROVER)
    base = f"/api/v1/workspaces/{world.acme.slug}/links"
    assert post_json(approver, base, NEW_LINK).status_code == 403
    assert post_json(approver, f"{base}/preview", NEW_LINK).status_code == 403
    assert approver.get(base).status_code == 403
    assert approver.get(f"/w/{world.acme.slug}/links").status_code == 403


def test_an_analyst_can_view_but_not_create(client_as, world):
    analyst = client_as(Role.ANALYST)
    base = f"/api/v1/workspaces/{world.acme.slug}/links"
    assert analyst.get(base).status_code == 200
    assert post_json(analyst, base, NEW_LINK).status_code == 403
    assert analyst.get(f"/w/{world.acme.slug}/links/new").status_code == 403


def test_another_workspace_sees_none_of_the_links_or_their_qr_codes(
    client_as, world, link
):
    beta = client_as(world.outsider.email)
    own = f"/api/v1/workspaces/{world.beta.slug}/links"
    for url in (
        f"/api/v1/workspaces/{world.acme.slug}/links",
        f"/api/v1/workspaces/{world.acme.slug}/links/{link.id}",
        f"{own}/{link.id}",
        f"/w/{world.beta.slug}/links/{link.id}",
        f"/w/{world.beta.slug}/links/{link.id}/qr.svg",
        f"/w/{world.beta.slug}/links/{link.id}/qr.png",
        f"/w/{world.acme.slug}/links/{link.id}/qr.png",
    ):
        response = beta.get(url, headers={"accept": "application/json"})
        assert response.status_code == 404, url
        assert link.code not in response.text
    assert beta.get(own).json()["total"] == 0
    assert (
        post_json(
            beta, f"/api/v1/workspaces/{world.acme.slug}/links", NEW_LINK
        ).status_code
        == 404
    )
