"""Grouping flagged terms into themes by how often they share mentions, and explaining them.

Flagged terms are taken strongest first; each joins the theme holding the member it shares the
most window mentions with, by Jaccard overlap of their mention sets, if that reaches
`theme_min_jaccard`, and otherwise starts a theme of its own; a bigram ("battery recall") joins
the theme of either of its words when one is flagged.

A term that would start a theme must still pass the thresholds on the mentions no stronger
theme explains: a big burst lifts the ordinary words its mentions also hold ("trail", "love"),
and those rises are part of the burst, not trends of their own. Such a term joins the theme it
shares most mentions with (or is dropped if it shares none). Joining one theme (never merging
two) keeps a generic word that rises with two events from chaining them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tandem.listen.model import Mention, TermKind, TermSignal, Trend, TrendKind
from tandem.listen.scoring import TrendParams, passes

if TYPE_CHECKING:  # only for annotations: counting imports nothing from here
    from tandem.listen.counting import Recent


_EMERGING_PREVIOUS = 2


def _jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _postings(
    signals: Sequence[TermSignal], recent: Sequence[Recent]
) -> dict[str, set[int]]:
    wanted = {s.key: set[int]() for s in signals}
    for index, entry in enumerate(recent):
        for key in entry.keys:
            posting = wanted.get(key)
            if posting is not None:
                posting.add(index)
    return wanted


def _examples(
    members: Sequence[TermSignal],
    mention_ids: set[int],
    recent: Sequence[Recent],
    count: int,
) -> tuple[Mention, ...]:
    keys = {m.key for m in members}
    ranked = sorted(
        mention_ids,
        key=lambda i: (-sum(k in keys for k in recent[i].keys), -recent[i].hour, i),
    )
    chosen: list[Mention] = []
    texts: set[str] = set()
    for index in ranked:
        mention = recent[index].mention
        if mention.text not in texts:
            chosen.append(mention)
            texts.add(mention.text)
        if len(chosen) == count:
            break
    return tuple(chosen)


def explain(lead: TermSignal, others: Sequence[TermSignal], hours: int) -> str:
    """One sentence a person can check against the numbers."""
    span = f"the last {hours} h"
    if lead.is_new:
        head = (
            f"{lead.key}: {lead.count} mentions in {span}, almost none before "
            f"({lead.expected:.1f} expected for these hours of the week)"
        )
    else:
        head = (
            f"{lead.key}: {lead.count} mentions in {span} against {lead.expected:.0f} "
            f"expected for these hours of the week ({lead.ratio:.1f}x)"
        )
    growth = f"{lead.growth:.1f}x the {hours} h before"
    tail = f"; with {', '.join(o.key for o in others[:4])}" if others else ""
    return f"{head}; {growth}{tail}."


def _home_of_phrase(
    signal: TermSignal, themes: Sequence[list[TermSignal]]
) -> list[TermSignal] | None:
    """A bigram belongs with a flagged word of its own, however rarely the two co-occur."""
    if signal.kind is not TermKind.PHRASE:
        return None
    words = set(signal.key.split(" "))
    return next((t for t in themes if any(m.key in words for m in t)), None)


def _closest(
    posting: set[int],
    themes: Sequence[list[TermSignal]],
    postings: dict[str, set[int]],
    threshold: float,
) -> list[TermSignal] | None:
    best, best_overlap = None, threshold
    for theme in themes:
        overlap = max(_jaccard(posting, postings[m.key]) for m in theme)
        if overlap >= best_overlap:
            best, best_overlap = theme, overlap
    return best


def _most_shared(
    posting: set[int], themes: Sequence[list[TermSignal]], postings: dict[str, set[int]]
) -> list[TermSignal] | None:
    best, most = None, 0
    for theme in themes:
        shared = len(posting & set().union(*(postings[m.key] for m in theme)))
        if shared > most:
            best, most = theme, shared
    return best


def _stands_alone(
    signal: TermSignal, posting: set[int], claimed: set[int], params: TrendParams
) -> bool:
    """Whether the term is still a trend without the mentions stronger themes explain.

    Scaled from the share of its kept mentions that are unclaimed, so a capped recent buffer
    (which holds only part of the window) does not understate the count.
    """
    if not posting or not claimed:
        return True
    residual = signal.count * len(posting - claimed) / len(posting)
    return passes(residual, signal.expected, signal.spread, params)


def _is_emerging(members: Sequence[TermSignal]) -> bool:
    """New terms only, already there (if fewer, `_EMERGING_PREVIOUS` mentions or more among
    them) the window before: growing, rather than breaking out all at once, which is a
    burst even when its words are new."""
    return bool(members) and (
        all(m.is_new for m in members)
        and sum(m.previous for m in members) >= _EMERGING_PREVIOUS
    )


def group_into_themes(
    signals: Sequence[TermSignal],
    recent: Sequence[Recent],
    *,
    params: TrendParams,
    hours: int,
) -> list[Trend]:
    postings = _postings(signals, recent)
    themes: list[list[TermSignal]] = []
    claimed: set[int] = set()
    carried: set[str] = set()  # flagged only for riding along with a stronger theme
    for signal in signals:  # strongest first
        home = _home_of_phrase(signal, themes) or _closest(
            postings[signal.key], themes, postings, params.theme_min_jaccard
        )
        if home is None and not _stands_alone(
            signal, postings[signal.key], claimed, params
        ):
            home = _most_shared(postings[signal.key], themes, postings)
            if home is None:
                continue
            carried.add(signal.key)
        if home is None:
            themes.append([signal])
        else:
            home.append(signal)
        claimed |= postings[signal.key]
    trends = []
    for members in themes:
        lead, others = members[0], members[1:]
        mention_ids = set().union(*(postings[m.key] for m in members))
        own = [m for m in members if m.key not in carried]
        kind = TrendKind.EMERGING if _is_emerging(own) else TrendKind.BURST
        trends.append(
            Trend(
                kind=kind,
                label=lead.key,
                score=lead.score,
                terms=tuple(members),
                examples=_examples(members, mention_ids, recent, params.examples),
                mentions=len(mention_ids),
                why=explain(lead, others, hours),
            )
        )
    trends.sort(key=lambda t: (-t.score, t.label))
    return trends
