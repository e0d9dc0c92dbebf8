"""Simulated mention streams with planted trends and decoys, and the truth to score against.

`simulate_mentions(seed, now=..., weeks=5)` returns a `MentionStream`: iterate it (lazily, in
time order, identically every time) for `tandem.listen.Mention`s covering `weeks` weeks before
`now`; `stream.truth` says what a trend detector should find in the day before `now`:

- background chatter with a daily curve (quiet nights, lunch and evening peaks) and a weekly
  one (quieter weekends), slowly growing, in six languages;
- decoys that must not be flagged: big-but-steady terms (the brand "northpeak", "#hiking",
  the most frequent words), terms with their own rhythm ("#mondaymotivation" on Monday
  mornings, "lunch break" at midday, "#weekendvibes" at weekends, the "#trailtalk" weekly chat
  that doubles volume on Tuesdays 19:00-21:00 UTC) and past bursts that are over;
- planted bursts, started 4 to 18 hours before `now`: an established word suddenly far above
  its usual level, either with a few new event words and a hashtag ("news") or alone, in
  otherwise ordinary mentions ("spike", found only by comparing with the word's baseline);
  the first one also burst a week earlier, so its own baseline holds a past spike;
- planted emerging terms: new words appearing 2 to 4 days before `now` and growing
  exponentially from a trickle.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tandem.listen import Mention, Trend, TrendKind
from tandem.sim.mention_text import (
    EVENT_OPENERS,
    LANGUAGE_WEIGHTS,
    LANGUAGES,
    event_word,
    sentence,
    vocabulary,
    zipf_weights,
)
from tandem.sim.sampling import between, poisson, stream

# Share of volume per UTC hour (mean 1): quiet at night, peaks at lunch and in the evening.
DAILY = (
    0.3, 0.2, 0.15, 0.15, 0.2, 0.35, 0.6, 0.9, 1.1, 1.2, 1.25, 1.4,
    1.55, 1.45, 1.25, 1.2, 1.2, 1.3, 1.5, 1.75, 1.8, 1.55, 1.0, 0.55,
)  # fmt: skip
WEEKLY = (1.0, 1.05, 1.0, 1.0, 1.1, 0.8, 0.75)  # Monday first
WEEKLY_GROWTH = 0.02
PLATFORMS = ("mastodon", "bluesky", "sandbox")
STEADY_TERMS = ("northpeak", "#hiking")
SEASONAL_TERMS = ("#mondaymotivation", "lunch break", "#weekendvibes", "#trailtalk")
_VOCABULARY_SIZE = 1500
_BURST_KEYS = (3, 40)  # Zipf ranks of the established words that bursts happen to


@dataclass(frozen=True)
class PlantedTrend:
    """One planted event; `terms` are every key its mentions add (key word, event words,
    hashtag, their bigrams), so a detected theme holding any of them has found it."""

    kind: TrendKind
    key: str
    terms: frozenset[str]
    start: datetime
    peak_per_hour: float
    decay_hours: (
        float  # bursts fade with this time constant; emerging terms grow with it
    )


@dataclass(frozen=True)
class MentionTruth:
    now: datetime
    active: tuple[PlantedTrend, ...]
    past_bursts: tuple[PlantedTrend, ...]
    steady_terms: tuple[str, ...]
    seasonal_terms: tuple[str, ...]

    @property
    def decoys(self) -> frozenset[str]:
        """Keys that must not be in any detected trend."""
        past = {t for burst in self.past_bursts for t in burst.terms if " " not in t}
        now = {t for trend in self.active for t in trend.terms}
        return (
            frozenset(self.steady_terms) | frozenset(self.seasonal_terms) | (past - now)
        )


@dataclass(frozen=True)
class Detection:
    found: int
    false: int
    missed: tuple[PlantedTrend, ...]
    precision: float
    recall: float


def score_detection(truth: MentionTruth, trends: list[Trend]) -> Detection:
    """A trend is right if it shares a key with an active planted event; a planted event is
    found if some trend shares a key with it."""
    right = [t for t in trends if any(t.keys & p.terms for p in truth.active)]
    missed = tuple(p for p in truth.active if not any(t.keys & p.terms for t in trends))
    found = len(truth.active) - len(missed)
    return Detection(
        found=found,
        false=len(trends) - len(right),
        missed=missed,
        precision=len(right) / len(trends) if trends else 1.0,
        recall=found / len(truth.active) if truth.active else 1.0,
    )


@dataclass(frozen=True)
class MentionStream:
    seed: int
    now: datetime
    weeks: int
    rate_per_hour: float
    truth: MentionTruth
    words: tuple[str, ...] = field(repr=False)

    @property
    def start(self) -> datetime:
        return self.now - timedelta(weeks=self.weeks)

    def __iter__(self) -> Iterator[Mention]:
        cumulative = zipf_weights(len(self.words))
        hour = self.start.replace(minute=0, second=0, microsecond=0)
        while hour < self.now:
            rng = stream(self.seed, "mentions", hour.isoformat())
            batch = list(self._hour(rng, hour, cumulative))
            batch.sort(key=lambda m: m.created_at)
            yield from (m for m in batch if self.start <= m.created_at < self.now)
            hour += timedelta(hours=1)

    def _hour(
        self, rng: random.Random, hour: datetime, cumulative: list[float]
    ) -> Iterator[Mention]:
        weekday, clock = hour.weekday(), hour.hour
        weeks_in = (hour - self.start) / timedelta(weeks=1)
        level = self.rate_per_hour * DAILY[clock] * WEEKLY[weekday]
        level *= 1.0 + WEEKLY_GROWTH * weeks_in
        for _ in range(poisson(rng, level)):
            yield self._background(rng, hour, cumulative, weekday, clock)
        if weekday == 1 and clock in (19, 20):  # the weekly #trailtalk chat
            for _ in range(poisson(rng, self.rate_per_hour * 1.5)):
                words = rng.choices(self.words, cum_weights=cumulative, k=2)
                yield self._mention(rng, hour, f"#trailtalk {' '.join(words)}", "en")
        planted = (*self.truth.active, *self.truth.past_bursts)
        for event in planted:
            for _ in range(poisson(rng, _event_rate(event, hour))):
                yield self._event(rng, hour, event, cumulative)

    def _background(
        self,
        rng: random.Random,
        hour: datetime,
        cumulative: list[float],
        weekday: int,
        clock: int,
    ) -> Mention:
        language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        words = rng.choices(self.words, cum_weights=cumulative, k=rng.randint(2, 4))
        if rng.random() < 0.3 + 0.01 * ((hour - self.start) / timedelta(weeks=1)):
            words.insert(rng.randrange(len(words) + 1), "northpeak")
        if 11 <= clock <= 13 and rng.random() < 0.25:
            words.append("lunch break")
        text = sentence(rng, language, words)
        tags = []
        if rng.random() < 0.2:
            tags.append("#hiking")
        if weekday == 0 and 6 <= clock <= 11 and rng.random() < 0.4:
            tags.append("#mondaymotivation")
        if weekday >= 5 and rng.random() < 0.2:
            tags.append("#weekendvibes")
        if tags:
            text = f"{text} {' '.join(tags)}"
        # One in ten has no language tag, as when a source does not say.
        return self._mention(rng, hour, text, "" if rng.random() < 0.1 else language)

    def _event(
        self,
        rng: random.Random,
        hour: datetime,
        event: PlantedTrend,
        cumulative: list[float],
    ) -> Mention:
        core = sorted(t for t in event.terms if " " not in t and not t.startswith("#"))
        tag = next((t for t in sorted(event.terms) if t.startswith("#")), "")
        tail = " ".join(rng.choices(self.words, cum_weights=cumulative, k=2))
        if not tag:  # a spike: the word in ordinary chatter
            words = [event.key, *rng.choices(self.words, cum_weights=cumulative, k=2)]
            rng.shuffle(words)
            return self._mention(rng, hour, sentence(rng, "en", words), "en")
        if event.kind is TrendKind.BURST:
            extra = [w for w in core if w != event.key and rng.random() < 0.8]
            body = " ".join([event.key, *extra])
        else:
            body = core[0] if rng.random() < 0.8 else ""
        hashtag = tag if rng.random() < 0.7 or not body else ""
        text = f"{rng.choice(EVENT_OPENERS)} {body}! {hashtag}. {tail}"
        return self._mention(rng, hour, " ".join(text.split()), "en")

    def _mention(
        self, rng: random.Random, hour: datetime, text: str, language: str
    ) -> Mention:
        return Mention(
            text=text,
            created_at=hour + timedelta(seconds=rng.randrange(3600)),
            platform=rng.choice(PLATFORMS),
            author=f"user{rng.randrange(20_000)}",
            language=language,
        )


def _event_rate(event: PlantedTrend, hour: datetime) -> float:
    """Expected extra mentions in `hour` from one planted event."""
    middle = hour + timedelta(minutes=30)
    if middle < event.start:
        return 0.0
    elapsed = (middle - event.start) / timedelta(hours=1)
    if event.kind is TrendKind.BURST:
        return event.peak_per_hour * math.exp(-elapsed / event.decay_hours)
    return event.peak_per_hour * math.exp(elapsed / event.decay_hours)


def _burst(
    rng: random.Random,
    key: str,
    usual_per_hour: float,
    start: datetime,
    taken: set[str],
    *,
    news: bool,
) -> PlantedTrend:
    decay = between(rng, (3.0, 8.0))
    # Three to six days' worth of the word's usual volume, at least 40 mentions in all.
    total = max(40.0, between(rng, (3.0, 6.0)) * usual_per_hour * 24)
    terms = {key}
    if news:
        e1, e2, e3 = (event_word(rng, taken) for _ in range(3))
        terms |= {e1, e2, f"#{e3}", f"{key} {e1}", f"{key} {e2}", f"{e1} {e2}"}
    return PlantedTrend(
        TrendKind.BURST, key, frozenset(terms), start, total / decay, decay
    )


def _emerging(rng: random.Random, now: datetime, taken: set[str]) -> PlantedTrend:
    word, tag = event_word(rng, taken), event_word(rng, taken)
    age = between(rng, (48.0, 96.0))
    final = between(rng, (2.5, 5.0))  # mentions per hour reached at `now`, from 0.05
    growth = age / math.log(final / 0.05)
    start = now - timedelta(hours=age)
    # `peak_per_hour` is the rate at `start`; it grows e-fold every `growth` hours.
    return PlantedTrend(
        TrendKind.EMERGING, word, frozenset({word, f"#{tag}"}), start, 0.05, growth
    )


def simulate_mentions(
    seed: int,
    *,
    now: datetime,
    weeks: int = 5,
    rate_per_hour: float = 40.0,
    bursts: int = 4,
    emerging: int = 3,
    past_bursts: int = 2,
) -> MentionStream:
    """A deterministic stream: the same arguments always give the same mentions and truth."""
    now = now.astimezone(UTC)
    rng = stream(seed, "mentions", "plan")
    words = vocabulary(stream(seed, "mentions", "vocabulary"), _VOCABULARY_SIZE)
    harmonic = sum(1.0 / r for r in range(1, len(words) + 1))
    keys = rng.sample(range(*_BURST_KEYS), bursts + past_bursts)
    taken = set(words)

    def usual(
        rank: int,
    ) -> float:  # mentions per hour holding the word of this Zipf rank
        return rate_per_hour * 3.0 / (rank * harmonic)

    active = [
        _burst(
            rng,
            words[r - 1],
            usual(r),
            now - timedelta(hours=between(rng, (4, 18))),
            taken,
            news=i % 2 == 0,
        )
        for i, r in enumerate(keys[:bursts])
    ]
    active += [_emerging(rng, now, taken) for _ in range(emerging)]
    past = [
        _burst(
            rng,
            words[r - 1],
            usual(r),
            now - timedelta(days=between(rng, (3, 20))),
            taken,
            news=True,
        )
        for r in keys[bursts:]
    ]
    if bursts and past:  # the first burst's word also spiked a week earlier
        echo = active[0].start - timedelta(days=7, hours=between(rng, (-3, 3)))
        past[0] = _burst(rng, active[0].key, usual(keys[0]), echo, taken, news=False)
    truth = MentionTruth(
        now=now,
        active=tuple(active),
        past_bursts=tuple(past),
        steady_terms=(*STEADY_TERMS, *words[:2]),
        seasonal_terms=SEASONAL_TERMS,
    )
    return MentionStream(seed, now, weeks, rate_per_hour, truth, words)
