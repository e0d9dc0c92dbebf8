"""Trend detection throughput and memory on a simulated mention stream.

Usage: python bench/listen.py [mentions]   (default 1,000,000)

Generates about `mentions` simulator mentions over five weeks (seed 2025, six bursts and four
emerging terms planted in the last day), then:
1. ingest: `TrendCounter.add` per mention (tokenise, count per hour, prune), on one core;
2. detect: one `detect` call at the end of the stream (24 h window, four weeks of baseline);
3. triage: `tandem.inbox.triage` on 20,000 of the mentions, and what ingest + triage give;
4. memory: a second, streamed ingest (mentions generated on the fly, never held) under
   tracemalloc, and the process's peak resident set size.
Prints precision and recall of the detection against the simulator's truth too.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from itertools import islice

from tandem.inbox import triage
from tandem.listen import TrendCounter, detect
from tandem.sim.mentions import score_detection, simulate_mentions

NOW = datetime(2026, 11, 3, 22, tzinfo=UTC)
# Mean hourly volume factor of the simulator over five weeks (daily x weekly x growth, chat).
_VOLUME_PER_RATE_HOUR = 1.067 * 5 * 168


def main(target: int) -> None:
    rate = target / _VOLUME_PER_RATE_HOUR
    stream = simulate_mentions(
        2025, now=NOW, weeks=5, rate_per_hour=rate, bursts=6, emerging=4
    )
    start = time.perf_counter()
    mentions = list(stream)
    generated = time.perf_counter() - start
    print(
        f"generated     {len(mentions):,} mentions in {generated:.1f} s (rate {rate:.0f}/h)"
    )

    counter = TrendCounter()
    start = time.perf_counter()
    for mention in mentions:
        counter.add(mention)
    ingest = time.perf_counter() - start
    print(
        f"ingest        {len(mentions) / ingest:,.0f} mentions/s ({ingest:.1f} s), "
        f"{len(counter.series):,} keys kept, {len(counter.recent):,} recent mentions"
    )

    start = time.perf_counter()
    trends = detect(counter, now=NOW, limit=None)
    detected = time.perf_counter() - start
    result = score_detection(stream.truth, trends)
    print(
        f"detect        {detected:.2f} s: {len(trends)} trends, precision "
        f"{result.precision:.2f}, recall {result.recall:.2f}"
    )

    sample = [
        m.text
        for m in islice(mentions, 0, len(mentions), max(1, len(mentions) // 20_000))
    ]
    for text in sample[:200]:  # warm-up: lexicons and the language model load
        triage(text)
    start = time.perf_counter()
    for text in sample:
        triage(text)
    per_triage = (time.perf_counter() - start) / len(sample)
    combined = 1.0 / (per_triage + ingest / len(mentions))
    print(
        f"triage        {1 / per_triage:,.0f} mentions/s; ingest + triage {combined:,.0f}/s"
    )

    del mentions, counter, trends
    tracemalloc.start()
    streamed = TrendCounter()
    for mention in stream:
        streamed.add(mention)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory        streamed ingest peak {peak / 2**20:,.0f} MiB (tracemalloc); "
        f"process peak RSS {rss:,.0f} MiB (includes the list of all mentions)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
