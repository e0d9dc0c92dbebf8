"""Tracked topics: a small boolean query language and `matches(topic, mention)`.

    northpeak OR #northpeak OR "north peak"        any of them
    (battery OR charger) AND NOT review            parentheses, AND, NOT
    "rain jacket" -cheap lang:en platform:mastodon filters and the "-" shorthand for NOT
    trail*                                         any word starting with "trail"

Operators are upper case (lower-case "and" is a word to find); adjacent terms are joined by
AND; NOT binds tighter than AND, AND tighter than OR. A word matches the word or the hashtag
of the same word; a #hashtag only the hashtag; a "phrase" consecutive words, ignoring case and
punctuation. Matching uses the same tokens as trend counting (`terms.analyse`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tandem.core.errors import InvalidInput
from tandem.listen.model import Mention
from tandem.listen.terms import Analysis, analyse

_OPERATORS = frozenset({"AND", "OR", "NOT"})
_FILTERS = ("lang:", "platform:")
_STOP_CHARS = frozenset(' \t\n()"')


class TopicKind(StrEnum):
    BRAND = "brand"
    COMPETITOR = "competitor"
    INDUSTRY = "industry"


class TopicQueryError(InvalidInput):
    """A query that does not parse; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, *, position: int) -> None:
        super().__init__(f"Topic query: {message}", field="query")
        self.position = position


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Hashtag:
    tag: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    field: str  # "lang" or "platform"
    value: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class AllOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Node, ...]


Node = Word | Hashtag | Phrase | Filter | Not | AllOf | AnyOf


@dataclass(frozen=True)
class Query:
    text: str
    root: Node


@dataclass(frozen=True)
class Topic:
    """A named, tracked query. `languages`/`platforms`, when set, are filters on top of it."""

    name: str
    query: Query
    kind: TopicKind = TopicKind.BRAND
    languages: frozenset[str] = field(default_factory=frozenset)
    platforms: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(
        cls,
        name: str,
        query: str,
        *,
        kind: TopicKind = TopicKind.BRAND,
        languages: frozenset[str] = frozenset(),
        platforms: frozenset[str] = frozenset(),
    ) -> Topic:
        if not name.strip():
            raise InvalidInput(
                "Topic name is empty; give the topic a name.", field="name"
            )
        return cls(
            name=name.strip(),
            query=parse_query(query),
            kind=kind,
            languages=frozenset(code.lower() for code in languages),
            platforms=frozenset(p.lower() for p in platforms),
        )


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "PHRASE", "TERM"
    text: str
    position: int


def _at(position: int) -> str:
    return f"character {position + 1}"


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise TopicQueryError(
                    f'the quote at {_at(i)} is never closed; add a closing " '
                    "after the phrase.",
                    position=i,
                )
            tokens.append(_Token("PHRASE", text[i + 1 : end], i))
            i = end + 1
        elif char == "-" and i + 1 < len(text) and text[i + 1] not in _STOP_CHARS:
            tokens.append(_Token("-", char, i))
            i += 1
        else:
            start = i
            while i < len(text) and text[i] not in _STOP_CHARS:
                i += 1
            word = text[start:i]
            kind = word if word in _OPERATORS else "TERM"
            tokens.append(_Token(kind, word, start))
    return tokens


