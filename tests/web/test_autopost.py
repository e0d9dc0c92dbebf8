"""Create > Feeds over HTTP: pages and API, validation errors naming the field, tenancy, and
"check now" against a real feed server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI

from tandem.accounts import Role
from tandem.storage import Database
from tests.support.feeds import FeedServer, rss, serve_feed
from tests.support.world import T0, World
from tests.web.conftest import csrf_of, make_settings


@pytest.fixture
def app(db: Database, world: World, tmp_path: Path) -> FastAPI:
    """The app with feeds on 127.0.0.1 allowed (the test feed server lives there)."""
    from tandem.web import create_app

    settings = make_settings(tmp_path, feeds_allow_private=True)
    return create_app(settings, database=db, clock=world.clock)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with serve_feed() as server:
        server.body = rss()
        yield server


def api(world: World, path: str = "") -> str:
    return f"/api/v1/workspaces/{world.acme.slug}/feeds{path}"


def body(world: World, url: str, **extra: object) -> dict[str, object]:
    return {"url": url, "account_ids": [world.acme_account_id], **extra}


def csrf_headers(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/account", headers={"accept": "text/html"}).text)
    return {"x-csrf-token": token}


def test_the_api_creates_lists_changes_polls_and_deletes_a_feed(
    client_as, world, feed_server
):
    owner = client_as(Role.OWNER)
    headers = csrf_headers(owner)
    created = owner.post(api(world), json=body(world, feed_server.url), headers=headers)
    assert created.status_code == 201, created.text
    feed = created.json()
    assert feed["mode"] == "draft" and feed["name"] == "127.0.0.1"
    listed = owner.get(api(world)).json()["feeds"]
    assert [f["id"] for f in listed] == [feed["id"]]

    polled = owner.post(api(world, f"/{feed['id']}/poll"), headers=headers)
    assert polled.status_code == 200 and polled.json()["error"] == ""
    world.clock.advance(hours=1)
    feed_server.body = rss(
        {
            "guid": "n1",
            "title": "Fresh",
            "link": "https://blog.acme.test/fresh",
            "pubDate": (T0 + timedelta(minutes=30)).strftime(
                "%a, %d %b %Y %H:%M:%S GMT"
            ),
        }
    )
    polled = owner.post(api(world, f"/{feed['id']}/poll"), headers=headers).json()
    assert len(polled["created"]) == 1
    detail = owner.get(api(world, f"/{feed['id']}")).json()
    assert [i["status"] for i in detail["items"]] == ["drafted"]
    (brief_id,) = detail["items"][0]["brief_ids"]
    brief = owner.get(f"/api/v1/workspaces/{world.acme.slug}/briefs/{brief_id}")
    assert brief.status_code == 200 and brief.json()["brief"]["title"] == "Fresh"

    changed = owner.put(
        api(world, f"/{feed['id']}"),
        json=body(world, feed_server.url, name="Blog", interval_minutes=60),
        headers=headers,
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Blog"
    assert (
        owner.delete(api(world, f"/{feed['id']}"), headers=headers).status_code == 204
    )
    assert owner.get(api(world, f"/{feed['id']}")).status_code == 404


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"url": "ftp://example.com/feed"}, "url"),
        ({"account_ids": []}, "account_ids"),
        ({"account_ids": ["0" * 32]}, "account_ids"),
        ({"template": "Hello {nope}"}, "template"),
        ({"template": "Always the same words"}, "template"),
        ({"mode": "sometimes"}, "mode"),
        ({"interval_minutes": 1}, "interval_minutes"),
    ],
)
def test_the_api_names_the_field_in_error(client_as, world, extra, field):
    owner = client_as(Role.OWNER)
    response = owner.post(
        api(world),
        json={**body(world, "https://blog.acme.test/feed.xml"), **extra},
        headers=csrf_headers(owner),
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_a_second_feed_with_the_same_url_is_refused(client_as, world):
    owner = client_as(Role.OWNER)
    headers = csrf_headers(owner)
    data = body(world, "https://blog.acme.test/feed.xml")
    assert owner.post(api(world), json=data, headers=headers).status_code == 201
    again = owner.post(api(world), json=data, headers=headers)
    assert again.status_code == 409 and again.json()["field"] == "url"


def test_queue_mode_needs_a_role_that_may_approve(client_as, world):
    social = client_as(Role.SOCIAL_MANAGER)
    response = social.post(
        api(world),
        json=body(world, "https://blog.acme.test/feed.xml", mode="queue"),
        headers=csrf_headers(social),
    )
    assert response.status_code == 403 and response.json()["field"] == "mode"


def test_another_workspace_cannot_see_or_touch_the_feed(client_as, world):
    owner = client_as(Role.OWNER)
    feed = owner.post(
        api(world),
        json=body(world, "https://blog.acme.test/feed.xml"),
        headers=csrf_headers(owner),
    ).json()
    outsider = client_as(world.outsider.email)
    beta = f"/api/v1/workspaces/{world.beta.slug}/feeds"
    assert outsider.get(beta).json()["feeds"] == []
    assert outsider.get(f"{beta}/{feed['id']}").status_code == 404
    headers = csrf_headers(outsider)
    assert outsider.delete(f"{beta}/{feed['id']}", headers=headers).status_code == 404
    assert (
        outsider.post(f"{beta}/{feed['id']}/poll", headers=headers).status_code == 404
    )
    assert (
        outsider.get(f"/w/{world.beta.slug}/create/feeds/{feed['id']}").status_code
        == 404
    )
    # nor can Beta watch a feed for Acme's account
    taken = outsider.post(
        beta,
        json={"url": "https://b.test/feed", "account_ids": [world.acme_account_id]},
        headers=headers,
    )
    assert taken.status_code == 422 and taken.json()["field"] == "account_ids"


def test_the_pages_add_show_check_and_stop_a_feed(client_as, world, feed_server):
    owner = client_as(Role.OWNER)
    ws = world.acme.slug
    form = owner.get(f"/w/{ws}/create/feeds/new")
    assert form.status_code == 200 and "Watch a feed" in form.text
    response = owner.post(
        f"/w/{ws}/create/feeds",
        data={
            "url": feed_server.url,
            "name": "Acme <blog>",
            "account_ids": world.acme_account_id,
            "template": "{title} {link}",
            "mode": "draft",
            "interval_minutes": "30",
            "only_new": "on",
            "active": "on",
            "csrf_token": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page_url = response.headers["location"]
    listing = owner.get(f"/w/{ws}/create/feeds")
    assert "Acme &lt;blog&gt;" in listing.text  # escaped
    page = owner.get(page_url)
    checked = owner.post(
        page_url + "/poll",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert checked.headers["location"].endswith("notice=polled-0")
    feed_server.body = b"not a feed at all"
    feed_server.content_type = "text/plain"
    owner.post(page_url + "/poll", data={"csrf_token": csrf_of(page.text)})
    shown = owner.get(page_url).text
    assert "The last check failed (1 in a row)" in shown
    assert "did not answer with an RSS or Atom feed" in shown
    stopped = owner.post(
        page_url + "/delete",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert stopped.status_code == 303
    assert owner.get(page_url).status_code == 404


def test_the_form_shows_the_error_next_to_the_field(client_as, world):
    owner = client_as(Role.OWNER)
    ws = world.acme.slug
    form = owner.get(f"/w/{ws}/create/feeds/new")
    response = owner.post(
        f"/w/{ws}/create/feeds",
        data={
            "url": "https://blog.acme.test/feed.xml",
            "account_ids": world.acme_account_id,
            "template": "{title}",
            "mode": "draft",
            "interval_minutes": "often",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert response.status_code == 422
    assert (
        "<strong>interval_minutes</strong>: interval_minutes must be a whole number."
        in response.text
    )
    assert 'name="interval_minutes" value="often" aria-invalid="true"' in response.text
    assert (
        'value="https://blog.acme.test/feed.xml"' in response.text
    )  # what was typed stays


def test_roles_without_content_edit_see_feeds_but_cannot_add(client_as, world):
    analyst = client_as(Role.ANALYST)
    ws = world.acme.slug
    assert analyst.get(f"/w/{ws}/create/feeds").status_code == 200
    assert "Watch a feed" not in analyst.get(f"/w/{ws}/create/feeds").text
    assert analyst.get(f"/w/{ws}/create/feeds/new").status_code == 403
