"""Create: compose a brief, see tailored variants with counts, edit, review, approve, schedule."""

from __future__ import annotations

import re

import pytest

from tandem.accounts import Role, store
from tandem.compose.store import variant_rows
from tandem.jobs import Worker, run_pending
from tandem.web import create_app
from tests.support.world import PERSONAS
from tests.web.conftest import TestClient, csrf_of, form_post, make_settings, sign_in

LONG = (
    "Our Trail Bottle is back in three new colours, made from 80% recycled steel. "
    "It keeps drinks cold for 24 hours, hot for 12, and fits every bike cage we tried. "
    "Order this week and we plant a tree for every bottle, with our partners at ReForest. "
    "Tell us where you will take yours! #TrailBottle #Outdoors #Gear"
)


def _create(client, world, text=LONG, **extra):
    page = f"/w/{world.acme.slug}/create/new"
    data = {
        "text": text,
        "title": "Trail Bottle relaunch",
        "link": "https://shop.example.com/trail",
        "campaign_key": "spring-launch",
        "tone": "friendly",
        "account_ids": world.acme_account_id,
        **extra,
    }
    response = form_post(client, page, f"/w/{world.acme.slug}/create", data)
    assert response.status_code == 303, response.text[:800]
    return response.headers["location"]


def test_a_brief_becomes_a_tailored_variant_with_its_count_and_tracked_link(
    client_as, world
):
    c = client_as(Role.SOCIAL_MANAGER)
    location = _create(c, world)
    page = c.get(location).text
    assert "@acme" in page and "/ 280" in page, (
        "the X variant shows its weighted count against 280"
    )
    assert re.search(r"http://tandem\.test/l/\w{8}", page), (
        "the link was replaced by a tracked short link"
    )
    detail = c.get(location, headers={"accept": "application/json"}).json()
    (variant,) = detail["detail"]["variants"]
    assert all(n <= 280 for n in variant["lengths"]) and variant["limit"] == 280
    assert variant["problems"] == []


def test_the_composer_preview_endpoint_counts_like_the_server(client_as, world):
    c = client_as(Role.MARKETER)
    token = csrf_of(c.get(f"/w/{world.acme.slug}/create/new").text)
    response = c.post(
        f"/api/v1/workspaces/{world.acme.slug}/compose/preview",
        headers={"x-csrf-token": token},
        json={"text": "a" * 300, "account_ids": [world.acme_account_id]},
    )
    assert response.status_code == 200, response.text
    (variant,) = response.json()["variants"]
    assert variant["platform"] == "x" and variant["limit"] == 280
    check = c.post(
        f"/api/v1/workspaces/{world.acme.slug}/compose/check",
        headers={"x-csrf-token": token},
        json={"platform": "x", "text": "日本語" * 50},
    )
    body = check.json()
    assert body["length"] == 300 and any(
        p["code"] == "text.too_long" for p in body["problems"]
    )


def test_a_hand_edited_variant_keeps_its_words_when_the_brief_changes(
    client_as, world, db
):
    c = client_as(Role.SOCIAL_MANAGER)
    location = _create(c, world)
    brief_id = location.rsplit("/", 1)[1]
    with db.session() as s:
        (variant,) = variant_rows(s, brief_id)
        variant_id = variant.id
    form_post(
        c,
        location,
        f"{location}/variants/{variant_id}",
        {"parts": "My own words for X.", "first_comment": ""},
    )
    form_post(
        c,
        f"{location}/edit",
        location,
        {
            "text": LONG + " New sentence.",
            "title": "T",
            "account_ids": world.acme_account_id,
            "tone": "neutral",
        },
    )
    with db.session() as s:
        (variant,) = variant_rows(s, brief_id)
        assert variant.content["parts"] == ["My own words for X."] and variant.manual


