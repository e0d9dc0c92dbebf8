"""The listening REST API: topics and sources CRUD, CSV import (problem+json naming rows and
columns), mentions, share of voice, sentiment and trends; roles and tenancy."""

from __future__ import annotations

from tandem.accounts import Role
from tandem.storage import Database
from tests.support.listen import seed_history
from tests.support.world import T0, World
from tests.web.conftest import api_client


def api(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.acme.slug}/listen{path}"


CSV = "date,content,author,url\n2026-11-02T08:00:00Z,rival heaters again,ann,https://x.test/1\n"


def test_topics_sources_import_and_insights(
    app, client_as, world: World, db: Database
) -> None:
    seed_history(db, world.acme.id, T0)
    c = api_client(app, client_as, Role.SOCIAL_MANAGER)
    r = c.post(
        api(world, "/topics"),
        json={"name": "Rival", "query": "rival OR #rivalrecall", "kind": "competitor"},
    )
    assert r.status_code == 201, r.text
    topic = r.json()
    assert topic["kind"] == "competitor"
    bad = c.post(api(world, "/topics"), json={"name": "X", "query": "a AND"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert bad.json()["field"] == "query"
    assert (
        c.post(
            api(world, "/topics"), json={"name": "Acme", "query": "acme"}
        ).status_code
        == 201
    )
    r = c.put(
        api(world, f"/topics/{topic['id']}"),
        json={"name": "Rival", "query": "rival", "kind": "competitor"},
    )
    assert r.status_code == 200 and r.json()["query"] == "rival"

    imported = c.post(
        api(world, "/import"), files={"file": ("bw.csv", CSV.encode(), "text/csv")}
    )
    assert imported.status_code == 200 and imported.json()["stored"] == 1
    rejected = c.post(
        api(world, "/import"),
        files={"file": ("bad.csv", (CSV + "soon,hi,bob,\n").encode(), "text/csv")},
    )
    assert rejected.status_code == 422
    assert rejected.json()["errors"] == [
        {"row": 3, "column": "date", "message": rejected.json()["errors"][0]["message"]}
    ]

    sov = c.get(
        api(world, "/share-of-voice"),
        params={"start": "2026-10-27", "end": "2026-11-02"},
    ).json()
    names = [t["name"] for t in sov["topics"]]
    assert names == ["Rival", "Acme"] and sov["total"] == sum(
        t["mentions"] for t in sov["topics"]
    )
    assert sov["previous_start"].startswith("2026-10-20")
    assert (
        c.get(
            api(world, "/share-of-voice"),
            params={"start": "2026-11-05", "end": "2026-11-01"},
        ).status_code
        == 422
    )
    trends = c.get(api(world, "/trends")).json()["trends"]
    assert trends[0]["label"] == "#rivalrecall" and trends[0]["terms"][0]["count"] == 40
    assert "#rivalrecall" in trends[0]["draft_text"]
    mentions = c.get(
        api(world, "/mentions"), params={"topic_id": topic["id"], "limit": 5}
    ).json()["mentions"]
    assert len(mentions) == 5 and all(topic["id"] in m["topic_ids"] for m in mentions)
    days = c.get(api(world, "/sentiment")).json()
    detail = c.get(api(world, f"/topics/{topic['id']}")).json()
    assert detail["topic"]["name"] == "Rival" and detail["voices"] and detail["posts"]
    assert c.get(api(world, "/topics/nope")).status_code == 404
    all_topics = c.get(api(world, "/topics")).json()["topics"]
    assert set(days) == {t["id"] for t in all_topics} and len(all_topics) == 2
    assert all(d["mentions"] > 0 for d in days[topic["id"]])

    r = c.post(
        api(world, "/sources"),
        json={"kind": "feed", "url": "https://news.test/feed.xml"},
    )
    assert r.status_code == 201
    source = r.json()
    assert (
        c.post(api(world, "/sources"), json={"kind": "feed", "url": "ftp://x"}).json()[
            "field"
        ]
        == "url"
    )
    assert (
        c.post(
            api(world, "/sources"),
            json={"kind": "search", "account_id": world.beta_account_id},
        ).json()["field"]
        == "account_id"
    )
    assert (
        c.patch(api(world, f"/sources/{source['id']}"), json={"active": False}).json()[
            "active"
        ]
        is False
    )
    assert c.delete(api(world, f"/sources/{source['id']}")).status_code == 204
    assert c.delete(api(world, f"/topics/{topic['id']}")).status_code == 204
    assert [t["name"] for t in c.get(api(world, "/topics")).json()["topics"]] == [
        "Acme"
    ]


def test_roles_and_tenancy(app, client_as, world: World) -> None:
    analyst = api_client(app, client_as, Role.ANALYST)
    assert analyst.get(api(world, "/topics")).status_code == 200
    assert (
        analyst.post(
            api(world, "/topics"), json={"name": "A", "query": "a"}
        ).status_code
        == 403
    )
    owner = api_client(app, client_as, Role.OWNER)
    topic = owner.post(api(world, "/topics"), json={"name": "A", "query": "a"}).json()
    outsider = api_client(app, client_as, "owner@beta.test")
    beta = f"/api/v1/workspaces/{world.beta.slug}/listen"
    assert outsider.get(f"{beta}/topics").json()["topics"] == []
    assert outsider.delete(f"{beta}/topics/{topic['id']}").status_code == 404
    assert outsider.get(api(world, "/topics")).status_code in (403, 404)


def test_odd_input_is_a_4xx_never_a_500(app, client_as, world: World) -> None:
    c = api_client(app, client_as, Role.SOCIAL_MANAGER)
    cases = [
        ("post", "/topics", {"name": "N\x00ul", "query": "acme\x00"}, 201),
        ("post", "/topics", {"name": "Long", "query": "a " * 600}, 422),
        ("post", "/topics", {"name": "x" * 101, "query": "a"}, 422),
        ("post", "/topics", {"name": "L", "query": "a", "languages": ["e n!"]}, 422),
        ("post", "/sources", {"kind": "rss", "url": "https://x.test"}, 422),
        ("post", "/sources", {"kind": "search", "account_id": "nope"}, 422),
        ("get", "/trends?window_hours=0", None, 422),
        ("get", "/mentions?start=2026-02-30", None, 422),
        ("get", "/mentions?limit=100000", None, 422),
        ("put", "/topics/nope", {"name": "a", "query": "a"}, 404),
    ]
    for method, path, body, status in cases:
        r = getattr(c, method)(api(world, path), **({"json": body} if body else {}))
        assert r.status_code == status, (path, body, r.text)
    garbage = bytes(range(256)) * 40
    r = c.post(api(world, "/import"), files={"file": ("x.csv", garbage, "text/csv")})
    assert r.status_code == 422 and r.json()["field"] == "file"
