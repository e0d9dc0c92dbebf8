"""Listen over HTTP: the page, adding topics (errors name the field, never a 500), share of
voice, a trend page with its evidence and a prefilled draft link, noting a trend for a
campaign, permissions and tenancy."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

from tandem.accounts import Role, store
from tandem.listen import store as listen_store
from tandem.plan import CampaignInput, create_campaign
from tandem.storage import Database
from tests.support.listen import seed_history
from tests.support.world import T0, World
from tests.web.conftest import form_post


def page(world: World, path: str = "") -> str:
    return f"/w/{world.acme.slug}/listen{path}"


def add_topic(client, world: World, **data: str):  # type: ignore[no-untyped-def]
    return form_post(client, page(world), page(world, "/topics"), data)


def test_a_competitor_topic_gets_share_of_voice_from_stored_mentions(
    client_as, world: World, db: Database
) -> None:
    seed_history(db, world.acme.id, T0)
    social = client_as(Role.SOCIAL_MANAGER)
    assert (
        add_topic(social, world, name="Acme", query="acme", kind="brand").status_code
        == 303
    )
    r = add_topic(
        social, world, name="Rival", query="rival OR #rivalrecall", kind="competitor"
    )
    assert r.status_code == 303
    html = social.get(page(world)).text
    assert 'data-topic="Rival"' in html and 'data-topic="Acme"' in html
    assert 'name="csrf_token" value=""' not in html
    data = social.get(page(world), params={"format": "json"}).json()
    shares = {t["name"]: t for t in data["share_of_voice"]["topics"]}
    # 7 days x 24 h: one rival mention every other hour... plus the 40-mention recall burst
    assert shares["Rival"]["mentions"] > shares["Acme"]["mentions"] > 0
    assert abs(sum(t["share"] for t in shares.values()) - 1) < 1e-9
    assert (
        shares["Rival"]["weighted_share"] < shares["Rival"]["share"]
    )  # the fire is bad news
    assert [t["trend"]["label"] for t in data["trends"]][0] == "#rivalrecall"
    figure = data["plots"][0]["figure"]
    assert figure["data"][0]["x"] == [
        t["name"] for t in data["share_of_voice"]["topics"]
    ]


def test_a_bad_topic_query_is_shown_with_the_form_not_a_500(
    client_as, world: World
) -> None:
    social = client_as(Role.SOCIAL_MANAGER)
    r = add_topic(
        social, world, name="Rival", query='rival AND "unclosed', kind="competitor"
    )
    assert r.status_code == 422
    assert 'data-error-field="query"' in r.text and "Topic query" in r.text
    assert 'value="Rival"' in r.text  # the form keeps what was typed
    r = add_topic(social, world, name="Rival", query="rival", kind="villain")
    assert r.status_code == 422 and 'data-error-field="kind"' in r.text
    r = social.get(page(world), params={"start": "yesterday"})
    assert r.status_code == 422 and "start must be a date" in r.text


def test_the_trend_page_explains_and_drafts_a_post(
    client_as, world: World, db: Database
) -> None:
    seed_history(db, world.acme.id, T0)
    social = client_as(Role.SOCIAL_MANAGER)
    r = social.get(page(world, "/trend"), params={"label": "#rivalrecall"})
    assert r.status_code == 200
    assert (
        "40 mentions in the last 24 h" in r.text
        and "rival recall: the battery heater caught fire" in r.text
    )
    draft = r.text.split("data-draft")[0].rsplit('href="', 1)[1].split('"')[0]
    query = parse_qs(urlsplit(draft.replace("&amp;", "&")).query)
    assert urlsplit(draft).path == f"/w/{world.acme.slug}/create/new"
    assert "#rivalrecall" in query["text"][0]
    composer = social.get(draft.replace("&amp;", "&")).text
    assert "Everyone&#39;s talking about #rivalrecall" in composer
    missing = social.get(page(world, "/trend"), params={"label": "#nothing"})
    assert missing.status_code == 404 and "not trending" in missing.text


def test_a_trend_is_noted_for_a_campaign(client_as, world: World, db: Database) -> None:
    seed_history(db, world.acme.id, T0)
    with db.session() as s:
        owner = store.member_in(
            s,
            store.to_user(store.get_user_row(s, world.users[Role.OWNER].id)),
            world.acme,
        )
        assert owner is not None
        campaign = create_campaign(
            s,
            actor=owner,
            data=CampaignInput(
                name="Winter",
                utm_key="winter",
                start=date(2026, 11, 1),
                end=date(2026, 12, 31),
            ),
            clock=world.clock,
        )
    marketer = client_as(Role.MARKETER)
    trend_page = page(world, "/trend?label=%23rivalrecall")
    r = form_post(
        marketer,
        trend_page,
        page(world, "/trend/note"),
        {
            "label": "#rivalrecall",
            "campaign_id": campaign.id,
            "note": "answer with our safety story",
        },
    )
    assert r.status_code == 303
    with db.session() as s:
        notes = listen_store.notes_in(s, world.acme.id, campaign_id=campaign.id)
    assert [(n.trend_label, n.note) for n in notes] == [
        ("#rivalrecall", "answer with our safety story")
    ]
    assert "answer with our safety story" in marketer.get(trend_page).text
    analyst = client_as(Role.ANALYST)
    assert "/trend/note" not in analyst.get(trend_page).text
    denied = form_post(
        analyst,
        trend_page,
        page(world, "/trend/note"),
        {"label": "#rivalrecall", "campaign_id": campaign.id},
    )
    assert denied.status_code == 403
    campaign_page = marketer.get(f"/w/{world.acme.slug}/plan/campaigns/{campaign.id}")
    assert 'id="listen-notes"' in campaign_page.text
    assert "answer with our safety story" in campaign_page.text
    r = form_post(
        marketer,
        trend_page,
        page(world, "/trend/note"),
        {"label": "#rivalrecall", "campaign_id": "nope"},
    )
    assert r.status_code == 404


def test_an_analyst_sees_listen_but_cannot_add_topics(client_as, world: World) -> None:
    analyst = client_as(Role.ANALYST)
    html = analyst.get(page(world)).text
    assert "Share of voice" in html and 'id="add-topic"' not in html
    r = add_topic(analyst, world, name="Rival", query="rival")
    assert r.status_code == 403
    assert client_as(Role.APPROVER).get(page(world)).status_code == 403


def test_another_workspace_sees_none_of_it(
    client_as, world: World, db: Database
) -> None:
    seed_history(db, world.acme.id, T0)
    social = client_as(Role.SOCIAL_MANAGER)
    add_topic(social, world, name="Rival", query="rival", kind="competitor")
    outsider = client_as("owner@beta.test")
    beta = outsider.get(
        f"/w/{world.beta.slug}/listen", params={"format": "json"}
    ).json()
    assert beta["topics"] == [] and beta["trends"] == []
    assert outsider.get(page(world)).status_code in (403, 404)


def test_a_topic_page_shows_top_voices_and_posts(
    client_as, world: World, db: Database
) -> None:
    seed_history(db, world.acme.id, T0)
    social = client_as(Role.SOCIAL_MANAGER)
    add_topic(social, world, name="Rival", query="#rivalrecall", kind="competitor")
    with db.session() as s:
        (topic,) = listen_store.topics_in(s, world.acme.id)
    r = social.get(page(world, f"/topics/{topic.id}"))
    assert r.status_code == 200
    data = social.get(
        page(world, f"/topics/{topic.id}"), params={"format": "json"}
    ).json()
    voices = data["detail"]["voices"]
    # 40 burst mentions by witness0..8: 0-3 wrote five each, the others four; among equals
    # the widest reach first (witness3 wrote the last one, with 1,039 followers)
    assert [(v["author"], v["mentions"]) for v in voices[:5]] == [
        ("witness3", 5),
        ("witness2", 5),
        ("witness1", 5),
        ("witness0", 5),
        ("witness8", 4),
    ]
    assert sum(v["mentions"] for v in voices) == 40
    posts = data["detail"]["posts"]
    assert posts[0]["author_followers"] == 1039  # the widest reach first
    assert "witness" in r.text and "data-top-posts" in r.text
    other = client_as("owner@beta.test")
    assert (
        other.get(f"/w/{world.beta.slug}/listen/topics/{topic.id}").status_code == 404
    )


def test_a_csv_upload_from_the_page(client_as, world: World, db: Database) -> None:
    from tests.web.conftest import csrf_of

    social = client_as(Role.SOCIAL_MANAGER)
    token = csrf_of(social.get(page(world)).text)
    good = "date,text\n2026-11-02T08:00:00Z,acme rocks\n"
    r = social.post(
        page(world, "/import"),
        data={"csrf_token": token},
        files={"file": ("m.csv", good.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("notice=imported-1")
    bad = "date,text\nlater,acme\n"
    r = social.post(
        page(world, "/import"),
        data={"csrf_token": token},
        files={"file": ("m.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422 and "Row 2, column “date”" in r.text


def test_sources_are_added_paused_resumed_and_removed_from_the_page(
    client_as, world: World, db: Database
) -> None:
    social = client_as(Role.SOCIAL_MANAGER)
    url = "https://news.test/feed.xml"
    r = form_post(
        social, page(world), page(world, "/sources"), {"kind": "feed", "url": url}
    )
    assert r.status_code == 303
    r = form_post(
        social, page(world), page(world, "/sources"), {"kind": "feed", "url": "nope"}
    )
    assert r.status_code == 422 and 'data-error-field="url"' in r.text
    with db.session() as s:
        (source,) = listen_store.sources_in(s, world.acme.id)
    path = page(world, f"/sources/{source.id}/active")
    assert form_post(social, page(world), path, {"active": "false"}).status_code == 303
    assert "Resume" in social.get(page(world)).text
    with db.session() as s:
        assert listen_store.sources_in(s, world.acme.id)[0].active is False
    form_post(social, page(world), page(world, f"/sources/{source.id}/delete"), {})
    with db.session() as s:
        assert listen_store.sources_in(s, world.acme.id) == []


def test_the_trend_chart_puts_each_hour_at_its_time(
    client_as, world: World, db: Database
) -> None:
    seed_history(db, world.acme.id, T0)
    data = (
        client_as(Role.ANALYST)
        .get(page(world, "/trend"), params={"label": "#rivalrecall", "format": "json"})
        .json()
    )
    (series, *_) = data["plots"][0]["figure"]["data"]
    assert series["name"] == "#rivalrecall"
    assert series["x"][0] == "2026-11-01T09:00:00+00:00"  # T0 is 09:00: 24 h before
    assert series["x"][-1] == "2026-11-02T08:00:00+00:00"
    # the burst: 40 mentions every 7 minutes from 04:00 (five hours before T0)
    counts = dict(zip(series["x"], series["y"], strict=True))
    assert counts["2026-11-02T04:00:00+00:00"] == 9 and sum(series["y"]) == 40
