"""The webhooks settings page and API: add (secret shown once), validate naming the field,
send a test event to a real server, disable, delete; admins only; workspaces stay apart."""

from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI

from tandem.accounts import Role
from tandem.jobs import Worker, run_pending
from tandem.notify.webhooks import WebhookEndpointRow
from tandem.storage import Database
from tests.support.fake_publisher import FakePublisher
from tests.support.webhook_receiver import webhook_receiver
from tests.support.world import World
from tests.web.conftest import TestClient, form_post, make_settings

SECRET = re.compile(r"data-webhook-secret>(whsec_[A-Za-z0-9+/=]+)<")


@pytest.fixture
def app(db: Database, world: World, tmp_path) -> FastAPI:
    from tandem.web import create_app

    settings = make_settings(tmp_path, webhooks_allow_private=True)
    return create_app(settings, database=db, clock=world.clock)


def _api(app, client_as, who: Role | str) -> TestClient:
    c = client_as(who)
    page = form_post(c, "/account", "/account/tokens", {"name": "api"})
    token = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    return TestClient(
        app, base_url="http://tandem.test", headers={"Authorization": f"Bearer {token}"}
    )


def _page(world: World) -> str:
    return f"/w/{world.acme.slug}/settings/webhooks"


def _add(client, world, url, events=("publication.failed",), description=""):
    data = {"url": url, "description": description}
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get(_page(world)).text
    )
    return client.post(
        _page(world),
        data={**data, "event_types": list(events), "csrf_token": token.group(1)},
        follow_redirects=False,
    )


def _worker(app, db, world) -> Worker:
    fake = FakePublisher()
    return Worker(
        database=db,
        settings=app.state.tandem.settings,
        clock=world.clock,
        publishers=lambda _p: fake,
        publish=False,
    )


def test_an_owner_adds_an_endpoint_and_sees_its_secret_only_once(client_as, world):
    owner = client_as(Role.OWNER)
    empty = owner.get(_page(world))
    assert empty.status_code == 200 and "No webhooks yet" in empty.text
    assert f'href="{_page(world)}"' in empty.text, "a tab in the settings"
    created = _add(owner, world, "https://example.com/hooks/tandem", description="CRM")
    assert created.status_code == 200
    secret = SECRET.search(created.text).group(1)
    assert "https://example.com/hooks/tandem" in created.text
    again = owner.get(_page(world)).text
    assert secret not in again and "data-webhook-secret" not in again
    assert "https://example.com/hooks/tandem" in again and "CRM" in again
    as_json = owner.get(_page(world), headers={"accept": "application/json"}).json()
    assert secret not in json.dumps(as_json)
    assert as_json["endpoints"][0]["endpoint"]["event_types"] == ["publication.failed"]


def test_a_bad_url_is_refused_naming_the_field(client_as, world):
    owner = client_as(Role.OWNER)
    response = _add(owner, world, "ftp://example.com/x")
    assert response.status_code == 422
    assert "must start with https://" in response.text
    assert re.search(
        r'name="url"[^>]*value="ftp://example.com/x"[^>]*aria-invalid', response.text
    )
    none = _add(owner, world, "https://example.com/h", events=())
    assert none.status_code == 422 and "Choose at least one event type" in none.text


def test_send_test_event_reaches_the_receiver_and_the_page_shows_the_answer(
    app, client_as, db, world
):
    owner = client_as(Role.OWNER)
    with webhook_receiver() as receiver:
        receiver.answer_next(500)
        _add(owner, world, receiver.url)
        endpoint_id = owner.get(
            _page(world), headers={"accept": "application/json"}
        ).json()["endpoints"][0]["endpoint"]["id"]
        sent = form_post(owner, _page(world), f"{_page(world)}/{endpoint_id}/test", {})
        assert (
            sent.status_code == 303 and "notice=test-sent" in sent.headers["location"]
        )
        run_pending(_worker(app, db, world))
        page = owner.get(_page(world)).text
        assert "webhook.test" in page and "HTTP 500: boom" in page
        assert 'status-pending">pending' in page
        world.clock.advance(minutes=1)
        run_pending(_worker(app, db, world))
    assert [json.loads(r.body)["type"] for r in receiver.received] == [
        "webhook.test"
    ] * 2
    assert 'status-delivered">delivered' in owner.get(_page(world)).text


