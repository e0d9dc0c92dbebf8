"""Checks a text against a brand kit. Pure and fast; knows nothing about where text goes.

Social posts, emails and landing pages use the same checks; `platform` only decides which
platform-scoped rules apply. Each kit compiles its patterns once (see `compile_kit`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from tandem.brand.model import (
    BrandKit,
    DisclosurePosition,
    EmojiPolicy,
)
from tandem.brand.text import (
    EMOJI,
    HANDLES,
    LINKS,
    Normalised,
    PhraseSet,
    Spans,
    canonical,
    normalise,
    tokens,
)
from tandem.core import Problem, Severity

# "!", the fullwidth "！" of CJK keyboards, and "‼" which counts as two.
_BANGS = re.compile("[!\uff01\u203c]+")
_PLATFORM_LABELS = {
    "bluesky": "Bluesky",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "threads": "Threads",
    "tiktok": "TikTok",
    "x": "X",
    "youtube": "YouTube",
}


def check(
    text: str, kit: BrandKit, *, sponsored: bool = False, platform: str | None = None
) -> list[Problem]:
    """Every way `text` breaks `kit`, sorted: whole-text problems first, then by position.

    `start`/`end` are code-point offsets into `text` as given (even when it is not NFC).
    Rules scoped to platforms apply only when `platform` is one of them.
    """
    return compile_kit(kit).check(text, sponsored=sponsored, platform=platform)


@lru_cache(maxsize=256)
def compile_kit(kit: BrandKit) -> CompiledKit:
    """The kit's patterns, compiled once per distinct kit (kits are frozen and hashable)."""
    return CompiledKit(kit)


def platform_label(platform: str) -> str:
    return _PLATFORM_LABELS.get(platform, platform.capitalize())


