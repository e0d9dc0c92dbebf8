from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import islice

import pytest

from tandem.listen import TrendKind, terms
from tandem.sim.mentions import MentionStream, simulate_mentions

NOW = datetime(2026, 11, 3, 22, tzinfo=UTC)


@pytest.fixture(scope="module")
def stream() -> MentionStream:
    return simulate_mentions(9, now=NOW, weeks=2)


def test_the_same_arguments_give_the_same_stream_and_truth(
    stream: MentionStream,
) -> None:
    again = simulate_mentions(9, now=NOW, weeks=2)
    assert again.truth == stream.truth
    assert list(islice(again, 500)) == list(islice(stream, 500))
    other = simulate_mentions(10, now=NOW, weeks=2)
    assert other.truth != stream.truth


def test_mentions_are_aware_in_time_order_and_before_now(stream: MentionStream) -> None:
    times = [m.created_at for m in stream]
    assert times == sorted(times)
    assert times[0] >= NOW - timedelta(weeks=2) and times[-1] < NOW
    assert all(t.tzinfo is not None for t in times)


def test_it_plants_bursts_and_emerging_terms_in_the_last_day(
    stream: MentionStream,
) -> None:
    truth = stream.truth
    kinds = Counter(t.kind for t in truth.active)
    assert kinds == {TrendKind.BURST: 4, TrendKind.EMERGING: 3}
    for planted in truth.active:
        if planted.kind is TrendKind.BURST:
            assert (
                NOW - timedelta(hours=18) <= planted.start <= NOW - timedelta(hours=4)
            )
        else:
            assert (
                NOW - timedelta(hours=96) <= planted.start <= NOW - timedelta(hours=48)
            )
    assert (
        truth.past_bursts[0].key == truth.active[0].key
    )  # last week's spike, same word


def test_emerging_words_never_appear_before_they_start(stream: MentionStream) -> None:
    emerging = [t for t in stream.truth.active if t.kind is TrendKind.EMERGING]
    seen: dict[str, datetime] = {}
    for mention in stream:
        for key in terms(mention.text) & {t.key for t in emerging}:
            seen.setdefault(key, mention.created_at)
    assert set(seen) == {t.key for t in emerging}
    for planted in emerging:
        assert seen[planted.key] >= planted.start


def test_the_seasonal_decoys_keep_their_rhythm(stream: MentionStream) -> None:
    monday = Counter(
        (m.created_at.weekday(), m.created_at.hour)
        for m in stream
        if "#mondaymotivation" in m.text
    )
    assert monday and all(day == 0 and 6 <= hour <= 11 for day, hour in monday)
    chat = Counter(
        m.created_at.weekday() for m in stream if m.text.startswith("#trailtalk")
    )
    assert set(chat) == {1}


def test_it_speaks_several_languages_and_sometimes_none(stream: MentionStream) -> None:
    languages = Counter(m.language for m in islice(stream, 5000))
    assert {"en", "de", "fr", "es", "pt", "it", ""} <= set(languages)
    assert languages["en"] > languages["de"] > 0
