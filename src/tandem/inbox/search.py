"""Word search over an item's text and author: prefix per word, every word must match.

Both databases index words instead of scanning rows, and both split text the same way:
letters and digits make words, anything else separates them (so "@acme_support" holds the
words "acme" and "support"), case and Latin accents do not count ("Café" is "cafe").

- SQLite: an FTS5 table `inbox_items_fts` (external content: it indexes `inbox_items` and
  stores no copy), kept in step by triggers (migration 0023), tokenizer `unicode61
  remove_diacritics 2`.
- PostgreSQL: a GIN index on `SEARCH_VECTOR_SQL` below, the 'simple' configuration (no
  stemming, any language) over the text with Latin accents and ASCII punctuation taken out
  first, which is what unicode61 does; built-in immutable functions, no extension.

A query keeps at most `MAX_WORDS` words. A word of two characters or more matches as a prefix
("refund" finds "refunds"); a single character matches only that exact word ("t" finds the
"t" of "don't", not every word starting with t). Query text never reaches either engine's
syntax: only letters and digits survive, each word is quoted (FTS5) or a plain lexeme
(tsquery). A query with no letters or digits at all ("?!") matches nothing, not everything.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, table

MAX_WORDS = 8
MAX_WORD_CHARS = 64  # a longer word is cut, and still matches as a prefix
FTS_TABLE = "inbox_items_fts"

_LATIN_MARKS = re.compile(r"(?<=[A-Za-z])[\u0300-\u036f]+")
_WORD = re.compile(r"[^\W_]+")

# The indexed expression (PostgreSQL), written as PostgreSQL prints it back so Alembic's
# comparison sees no change. Accents come off Latin letters (NFD, drop the combining marks
# that follow a-z, NFC again), ASCII punctuation becomes a space: what SQLite's unicode61
# tokenizer does. About 12 µs a row; an earlier `translate` over 500 accented letters cost
# 190 µs. `normalize` needs a UTF8 database, PostgreSQL's default. The query uses this text
# too: the planner picks the GIN index only for the same expression.
SEARCH_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, regexp_replace(NORMALIZE(regexp_replace(NORMALIZE("
    "(((text || ' '::text) || author_handle::text) || ' '::text) || author_name::text, NFD), "
    "'(?<=[A-Za-z])[\\u0300-\\u036f]+'::text, ''::text, 'g'::text), NFC), "
    "'[!-/:-@\\[-`{-~]+'::text, ' '::text, 'g'::text))"
)


def words(q: str) -> list[str]:
    """The words of a query as both indexes hold them: lower case, letters and digits, no
    accents on Latin letters."""
    bare = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", q))
    found = _WORD.findall(unicodedata.normalize("NFC", bare).lower())
    return [w[:MAX_WORD_CHARS] for w in found[:MAX_WORDS]]


def fts5_query(found: list[str]) -> str:
    """`"refund"* AND "t"`: quoted, so no word is read as an FTS5 operator or column."""
    return " AND ".join(f'"{w}"*' if len(w) > 1 else f'"{w}"' for w in found)


def tsquery(found: list[str]) -> str:
    """`refund:* & t`: letters and digits only, so to_tsquery's syntax cannot be reached."""
    return " & ".join(f"{w}:*" if len(w) > 1 else w for w in found)


def postgres_matches(found: list[str]) -> ColumnElement[bool]:
    """`found` (from `words`, not empty) on inbox_items, through the GIN index."""
    vector: ColumnElement[Any] = literal_column(SEARCH_VECTOR_SQL)
    query = func.to_tsquery(literal_column("'simple'::regconfig"), tsquery(found))
    return vector.op("@@")(query)


def sqlite_matches(found: list[str]) -> ColumnElement[bool]:
    """`found` (from `words`, not empty) on inbox_items, through the FTS5 table."""
    hits: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(table(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(fts5_query(found)))
    )
    return literal_column("inbox_items.rowid").in_(hits)
