"""Word search over an item's text and author: prefix per word, every word must match.

Both databases index words instead of scanning rows, and both split text the same way:
letters and digits make words, anything else separates them (so "@acme_support" holds the
words "acme" and "support"), case and Latin accents do not count ("Café" is "cafe").

- SQLite: an FTS5 table `inbox_items_fts` (external content: it indexes `inbox_items` and
  stores no copy), kept in step by triggers (migration 0023), tokenizer `unicode61
  remove_diacritics 2`.
- PostgreSQL: a GIN index on `search_vector` below, the 'simple' configuration (no stemming,
  any language) over the text with ASCII punctuation and Latin accents translated away first,
  which is what unicode61 does; `translate` is immutable and needs no extension.

A query keeps at most `MAX_WORDS` words. A word of two characters or more matches as a prefix
("refund" finds "refunds"); a single character matches only that exact word ("t" finds the
"t" of "don't", not every word starting with t). Query text never reaches either engine's
syntax: only letters and digits survive, each word is quoted (FTS5) or a plain lexeme
(tsquery).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    false,
    func,
    literal_column,
    select,
    table,
)

MAX_WORDS = 8
MAX_WORD_CHARS = 64  # a longer word is cut, and still matches as a prefix
FTS_TABLE = "inbox_items_fts"

# Latin letters with diacritics and their bases, as SQLite's `remove_diacritics 2` folds them
# (generated from Unicode NFD over U+00C0-024F and U+1E00-1EFF; Ǡǡ, which SQLite keeps, left
# out). Frozen: the PostgreSQL index is built on this exact text (migration 0023).
ACCENTED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊ"
    "ċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚś"
    "ŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǦǧǨǩǪǫǬǭǰ"
    "ǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍ"
    "ḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏ"
    "ṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏ"
    "ẐẑẒẓẔẕẖẗẘẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖ"
    "ỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
)
UNACCENTED = (
    "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcC"
    "cCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSs"
    "SsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaGgKkOoOoj"
    "GgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyAaBbBbBbCcDdDd"
    "DdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOo"
    "OoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYy"
    "ZzZzZzhtwyAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoO"
    "oOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy"
)
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_FOLD = str.maketrans(ACCENTED + PUNCTUATION, UNACCENTED + " " * len(PUNCTUATION))
_WORD = re.compile(r"[^\W_]+")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# The indexed expression (PostgreSQL), written as PostgreSQL prints it back so Alembic's
# comparison sees no change. The query uses this text too: the planner picks the GIN index
# only for the same expression, and a bound parameter in its place would not match.
SEARCH_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, translate("
    "(((text || ' '::text) || author_handle::text) || ' '::text)"
    " || author_name::text, "
    f"{_sql_string(ACCENTED + PUNCTUATION)}, "
    f"{_sql_string(UNACCENTED + ' ' * len(PUNCTUATION))}))"
)


def words(q: str) -> list[str]:
    """The words of a query as both indexes hold them: folded, lower case, letters and digits."""
    found = _WORD.findall(q.translate(_FOLD).lower())
    return [w[:MAX_WORD_CHARS] for w in found[:MAX_WORDS]]


def fts5_query(found: list[str]) -> str:
    """`"refund"* AND "t"`: quoted, so no word is read as an FTS5 operator or column."""
    return " AND ".join(f'"{w}"*' if len(w) > 1 else f'"{w}"' for w in found)


def tsquery(found: list[str]) -> str:
    """`refund:* & t`: letters and digits only, so to_tsquery's syntax cannot be reached."""
    return " & ".join(f"{w}:*" if len(w) > 1 else w for w in found)


def matches(dialect: str, q: str) -> ColumnElement[bool] | None:
    """The condition for `q` on `inbox_items`, or None when `q` is blank.

    A query with no letters or digits at all ("?!") matches nothing rather than everything.
    """
    if not q.strip():
        return None
    found = words(q)
    if not found:
        return false()
    if dialect == "postgresql":
        vector: ColumnElement[Any] = literal_column(SEARCH_VECTOR_SQL)
        query = func.to_tsquery(literal_column("'simple'::regconfig"), tsquery(found))
        items = table("inbox_items", column("id"))
        # MATERIALIZED: the GIN index answers first. Left to itself the planner may walk the
        # queue order and compute the vector for each row instead (~90 µs a row: 0.4 s for
        # "refund" at 100,000 items): it does not know the expression is that costly.
        hits_cte = (
            select(items.c.id)
            .where(vector.op("@@")(query))
            .cte("search_hits")
            .prefix_with("MATERIALIZED")
        )
        return literal_column("inbox_items.id").in_(select(hits_cte.c.id))
    fts = table(FTS_TABLE)
    hits: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(fts)
        .where(literal_column(FTS_TABLE).op("MATCH")(fts5_query(found)))
    )
    return literal_column("inbox_items.rowid").in_(hits)
