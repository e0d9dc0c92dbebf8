"""Listening storage on SQLite and PostgreSQL: topics, deduplicated triaged mentions, topic
matching (also of mentions stored before the topic), share of voice, CSV import, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tandem.accounts import Member, Role, store
from tandem.core import Conflict, InvalidInput
from tandem.listen import actions, insights
from tandem.listen import store as listen_store
from tandem.listen.csv_import import CsvRejected
from tandem.listen.ingest import ingest
from tandem.listen.records import MentionInput, TopicInput
from tandem.storage import Database
from tests.support.world import T0, World


def member(
    db: Database, world: World, role: Role = Role.OWNER, beta: bool = False
) -> Member:
    with db.session() as s:
        who = world.outsider if beta else world.users[role]
        assert who is not None
        user = store.to_user(store.get_user_row(s, who.id))
        found = store.member_in(s, user, world.beta if beta else world.acme)
        assert found is not None
        return found


def topic(
    db: Database,
    world: World,
    name: str,
    query: str,
    kind: str = "brand",
    beta: bool = False,
):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return actions.add_topic(
            s,
            actor=member(db, world, beta=beta),
            data=TopicInput(name=name, query=query, kind=kind),
            clock=world.clock,
        )


def mention(text: str, hours_ago: float, **kw: object) -> MentionInput:
    return MentionInput(text=text, created_at=T0 - timedelta(hours=hours_ago), **kw)  # type: ignore[arg-type]


def put(db: Database, world: World, items: list[MentionInput], beta: bool = False):  # type: ignore[no-untyped-def]
    ws = world.beta if beta else world.acme
    with db.session() as s:
        return ingest(s, workspace_id=ws.id, mentions=items, source="test", now=T0)


def test_a_bad_query_is_refused_naming_the_field_and_the_fix(
    db: Database, world: World
) -> None:
    with pytest.raises(InvalidInput) as caught:
        topic(db, world, "Rival", "rival AND (cheap")
    assert caught.value.field == "query"
    assert "parenthes" in caught.value.message.lower() or ")" in caught.value.message
    with pytest.raises(InvalidInput) as caught:
        topic(db, world, "Rival", "NOT rival")
    assert caught.value.field == "query" and "add a word" in caught.value.message
    with pytest.raises(InvalidInput) as caught:
        topic(db, world, "Rival", "rival", kind="enemy")
    assert caught.value.field == "kind" and "competitor" in caught.value.message
    with db.session() as s:
        assert listen_store.topics_in(s, world.acme.id) == []


def test_a_topic_name_is_unique_per_workspace(db: Database, world: World) -> None:
    topic(db, world, "Acme", "acme")
    with pytest.raises(Conflict) as caught:
        topic(db, world, "Acme", "acme OR #acme")
    assert caught.value.field == "name"
    topic(db, world, "Acme", "acme", beta=True)  # another workspace may


def test_ingest_dedupes_triages_and_matches_topics(db: Database, world: World) -> None:
    brand = topic(db, world, "Acme", 'acme OR "acme boots"')
    rival = topic(db, world, "Rival", "rival -giveaway", kind="competitor")
    first = put(
        db,
        world,
        [
            mention(
                "I love my Acme boots, best purchase ever!",
                3,
                platform="mastodon",
                platform_id="1",
                author="ann",
                author_followers=120,
            ),
            mention(
                "Rival boots fell apart after a week. Terrible.",
                2,
                platform="bluesky",
                platform_id="9",
                author="bob",
            ),
            mention("Rival giveaway today", 1, url="https://news.test/a"),
            mention(
                "I love my Acme boots, best purchase ever!",
                3,
                platform="mastodon",
                platform_id="1",
                author="ann",
            ),
        ],
    )
    assert (first.received, first.stored, first.duplicates, first.matched) == (
        4,
        3,
        1,
        2,
    )
    again = put(
        db,
        world,
        [mention("edited text, same post", 0.5, platform="Mastodon", platform_id="1")],
    )
    assert again.stored == 0 and again.duplicates == 1
    with db.session() as s:
        stored = insights.mentions(
            s, world.acme.id, insights.period(None, None, now=T0)
        )
    by_text = {m.text: m for m in stored}
    happy = by_text["I love my Acme boots, best purchase ever!"]
    angry = by_text["Rival boots fell apart after a week. Terrible."]
    assert happy.sentiment > 0.3 and angry.sentiment < -0.3
    assert happy.language == "en" and happy.intent and happy.author_followers == 120
    assert happy.topic_ids == (brand.id,) and angry.topic_ids == (rival.id,)
    assert by_text["Rival giveaway today"].topic_ids == ()


def test_a_new_topic_matches_mentions_already_stored(
    db: Database, world: World
) -> None:
    put(
        db,
        world,
        [mention("rival shoes are everywhere", 5), mention("rival again", 24 * 40)],
    )
    rival = topic(db, world, "Rival", "rival", kind="competitor")
    with db.session() as s:
        linked = s.scalar(
            select(func.count()).where(
                listen_store.ListenMentionTopicRow.topic_id == rival.id
            )
        )
    assert (
        linked == 1
    )  # the one from 40 days ago is older than the five weeks looked back
    with db.session() as s:
        actions.update_topic(
            s,
            actor=member(db, world),
            topic_id=rival.id,
            data=TopicInput(name="Rival", query="shoes", kind="competitor"),
            clock=world.clock,
        )
        found = insights.mentions(
            s, world.acme.id, insights.period(None, None, now=T0), topic_id=rival.id
        )
    assert [m.text for m in found] == ["rival shoes are everywhere"]


def test_share_of_voice_by_volume_and_sentiment_with_the_previous_period(
    db: Database, world: World
) -> None:
    brand = topic(db, world, "Acme", "acme")
    rival = topic(db, world, "Rival", "rival", kind="competitor")
    topic(db, world, "Boots", "boots", kind="industry")  # not compared
    items = [mention(f"acme boots are great and lovely {i}", 10 + i) for i in range(3)]
    items += [
        mention(f"rival boots are awful and broken {i}", 20 + i) for i in range(3)
    ]
    items += [mention("rival boots", 24 * 8 + 1)]  # previous week
    put(db, world, items)
    with db.session() as s:
        sov = insights.share_of_voice(
            s, world.acme.id, insights.period(None, None, now=T0)
        )
    shares = {t.name: t for t in sov.topics}
    assert set(shares) == {"Acme", "Rival"}
    assert sov.total == 6 and sov.previous_total == 1
    assert shares["Acme"].share == pytest.approx(0.5) == shares["Rival"].share
    assert shares["Acme"].weighted_share > 0.5 > shares["Rival"].weighted_share
    assert (
        shares["Rival"].previous_share == 1.0 and shares["Acme"].previous_mentions == 0
    )
    assert shares["Rival"].change == pytest.approx(2.0)
    assert shares["Acme"].topic_id == brand.id and shares["Rival"].topic_id == rival.id
    with db.session() as s:
        days = insights.sentiment_by_day(
            s, world.acme.id, insights.period(None, None, now=T0)
        )
    assert sum(d.mentions for d in days[rival.id]) == 3
    assert all(d.sentiment < 0 for d in days[rival.id])


def test_workspace_b_sees_none_of_workspace_a(db: Database, world: World) -> None:
    topic(db, world, "Acme", "acme")
    put(db, world, [mention("acme rocks", 2)])
    topic(db, world, "Acme", "acme", beta=True)
    with db.session() as s:
        p = insights.period(None, None, now=T0)
        assert insights.mentions(s, world.beta.id, p) == []
        assert insights.share_of_voice(s, world.beta.id, p).total == 0
        assert len(insights.mentions(s, world.acme.id, p)) == 1


CSV = (
    "Date,Full Text,Author,Url,Page Type,Author Followers\n"
    "2026-11-02T08:00:00Z,acme boots are great,ann,https://x.test/1,twitter,1200\n"
    "2026-11-02 07:30:00,rival is meh,bob,https://x.test/2,reddit,\n"
)


def test_csv_import_stores_every_row_once(db: Database, world: World) -> None:
    topic(db, world, "Acme", "acme")
    with db.session() as s:
        result = actions.import_csv(
            s,
            actor=member(db, world),
            data=CSV.encode(),
            filename="bw.csv",
            clock=world.clock,
        )
    assert (result.stored, result.matched) == (2, 1)
    with db.session() as s:
        again = actions.import_csv(
            s,
            actor=member(db, world),
            data=CSV.encode(),
            filename="bw.csv",
            clock=world.clock,
        )
        stored = insights.mentions(
            s, world.acme.id, insights.period(None, None, now=T0)
        )
    assert again.stored == 0 and again.duplicates == 2
    assert {(m.platform, m.author, m.author_followers) for m in stored} == {
        ("twitter", "ann", 1200),
        ("reddit", "bob", None),
    }


def test_a_csv_with_a_bad_row_imports_nothing_and_names_row_and_column(
    db: Database, world: World
) -> None:
    bad = (
        CSV
        + "yesterday,hello,carl,https://x.test/3,twitter,12\n"
        + "2026-11-02T06:00:00Z,,dan,,,x\n"
    )
    with pytest.raises(CsvRejected) as caught, db.session() as s:
        actions.import_csv(
            s,
            actor=member(db, world),
            data=bad.encode(),
            filename="bad.csv",
            clock=world.clock,
        )
    errors = {(e.row, e.column) for e in caught.value.errors}
    assert errors == {(4, "Date"), (5, "Full Text"), (5, "Author Followers")}
    assert "Row 4, column “Date”" in caught.value.message
    with db.session() as s:
        assert (
            s.scalar(select(func.count()).select_from(listen_store.ListenMentionRow))
            == 0
        )
    with pytest.raises(InvalidInput) as missing, db.session() as s:
        actions.import_csv(
            s,
            actor=member(db, world),
            data=b"when,what\n1,2\n",
            filename="x.csv",
            clock=world.clock,
        )
    assert missing.value.field == "file" and "date" in missing.value.message


def test_a_post_stored_by_another_writer_meanwhile_is_skipped_not_an_error(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = mention("acme in the news", 2, url="https://news.test/1")
    put(db, world, [first])
    # The race: the other writer's row was not there when this one looked for known keys.
    real = listen_store.known_digests
    calls: list[int] = []

    def stale(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return set() if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(listen_store, "known_digests", stale)
    result = put(
        db, world, [first, mention("acme again", 1, url="https://news.test/2")]
    )
    assert calls == [1, 1] and (result.stored, result.duplicates) == (1, 1)
    with db.session() as s:
        assert (
            s.scalar(select(func.count()).select_from(listen_store.ListenMentionRow))
            == 2
        )


def test_a_nul_character_from_a_source_is_dropped_not_a_database_error(
    db: Database, world: World
) -> None:
    result = put(db, world, [mention("acme\x00 rocks", 1, author="a\x00b")])
    assert result.stored == 1
    with db.session() as s:
        (m,) = insights.mentions(s, world.acme.id, insights.period(None, None, now=T0))
    assert (m.text, m.author) == ("acme rocks", "ab")
