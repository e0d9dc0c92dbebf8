"""Which parts of a text are links, the way X (twitter-text) and Mastodon find them.

The grammar follows twitter-text 3.1's documented behaviour (conformance/extract.yml):
an optional `http(s)://`, a domain whose last label is a delegated top-level domain,
an optional port, path and query; links without a scheme count only for their ASCII
domain part. Mastodon's server reuses that domain grammar with a looser path (any
non-space except `<>()?`, config/initializers/twitter_regex.rb) and more schemes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from tandem.compose.rules.tlds import tld_pattern

SPACES = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
INVALID_CHARS = "\ufffe\ufeff\uffff"  # rejected by X anywhere in a post
DIRECTIONAL_MARKS = "\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"
PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
CYRILLIC = "\u0400-\u04ff"

_MAX_URL_LENGTH = 4096  # twitter-text: longer "links" are plain text
_MAX_LABEL_LENGTH = 63  # RFC 1035, checked on the punycode form (RFC 3490)
_MAX_TCO_SLUG = 40

_DOMAIN_CHAR = f"[^{PUNCT}{SPACES}{INVALID_CHARS}{DIRECTIONAL_MARKS}]"
# Possessive inner loops: a label is tried once per start, never re-split.
_SUBDOMAIN = rf"(?:{_DOMAIN_CHAR}(?:[_-]*{_DOMAIN_CHAR})*+\.)"
_DOMAIN_NAME = rf"(?:{_DOMAIN_CHAR}(?:-*{_DOMAIN_CHAR})*+\.)"
_PUNYCODE = r"(?:xn--[-0-9a-z]+)"
_TLD_END = r"(?=[^0-9a-z@+\-]|$)"
_PRECEDING = rf"(?P<before>[^A-Za-z0-9@\uff20$#\uff03{INVALID_CHARS}]|^)"

_TCO_QUERY = r"(?:\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-z0-9\-_&=#/])?"
_TCO = re.compile(rf"https?://t\.co/([a-z0-9]+){_TCO_QUERY}", re.IGNORECASE)
_WITHOUT_SCHEME_BAD_BEFORE = frozenset("-_./")
# Whitespace that neither a domain nor a path (either grammar) can contain.
_SEPARATORS = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WORD_REST = re.compile(f"[^{_SEPARATORS}]*")
_SEPARATOR_SET = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
) | {chr(code) for code in range(0x2000, 0x200B)}

_UCHARS = (
    "\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    "\U00030000-\U0003fffd\U00040000-\U0004fffd\U00050000-\U0005fffd"
    "\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd"
    "\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)


@dataclass(frozen=True)
class _PathGrammar:
    general: str  # any path character
    ending: str  # what a path may end with (so "example.com/foo." drops the dot)
    query: str
    query_end: str
    at_path_prefix: str  # twitter-text allows "/@user/"; Mastodon any "/x/"
    schemes: str


_TWITTER_GENERAL = rf"[a-z{CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{LATIN_ACCENTS}]"
_TWITTER = _PathGrammar(
    general=_TWITTER_GENERAL,
    ending=rf"[+\-a-z{CYRILLIC}0-9=_#/{LATIN_ACCENTS}]",
    query=r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]",
    query_end=r"[a-z0-9\-_&=#/]",
    at_path_prefix="@",
    schemes="https?://",
)
_MASTODON = _PathGrammar(
    general=r"[^\s<>()?]",
    ending="[^\\s()?!*\"'\u300c\u300d<>;:=,.$%\\[\\]~&|@]",
    query=rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^{_UCHARS}]",
    query_end=rf"[a-z0-9_&=#/\-{_UCHARS}]",
    at_path_prefix="",
    schemes="(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://",
)


class UrlSpan(NamedTuple):  # a tuple: cheaper to make than a frozen dataclass
    text: str
    start: int
    end: int


@cache
def domain_pattern() -> str:
    """A domain ending in a delegated TLD (or punycode); compile case-insensitively."""
    tld = f"(?:(?:{tld_pattern()}){_TLD_END}|{_PUNYCODE})"
    return f"(?:{_SUBDOMAIN}*{_DOMAIN_NAME}{tld})"


@cache
def _url_regex(grammar: _PathGrammar, scheme_required: bool) -> re.Pattern[str]:
    general, ending = grammar.general, grammar.ending
    parens = (
        rf"\((?:{general}+|(?:{general}*\({general}+\){general}*))\)"  # 2 levels max
    )
    path = (
        rf"(?:(?:{general}*(?:{parens}{general}*)*(?:{ending}|{parens}))"
        rf"|(?:{grammar.at_path_prefix}{general}+/))"
    )
    scheme = f"(?P<scheme>{grammar.schemes})" + ("" if scheme_required else "?")
    return re.compile(
        rf"{_PRECEDING}(?P<url>{scheme}(?P<domain>{domain_pattern()})"
        rf"(?::[0-9]+)?(?P<path>/{path}*)?"
        rf"(?:\?{grammar.query}*{grammar.query_end})?)",
        re.IGNORECASE,
    )


@cache
def _ascii_domain_regex() -> re.Pattern[str]:
    tld = f"(?:(?:{tld_pattern()}){_TLD_END}|{_PUNYCODE})"
    return re.compile(rf"(?:[\-a-z0-9{LATIN_ACCENTS}]+\.)+{tld}", re.IGNORECASE)


@cache
def _candidate_regex() -> re.Pattern[str]:
    """Cheap pre-check: a dot followed by a TLD, or punycode."""
    return re.compile(rf"\.(?:(?:{tld_pattern()}){_TLD_END}|xn--)", re.IGNORECASE)


def valid_domain(domain: str) -> bool:
    """Every label is 1-63 characters once punycode-encoded (twitter-text's idna check);
    an `xn--` domain must already be ASCII."""
    if domain[:4].lower() == "xn--" and not _ascii_domain_regex().fullmatch(domain):
        return False
    return all(0 < length <= _MAX_LABEL_LENGTH for length in _label_lengths(domain))


@lru_cache(maxsize=4096)
def _label_lengths(domain: str) -> tuple[int, ...]:
    # The punycode codec is pure Python and slow; domains repeat, so cache.
    return tuple(
        len(label) if label.isascii() else 4 + len(label.encode("punycode"))
        for label in domain.split(".")
    )


def _punycode_growth(domain: str) -> int:
    return sum(_label_lengths(domain)) + domain.count(".") - len(domain)


@lru_cache(maxsize=256)
def find_urls(
    text: str, *, mastodon: bool = False, schemeless: bool = True
) -> tuple[UrlSpan, ...]:
    """Links in `text`, as X counts them (or Mastodon's server with `mastodon=True`).

    `schemeless=False` keeps only links written with a scheme (what Mastodon's server
    shortens to 23 characters). Cached: the composer measures one draft for every
    platform.
    """
    if "." not in text:
        return ()
    pattern = _url_regex(_MASTODON if mastodon else _TWITTER, not schemeless)
    found: list[UrlSpan] = []
    word_end = 0
    # A link never spans whitespace: match only in the words holding a dot followed by
    # a TLD, each from the space before it (a valid character before a link).
    for candidate in _candidate_regex().finditer(text):
        if candidate.start() < word_end:
            continue  # another dot of a word already matched
        word_start = _word_start(text, candidate.start())
        word_end = _WORD_REST.match(text, candidate.start()).end()  # type: ignore[union-attr]
        for match in pattern.finditer(text, max(word_start - 1, 0), word_end):
            found += _spans(match, mastodon)
    return tuple(found)


def _word_start(text: str, index: int) -> int:
    while index > 0 and text[index - 1] not in _SEPARATOR_SET:
        index -= 1
    return index


def _spans(match: re.Match[str], mastodon: bool) -> list[UrlSpan]:
    url, domain, start = match["url"], match["domain"], match.start("url")
    scheme = match["scheme"] or "https://"
    if not valid_domain(domain):
        return []
    if len(scheme) + len(url) + _punycode_growth(domain) > _MAX_URL_LENGTH:
        return []
    if match["scheme"]:
        span = _with_scheme(url, start, mastodon)
        return [span] if span else []
    if match["before"] in _WITHOUT_SCHEME_BAD_BEFORE:
        return []
    return _without_scheme(url, domain, start, bool(match["path"]), mastodon)


def _with_scheme(url: str, start: int, mastodon: bool) -> UrlSpan | None:
    tco = None if mastodon else _TCO.match(url)
    if tco is None:
        return UrlSpan(url, start, start + len(url))
    if len(tco[1]) > _MAX_TCO_SLUG:
        return None  # twitter-text drops a t.co link with an over-long slug
    # A t.co link ends at its slug and query: "http://t.co/abc's" is http://t.co/abc.
    return UrlSpan(tco[0], start, start + len(tco[0]))


def _without_scheme(
    url: str, domain: str, start: int, has_path: bool, mastodon: bool
) -> list[UrlSpan]:
    if mastodon:  # the web composer links Unicode domains too
        return [UrlSpan(url, start, start + len(url))]
    # twitter-text links only the ASCII domains inside a schemeless match; an ASCII
    # domain without "_" is one whole (the usual case: skip the second regex).
    if domain.isascii() and "_" not in domain:
        spans = [UrlSpan(domain, start, start + len(domain))]
    else:
        spans = [
            UrlSpan(part[0], start + part.start(), start + part.end())
            for part in _ascii_domain_regex().finditer(domain)
        ]
    if spans and has_path:
        last = spans[-1]
        spans[-1] = UrlSpan(
            url.replace(domain, last.text, 1), last.start, start + len(url)
        )
    return spans
