"""Fit one master text to one platform: hashtags, link placement, threads, trimming.

Pure: the platform arrives as a `Target` (its limit, how it measures, what it supports), so
the algorithm is tested with any counting rule. Text is only ever cut at whitespace, so a URL,
hashtag, mention or emoji sequence is never broken; trimming prefers whole sentences, then
clauses, then words, and says what it did.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

ELLIPSIS = "…"
LINK_IN_BIO = "Link in bio."
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:–—])\s+")
_HASHTAG = re.compile(r"(?<![\w&])#(\w[\w\u200c\u200d]*)", re.UNICODE)
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Target:
    platform: str
    limit: int
    measure: Callable[[str], int]
    hashtag_limit: int | None
    links_clickable: bool
    supports_threads: bool
    supports_first_comment: bool


@dataclass(frozen=True)
class Tailored:
    parts: tuple[str, ...]
    first_comment: str
    notes: tuple[str, ...]


def _split_trailing_hashtags(text: str) -> tuple[str, list[str]]:
    """The body and the block of hashtags that ends the text (the usual "#a #b #c" tail)."""
    tokens = text.rstrip().split()
    tags: list[str] = []
    while tokens and _HASHTAG.fullmatch(tokens[-1]):
        tags.insert(0, tokens.pop())
    if not tags:
        return text.strip(), []
    body = text.rstrip()
    for tag in reversed(tags):
        body = body[: body.rfind(tag)].rstrip()
    return body, tags


def _dedupe(tags: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for tag in tags:
        if tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return out


def _limit_hashtags(
    body: str, tags: list[str], limit: int | None, notes: list[str]
) -> tuple[str, list[str]]:
    if limit is None:
        return body, tags
    inline = _HASHTAG.findall(body)
    room = max(0, limit - len(inline))
    if len(tags) > room:
        notes.append(f"Kept {room} of {len(tags)} closing hashtags (limit {limit}).")
        tags = tags[:room]
    excess = len(inline) - limit
    if excess > 0:
        # Turn the last inline hashtags back into words rather than cutting the sentence.
        matches = list(_HASHTAG.finditer(body))[-excess:]
        for match in reversed(matches):
            body = body[: match.start()] + match.group(1) + body[match.end() :]
        notes.append(f"Removed # from {excess} inline hashtag(s) (limit {limit}).")
    return body, tags


def _assemble(body: str, link: str, tags: list[str]) -> str:
    blocks = [b for b in (body.strip(), link, " ".join(tags)) if b]
    return "\n\n".join(blocks)


def _place_link(
    body: str, link: str, destination: str, target: Target, notes: list[str]
) -> tuple[str, str, str]:
    """Returns (body, link to append, first comment)."""
    if destination and destination in body:
        body = body.replace(destination, link if target.links_clickable else "").strip()
        if target.links_clickable:
            return _SPACES.sub(" ", body), "", ""
    if not link:
        return body, "", ""
    if target.links_clickable:
        return body, link, ""
    notes.append(
        f"{target.platform} does not make links in posts clickable: added “{LINK_IN_BIO}”."
    )
    body = f"{body} {LINK_IN_BIO}".strip()
    if target.supports_first_comment:
        notes.append("Put the link in the first comment.")
        return body, "", link
    return body, "", ""


def tailor(
    text: str,
    *,
    target: Target,
    link: str = "",
    destination: str = "",
    allow_thread: bool = True,
) -> Tailored:
    """Tailor `text` for `target`. `link` is the tracked short link, `destination` the raw URL."""
    notes: list[str] = []
    body, tags = _split_trailing_hashtags(text)
    body, link_block, first_comment = _place_link(
        body, link, destination, target, notes
    )
    body, tags = _limit_hashtags(body, _dedupe(tags), target.hashtag_limit, notes)
    whole = _assemble(body, link_block, tags)
    if target.measure(whole) <= target.limit:
        return Tailored((whole,), first_comment, tuple(notes))
    fewer = _fit_by_dropping_closing_tags(body, link_block, tags, target)
    if fewer is not None:
        notes.append(
            f"Dropped {len(tags) - len(fewer)} closing hashtag(s) to fit {target.limit}."
        )
        return Tailored(
            (_assemble(body, link_block, fewer),), first_comment, tuple(notes)
        )
    if allow_thread and target.supports_threads:
        parts = split_thread(body, link_block, tags, target)
        if parts:
            notes.append(f"Split into a thread of {len(parts)} posts.")
            return Tailored(tuple(parts), first_comment, tuple(notes))
    trimmed, how = fit(body, target, lambda b: _assemble(b, link_block, tags))
    if trimmed is None:
        trimmed, how, tags = _fit_dropping_tags(body, link_block, tags, target, notes)
    notes.append(how)
    return Tailored(
        (_assemble(trimmed, link_block, tags),), first_comment, tuple(notes)
    )


def _fit_by_dropping_closing_tags(
    body: str, link: str, tags: list[str], target: Target
) -> list[str] | None:
    """The most closing hashtags that let the whole text fit in one post; None if none do."""
    for keep in range(len(tags) - 1, -1, -1):
        if target.measure(_assemble(body, link, tags[:keep])) <= target.limit:
            return tags[:keep]
    return None


def _fit_dropping_tags(
    body: str, link: str, tags: list[str], target: Target, notes: list[str]
) -> tuple[str, str, list[str]]:
    while tags:
        tags = tags[:-1]
        trimmed, how = fit(body, target, partial(_assemble, link=link, tags=tags))
        if trimmed is not None:
            notes.append("Dropped closing hashtags to make room.")
            return trimmed, how, tags
    trimmed, how = fit(body, target, lambda b: _assemble(b, link, []))
    return trimmed or "", how, []


def _units(body: str, pattern: re.Pattern[str]) -> list[str]:
    return [u for u in pattern.split(body.strip()) if u]


def fit(
    body: str, target: Target, assemble: Callable[[str], str]
) -> tuple[str | None, str]:
    """The longest prefix of `body` that fits once assembled, cut at a sentence, clause or word."""

    def fits(candidate: str) -> bool:
        return target.measure(assemble(candidate)) <= target.limit

    sentences = _units(body, _SENTENCE_END)
    for n in range(len(sentences) - 1, 0, -1):
        candidate = " ".join(sentences[:n])
        if fits(candidate):
            return (
                candidate,
                f"Trimmed to {n} of {len(sentences)} sentences to fit {target.limit}.",
            )
    words = body.split()
    lo, hi = 0, len(words)
    while (
        lo < hi
    ):  # the longest word prefix that fits, found by bisection (measure is monotonic)
        mid = (lo + hi + 1) // 2
        if fits(_ellipsised(words[:mid])):
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return None, ""
    prefix = words[:lo]
    clause_cut = _last_clause_boundary(prefix)
    if clause_cut and clause_cut >= lo * 2 // 3:
        prefix = prefix[:clause_cut]
    return _ellipsised(
        prefix
    ), f"Shortened the text to fit {target.limit}; check that it still reads well."


def _last_clause_boundary(words: list[str]) -> int:
    for i in range(len(words) - 1, 0, -1):
        if words[i - 1][-1:] in ",;:–—":
            return i
    return 0


def _ellipsised(words: list[str]) -> str:
    if not words:
        return ""
    text = " ".join(words).rstrip(",;:–— ")
    return text if text[-1:] in ".!?…" else text + ELLIPSIS


def split_thread(body: str, link: str, tags: list[str], target: Target) -> list[str]:
    """Number the body into thread posts ("1/3" at the end); link and hashtags go in the last one."""
    for total in range(2, 26):
        parts = _pack(body, link, tags, target, total)
        if parts is not None and len(parts) == total:
            return parts
        if parts is not None and len(parts) < total:
            return _pack(body, link, tags, target, len(parts)) or parts
    return []


def _pack(
    body: str, link: str, tags: list[str], target: Target, total: int
) -> list[str] | None:
    units = [w for s in _units(body, _SENTENCE_END) for w in _pieces(s, target, total)]
    parts: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current} {unit}".strip()
        if target.measure(f"{candidate} {total}/{total}") <= target.limit:
            current = candidate
            continue
        if not current:
            return None
        parts.append(current)
        current = unit
    tail = _assemble(current, link, tags)
    if current and target.measure(f"{tail} {total}/{total}") > target.limit:
        parts.append(current)
        current = ""
        tail = _assemble("", link, tags)
    parts.append(tail)
    if len(parts) > total:
        return None
    return [f"{p} {i}/{len(parts)}" for i, p in enumerate(parts, start=1)]


def _pieces(sentence: str, target: Target, total: int) -> list[str]:
    """A sentence, or its words when the sentence alone does not fit one thread post."""
    if target.measure(f"{sentence} {total}/{total}") <= target.limit:
        return [sentence]
    return sentence.split()
