"""Triage quality on hand-written messages and on simulator messages, and its rules."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

import tandem.inbox
from tandem.inbox import Intent, Polarity, triage
from tandem.sim.conversations import messages

DATA = Path(__file__).parents[2] / "data" / "inbox"


def _hand_written() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in ("messages.csv", "holdout.csv"):
        with (DATA / name).open(encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _report(label: str, agree: Counter[str], total: int) -> dict[str, float]:
    """Shares of agreement; bench/inbox_triage.py prints the same figures."""
    return {k: agree[k] / total for k in ("intent", "sentiment", "language")}


def test_hand_written_set_is_big_and_varied():
    rows = _hand_written()
    assert len(rows) >= 100
    intents = Counter(r["intent"] for r in rows)
    assert set(intents) == {i.value for i in Intent}
    assert min(intents.values()) >= 10
    assert (
        sum(r["language"] not in ("en", "und") for r in rows) >= 20
    )  # other languages
    assert sum(r["language"] == "und" for r in rows) >= 5  # emoji-only


def test_quality_on_the_hand_written_set():
    rows = _hand_written()
    agree: Counter[str] = Counter()
    for row in rows:
        result = triage(row["text"])
        agree["intent"] += result.intent == row["intent"]
        agree["sentiment"] += result.polarity == row["sentiment"]
        agree["language"] += result.language == row["language"]
    scores = _report("hand-written", agree, len(rows))
    assert scores["intent"] >= 0.9
    assert scores["sentiment"] >= 0.8
    assert scores["language"] >= 0.9


def test_quality_on_simulator_messages():
    sample = messages(seed=11, count=3000)
    agree: Counter[str] = Counter()
    for msg in sample:
        result = triage(msg.text)
        agree["intent"] += result.intent == msg.intent
        agree["sentiment"] += result.polarity == msg.polarity
        agree["language"] += result.language == msg.language
    scores = _report("simulator", agree, len(sample))
    assert scores["intent"] >= 0.95
    assert scores["sentiment"] >= 0.85
    assert scores["language"] >= 0.9


def test_the_public_api_is_tandem_inbox_triage():
    result = tandem.inbox.triage("Where is my order? Still waiting after 3 weeks.")
    assert -1.0 <= result.sentiment <= 1.0
    assert result.intent is Intent.COMPLAINT
    assert 0 <= result.priority <= 100


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("🔥🔥🔥", Polarity.POSITIVE),  # praise on social media, not a fire
        ("Great, another delay. Thanks a lot.", Polarity.NEGATIVE),  # sarcasm
        ("Vocês entregam no Brasil?", Polarity.NEUTRAL),  # "no" is not a negation here
        ("Die Lieferung war pünktlich", Polarity.NEUTRAL),  # "die" is an article
        ("I can't believe how good this is", Polarity.POSITIVE),
        ("still waiting for my refund. day 19.", Polarity.NEGATIVE),
    ],
)
def test_sentiment_reads_social_language(text, polarity):
    assert triage(text).polarity is polarity


def test_sarcasm_is_flagged_and_read_as_a_complaint():
    result = triage(
        "Oh wonderful, my package is 'delivered' but it's nowhere. Just perfect."
    )
    assert result.sarcastic and result.intent is Intent.COMPLAINT
    assert result.sentiment < 0


def test_priority_puts_crisis_first_and_spam_last():
    crisis = triage("Your charger exploded in my kitchen, calling a lawyer")
    complaint = triage("My order is late again, very disappointed")
    praise = triage("Love it, thank you!")
    spam = triage("Buy cheap followers at bit.ly/abc")
    assert [crisis.intent, complaint.intent, praise.intent, spam.intent] == [
        Intent.CRISIS,
        Intent.COMPLAINT,
        Intent.PRAISE,
        Intent.SPAM,
    ]
    assert crisis.priority > complaint.priority > praise.priority > spam.priority


def test_reach_and_waiting_time_raise_priority_with_reasons():
    text = "Does the jacket come in green?"
    plain = triage(text)
    famous = triage(text, author_followers=250_000)
    waiting = triage(text, age=timedelta(hours=30))
    assert famous.priority > plain.priority and waiting.priority > plain.priority
    assert any("250,000 followers" in r for r in famous.reasons)
    assert any("waiting 30 h" in r for r in waiting.reasons)
    # capped: nothing exceeds 100
    worst = triage(
        "Recall this, it exploded and burned my son. Lawyer called. #boycott",
        author_followers=10**9,
        age=timedelta(days=5),
    )
    assert worst.priority == 100.0


def test_spam_stays_at_the_bottom_whatever_its_reach():
    spam = triage("Earn $500/day from home, DM me 💰", author_followers=10**6)
    assert spam.intent is Intent.SPAM and spam.priority < 10


def test_language_is_undetermined_without_words():
    assert triage("😍😍😍").language == "und"
    assert triage("Wie lange dauert der Versand nach Österreich?").language == "de"