class _Parser:
    """Recursive descent over the grammar in the module docstring."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _lex(text)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise TopicQueryError(
                'it is empty; enter at least one word, #hashtag or "phrase".',
                position=0,
            )
        node = self.any_of()
        extra = self.peek()
        if extra is not None:  # only a stray ")" can stop the top level early
            raise TopicQueryError(
                f'unexpected ")" at {_at(extra.position)} has no "(" to close; remove '
                'it or add a "(" before it.',
                position=extra.position,
            )
        return node

    def any_of(self) -> Node:
        children = [self.all_of()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            children.append(self.all_of(after=token))
        return children[0] if len(children) == 1 else AnyOf(tuple(children))

    def all_of(self, after: _Token | None = None) -> Node:
        children = [self.unary(after)]
        while (token := self.peek()) is not None and token.kind not in {"OR", ")"}:
            if token.kind == "AND":
                self.take()
                children.append(self.unary(after=token))
            else:
                children.append(self.unary(None))
        return children[0] if len(children) == 1 else AllOf(tuple(children))

    def unary(self, after: _Token | None) -> Node:
        token = self.peek()
        if token is not None and token.kind in {"NOT", "-"}:
            self.take()
            return Not(self.unary(after=token))
        return self.primary(after)

    def primary(self, after: _Token | None) -> Node:
        token = self.peek()
        if token is None or token.kind in {"AND", "OR", ")"}:
            raise self.missing_operand(token, after)
        self.take()
        if token.kind == "(":
            node = self.any_of()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise TopicQueryError(
                    f'the "(" at {_at(token.position)} is never closed; add a ")" '
                    "where the group ends.",
                    position=token.position,
                )
            self.take()
            return node
        if token.kind == "PHRASE":
            return _phrase(token)
        return _term(token)

    def missing_operand(
        self, token: _Token | None, after: _Token | None
    ) -> TopicQueryError:
        if after is not None:
            where = f"after {after.text} at {_at(after.position)}"
            position = after.position
        elif token is not None:
            where = f"before {token.text} at {_at(token.position)}"
            position = token.position
        else:
            where, position = "at the end", len(self.text)
        if token is not None and token.kind == ")" and after is None:
            return TopicQueryError(
                f'empty parentheses at {_at(token.position)}; put a term between "(" '
                'and ")" or remove them.',
                position=token.position,
            )
        return TopicQueryError(
            f'expected a word, #hashtag, "phrase" or "(" {where}; add one or remove '
            "the operator.",
            position=position,
        )


def _phrase(token: _Token) -> Node:
    words = analyse(token.text).words
    if not words:
        raise TopicQueryError(
            f"the phrase at {_at(token.position)} has no words; put words between the "
            "quotes or remove them.",
            position=token.position,
        )
    return Phrase(words) if len(words) > 1 else Word(words[0])


def _term(token: _Token) -> Node:
    raw = token.text
    for marker in _FILTERS:
        if raw.lower().startswith(marker):
            value = raw[len(marker) :].strip().lower()
            name = marker[:-1]
            if not value:
                example = "lang:en" if name == "lang" else "platform:mastodon"
                raise TopicQueryError(
                    f"{raw} at {_at(token.position)} needs a value, e.g. {example}.",
                    position=token.position,
                )
            return Filter(name, value)
    if raw.startswith("#"):
        tags = analyse(raw).hashtags
        if len(tags) != 1 or analyse(raw).words:
            raise TopicQueryError(
                f"{raw!r} at {_at(token.position)} is not a hashtag; use # followed by "
                "letters or digits, e.g. #northpeak.",
                position=token.position,
            )
        return Hashtag(next(iter(tags)))
    prefix = raw.endswith("*") and len(raw) > 1
    words = analyse(raw[:-1] if prefix else raw).words
    if not words:
        raise TopicQueryError(
            f"{raw!r} at {_at(token.position)} has nothing to match; use letters or "
            "digits (quote it to match a phrase).",
            position=token.position,
        )
    if len(words) > 1:  # "e-bike" tokenises to two words: match them as a phrase
        return Phrase(words)
    return Word(words[0], prefix=prefix)


def _has_positive(node: Node, negated: bool = False) -> bool:
    if isinstance(node, Not):
        return _has_positive(node.child, not negated)
    if isinstance(node, AllOf | AnyOf):
        return any(_has_positive(child, negated) for child in node.children)
    return not negated and not isinstance(node, Filter)


def parse_query(text: str) -> Query:
    """Parse a topic query; raises `TopicQueryError` naming the position and the fix."""
    root = _Parser(text).parse()
    if not _has_positive(root):
        raise TopicQueryError(
            "it has no term to look for, only exclusions or filters; add a word, "
            '#hashtag or "phrase" that mentions must contain.',
            position=0,
        )
    return Query(text=text, root=root)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    first = phrase[0]
    return any(
        words[i] == first and words[i : i + size] == phrase
        for i in range(len(words) - size + 1)
    )


def _evaluate(
    node: Node, mention: Mention, text: Analysis, word_set: frozenset[str]
) -> bool:
    if isinstance(node, Word):
        if node.prefix:
            return any(w.startswith(node.text) for w in word_set) or any(
                tag[1:].startswith(node.text) for tag in text.hashtags
            )
        return node.text in word_set or f"#{node.text}" in text.hashtags
    if isinstance(node, Hashtag):
        return node.tag in text.hashtags
    if isinstance(node, Phrase):
        return _contains(text.words, node.words)
    if isinstance(node, Filter):
        actual = mention.language if node.field == "lang" else mention.platform
        return actual.lower() == node.value
    if isinstance(node, Not):
        return not _evaluate(node.child, mention, text, word_set)
    if isinstance(node, AllOf):
        return all(_evaluate(c, mention, text, word_set) for c in node.children)
    return any(_evaluate(c, mention, text, word_set) for c in node.children)


def matches(topic: Topic, mention: Mention, analysis: Analysis | None = None) -> bool:
    """Whether `mention` belongs to `topic`; pass `analysis` to reuse a tokenising pass."""
    if topic.languages and mention.language.lower() not in topic.languages:
        return False
    if topic.platforms and mention.platform.lower() not in topic.platforms:
        return False
    text = analysis if analysis is not None else analyse(mention.text)
    return _evaluate(topic.query.root, mention, text, text.word_set)
