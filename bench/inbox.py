"""Inbox at scale: triage throughput and list latency with 100,000 items.

Usage: python bench/inbox.py [items]   (default 100,000)
Set TANDEM_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to also run on
PostgreSQL (in a throwaway schema).

Items are simulator messages (tandem.sim.conversations), triaged once each (the triage figure),
then bulk-inserted (and ANALYZEd on PostgreSQL, as autovacuum would); each query runs 30
times after a warm-up and prints p50/p95 in ms, then the plan of a search (to see
the word index at work: SQLite's FTS5 table, PostgreSQL's GIN index).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, event, insert, text
from sqlalchemy.orm import Session

from tandem.accounts import actions as accounts
from tandem.core import FrozenClock, new_id
from tandem.inbox import queries
from tandem.inbox.store import InboxItemRow
from tandem.inbox.triage import triage
from tandem.publish.store import SocialAccountRow
from tandem.sim.conversations import messages
from tandem.storage import create_database, upgrade

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
QUERIES = {
    "default view (open, by priority)": queries.ItemQuery(),
    "complaints, negative": queries.ItemQuery(intent="complaint", polarity="negative"),
    "unassigned, newest": queries.ItemQuery(assignee="none", sort="newest"),
    "search 'refund'": queries.ItemQuery(q="refund"),
    "search two words": queries.ItemQuery(q="shipping lyon"),
    "search, no match": queries.ItemQuery(q="xylophone"),
    "search 'the' (1 item in 4)": queries.ItemQuery(q="the"),
    "search 'dm' (1 item in 100)": queries.ItemQuery(q="dm"),
    "page 20": queries.ItemQuery(offset=950),
}


def rows_for(
    workspace_id: str, account_ids: list[str], count: int
) -> tuple[list[dict], float]:
    sample = messages(seed=5, count=count)
    rng = random.Random(5)
    out = []
    started = time.perf_counter()
    for i, m in enumerate(sample):
        t = triage(m.text, author_followers=m.author_followers)
        at = NOW - timedelta(minutes=count - i)
        out.append(
            {
                "id": new_id(),
                "workspace_id": workspace_id,
                "account_id": rng.choice(account_ids),
                "platform": "sandbox",
                "platform_id": f"m{i}",
                "kind": "comment",
                "text": m.text,
                "author_handle": m.author_handle,
                "author_name": m.author_name,
                "author_followers": m.author_followers,
                "url": "",
                "created_at": at,
                "received_at": at,
                "conversation_id": f"m{i}",
                "in_reply_to": "",
                "post_platform_id": "",
                "published_post_id": None,
                "sentiment": t.sentiment,
                "polarity": t.polarity.value,
                "intent": t.intent.value,
                "language": t.language,
                "priority": t.priority,
                "sarcastic": t.sarcastic,
                "status": rng.choice(["new", "new", "open", "waiting", "closed"]),
                "assignee_id": None,
                "assignee_role": None,
                "tags": {"tags": []},
                "hidden": False,
            }
        )
    return out, time.perf_counter() - started


def print_plan(engine: Engine, ws_id: str, query: queries.ItemQuery) -> None:
    """The database's plan for one page of `query`: shows whether the word index is used."""
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    with Session(engine) as s:
        queries.find_items(s, ws_id, query)
    event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = next(x for x in seen if "FROM inbox_items" in x[0])
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as c:
        rows = c.exec_driver_sql(explain + statement, parameters).all()  # type: ignore[arg-type]
    for row in rows:
        line = str(row[-1])  # PostgreSQL's lines quote the whole indexed expression
        print(f"    plan: {line[:110]}{' ...' if len(line) > 110 else ''}")


def run(url: str, label: str, count: int) -> None:
    database = create_database(url)
    upgrade(database)
    clock = FrozenClock(NOW)
    with database.session() as s:
        _, ws = accounts.create_organisation(
            s,
            name="Bench",
            workspace_name="Bench",
            owner_email="bench@bench.test",
            owner_name="Bench",
            owner_password="bench-password-123",
            clock=clock,
        )
        account_ids = []
        for n in range(4):
            account_id = new_id()
            s.add(
                SocialAccountRow(
                    id=account_id,
                    workspace_id=ws.id,
                    platform="sandbox",
                    handle=f"bench{n}",
                    display_name=f"Bench {n}",
                    created_at=NOW,
                )
            )
            account_ids.append(account_id)
    rows, triage_seconds = rows_for(ws.id, account_ids, count)
    print(f"[{label}] triage: {count / triage_seconds:,.0f} messages/s on one core")
    started = time.perf_counter()
    with database.session() as s:
        for start in range(0, len(rows), 5000):
            s.execute(insert(InboxItemRow), rows[start : start + 5000])
    if database.engine.dialect.name == "postgresql":
        # A live PostgreSQL has planner statistics (autovacuum analyses a table after many
        # inserts); right after a bulk load it has none yet, and picks poor plans.
        with database.engine.begin() as c:
            c.execute(text("ANALYZE inbox_items"))
    print(
        f"[{label}] inserted {count:,} items in {time.perf_counter() - started:.1f} s"
    )
    print(f"  {'query':40} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for name, query in QUERIES.items():
        samples = []
        for i in range(33):
            began = time.perf_counter()
            with database.session() as s:
                found = queries.find_items(s, ws.id, query)
                queries.count_items(s, ws.id, query)
            if i >= 3:
                samples.append((time.perf_counter() - began) * 1000)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(
            f"  {name:40} {len(found):>5} {statistics.median(samples):>8.1f} {p95:>8.1f}"
        )
    print_plan(database.engine, ws.id, QUERIES["search 'refund'"])


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    folder = Path(tempfile.mkdtemp(prefix="tandem-inbox-bench-"))
    run(f"sqlite:///{folder / 'bench.db'}", "SQLite", count)
    pg = os.environ.get("TANDEM_BENCH_DATABASE_URL")
    if pg:
        schema = f"bench_inbox_{os.getpid()}"
        admin = create_database(pg)
        with admin.engine.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            run(f"{pg}?options=-csearch_path%3D{schema}", "PostgreSQL", count)
        finally:
            with admin.engine.begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
