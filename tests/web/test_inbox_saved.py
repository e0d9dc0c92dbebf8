"""Saved replies over HTTP: the page and its forms, the REST API with validation naming the
field, suggestions as JSON and as the item pane's partial, roles and tenancy."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from tandem.accounts import Role
from tandem.inbox.ingest import ingest_account
from tandem.inbox.queries import ItemQuery, find_items
from tandem.inbox.variables import first_name
from tandem.storage import Database
from tests.support.fake_conversations import FakeConversations
from tests.support.world import World
from tests.web.conftest import TestClient, form_post, make_settings


@pytest.fixture
def app(db: Database, world: World, tmp_path) -> FastAPI:
    from tandem.web import create_app

    # Lexical: web tests must not depend on (or wait for) the optional model.
    settings = make_settings(tmp_path, inbox_suggestions="lexical")
    return create_app(settings, database=db, clock=world.clock)


@pytest.fixture
def item_id(db: Database, world: World) -> str:
    fake = FakeConversations()
    fake.add("My parcel still hasn't arrived, where is my order?", author="jane")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    with db.session() as s:
        (item,) = find_items(s, world.acme.id, ItemQuery())
        return item.id


def _api(app, client_as, who: Role | str) -> TestClient:
    c = client_as(who)
    page = form_post(c, "/account", "/account/tokens", {"name": "api"})
    token = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    return TestClient(
        app, base_url="http://tandem.test", headers={"Authorization": f"Bearer {token}"}
    )


def _base(world: World) -> str:
    return f"/api/v1/workspaces/{world.acme.slug}/inbox"


def _page(world: World) -> str:
    return f"/w/{world.acme.slug}/inbox/replies"


ORDER = {
    "title": "Where is my order",
    "body": "Hi {first_name}, sorry for the wait: DM us your order number. {agent_name}",
    "intents": ["complaint"],
    "tags": ["parcel", "shipping"],
}


def test_api_crud_and_suggestions(app, client_as, world, item_id):
    api = _api(app, client_as, Role.SOCIAL_MANAGER)
    made = api.post(f"{_base(world)}/saved-replies", json=ORDER)
    assert made.status_code == 201, made.text
    saved_id = made.json()["id"]
    api.post(
        f"{_base(world)}/saved-replies",
        json={"title": "Store hours", "body": "We open at 9."},
    )
    listed = api.get(f"{_base(world)}/saved-replies").json()
    assert [r["title"] for r in listed] == ["Store hours", "Where is my order"]

    offer = api.get(f"{_base(world)}/items/{item_id}/suggestions").json()
    assert offer["method"] == "lexical"
    (top,) = offer["suggestions"]  # the store-hours reply shares no word
    assert top["id"] == saved_id and top["intent_match"] is True
    assert "parcel" in top["matched"]
    agent = first_name(Role.SOCIAL_MANAGER.label)
    assert top["text"] == (
        f"Hi Jane, sorry for the wait: DM us your order number. {agent}"
    )

    rendered = api.post(
        f"{_base(world)}/saved-replies/{saved_id}/render", json={"item_id": item_id}
    )
    assert rendered.status_code == 200
    assert rendered.json()["text"].startswith("Hi Jane, sorry for the wait")

    patched = api.patch(
        f"{_base(world)}/saved-replies/{saved_id}", json={"tags": ["tracking"]}
    )
    assert patched.json()["tags"] == ["tracking"]
    assert patched.json()["body"] == ORDER["body"]
    assert api.delete(f"{_base(world)}/saved-replies/{saved_id}").status_code == 204
    gone = api.get(f"{_base(world)}/saved-replies/{saved_id}")
    assert gone.status_code == 404


def test_api_validation_names_the_field(app, client_as, world, item_id):
    api = _api(app, client_as, Role.SOCIAL_MANAGER)
    base = _base(world)
    unknown = api.post(
        f"{base}/saved-replies", json={"title": "Promo", "body": "Use {coupon}"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "body"
    assert "{coupon} is not a variable" in unknown.json()["detail"]
    missing = api.post(f"{base}/saved-replies", json={"title": "No body"})
    assert missing.status_code == 422 and "body" in missing.json()["detail"]
    api.post(f"{base}/saved-replies", json=ORDER)
    clash = api.post(f"{base}/saved-replies", json=ORDER)
    assert clash.status_code == 409 and clash.json()["field"] == "title"

    made = api.post(
        f"{base}/saved-replies",
        json={"title": "Product", "body": "Your {product} is on its way."},
    ).json()
    unfilled = api.post(
        f"{base}/saved-replies/{made['id']}/render", json={"item_id": item_id}
    )
    assert unfilled.status_code == 422
    assert unfilled.json()["field"] == "values.product"
    assert "choose the product in product" in unfilled.json()["detail"]
    typed = api.post(
        f"{base}/saved-replies/{made['id']}/render",
        json={"item_id": item_id, "values": {"product": "Aero Tent"}},
    )
    assert typed.json() == {"text": "Your Aero Tent is on its way."}


def test_api_vocabulary(app, client_as, world, item_id):
    api = _api(app, client_as, Role.SOCIAL_MANAGER)
    base = _base(world)
    saved = api.put(
        f"{base}/reply-variables",
        json={
            "variables": [{"name": "store_hours", "default": "9-18"}],
            "products": [{"name": "Parcel Locker", "aliases": ["parcel"]}],
        },
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["variables"][0]["name"] == "store_hours"
    assert "first_name" in saved.json()["builtins"]
    made = api.post(
        f"{base}/saved-replies",
        json={"title": "Locker", "body": "{product} opens {store_hours}"},
    ).json()
    text = api.post(
        f"{base}/saved-replies/{made['id']}/render", json={"item_id": item_id}
    ).json()["text"]
    assert text == "Parcel Locker opens 9-18"  # the message says "parcel", an alias
    dropped = api.put(f"{base}/reply-variables", json={"variables": [], "products": []})
    assert (
        dropped.status_code == 409
        and "edit that reply first" in dropped.json()["detail"]
    )
    bad = api.put(
        f"{base}/reply-variables",
        json={"variables": [{"name": "brand"}], "products": []},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "variables"


def test_the_page_adds_edits_and_deletes_with_forms(client_as, world, item_id):
    social = client_as(Role.SOCIAL_MANAGER)
    data = {**ORDER, "tags": "parcel, shipping"}
    added = form_post(social, _page(world), _page(world), data)
    assert added.status_code == 303 and "notice=created" in added.headers["location"]
    page = social.get(_page(world) + "?notice=created")
    assert "Saved reply added." in page.text and "Where is my order" in page.text
    (saved_id,) = re.findall(r'/inbox/replies/([0-9a-f]{32})"', page.text)

    bad = form_post(
        social, _page(world), _page(world), {"title": "X", "body": "{nope}"}
    )
    assert bad.status_code == 422
    assert "{nope} is not a variable" in bad.text and 'aria-invalid="true"' in bad.text

    edit = f"{_page(world)}/{saved_id}"
    changed = form_post(
        social, edit, edit, {"title": "Order status", "body": "Hi {first_name}!"}
    )
    assert changed.status_code == 303
    assert "Order status" in social.get(_page(world)).text

    vocab = form_post(
        social,
        _page(world),
        f"/w/{world.acme.slug}/inbox/reply-variables",
        {
            "variables": "store_hours = 9-18\nticket =",
            "products": "Trail Runner 2, TR2",
        },
    )
    assert vocab.status_code == 303
    page = social.get(_page(world)).text
    assert "store_hours = 9-18" in page and "Trail Runner 2, TR2" in page

    deleted = form_post(social, _page(world), f"{edit}/delete", {})
    assert deleted.status_code == 303
    assert "Order status" not in social.get(_page(world)).text


def test_the_suggestions_partial_fills_the_reply_box_with_escaped_text(
    app, client_as, world, item_id
):
    api = _api(app, client_as, Role.SOCIAL_MANAGER)
    api.post(
        f"{_base(world)}/saved-replies",
        json={**ORDER, "body": 'Hi {first_name} <b>"quoted"</b>'},
    )
    api.post(
        f"{_base(world)}/saved-replies",
        json={"title": "Order product", "body": "Your {product} order"},
    )
    viewer = client_as(Role.ANALYST)  # reading the inbox is enough to see suggestions
    partial = viewer.get(f"/w/{world.acme.slug}/inbox/items/{item_id}/suggestions")
    assert partial.status_code == 200
    assert 'data-fill="Hi Jane &lt;b&gt;&#34;quoted&#34;&lt;/b&gt;"' in partial.text
    assert "data-saved-reply=" in partial.text
    assert "choose the product in product" in partial.text  # shown, not fillable
    assert partial.text.count("data-fill=") == 1


def test_roles_analysts_read_marketers_cannot_manage(app, client_as, world, item_id):
    analyst = client_as(Role.ANALYST)
    page = analyst.get(_page(world))
    assert page.status_code == 200 and "Add a saved reply" not in page.text
    marketer = _api(app, client_as, Role.MARKETER)
    refused = marketer.post(f"{_base(world)}/saved-replies", json=ORDER)
    assert refused.status_code == 403
    assert marketer.get(f"{_base(world)}/saved-replies").status_code == 200


def test_another_workspace_sees_none_of_it(app, client_as, world, item_id):
    owner = _api(app, client_as, Role.OWNER)
    saved_id = owner.post(f"{_base(world)}/saved-replies", json=ORDER).json()["id"]
    outsider = _api(app, client_as, world.outsider.email)
    theirs = f"/api/v1/workspaces/{world.beta.slug}/inbox"
    assert outsider.get(f"{theirs}/saved-replies").json() == []
    for method, url, body in (
        ("GET", f"{theirs}/saved-replies/{saved_id}", None),
        ("PATCH", f"{theirs}/saved-replies/{saved_id}", {"title": "Mine"}),
        ("DELETE", f"{theirs}/saved-replies/{saved_id}", None),
        ("POST", f"{theirs}/saved-replies/{saved_id}/render", {"item_id": item_id}),
        ("GET", f"{theirs}/items/{item_id}/suggestions", None),
        ("GET", f"{_base(world)}/saved-replies", None),
    ):
        response = outsider.request(method, url, json=body)
        assert response.status_code == 404, (method, url, response.status_code)
    assert owner.get(f"{_base(world)}/saved-replies/{saved_id}").status_code == 200