def test_review_flow_notifies_the_approver_by_email_and_in_app(
    db, world, tmp_path, smtp_server
):
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
    )
    app = create_app(settings, database=db, clock=world.clock)
    author = sign_in(
        TestClient(app, base_url="http://tandem.test"), PERSONAS[Role.SOCIAL_MANAGER]
    )
    location = _create(author, world)
    brief_id = location.rsplit("/", 1)[1]
    assert (
        form_post(
            author, location, f"{location}/status", {"to": "in_review"}
        ).status_code
        == 303
    )
    run_pending(Worker(database=db, settings=settings, clock=world.clock))
    mail = smtp_server.inbox.wait_for(1)
    assert (
        mail[0]["To"] == PERSONAS[Role.APPROVER] and "for review" in mail[0]["Subject"]
    )

    approver = sign_in(
        TestClient(app, base_url="http://tandem.test"), PERSONAS[Role.APPROVER]
    )
    home = approver.get("/").text
    assert (
        "Trail Bottle relaunch" in home
        and 'Notifications <span class="badge">1</span>' in home
    )
    refused = form_post(
        approver,
        location,
        f"{location}/status",
        {"to": "changes_requested", "note": ""},
    )
    assert refused.status_code == 422 and "Say what should change" in refused.text
    assert (
        form_post(
            approver, location, f"{location}/status", {"to": "approved"}
        ).status_code
        == 303
    )
    assert "Approved" in author.get(location).text
    assert (
        form_post(
            author, location, f"{location}/status", {"to": "scheduled"}
        ).status_code
        == 303
    )
    with db.session() as s:
        entries, _ = store.audit_entries(s, world.acme.id, action="brief.approved")
    assert (
        entries[0].entity_id == brief_id
        and entries[0].actor_label == PERSONAS[Role.APPROVER]
    )


def test_an_approver_cannot_edit_and_cannot_open_drafts(client_as, world):
    author = client_as(Role.SOCIAL_MANAGER)
    location = _create(author, world)
    approver = client_as(Role.APPROVER)
    assert approver.get(location).status_code == 404, (
        "drafts are not in the approver's queue"
    )
    form_post(author, location, f"{location}/status", {"to": "in_review"})
    assert approver.get(location).status_code == 200
    assert approver.get(f"{location}/edit").status_code == 403


def test_an_analyst_can_read_posts_but_not_write_them(client_as, world):
    analyst = client_as(Role.ANALYST)
    assert analyst.get(f"/w/{world.acme.slug}/create").status_code == 200
    assert analyst.get(f"/w/{world.acme.slug}/create/new").status_code == 403


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "brief text is empty"),
        ("link", "javascript:alert(1)", "link"),
        ("tone", "angry", "Tone must be one of"),
        ("planned_at", "next friday", "planned_at must look like"),
        ("account_ids", "0" * 32, "account_ids[0] is not a connected account"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    client_as, world, field, value, message
):
    c = client_as(Role.MARKETER)
    data = {
        "text": LONG,
        "tone": "neutral",
        "account_ids": world.acme_account_id,
        field: value,
    }
    response = form_post(
        c, f"/w/{world.acme.slug}/create/new", f"/w/{world.acme.slug}/create", data
    )
    assert response.status_code in (409, 422), response.text[:300]
    assert message in response.text
    assert c.get(f"/api/v1/workspaces/{world.acme.slug}/briefs").json()["total"] == 0


def test_another_workspace_cannot_open_or_change_a_brief(client_as, world):
    author = client_as(Role.SOCIAL_MANAGER)
    location = _create(author, world)
    brief_id = location.rsplit("/", 1)[1]
    outsider = client_as(world.outsider.email)
    assert outsider.get(location).status_code == 404
    beta_brief = f"/w/{world.beta.slug}/create/{brief_id}"
    assert outsider.get(beta_brief).status_code == 404
    token = csrf_of(outsider.get(f"/w/{world.beta.slug}/create/new").text)
    response = outsider.post(
        f"/api/v1/workspaces/{world.beta.slug}/briefs/{brief_id}/status",
        headers={"x-csrf-token": token},
        json={"to": "in_review"},
    )
    assert response.status_code == 404


def test_suggestions_explain_the_text_and_list_hashtags_from_history(client_as, world):
    c = client_as(Role.SOCIAL_MANAGER)
    body = c.get(
        f"/api/v1/workspaces/{world.acme.slug}/compose/suggestions",
        params={"text": "Sorry, the bottle is late. The bottle ships next week."},
    ).json()
    assert body["readability"]["score"] > 60 and body["readability"]["words"] == 10
    assert body["tone"]["tone"] == "negative" and body["keywords"][0] == "bottle"
    assert body["hashtags"] == [], "the test world's posts carry no hashtags"
