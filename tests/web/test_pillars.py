"""Content pillars: defined per workspace, carried by a post, and social performance broken
down by pillar (a composed post's pillar is its brief's, history carries its own)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import update

from tandem.accounts import Role
from tandem.core import new_id
from tandem.publish.ledger import PublicationRow
from tandem.publish.store import PublishedPostRow
from tandem.storage import Database
from tests.web.conftest import api_client, form_post


def _pillars(api, prefix: str) -> dict[str, str]:
    ids = {}
    for name, colour in (("Education", "#2F7D6D"), ("Product", "")):
        made = api.post(f"{prefix}/pillars", json={"name": name, "colour": colour})
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    return ids


def test_a_post_carries_a_pillar_and_the_dashboard_breaks_performance_down_by_it(
    app: FastAPI, client_as, world, db: Database
):
    api = api_client(app, client_as, Role.SOCIAL_MANAGER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    ids = _pillars(api, prefix)
    listed = api.get(f"{prefix}/pillars").json()
    assert [(p["name"], p["colour"]) for p in listed] == [
        ("Education", "#2f7d6d"),
        ("Product", "#64748b"),
    ]
    brief = api.post(
        f"{prefix}/briefs",
        json={
            "text": "How to plant a tree",
            "account_ids": [world.acme_account_id],
            "pillar_id": ids["Education"],
        },
    )
    assert brief.status_code == 201, brief.text
    assert brief.json()["brief"]["pillar_id"] == ids["Education"]
    variant_id = brief.json()["variants"][0]["variant"]["id"]
    with db.session() as s:
        # history: acme-0..2 carry their own pillar; acme-3 was published from the brief,
        # whose pillar wins over its own; acme-4 has none
        for key, pillar in (
            ("acme-0", "Education"),
            ("acme-1", "Education"),
            ("acme-2", "Product"),
            ("acme-3", "Product"),
        ):
            s.execute(
                update(PublishedPostRow)
                .where(PublishedPostRow.platform_post_id == key)
                .values(pillar_id=ids[pillar])
            )
        now = world.clock.now()
        s.add(
            PublicationRow(
                id=new_id(),
                workspace_id=world.acme.id,
                account_id=world.acme_account_id,
                variant_id=variant_id,
                parts={"parts": ["How to plant a tree"]},
                first_comment="",
                fingerprint="f" * 64,
                local_time="2026-10-30T10:00",
                timezone="Europe/Paris",
                due_at=now - timedelta(days=3),
                state="published",
                attempts=1,
                next_attempt_at=now,
                platform_post_id="acme-3",
                url="https://sandbox.test/acme/3",
                published_at=now - timedelta(days=3),
                created_at=now,
                updated_at=now,
            )
        )
    url = f"{prefix}/sections/social_pillars?since=2026-10-29&until=2026-11-02"
    section = api.get(url).json()
    table = section["tables"][0]
    assert table["columns"][:5] == [
        "Pillar",
        "Posts",
        "Impressions",
        "Engagements",
        "Engagement rate",
    ]
    rows = {r[0]: r for r in table["rows"]}
    # impressions 1000 + 10i, engagements 26 + i for acme-i
    assert rows["Education"][:5] == ["Education", 3, 3040, 82, "2.70%"]
    assert rows["Product"][:5] == ["Product", 1, 1020, 28, "2.75%"]
    assert rows["No pillar"][:5] == ["No pillar", 1, 1040, 30, "2.88%"]
    assert rows["Education"][5:] == [0, "-", "-"]  # nothing in the comparison period
    assert "÷ impressions" in table["title"]
    assert section["summary"].startswith("Product had the highest engagement rate")
    assert "1 post(s) have no pillar" in section["summary"]

    only = api.get(
        f"{prefix}/sections/social_performance?since=2026-10-29&until=2026-11-02"
        f"&pillar={ids['Education']}"
    ).json()
    assert {f["key"]: f["value"] for f in only["figures"]}["posts"] == 3

    c = client_as(Role.SOCIAL_MANAGER)
    html = c.get(
        f"/w/{world.acme.slug}/dashboard?since=2026-10-29&until=2026-11-02"
    ).text
    assert "Performance by content pillar" in html
    assert f'<option value="{ids["Education"]}"' in html  # the pillar filter


def test_bad_pillars_name_the_field_and_stay_in_their_workspace(
    app: FastAPI, client_as, world
):
    api = api_client(app, client_as, Role.SOCIAL_MANAGER)
    prefix = f"/api/v1/workspaces/{world.acme.slug}"
    ids = _pillars(api, prefix)
    bad = api.post(f"{prefix}/pillars", json={"name": "Fun", "colour": "red"})
    assert bad.status_code == 422 and bad.json()["field"] == "colour"
    again = api.post(f"{prefix}/pillars", json={"name": "education"})
    assert again.status_code == 409
    beta = api_client(app, client_as, "owner@beta.test")
    beta_prefix = f"/api/v1/workspaces/{world.beta.slug}"
    assert beta.get(f"{beta_prefix}/pillars").json() == []
    foreign = beta.post(
        f"{beta_prefix}/briefs", json={"text": "Hi", "pillar_id": ids["Product"]}
    )
    assert foreign.status_code == 422 and foreign.json()["field"] == "pillar_id"
    filtered = beta.get(
        f"{beta_prefix}/sections/social_pillars?pillar={ids['Product']}"
    )
    assert filtered.status_code == 422 and filtered.json()["field"] == "pillar"
    analyst = api_client(app, client_as, Role.ANALYST)
    assert analyst.post(f"{prefix}/pillars", json={"name": "X"}).status_code == 403
    assert api.delete(f"{prefix}/pillars/{ids['Product']}").status_code == 204
    assert [p["name"] for p in api.get(f"{prefix}/pillars").json()] == ["Education"]


def test_the_composer_offers_the_pillars_and_the_post_shows_its_own(client_as, world):
    c = client_as(Role.SOCIAL_MANAGER)
    slug = world.acme.slug
    added = form_post(
        c,
        f"/w/{slug}/create/pillars",
        f"/w/{slug}/create/pillars",
        {"name": "Community", "colour": "#6d28d9", "description": "People"},
    )
    assert added.status_code == 303
    page = c.get(f"/w/{slug}/create/pillars").text
    assert "Community" in page and "People" in page
    wrong = form_post(
        c, f"/w/{slug}/create/pillars", f"/w/{slug}/create/pillars", {"name": ""}
    )
    assert wrong.status_code == 422 and "give the pillar a name" in wrong.text
    composer = c.get(f"/w/{slug}/create/new").text
    pillar_id = composer.split('name="pillar_id"')[1].split('<option value="')[2][:32]
    created = form_post(
        c,
        f"/w/{slug}/create/new",
        f"/w/{slug}/create",
        {"text": "Meet our volunteers", "pillar_id": pillar_id},
    )
    assert created.status_code == 303, created.text[:500]
    shown = c.get(created.headers["location"]).text
    assert "pillar <strong data-pillar>Community</strong>" in shown
