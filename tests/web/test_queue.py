"""Queue pages and the queue API over HTTP: slots, add to queue, best times, recurring and
evergreen posts; validation errors name the field; other workspaces see nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tandem.accounts import Role
from tests.support.queues import approved_variant, post_at
from tests.support.world import T0
from tests.web.conftest import TestClient, csrf_of, form_post


def _api(app, client_as, who):
    c = client_as(who)
    page = form_post(c, "/account", "/account/tokens", {"name": "api"})
    secret = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    return TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def api(app, client_as):
    return _api(app, client_as, Role.OWNER)


@pytest.fixture
def base(world):
    return f"/api/v1/workspaces/{world.acme.slug}"


WEEKDAYS_0900 = [{"weekday": d, "time": "09:00"} for d in ("mon", "tue", "wed")]


def put_slots(api, base, world, slots=WEEKDAYS_0900, **extra):
    return api.put(
        f"{base}/accounts/{world.acme_account_id}/queue", json={"slots": slots, **extra}
    )


def test_the_queue_page_saves_slots_from_the_form(client_as, world):
    c = client_as(Role.SOCIAL_MANAGER)
    page = f"/w/{world.acme.slug}/publish/queue/{world.acme_account_id}"
    response = form_post(
        c,
        page,
        f"{page}/slots",
        {"mon": "09:00, 12:30", "fri": "17:15", "timezone": ""},
    )
    assert response.status_code == 303
    html = c.get(page).text
    assert "Slots saved." in c.get(response.headers["location"]).text
    assert 'value="09:00, 12:30"' in html and 'value="17:15"' in html
    data = c.get(page, headers={"accept": "application/json"}).json()
    assert data["settings"]["slots"] == [
        ["mon", "09:00"],
        ["mon", "12:30"],
        ["fri", "17:15"],
    ]
    assert data["free"][0] == "2026-11-02T12:30"  # T0 is Monday 10:00 in Paris


def test_a_bad_slot_in_the_form_is_refused_naming_the_day(client_as, world):
    c = client_as(Role.OWNER)
    page = f"/w/{world.acme.slug}/publish/queue/{world.acme_account_id}"
    response = form_post(c, page, f"{page}/slots", {"tue": "9am"})
    assert response.status_code == 422
    assert "9am" in response.text and "HH:MM" in response.text


def test_an_analyst_sees_the_queue_but_no_forms(client_as, world):
    html = (
        client_as(Role.ANALYST)
        .get(f"/w/{world.acme.slug}/publish/queue/{world.acme_account_id}")
        .text
    )
    assert "Best time to post" in html
    assert "Save slots" not in html and "Add to queue" not in html


def test_add_to_queue_from_the_page_says_when(client_as, db, world):
    c = client_as(Role.SOCIAL_MANAGER)
    page = f"/w/{world.acme.slug}/publish/queue/{world.acme_account_id}"
    form_post(c, page, f"{page}/slots", {"tue": "09:00"})
    variant_id = approved_variant(db, world, text="Ready to go")
    html = c.get(page).text
    assert "Ready to go" in html
    response = c.post(
        f"/w/{world.acme.slug}/publish/variants/{variant_id}/add-to-queue",
        data={"csrf_token": csrf_of(html)},
        headers={"referer": f"http://tandem.test{page}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    landed = c.get(response.headers["location"]).text
    assert "Queued for 2026-11-03 09:00 (Europe/Paris)." in landed


def test_the_api_adds_a_post_to_the_queue_and_returns_the_local_time(
    api, base, db, world
):
    assert put_slots(api, base, world).status_code == 200
    post_at(db, world, T0 + timedelta(days=1, hours=-1), "Taken Tuesday 09:00")
    publication_id = post_at(db, world, T0 + timedelta(days=30), "Queue me")
    response = api.post(f"{base}/publications/{publication_id}/add-to-queue")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["local_time"], body["timezone"]) == (
        "2026-11-04T09:00",
        "Europe/Paris",
    )
    assert body["publication"]["due_at"].startswith("2026-11-04T08:00")
    queue = api.get(f"{base}/accounts/{world.acme_account_id}/queue").json()
    assert queue["next_free"][0] == "2026-11-09T09:00"
    assert len(queue["upcoming"]) == 2


def test_api_validation_errors_name_the_field(api, base, world):
    bad_time = put_slots(api, base, world, [{"weekday": "tue", "time": "25:00"}])
    assert bad_time.status_code == 422 and bad_time.json()["field"] == "slots.tue"
    bad_day = put_slots(api, base, world, [{"weekday": "someday", "time": "09:00"}])
    assert bad_day.status_code == 422 and "slots" in bad_day.json()["detail"]
    bad_zone = put_slots(api, base, world, timezone="Nowhere/Land")
    assert bad_zone.json()["field"] == "timezone"
    gap = put_slots(api, base, world, evergreen_gap_days=0)
    assert gap.json()["field"] == "evergreen_gap_days"
    no_slots = api.post(f"{base}/publications/{'0' * 32}/add-to-queue")
    assert no_slots.status_code == 404


def test_best_times_say_when_there_is_not_enough_data(api, base, world):
    response = api.get(f"{base}/accounts/{world.acme_account_id}/best-times")
    body = response.json()
    assert body["enough_data"] is False and body["posts"] == 4
    assert body["summary"].startswith("Not enough data yet")
    refused = api.post(f"{base}/accounts/{world.acme_account_id}/best-times/apply")
    assert refused.status_code == 409 and refused.json()["field"] == "slots"


def test_recurring_posts_over_the_api(api, base, world):
    created = api.post(
        f"{base}/recurring",
        json={
            "account_id": world.acme_account_id,
            "parts": ["Tip of the week"],
            "start_local": "2026-11-04T09:00",
            "frequency": "weekly",
            "weekdays": ["mon", "wed"],
        },
    )
    assert created.status_code == 201, created.text
    series_id = created.json()["id"]
    detail = api.get(f"{base}/recurring/{series_id}").json()
    assert [o["occurrence_date"] for o in detail["occurrences"]] == [
        "2026-11-04",
        "2026-11-09",
        "2026-11-11",
        "2026-11-16",
    ]
    page = api.get(f"/w/{world.acme.slug}/publish/queue/{world.acme_account_id}").text
    assert "every week on Mon, Wed at 09:00 (Europe/Paris)" in page
    patched = api.patch(f"{base}/recurring/{series_id}", json={"parts": ["Better tip"]})
    assert patched.status_code == 200 and patched.json()["parts"] == ["Better tip"]
    stopped = api.post(f"{base}/recurring/{series_id}/stop")
    assert stopped.json()["state"] == "stopped"
    states = {
        o["state"]
        for o in api.get(f"{base}/recurring/{series_id}").json()["occurrences"]
    }
    assert states == {"cancelled"}


def test_recurring_validation_errors_name_the_field(api, base, world):
    body = {
        "account_id": world.acme_account_id,
        "parts": ["x"],
        "start_local": "2026-11-04T09:00",
        "frequency": "daily",
    }
    weekdays = api.post(f"{base}/recurring", json={**body, "weekdays": ["mon"]})
    assert weekdays.status_code == 422 and weekdays.json()["field"] == "weekdays"
    start = api.post(f"{base}/recurring", json={**body, "start_local": "tomorrow"})
    assert start.json()["field"] == "start_local"
    nothing = api.post(f"{base}/recurring", json={"frequency": "daily"})
    assert nothing.json()["field"] == "account_id"


def test_evergreen_over_the_api(api, base, db, world):
    publication_id = post_at(db, world, T0 - timedelta(days=40), "Timeless advice")
    marked = api.post(f"{base}/evergreen", json={"publication_id": publication_id})
    assert marked.status_code == 201, marked.text
    listed = api.get(f"{base}/evergreen").json()
    assert [i["parts"] for i in listed] == [["Timeless advice"]]
    page = api.get(f"/w/{world.acme.slug}/publish/queue/{world.acme_account_id}").text
    assert "Timeless advice" in page and "Stop recycling" in page
    assert api.delete(f"{base}/evergreen/{listed[0]['id']}").status_code == 204
    assert api.get(f"{base}/evergreen").json() == []


def test_another_workspace_sees_none_of_the_queue(app, client_as, api, base, db, world):
    put_slots(api, base, world)
    publication_id = post_at(db, world, T0 + timedelta(days=3), "Acme only")
    outsider = _api(app, client_as, world.outsider.email)
    theirs = f"/api/v1/workspaces/{world.beta.slug}"
    assert (
        outsider.get(f"{theirs}/accounts/{world.acme_account_id}/queue").status_code
        == 404
    )
    assert (
        outsider.get(
            f"{theirs}/accounts/{world.acme_account_id}/best-times"
        ).status_code
        == 404
    )
    assert (
        outsider.post(
            f"{theirs}/publications/{publication_id}/add-to-queue"
        ).status_code
        == 404
    )
    assert (
        outsider.post(
            f"{theirs}/evergreen", json={"publication_id": publication_id}
        ).status_code
        == 404
    )
    assert outsider.get(f"{theirs}/recurring").json() == []
    assert (
        outsider.get(f"{base}/accounts/{world.acme_account_id}/queue").status_code
        == 404
    )
