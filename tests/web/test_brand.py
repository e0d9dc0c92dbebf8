"""The brand kit over HTTP: settings page, "try it" box, REST API, roles and tenancy."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest
from fastapi.routing import APIRoute

from tandem.accounts import Role, allows, store
from tandem.brand import BannedPhrase, BrandKit, get_brand_kit, save_brand_kit
from tandem.brand.notation import KitForm
from tandem.web.deps import declared_access
from tandem.web.routes import brand
from tests.web.conftest import TestClient, csrf_of

PAGE = "/w/{ws}/settings/brand"
API = "/api/v1/workspaces/{ws}/brand-kit"
SAVED = BrandKit(
    banned=(BannedPhrase("cheap", "affordable", "sounds low quality"),),
    brand_names=("Tandem",),
)


@pytest.fixture
def saved_kit(db, world):
    with db.session() as s:
        owner = store.member_in(s, world.users[Role.OWNER], world.acme)
        save_brand_kit(s, actor=owner, kit=SAVED, clock=world.clock)


def _page(world, slug=None):
    return PAGE.format(ws=slug or world.acme.slug)


def _api(world, slug=None):
    return API.format(ws=slug or world.acme.slug)


def _post_form(client, world, **fields):
    token = csrf_of(client.get(_page(world)).text)
    data = {"names_skip_handles": "on", **fields, "csrf_token": token}
    return client.post(_page(world), data=data, follow_redirects=False)


def _header_token(client):
    page = client.get("/account")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def _kit(db, world, workspace=None):
    with db.session() as s:
        return get_brand_kit(s, (workspace or world.acme).id)


def _audit_count(db, workspace_id):
    with db.session() as s:
        _, total = store.audit_entries(s, workspace_id, action="brand_kit.update")
    return total


def test_a_social_manager_saves_the_kit_with_the_form(client_as, db, world):
    client = client_as(Role.SOCIAL_MANAGER)
    response = _post_form(
        client,
        world,
        banned="cheap => affordable | sounds low quality\ngame changer | on: linkedin",
        brand_names="Tandem",
        disclosures="#ad\nAnzeige",
        disclosure_position="within",
        disclosure_within="125",
        emoji="limited",
        max_emoji="2",
        hashtag_groups="launch: #spring #neu",
    )
    assert response.status_code == 303
    assert response.headers["location"] == _page(world) + "?notice=saved"
    kit = _kit(db, world)
    assert [b.phrase for b in kit.banned] == ["cheap", "game changer"]
    assert kit.banned[1].platforms == ("linkedin",)
    assert kit.disclosures == ("#ad", "Anzeige") and kit.disclosure_within == 125
    assert _audit_count(db, world.acme.id) == 1
    page = client.get(_page(world) + "?notice=saved")
    assert "Brand kit saved." in page.text
    assert "cheap =&gt; affordable | sounds low quality" in page.text


def test_a_bad_line_shows_its_number_and_saves_nothing(client_as, db, world, saved_kit):
    client = client_as(Role.MARKETER)
    response = _post_form(
        client,
        world,
        banned="synergy\n\n => affordable\nleverage",
        brand_names="Tandem",
    )
    assert response.status_code == 422
    assert "Nothing was saved" in response.text
    assert "Banned words, line 3: the phrase cannot be empty." in response.text
    assert 'aria-invalid="true"' in response.text
    # What was typed stays in the box, so the fix is one edit away.
    assert "synergy\n\n =&gt; affordable\nleverage" in response.text
    assert _kit(db, world).banned == SAVED.banned
    assert _audit_count(db, world.acme.id) == 1


def test_an_analyst_reads_the_kit_but_gets_no_form(client_as, world, saved_kit):
    client = client_as(Role.ANALYST)
    response = client.get(_page(world))
    assert response.status_code == 200
    assert "cheap" in response.text and "affordable" in response.text
    assert f'action="{_page(world)}"' not in response.text
    assert "cannot change it" in response.text
    assert _post_form(client, world, banned="x").status_code == 403


def test_an_approver_can_neither_read_nor_save(client_as, world):
    client = client_as(Role.APPROVER)
    assert client.get(_page(world)).status_code == 403
    token = _header_token(client)
    response = client.post(
        _page(world), data={"banned": "x", "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403
    put = client.put(_api(world), json={}, headers={"x-csrf-token": token})
    assert put.status_code == 403


def test_the_page_has_a_json_twin(client_as, world, saved_kit):
    client = client_as(Role.ANALYST)
    data = client.get(_page(world), headers={"accept": "application/json"}).json()
    assert data["can_manage"] is False
    assert data["kit"]["banned"] == [
        {
            "phrase": "cheap",
            "replacement": "affordable",
            "reason": "sounds low quality",
            "platforms": [],
        }
    ]
    assert data["kit"]["updated_by"] == "owner@acme.test"
    assert client.get(_page(world) + "?format=json").json() == data


def test_try_it_answers_json_for_the_composer(client_as, world, saved_kit):
    client = client_as(Role.SOCIAL_MANAGER)
    response = client.post(
        _page(world) + "/check",
        json={"text": "So cheap, so tandem", "sponsored": True},
        headers={"accept": "application/json", "x-csrf-token": _header_token(client)},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["blocking"] is True
    assert [(p["code"], p["start"], p["end"]) for p in body["problems"]] == [
        ("brand.disclosure_missing", None, None),
        ("brand.banned_word", 3, 8),
        ("brand.capitalisation", 13, 19),
    ]
    assert body["problems"][2]["message"] == 'Write "Tandem", not "tandem".'


def test_try_it_answers_a_partial_for_htmx_and_a_page_without_script(
    client_as, world, saved_kit
):
    client = client_as(Role.ANALYST)
    token = csrf_of(client.get(_page(world)).text)
    form = {"text": "<b>cheap</b> deal", "platform": "", "csrf_token": token}
    partial = client.post(
        _page(world) + "/check", data=form, headers={"hx-request": "true"}
    )
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="brand-check-result"')
    assert (
        '<mark class="problem-error"' in partial.text
        and ">cheap</mark>" in partial.text
    )
    assert "&lt;b&gt;" in partial.text and "<b>" not in partial.text
    full = client.post(_page(world) + "/check", data=form)
    assert full.status_code == 200 and "<h1>Brand kit</h1>" in full.text
    assert 'data-code="brand.banned_word"' in full.text
    clean = client.post(
        _page(world) + "/check",
        data={"text": "Tandem is here", "csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert "No problems" in clean.text


def test_the_api_reads_replaces_and_checks_the_kit(client_as, db, world):
    client = client_as(Role.MARKETER)
    headers = {"x-csrf-token": _header_token(client)}
    assert client.get(_api(world)).json()["disclosures"] == ["#ad"]
    body = {
        "banned": [{"phrase": "cheap", "replacement": "affordable"}],
        "brand_names": ["Tandem"],
        "disclosure_position": "within",
        "emoji": "none",
    }
    saved = client.put(_api(world), json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["updated_by"] == "marketer@acme.test"
    assert _kit(db, world).emoji.value == "none"
    checked = client.post(
        _api(world) + "/check",
        json={"text": "cheap 🎉", "platform": "instagram"},
        headers=headers,
    ).json()
    assert [p["code"] for p in checked["problems"]] == [
        "brand.banned_word",
        "brand.emoji",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"banned": [{"phrase": "a"}, {"phrase": " "}]}, "banned[1].phrase"),
        ({"brand_names": ["Tandem", "tandem"]}, "brand_names[1]"),
        ({"max_emoji": 1000}, "max_emoji"),
        ({"banned_words": ["oops"]}, "banned_words"),
        ({"emoji": "lots"}, "emoji"),
        ({"banned": "cheap"}, "banned"),
    ],
)
def test_bad_api_input_is_a_clear_422_naming_the_field(
    client_as, db, world, body, field
):
    client = client_as(Role.OWNER)
    response = client.put(
        _api(world), json=body, headers={"x-csrf-token": _header_token(client)}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    fields = [problem.get("field")] + [e["field"] for e in problem.get("errors", [])]
    assert field in fields
    assert _kit(db, world) == BrandKit()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"text": 5}', "application/json"),
        (b'{"sponsored": true}', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"text=" + b"x" * 100_001, "application/x-www-form-urlencoded"),
    ],
)
def test_bad_check_input_never_gives_a_500(client_as, world, content, content_type):
    client = client_as(Role.ANALYST)
    headers = {
        "x-csrf-token": _header_token(client),
        "content-type": content_type,
        "accept": "application/json",
    }
    for url in (_page(world) + "/check", _api(world) + "/check"):
        response = client.post(url, content=content, headers=headers)
        assert 400 <= response.status_code < 500, (url, response.text)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_brand_routes_it_may(app, client_as, world, role):
    client = client_as(role)
    token = _header_token(client)
    routes = [r for r in brand.router.routes if isinstance(r, APIRoute)]
    assert len(routes) == 6
    for route in routes:
        (access,) = declared_access(route.dependant)
        method = sorted(route.methods - {"HEAD"})[0]
        url = route.path.replace("{ws}", world.acme.slug)
        response = client.request(
            method,
            url,
            json={"text": "hello"},
            headers={"accept": "application/json", "x-csrf-token": token},
            follow_redirects=False,
        )
        allowed = allows(role, access)
        assert (response.status_code == 403) is (not allowed), (route.path, method)
        assert response.status_code < 500


def test_another_workspace_can_neither_read_nor_change_the_kit(
    app, client_as, db, world, saved_kit
):
    outsider = client_as(world.outsider.email)
    token = _header_token(outsider)
    headers = {"x-csrf-token": token, "accept": "application/json"}
    calls = [
        ("GET", _page(world), None),
        ("POST", _page(world), None),
        ("POST", _page(world) + "/check", {"text": "cheap"}),
        ("GET", _api(world), None),
        ("PUT", _api(world), {"banned": []}),
        ("POST", _api(world) + "/check", {"text": "cheap"}),
    ]
    for method, url, body in calls:
        response = outsider.request(method, url, json=body, headers=headers)
        assert response.status_code == 404, (method, url)
        assert "affordable" not in response.text
    html = outsider.get(_page(world))
    assert html.status_code == 404 and "cheap" not in html.text
    assert _kit(db, world).banned == SAVED.banned
    # Beta's own kit is Beta's defaults, whatever Acme saved.
    own = outsider.get(_api(world, world.beta.slug)).json()
    assert own["banned"] == [] and own["updated_at"] is None


def test_the_posted_form_has_exactly_the_fields_of_the_notation():
    assert set(brand.KitFormIn.model_fields) == {f.name for f in fields(KitForm)}


def test_the_api_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"get", "put"} <= set(spec["paths"]["/api/v1/workspaces/{ws}/brand-kit"])
    assert "post" in spec["paths"]["/api/v1/workspaces/{ws}/brand-kit/check"]
    assert "/w/{ws}/settings/brand" not in spec["paths"]


def test_an_api_token_can_use_the_kit_without_csrf(app, client_as, world):
    owner = client_as(Role.OWNER)
    page = owner.post(
        "/account/tokens",
        data={"name": "ci", "csrf_token": csrf_of(owner.get("/account").text)},
    )
    secret = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    api = TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )
    with api:
        assert api.put(_api(world), json={"brand_names": ["Tandem"]}).status_code == 200
        checked = api.post(_api(world) + "/check", json={"text": "tandem"}).json()
    assert checked["problems"][0]["code"] == "brand.capitalisation"
