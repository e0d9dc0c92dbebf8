"""Inbox word search on SQLite (FTS5) and PostgreSQL (GIN tsvector): the same answers on both.

Words match by prefix, every word must match, accents and case do not count, and no query
text can reach either engine's search syntax.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete, text

from tandem.inbox import queries
from tandem.inbox.ingest import ingest_account
from tandem.inbox.store import InboxCursorRow, InboxItemRow
from tandem.storage import Database
from tests.support.fake_conversations import FakeConversations
from tests.support.world import World

MESSAGES = {
    "r1": ("I want my refunds now", "maria"),
    "r2": ("Refund! Please.", "tom"),
    "r3": ("Shipping to Lyon took three weeks", "luc"),
    "r4": ("Shipping to Paris was quick", "ana"),
    "r5": ("Who is answering here?", "acme_support"),
    "r6": ("Best café in town", "zoe"),
    "r7": ("Cafe creme, s'il vous plaît", "jo"),
    "r8": ("I don't like it", "sam"),
    "r9": ("Tea time at five", "kim"),
    "r10": ("Size 5 please, not size 50", "lee"),
    "r11": ("Xin chào Việt Nam, Ελλάδα", "an"),
}


def _search(db: Database, world: World, q: str, workspace: str | None = None) -> set:
    with db.session() as s:
        found = queries.find_items(
            s, workspace or world.acme.id, queries.ItemQuery(q=q, limit=200)
        )
        count = queries.count_items(
            s, workspace or world.acme.id, queries.ItemQuery(q=q)
        )
    assert count.value == len(found) and count.exact
    return {i.platform_id for i in found}


@pytest.fixture
def inbox(db: Database, world: World) -> FakeConversations:
    fake = FakeConversations()
    for platform_id, (body, author) in MESSAGES.items():
        fake.add(body, platform_id=platform_id, author=author)
    ingest_account(db, world.acme_account_id, fake, world.clock)
    return fake


def _fts_is_consistent(db: Database) -> None:
    """SQLite only: FTS5 checks its index against the rows it indexes."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO inbox_items_fts(inbox_items_fts, rank)"
                    " VALUES ('integrity-check', 1)"
                )
            )


def test_words_match_by_prefix_not_inside_a_word(db, world, inbox):
    assert _search(db, world, "refund") == {"r1", "r2"}
    assert _search(db, world, "REFUNDS") == {"r1"}
    assert _search(db, world, "fund") == set()
    assert _search(db, world, "ship") == {"r3", "r4"}


def test_every_word_must_match(db, world, inbox):
    assert _search(db, world, "shipping lyon") == {"r3"}
    assert _search(db, world, "lyon shipping") == {"r3"}
    assert _search(db, world, "shipping berlin") == set()


def test_handles_and_names_are_searched_word_by_word(db, world, inbox):
    assert _search(db, world, "acme") == {"r5"}
    assert _search(db, world, "acme_support") == {"r5"}
    assert _search(db, world, "@acme_support") == {"r5"}
    assert _search(db, world, "Maria") == {"r1"}  # author_name is "Maria"


def test_accents_and_case_do_not_count(db, world, inbox):
    assert _search(db, world, "cafe") == {"r6", "r7"}
    assert _search(db, world, "CAFÉ") == {"r6", "r7"}
    assert _search(db, world, "plait") == {"r7"}
    assert _search(db, world, "crème") == {"r7"}
    assert _search(db, world, "viet chao") == {"r11"}  # stacked marks too
    # Only Latin letters lose their accents (as SQLite's unicode61 does); case still folds.
    assert _search(db, world, "ΕΛΛΆΔΑ") == {"r11"}
    assert _search(db, world, "ελλαδα") == set()


def test_a_single_character_matches_only_that_word(db, world, inbox):
    assert _search(db, world, "t") == {"r8"}  # the t of don't, not tea or time
    assert _search(db, world, "size 5") == {"r10"}
    assert _search(db, world, "5") == {"r10"}
    assert _search(db, world, "don't") == {"r8"}


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "*",
        "AND",
        "-",
        ":",
        "(",
        "'",
        ")",
        "\\",
        "NEAR(",
        "text:",
        "^",
        "!",
        "&|",
        "%",
        "_",
        "'; DROP TABLE inbox_items; --",
        "a" * 500,
        "x " * 50,
    ],
)
def test_syntax_characters_in_a_query_never_error(db, world, inbox, q):
    _search(db, world, q)  # no exception, a count that agrees with the page


def test_operators_and_quotes_are_plain_words(db, world, inbox):
    assert _search(db, world, '"refund"') == {"r1", "r2"}
    assert _search(db, world, "refund*") == {"r1", "r2"}
    assert _search(db, world, "-refund") == {"r1", "r2"}  # not a NOT
    assert _search(db, world, "refund OR lyon") == set()  # OR is a word here
    assert _search(db, world, "(refund) & !lyon:*") == set()  # lyon and refund: none
    assert (
        _search(db, world, "text:refund") == set()
    )  # no column filter: "text" is a word
    assert (
        _search(db, world, "?!") == set()
    )  # no letters at all: nothing, not everything
    assert _search(db, world, "   ") == set(MESSAGES)  # blank: no search


def test_edits_are_reindexed_and_deleted_items_vanish(db, world, inbox):
    inbox.messages[0] = replace(inbox.messages[0], text="All good now, thanks")
    inbox.messages[2] = replace(inbox.messages[2], deleted=True)
    with db.session() as s:
        s.get(InboxCursorRow, world.acme_account_id).cursor = None
    result = ingest_account(db, world.acme_account_id, inbox, world.clock)
    assert (result.edited, result.deleted) == (1, 1)

    assert _search(db, world, "refund") == {"r2"}
    assert _search(db, world, "thanks") == {"r1"}
    assert _search(db, world, "lyon") == set()
    _fts_is_consistent(db)


def test_removed_rows_leave_the_index(db, world, inbox):
    with db.session() as s:
        s.execute(delete(InboxItemRow).where(InboxItemRow.platform_id == "r2"))
        s.execute(
            InboxItemRow.__table__.update()
            .where(InboxItemRow.platform_id == "r4")
            .values(author_handle="lyon_fan", status="open")
        )
    assert _search(db, world, "refund") == {"r1"}
    assert _search(db, world, "lyon") == {"r3", "r4"}
    _fts_is_consistent(db)


def test_another_workspaces_items_never_match(db, world, inbox):
    other = FakeConversations()
    other.add("refund please, shipping to Lyon", platform_id="b1")
    ingest_account(db, world.beta_account_id, other, world.clock)

    assert _search(db, world, "shipping lyon") == {"r3"}
    assert _search(db, world, "refund", workspace=world.beta.id) == {"b1"}
    assert _search(db, world, "maria", workspace=world.beta.id) == set()


def test_search_combines_with_the_other_filters(db, world, inbox):
    with db.session() as s:
        found = queries.find_items(
            s, world.acme.id, queries.ItemQuery(q="shipping", sort="newest", limit=1)
        )
        closed = queries.count_items(
            s, world.acme.id, queries.ItemQuery(q="shipping", status="closed")
        )
    assert len(found) == 1 and closed.value == 0
