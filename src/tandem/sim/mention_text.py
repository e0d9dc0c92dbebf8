"""Words and sentence shapes for simulated mentions (see `sim/mentions.py`).

Background mentions mix a few hand-picked outdoor-gear words with a long tail of made-up words
drawn with Zipf frequencies, wrapped in each language's function words so that stopword
removal and bigrams are exercised. Event words (bursts, emerging terms) are made-up words from
a different syllable set, so they never occur in the background by accident.
"""

from __future__ import annotations

import itertools
import random

from tandem.listen.stopwords import ALL as STOPWORDS


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


REAL_WORDS = _words(
    "trail shoes jacket rain hike summit camp tent backpack boots weather forest river lake "
    "bottle headlamp sleeping stove route map gear climb ridge valley snow winter summer "
    "sunrise sunset coffee socks laces grip sole waterproof warm light heavy price sale "
    "shipping order size colour fit comfort blister knee ankle run marathon ultra race pace "
    "miles training garmin strava photo view peak cabin storm wind fog trip weekend family "
    "dog kids parking guide ranger permit bridge path mud rocks roots moss birds deer bear "
    "compass rope harness helmet chalk boulder crag paddle kayak canoe bike gravel"
)

_SYLLABLES = _words(
    "ka lo mi ne ru ta vo si be da fe gu ho ja ki la ma no pa re su te vi zo"
)
_EVENT_SYLLABLES = _words("qua xer yph zar quo xil yom zup qel xan")

OPENERS: dict[str, tuple[str, ...]] = {
    "en": (
        "the",
        "my",
        "just got the",
        "anyone else with the",
        "so the",
        "love this",
        "is the",
    ),
    "de": ("die", "mein", "ich habe den", "wer kennt das", "der"),
    "fr": ("le", "mon", "j'ai le", "qui a le", "la"),
    "es": ("el", "mi", "tengo el", "quién tiene el", "la"),
    "pt": ("o", "meu", "eu tenho o", "quem tem o", "a"),
    "it": ("il", "mio", "ho il", "chi ha il", "la"),
}
JOINERS: dict[str, tuple[str, ...]] = {
    "en": ("and", "with", "for the", "is", "on the", "after"),
    "de": ("und", "mit", "für die", "ist", "auf dem"),
    "fr": ("et", "avec", "pour le", "est", "sur le"),
    "es": ("y", "con", "para el", "es", "sobre el"),
    "pt": ("e", "com", "para o", "é", "no"),
    "it": ("e", "con", "per il", "è", "sul"),
}
LANGUAGES = ("en", "de", "fr", "es", "pt", "it")
LANGUAGE_WEIGHTS = (0.7, 0.08, 0.08, 0.06, 0.04, 0.04)
EVENT_OPENERS = ("so the", "the", "is the", "why is the", "how is the", "all the")


def vocabulary(rng: random.Random, size: int) -> tuple[str, ...]:
    """Real words first (the frequent end of the Zipf curve), then made-up ones."""
    words = list(REAL_WORDS)
    made = {
        "".join(parts)
        for parts in itertools.product(_SYLLABLES, repeat=3)
        if "".join(parts) not in STOPWORDS
    }
    words.extend(rng.sample(sorted(made), size - len(words)))
    return tuple(words)


def zipf_weights(size: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights for `random.choices(cum_weights=...)`."""
    return list(
        itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, size + 1))
    )


def event_word(rng: random.Random, taken: set[str]) -> str:
    while True:
        word = "".join(rng.choice(_EVENT_SYLLABLES) for _ in range(2)) + rng.choice(
            _SYLLABLES
        )
        if word not in taken:
            taken.add(word)
            return word


def sentence(rng: random.Random, language: str, words: list[str]) -> str:
    """An opener, the words joined by function words, and closing punctuation."""
    parts = [rng.choice(OPENERS[language]), words[0]]
    joiners = JOINERS[language]
    for word in words[1:]:
        if rng.random() < 0.5:
            parts.append(rng.choice(joiners))
        parts.append(word)
    return " ".join(parts) + rng.choice((".", "!", "", "?"))
