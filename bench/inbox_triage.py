"""Triage quality and throughput.

Usage: python bench/inbox_triage.py [messages]   (default 50,000 simulator messages)

Prints intent accuracy, sentiment agreement and language agreement on the hand-written sets
(tests/data/inbox: messages.csv, written first and used to tune the rules; holdout.csv,
written later, first scored before any tuning on it) and on simulator messages, then
triage throughput on one core (messages/s, after a warm-up).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from tandem.inbox import triage
from tandem.sim.conversations import messages

DATA = Path(__file__).parents[1] / "tests" / "data" / "inbox"


def agreement(rows: list[tuple[str, str, str, str]]) -> str:
    n = len(rows)
    hits = [0, 0, 0]
    for text, intent, polarity, language in rows:
        result = triage(text)
        hits[0] += result.intent == intent
        hits[1] += result.polarity == polarity
        hits[2] += result.language == language
    return (
        f"{n:>6} messages  intent {hits[0] / n:.3f}  sentiment {hits[1] / n:.3f}  "
        f"language {hits[2] / n:.3f}"
    )


def main(count: int) -> None:
    for name in ("messages.csv", "holdout.csv"):
        with (DATA / name).open(encoding="utf-8") as handle:
            rows = [
                (r["text"], r["intent"], r["sentiment"], r["language"])
                for r in csv.DictReader(handle)
            ]
        print(f"{name:<14}{agreement(rows)}")
    sample = messages(seed=11, count=count)
    simulated = [(m.text, m.intent, m.polarity, m.language) for m in sample]
    print(f"{'simulator':<14}{agreement(simulated[:5000])}")
    for text, *_ in simulated[:200]:  # warm-up: lexicons and the language model load
        triage(text)
    start = time.perf_counter()
    for text, *_ in simulated:
        triage(text)
    elapsed = time.perf_counter() - start
    print(
        f"throughput    {count / elapsed:,.0f} messages/s on one core ({count:,} messages)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