class CompiledKit:
    """A kit with its phrase sets built: what `compile_kit` caches."""

    def __init__(self, kit: BrandKit) -> None:
        self.kit = kit
        self._banned = PhraseSet(r.phrase for r in kit.banned)
        self._required = [PhraseSet(r.phrases) for r in kit.required]
        self._disclosures = PhraseSet(kit.disclosures)
        self._names = PhraseSet(kit.brand_names)
        self._name_forms = [canonical(n) for n in kit.brand_names]

    def check(
        self, text: str, *, sponsored: bool = False, platform: str | None = None
    ) -> list[Problem]:
        platform = platform.strip().lower() if platform else None
        norm = normalise(text)
        scan = _Scan(norm, Spans(LINKS, norm.text), tokens(norm.text))
        found = [
            *self._check_required(scan, platform),
            *(self._check_disclosure(scan) if sponsored else ()),
            *self._check_banned(scan, platform),
            *self._check_names(scan),
            *self._check_emoji(scan),
            *self._check_exclamations(scan),
        ]
        return sorted(found, key=_order)

    def _check_banned(self, scan: _Scan, platform: str | None) -> Iterator[Problem]:
        rules = self.kit.banned

        def applies(index: int) -> bool:
            return _applies(rules[index].platforms, platform)

        for start, end, index in scan.find(self._banned, applies):
            rule, written = rules[index], scan.norm.text[start:end]
            what = (
                f'Replace "{written}" with "{rule.replacement}"'
                if rule.replacement
                else f'Remove "{written}"'
            )
            why = rule.reason or "the brand kit bans it"
            message = _sentence(f"{what}: {why}")
            yield scan.problem(Severity.ERROR, "brand.banned_word", message, start, end)

    def _check_required(self, scan: _Scan, platform: str | None) -> Iterator[Problem]:
        for rule, phrases in zip(self.kit.required, self._required, strict=True):
            if not _applies(rule.platforms, platform):
                continue
            if next(scan.find(phrases), None) is not None:
                continue
            where = ""
            if rule.platforms and platform:
                where = f" to {platform_label(platform)} posts"
            why = rule.reason or "the brand kit requires it"
            alternatives = _or_list(rule.phrases, quote=True)
            message = _sentence(f"Add {alternatives}{where}: {why}")
            yield Problem(Severity.ERROR, "brand.required_missing", message)

    def _check_disclosure(self, scan: _Scan) -> Iterator[Problem]:
        kit = self.kit
        if not self._disclosures:
            return
        first = next(scan.find(self._disclosures), None)
        within = kit.disclosure_position is DisclosurePosition.WITHIN
        need = f"Sponsored posts need {_or_list(kit.disclosures)}"
        if within:
            need += f" in the first {kit.disclosure_within} characters"
        if first is None:
            yield Problem(Severity.ERROR, "brand.disclosure_missing", need + ".")
        elif within and first[1] > kit.disclosure_within:
            start, end, _ = first
            message = f"{need}; move it up (it starts at character {start + 1})."
            yield scan.problem(
                Severity.ERROR, "brand.disclosure_late", message, start, end
            )

    def _check_names(self, scan: _Scan) -> Iterator[Problem]:
        if not self._names:
            return
        text = scan.norm.text
        skip = Spans(HANDLES, text) if self.kit.names_skip_handles else None
        for start, end, index in self._names.find(text, scan.words):
            if skip is not None and skip.covers(start, end):
                continue
            name, written = self._name_forms[index], text[start:end]
            if canonical(written) != name:
                message = f'Write "{name}", not "{written}".'
                yield scan.problem(
                    Severity.WARNING, "brand.capitalisation", message, start, end
                )

    def _check_emoji(self, scan: _Scan) -> Iterator[Problem]:
        kit = self.kit
        if kit.emoji is EmojiPolicy.ALLOWED:
            return
        found = list(EMOJI.finditer(scan.norm.text))
        allowed = kit.max_emoji if kit.emoji is EmojiPolicy.LIMITED else 0
        for match in found[allowed:]:
            message = (
                f'Remove "{match.group()}": this brand writes without emoji.'
                if allowed == 0
                else f"Use at most {allowed} emoji (this text has {len(found)})."
            )
            yield scan.problem(Severity.WARNING, "brand.emoji", message, *match.span())

    def _check_exclamations(self, scan: _Scan) -> Iterator[Problem]:
        kit = self.kit
        if kit.max_exclamations is None and not kit.no_double_exclamation:
            return
        runs = [
            m
            for m in _BANGS.finditer(scan.norm.text)
            if not scan.links.covers(*m.span())
        ]
        marks = [(m.start() + i, ch) for m in runs for i, ch in enumerate(m.group())]
        total = sum(_weight(ch) for _, ch in marks)
        if kit.no_double_exclamation:
            for run in runs:
                if sum(_weight(ch) for ch in run.group()) > 1:
                    message = f'Write a single "!" instead of "{run.group()}".'
                    yield scan.problem(
                        Severity.WARNING, "brand.exclamation", message, *run.span()
                    )
        if kit.max_exclamations is not None and total > kit.max_exclamations:
            yield from self._excess_marks(scan, marks, total)

    def _excess_marks(
        self, scan: _Scan, marks: list[tuple[int, str]], total: int
    ) -> Iterator[Problem]:
        limit = self.kit.max_exclamations or 0
        message = (
            'Drop the "!": this brand writes without exclamation marks.'
            if limit == 0
            else f'Use at most {limit} "!" (this text has {total}).'
        )
        seen = 0
        for at, ch in marks:
            seen += _weight(ch)
            if seen > limit:
                yield scan.problem(
                    Severity.WARNING, "brand.exclamation", message, at, at + 1
                )


@dataclass(frozen=True)
class _Scan:
    """One text, normalised and tokenised once for every check."""

    norm: Normalised
    links: Spans
    words: list[tuple[int, str]]

    def find(
        self, phrases: PhraseSet, accept: Callable[[int], bool] | None = None
    ) -> Iterator[tuple[int, int, int]]:
        # Links do not count: a URL's path is not the brand's voice, and "#ad" in a
        # URL fragment is no disclosure.
        for found in phrases.find(self.norm.text, self.words, accept):
            if not self.links.covers(found[0], found[1]):
                yield found

    def problem(
        self, severity: Severity, code: str, message: str, start: int, end: int
    ) -> Problem:
        return Problem(severity, code, message, *self.norm.span(start, end))


def _applies(platforms: tuple[str, ...], platform: str | None) -> bool:
    return not platforms or platform in platforms


def _weight(mark: str) -> int:
    return 2 if mark == "\u203c" else 1


def _order(problem: Problem) -> tuple[int, int, str]:
    start = -1 if problem.start is None else problem.start
    end = -1 if problem.end is None else problem.end
    return start, end, problem.code


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _or_list(items: tuple[str, ...], *, quote: bool = False) -> str:
    shown = [f'"{item}"' if quote else item for item in items]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} or {shown[-1]}"
