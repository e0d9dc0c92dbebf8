"""Reply suggestions: the saved replies closest to an incoming message. A suggestion only
fills the reply box; a person always reads, edits and sends it.

Lexical ranking (the default) is Okapi BM25 (Robertson & Zaragoza 2009; k1 = 1.2, b = 0.75,
the non-negative Lucene IDF) over each saved reply's title (counted twice: a title says
what the reply is for), body, intents and tags. Tokens are runs of Unicode letters and
digits, case-folded, accents kept ("café" is not "cafe"), English stop words dropped, and a
light English suffix stemmer (plural -s/-es/-ies, -ing, -ed) so "refunds" meets "refund";
other languages match on whole words. Placeholders such as `{product}` are not indexed. A
saved reply made for the item's triage intent gets `INTENT_BOOST` added, so a complaint
about shipping prefers the complaint reply over the store-hours one. Every suggestion
carries its score and why (the message's words it matched, and the intent).

`suggest` picks the method: semantic (`tandem.inbox.semantic`, the `ml` extra) when it is
installed and the `inbox_suggestions` setting allows, lexical otherwise.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from tandem.core import InvalidInput
from tandem.inbox import semantic
from tandem.inbox.model import Item
from tandem.inbox.saved import list_saved, reply_context, rules_platform
from tandem.inbox.store import item_row, to_item
from tandem.inbox.variables import Agent, SavedReply, UnfilledVariables, render

log = logging.getLogger(__name__)

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2
INTENT_BOOST = 1.0
SEMANTIC_INTENT_BOOST = 0.1  # cosine similarities live in -1..1: a smaller nudge
MIN_SIMILARITY = 0.15
NO_INTENT = ("", "other")  # "other" says triage found no intent: nothing to match
TOP = 3
Mode = Literal["auto", "lexical", "semantic"]
MODES: tuple[str, ...] = ("auto", "lexical", "semantic")

_TOKEN = re.compile(r"[^\W_]+")
_PLACEHOLDER = re.compile(r"\{[^{}\n]{1,60}\}")
_STOP = """a about after again all am an and any are as at be been before being but by can
    could did do does doing for from had has have having he her here hers him his how i
    if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours
    yourself hi hello hey please thanks thank im ive dont cant u ur pls"""
STOP_WORDS = frozenset(_STOP.split())


def stem(token: str) -> str:
    """A light English stemmer: plurals, -ing, -ed, then a final -e, so "arrive",
    "arrives" and "arrived" meet; harmless for words it does not know."""
    if len(token) <= 3:
        return token
    cut = _suffix(token)
    return cut[:-1] if cut.endswith("e") and len(cut) > 4 else cut


def _suffix(token: str) -> str:
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith("ing") and len(token) > 5:
        return _undouble(token[:-3])
    if token.endswith("ed") and len(token) > 4:
        return _undouble(token[:-2])
    if token.endswith("es") and token[-3:-2] in ("s", "x", "z", "h"):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _undouble(token: str) -> str:
    # "shipping" -> "shipp" -> "ship"; "stopped" -> "stop"
    if len(token) > 3 and token[-1] == token[-2] and token[-1] not in "lsz":
        return token[:-1]
    return token


def words(text: str) -> list[tuple[str, str]]:
    """(term, original word) pairs of the indexable words of `text`."""
    out = []
    for word in _TOKEN.findall(text.casefold()):
        if word in STOP_WORDS:
            continue
        out.append((stem(word), word))
    return out


def terms(text: str) -> list[str]:
    return [t for t, _ in words(text)]


def document(saved: SavedReply) -> list[str]:
    """The terms a saved reply is found by."""
    body = _PLACEHOLDER.sub(" ", saved.body)
    fits = " ".join((*saved.intents, *saved.tags))
    return terms(saved.title) * TITLE_WEIGHT + terms(body) + terms(fits)


@dataclass(frozen=True)
class Suggestion:
    saved: SavedReply
    score: float
    matched: tuple[str, ...]  # the message's words that matched, for "why"
    intent_match: bool
    method: str  # "lexical" or "semantic"

    @property
    def why(self) -> str:
        parts = []
        if self.matched:
            parts.append("matched " + ", ".join(self.matched))
        if self.intent_match:
            parts.append("made for this intent")
        if self.method == "semantic":
            parts.append("similar meaning")
        return "; ".join(parts) or "closest reply"


def matched_words(message: str, doc_terms: set[str]) -> tuple[str, ...]:
    shown: dict[str, str] = {}
    for term, word in words(message):
        if term in doc_terms:
            shown.setdefault(term, word)
    return tuple(shown.values())


def rank(
    message: str,
    intent: str,
    saved: Sequence[SavedReply],
    *,
    limit: int = TOP,
) -> list[Suggestion]:
    """The best `limit` saved replies for `message` by BM25 (+ the intent boost); replies
    that match neither a word nor the intent are left out."""
    docs = [document(s) for s in saved]
    if not docs:
        return []
    n = len(docs)
    average = sum(len(d) for d in docs) / n or 1.0
    frequency = Counter(term for d in docs for term in set(d))
    query = set(terms(message))
    results = []
    for reply, doc in zip(saved, docs, strict=True):
        counts = Counter(doc)
        score = 0.0
        for term in query & counts.keys():
            idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
            tf = counts[term]
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(doc) / average))
        fits = intent not in NO_INTENT and intent in reply.intents
        if fits:
            score += INTENT_BOOST
        if score > 0:
            matched = matched_words(message, set(counts))
            results.append(Suggestion(reply, round(score, 4), matched, fits, "lexical"))
    results.sort(key=lambda s: (-s.score, s.saved.title))
    return results[:limit]


def rank_by_meaning(
    message: str,
    intent: str,
    saved: Sequence[SavedReply],
    similarity: Sequence[float],
    *,
    limit: int = TOP,
) -> list[Suggestion]:
    """Rank by cosine similarity of embeddings (+ `SEMANTIC_INTENT_BOOST` for the intent);
    below `MIN_SIMILARITY` a reply is unrelated and left out."""
    results = []
    for reply, cosine in zip(saved, similarity, strict=True):
        fits = intent not in NO_INTENT and intent in reply.intents
        if cosine < MIN_SIMILARITY and not fits:
            continue
        score = cosine + (SEMANTIC_INTENT_BOOST if fits else 0.0)
        matched = matched_words(message, set(document(reply)))
        results.append(Suggestion(reply, round(score, 4), matched, fits, "semantic"))
    results.sort(key=lambda s: (-s.score, s.saved.title))
    return results[:limit]


@dataclass(frozen=True)
class Suggestions:
    method: str  # what ranked them: "lexical" or "semantic"
    items: list[Suggestion]


def choose_method(mode: str) -> str:
    """The method `mode` asks for, given what is installed."""
    if mode not in MODES:
        raise InvalidInput(
            f"inbox_suggestions must be one of {', '.join(MODES)}.",
            field="inbox_suggestions",
        )
    if mode == "lexical":
        return "lexical"
    if semantic.available():
        return "semantic"
    if mode == "semantic":
        raise InvalidInput(
            "TANDEM_INBOX_SUGGESTIONS=semantic needs the ml extra: install it with "
            "pip install 'tandem[ml]' (and torch first), or set the setting to auto.",
            field="inbox_suggestions",
        )
    return "lexical"


def suggest(
    session: Session,
    workspace_id: str,
    item: Item,
    *,
    mode: str = "auto",
    limit: int = TOP,
    embedder: semantic.Embedder | None = None,
) -> Suggestions:
    """The saved replies to offer for `item`. With `auto`, a semantic model that fails to
    load is logged and lexical ranking answers instead: suggestions never break the inbox."""
    saved = list_saved(session, workspace_id)
    method = "semantic" if embedder is not None else choose_method(mode)
    if method == "semantic":
        try:
            model = embedder or semantic.default_embedder()
            scores = semantic.similarities(session, item.text, saved, model)
            ranked = rank_by_meaning(item.text, item.intent, saved, scores, limit=limit)
            return Suggestions("semantic", ranked)
        except semantic.ModelUnavailable:
            if mode == "semantic":
                raise
            log.warning(
                "semantic suggestions unavailable; using lexical", exc_info=True
            )
    return Suggestions("lexical", rank(item.text, item.intent, saved, limit=limit))


@dataclass(frozen=True)
class Offered:
    """A suggestion ready for the reply box: `text` when every variable could be filled,
    else `problem` says which value is missing and how to give it."""

    id: str
    title: str
    score: float
    why: str
    matched: tuple[str, ...]
    intent_match: bool
    text: str | None
    problem: str | None
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Offer:
    item_id: str
    method: str
    suggestions: list[Offered]


def offer(
    session: Session,
    workspace_id: str,
    item_id: str,
    *,
    agent: Agent,
    mode: str = "auto",
    limit: int = TOP,
    embedder: semantic.Embedder | None = None,
) -> Offer:
    """The top saved replies for an item, each rendered for it (never sent from here)."""
    item = to_item(item_row(session, workspace_id, item_id))
    found = suggest(
        session, workspace_id, item, mode=mode, limit=limit, embedder=embedder
    )
    context = reply_context(session, workspace_id)
    platform = rules_platform(session, item)
    out = []
    for s in found.items:
        text: str | None = None
        problem: str | None = None
        missing: tuple[str, ...] = ()
        try:
            text = render(s.saved, item, agent, context=context, platform=platform)
        except UnfilledVariables as exc:
            problem, missing = exc.message, exc.missing
        except InvalidInput as exc:
            problem = exc.message
        out.append(
            Offered(
                s.saved.id,
                s.saved.title,
                s.score,
                s.why,
                s.matched,
                s.intent_match,
                text,
                problem,
                missing,
            )
        )
    return Offer(item.id, found.method, out)