def test_disable_enable_and_delete_from_the_page(client_as, db, world):
    owner = client_as(Role.OWNER)
    _add(owner, world, "https://example.com/h")
    with db.session() as s:
        endpoint_id = s.query(WebhookEndpointRow.id).scalar()
    base = f"{_page(world)}/{endpoint_id}"
    assert form_post(owner, _page(world), f"{base}/disable", {}).status_code == 303
    page = owner.get(_page(world)).text
    assert "Disabled by a member of the workspace." in page and ">Enable<" in page
    refused = form_post(owner, _page(world), f"{base}/test", {})
    assert refused.status_code == 409
    assert form_post(owner, _page(world), f"{base}/enable", {}).status_code == 303
    assert "Send test event" in owner.get(_page(world)).text
    assert form_post(owner, _page(world), f"{base}/delete", {}).status_code == 303
    assert "No webhooks yet" in owner.get(_page(world)).text
    audit = owner.get(f"/w/{world.acme.slug}/settings/audit").text
    assert "webhook.create" in audit and "webhook.delete" in audit


@pytest.mark.parametrize("role", [Role.SOCIAL_MANAGER, Role.MARKETER, Role.ANALYST])
def test_only_people_who_manage_the_workspace_see_webhooks(client_as, world, role):
    client = client_as(role)
    assert client.get(_page(world)).status_code == 403
    assert "/settings/webhooks" not in client.get(f"/w/{world.acme.slug}/settings").text


def test_the_api_creates_lists_reads_changes_and_deletes(app, client_as, world):
    api = _api(app, client_as, Role.ADMIN)
    base = f"/api/v1/workspaces/{world.acme.slug}/webhooks"
    created = api.post(
        base,
        json={"url": "https://example.com/h", "event_types": ["publication.published"]},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    endpoint_id = body["endpoint"]["id"]
    listed = api.get(base).json()
    assert [e["id"] for e in listed] == [endpoint_id]
    assert "secret" not in json.dumps(listed)
    one = api.get(f"{base}/{endpoint_id}").json()
    assert one["endpoint"]["url"] == "https://example.com/h" and one["deliveries"] == []
    changed = api.patch(
        f"{base}/{endpoint_id}",
        json={
            "event_types": ["publication.failed", "publication.published"],
            "enabled": False,
        },
    ).json()
    assert changed["event_types"] == ["publication.failed", "publication.published"]
    assert changed["enabled"] is False
    assert api.post(f"{base}/{endpoint_id}/test").status_code == 409
    api.patch(f"{base}/{endpoint_id}", json={"enabled": True})
    queued = api.post(f"{base}/{endpoint_id}/test")
    assert queued.status_code == 202 and len(queued.json()["delivery_ids"]) == 1
    deliveries = api.get(f"{base}/{endpoint_id}/deliveries").json()
    assert [d["event_type"] for d in deliveries] == ["webhook.test"]
    assert deliveries[0]["status"] == "pending"
    assert api.delete(f"{base}/{endpoint_id}").status_code == 204
    assert api.get(f"{base}/{endpoint_id}").status_code == 404


def test_api_validation_errors_name_the_field(app, client_as, world):
    api = _api(app, client_as, Role.OWNER)
    base = f"/api/v1/workspaces/{world.acme.slug}/webhooks"
    bad_url = api.post(
        base, json={"url": "not a url", "event_types": ["publication.failed"]}
    )
    assert bad_url.status_code == 422 and bad_url.json()["field"] == "url"
    bad_type = api.post(base, json={"url": "https://e.com/h", "event_types": ["nope"]})
    assert bad_type.status_code == 422 and bad_type.json()["field"] == "event_types"
    assert "publication.failed" in bad_type.json()["detail"]
    missing = api.post(base, json={"url": "https://e.com/h"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "event_types"


def test_another_workspace_can_neither_see_nor_touch_an_endpoint(app, client_as, world):
    acme = _api(app, client_as, Role.OWNER)
    beta = _api(app, client_as, "owner@beta.test")
    created = acme.post(
        f"/api/v1/workspaces/{world.acme.slug}/webhooks",
        json={"url": "https://example.com/h", "event_types": ["publication.failed"]},
    ).json()
    endpoint_id = created["endpoint"]["id"]
    assert beta.get(f"/api/v1/workspaces/{world.acme.slug}/webhooks").status_code == 404
    own = f"/api/v1/workspaces/{world.beta.slug}/webhooks"
    assert beta.get(own).json() == []
    for method, path in [
        ("get", f"{own}/{endpoint_id}"),
        ("get", f"{own}/{endpoint_id}/deliveries"),
        ("patch", f"{own}/{endpoint_id}"),
        ("post", f"{own}/{endpoint_id}/test"),
        ("delete", f"{own}/{endpoint_id}"),
    ]:
        response = beta.request(
            method, path, json={"enabled": False} if method == "patch" else None
        )
        assert response.status_code == 404, (method, path, response.status_code)
    still = acme.get(
        f"/api/v1/workspaces/{world.acme.slug}/webhooks/{endpoint_id}"
    ).json()
    assert still["endpoint"]["enabled"] is True
