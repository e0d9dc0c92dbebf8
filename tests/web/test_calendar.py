"""The calendar over HTTP: views, drag and keyboard moves, permissions, tenancy, ICS feeds, API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tandem.accounts import Role
from tandem.accounts.store import AuditRow
from tandem.compose.model import BriefStatus
from tandem.compose.store import VariantRow
from tandem.storage import Database
from tests.integration.test_calendar import plan
from tests.support.world import T0, World
from tests.web.conftest import TestClient, csrf_of, form_post

META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
SOON = T0 + timedelta(days=3)  # Thursday 5 November 2026, 10:00 in Paris


@pytest.fixture
def planned(db: Database, world: World) -> str:
    with db.session() as s:
        return plan(s, world, SOON, status=BriefStatus.APPROVED)


def calendar_url(world: World, query: str = "") -> str:
    return f"/w/{world.acme.slug}/calendar{query}"


def post_json(client: TestClient, world: World, path: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    token = META_CSRF.search(client.get(calendar_url(world)).text)
    assert token, "the calendar page has no CSRF meta tag"
    return client.post(
        path,
        json=body,
        headers={"x-csrf-token": token.group(1), "accept": "application/json"},
    )


def scheduled_at(db: Database, variant_id: str) -> datetime | None:
    with db.session() as s:
        return s.get(VariantRow, variant_id).scheduled_at  # type: ignore[union-attr]


def test_the_month_view_shows_planned_and_published_posts_and_names_the_zone(
    client_as, world, planned
):
    page = client_as(Role.SOCIAL_MANAGER).get(calendar_url(world))
    assert page.status_code == 200
    html = page.text
    assert "November 2026" in html and "Europe/Paris" in html
    assert f'id="item-{planned}" draggable="true" data-variant-id="{planned}"' in html
    assert f'href="/w/{world.acme.slug}/create/bSpringlaunch"' in html
    assert "10:00" in html and "@acme" in html and "Approved" in html
    assert (
        'href="https://sandbox.test/acme/0"' in html
    )  # a published post links to its URL
    assert (
        'data-date="2026-10-26"' in html and 'data-date="2026-12-06"' in html
    )  # Monday to Sunday weeks
    assert "/static/calendar.js" in html
    assert "one day later" in html  # the keyboard alternative


def test_the_week_view_places_items_in_their_hour(client_as, world, planned):
    html = (
        client_as(Role.SOCIAL_MANAGER)
        .get(calendar_url(world, "?view=week&date=2026-11-05"))
        .text
    )
    assert "Week of 02 Nov 2026" in html
    slot = re.search(r'data-date="2026-11-05" data-hour="10">(.*?)</div>', html, re.S)
    assert slot and f'id="item-{planned}"' in slot.group(1)
    assert 'data-date="2026-11-05" data-hour="9">' in html


def test_navigation_keeps_the_filters(client_as, world, planned):
    html = (
        client_as(Role.SOCIAL_MANAGER)
        .get(calendar_url(world, "?date=2026-11-05&campaign=spring"))
        .text
    )
    assert (
        f'href="/w/{world.acme.slug}/calendar?view=month&amp;date=2026-10-01&amp;campaign=spring"'
        in html
    )
    assert (
        f'href="/w/{world.acme.slug}/calendar?view=month&amp;date=2026-12-01&amp;campaign=spring"'
        in html
    )
    assert "sandbox.test/acme/0" not in html  # published posts belong to no campaign


def test_the_page_has_a_json_twin(client_as, world, planned):
    data = (
        client_as(Role.ANALYST)
        .get(calendar_url(world, "?view=week&date=2026-11-05&format=json"))
        .json()
    )
    assert (
        data["calendar"]["view"] == "week"
        and data["calendar"]["zone"] == "Europe/Paris"
    )
    items = [i for d in data["calendar"]["weeks"][0] for i in d["items"]]
    assert {i["kind"] for i in items} == {"planned", "published"}
    mine = next(i for i in items if i["id"] == planned)
    assert datetime.fromisoformat(mine["at"]) == SOON
    assert mine["local"] == "2026-11-05T10:00:00+01:00"


def test_bad_parameters_are_explained(client_as, world):
    c = client_as(Role.SOCIAL_MANAGER)
    assert c.get(calendar_url(world, "?view=year")).status_code == 422
    assert c.get(calendar_url(world, "?status=sent")).status_code == 422
    assert (
        c.get(calendar_url(world, f"?account={world.beta_account_id}")).status_code
        == 404
    )


def test_dragging_moves_the_variant_and_writes_an_audit_entry(
    client_as, world, db, planned
):
    c = client_as(Role.SOCIAL_MANAGER)
    response = post_json(
        c,
        world,
        calendar_url(world, "/reschedule"),
        {"variant_id": planned, "date": "2026-11-12"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["local"] == "2026-11-12T10:00:00+01:00"
    assert scheduled_at(db, planned) == datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    week = post_json(
        c,
        world,
        calendar_url(world, "/reschedule"),
        {"variant_id": planned, "date": "2026-11-13", "time": "15:00"},
    )
    assert week.status_code == 200
    assert scheduled_at(db, planned) == datetime(2026, 11, 13, 14, 0, tzinfo=UTC)
    with db.session() as s:
        entries = s.scalars(
            select(AuditRow).where(AuditRow.action == "variant.reschedule")
        ).all()
    assert len(entries) == 2 and entries[0].entity_id == planned
    assert entries[0].actor_id == world.users[Role.SOCIAL_MANAGER].id


def test_dragging_a_published_post_or_into_the_past_is_refused(
    client_as, world, db, planned
):
    c = client_as(Role.SOCIAL_MANAGER)
    url = calendar_url(world, "/reschedule")
    assert (
        post_json(
            c, world, url, {"variant_id": world.acme_post_id, "date": "2026-11-12"}
        ).status_code
        == 404
    )
    past = post_json(c, world, url, {"variant_id": planned, "date": "2026-11-01"})
    assert past.status_code == 422 and "already passed" in past.json()["detail"]
    assert scheduled_at(db, planned) == SOON


def test_reschedule_needs_the_csrf_header(client_as, world, planned):
    response = client_as(Role.SOCIAL_MANAGER).post(
        calendar_url(world, "/reschedule"),
        json={"variant_id": planned, "date": "2026-11-12"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 403


def test_the_keyboard_buttons_move_a_post_by_one_day(client_as, world, db, planned):
    c = client_as(Role.SOCIAL_MANAGER)
    page = calendar_url(world, "?view=week&date=2026-11-05")
    response = form_post(
        c,
        page,
        calendar_url(world, "/shift"),
        {"variant_id": planned, "days": "1", "view": "week", "date": "2026-11-05"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == calendar_url(
        world, f"?view=week&date=2026-11-06#item-{planned}"
    )
    assert scheduled_at(db, planned) == SOON + timedelta(days=1)
    refused = form_post(
        c, page, calendar_url(world, "/shift"), {"variant_id": planned, "days": "-7"}
    )
    assert refused.status_code == 422 and "one day" in refused.text


def test_a_read_only_member_sees_the_calendar_but_cannot_move_posts(
    client_as, world, planned
):
    c = client_as(Role.ANALYST)
    html = c.get(calendar_url(world)).text
    assert f'id="item-{planned}"' in html
    assert (
        'draggable="true"' not in html
        and 'data-variant-id="' not in html
        and "/calendar/shift" not in html
    )
    assert (
        post_json(
            c,
            world,
            calendar_url(world, "/reschedule"),
            {"variant_id": planned, "date": "2026-11-12"},
        ).status_code
        == 403
    )
    assert c.get(calendar_url(world, "/feeds")).status_code == 403


def test_an_approver_only_sees_the_review_queue(client_as, world, planned):
    c = client_as(Role.APPROVER)
    assert c.get(calendar_url(world)).status_code == 403
    assert c.get(f"/api/v1/workspaces/{world.acme.slug}/calendar").status_code == 403
    token = csrf_of(c.get("/account").text)
    response = c.post(
        calendar_url(world, "/reschedule"),
        json={"variant_id": planned, "date": "2026-11-12"},
        headers={"x-csrf-token": token, "accept": "application/json"},
    )
    assert response.status_code == 403


def test_another_workspace_cannot_see_or_move_acme_s_posts(
    client_as, world, db, planned
):
    beta = client_as(world.outsider.email)
    assert beta.get(calendar_url(world)).status_code == 404
    assert beta.get(f"/api/v1/workspaces/{world.acme.slug}/calendar").status_code == 404
    own = META_CSRF.search(beta.get(f"/w/{world.beta.slug}/calendar").text)
    assert own
    response = beta.post(
        f"/w/{world.beta.slug}/calendar/reschedule",
        json={"variant_id": planned, "date": "2026-11-12"},
        headers={"x-csrf-token": own.group(1), "accept": "application/json"},
    )
    assert response.status_code == 404
    assert (
        "Spring launch"
        not in beta.get(f"/w/{world.beta.slug}/calendar?date=2026-11-05").text
    )
    assert scheduled_at(db, planned) == SOON


def create_feed(client: TestClient, world: World) -> str:
    page = form_post(
        client,
        calendar_url(world, "/feeds"),
        calendar_url(world, "/feeds"),
        {"name": "Google"},
    )
    assert page.status_code == 201, page.text  # type: ignore[attr-defined]
    found = re.search(
        r"data-new-feed>http://tandem\.test(/calendar/tcal_[^<]+\.ics)<", page.text
    )  # type: ignore[attr-defined]
    assert found, "the new feed's address is shown once"
    return found.group(1)


def test_a_feed_lists_events_and_stops_when_revoked(app, client_as, world, planned):
    c = client_as(Role.SOCIAL_MANAGER)
    path = create_feed(c, world)
    anonymous = TestClient(app, base_url="http://tandem.test")
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert f"UID:variant-{planned}@tandem\r\n" in response.text
    assert (
        "DTSTART:20261105T090000Z\r\n" in response.text
        and "STATUS:CONFIRMED" in response.text
    )
    listing = c.get(calendar_url(world, "/feeds")).text
    assert (
        "Google" in listing and path.split("/")[-1] not in listing
    )  # the secret is never shown again
    feed_id = re.search(r'/calendar/feeds/([0-9a-f]{32})/revoke"', listing)
    assert feed_id
    revoked = form_post(
        c,
        calendar_url(world, "/feeds"),
        calendar_url(world, f"/feeds/{feed_id.group(1)}/revoke"),
        {},
    )
    assert revoked.status_code == 303  # type: ignore[attr-defined]
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/calendar/tcal_unknown.ics").status_code == 404
    anonymous.close()


def test_another_workspace_cannot_revoke_a_feed(client_as, world):
    path = create_feed(client_as(Role.SOCIAL_MANAGER), world)
    beta = client_as(world.outsider.email)
    listing = client_as(Role.OWNER).get(calendar_url(world, "/feeds")).text
    feed_id = re.search(r'/calendar/feeds/([0-9a-f]{32})/revoke"', listing).group(1)  # type: ignore[union-attr]
    beta_feeds = f"/w/{world.beta.slug}/calendar/feeds"
    assert (
        form_post(beta, beta_feeds, f"{beta_feeds}/{feed_id}/revoke", {}).status_code
        == 404
    )  # type: ignore[attr-defined]
    assert beta.get(path).status_code == 200  # still working for Acme


def test_the_rest_api_lists_items_with_utc_and_local_times(client_as, world, planned):
    c = client_as(Role.MARKETER)
    url = f"/api/v1/workspaces/{world.acme.slug}/calendar"
    data = c.get(url, params={"since": "2026-11-01", "until": "2026-11-07"}).json()
    assert data["zone"] == "Europe/Paris" and data["since"] == "2026-11-01"
    planned_items = [i for i in data["items"] if i["kind"] == "planned"]
    assert planned_items == [
        {
            "kind": "planned",
            "id": planned,
            "brief_id": "bSpringlaunch",
            "account_id": world.acme_account_id,
            "handle": "acme",
            "platform": "sandbox",
            "title": "Spring launch",
            "text": "We launch today",
            "status": "approved",
            "campaign": "spring",
            "at": "2026-11-05T09:00:00Z",
            "local": "2026-11-05T10:00:00+01:00",
            "url": "",
            "revised_at": "2026-11-02T09:00:00Z",
        }
    ]
    assert {i["kind"] for i in data["items"]} == {"planned", "published"}
    only = c.get(
        url,
        params={"since": "2026-10-01", "until": "2026-11-30", "status": "published"},
    ).json()
    assert len(only["items"]) == 5 and {i["status"] for i in only["items"]} == {
        "published"
    }
    assert (
        c.get(url, params={"since": "2026-11-07", "until": "2026-11-01"}).status_code
        == 422
    )
