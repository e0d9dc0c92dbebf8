"""Inbox search latency on an existing database, for before/after comparisons of the code.

Usage: python bench/inbox_search.py DATABASE_URL [word ...]

Times `find_items` + `count_items` (what the queue shows) for each search, 20 runs after 3
warm-ups, in the database's first workspace. Point it at the SQLite file `bench/inbox.py`
leaves in /tmp (tandem-inbox-bench-*/bench.db), or a PostgreSQL schema loaded by
`bench.inbox.run`; run it once with PYTHONPATH at the old code's src and once at the new.
"""

from __future__ import annotations

import statistics
import sys
import time

from sqlalchemy import text

from tandem.inbox import queries
from tandem.storage import create_database

DEFAULT_WORDS = ["refund", "shipping lyon", "xylophone", "the", "dm"]


def main() -> None:
    database = create_database(sys.argv[1])
    with database.engine.connect() as c:
        workspace_id = c.execute(text("SELECT id FROM workspaces")).scalar_one()
    for q in sys.argv[2:] or DEFAULT_WORDS:
        query = queries.ItemQuery(q=q)
        samples = []
        for i in range(23):
            began = time.perf_counter()
            with database.session() as s:
                found = queries.find_items(s, workspace_id, query)
                queries.count_items(s, workspace_id, query)
            if i >= 3:
                samples.append((time.perf_counter() - began) * 1000)
        samples.sort()
        print(
            f"  {q!r:18} rows {len(found):>3}  p50 {statistics.median(samples):7.1f}"
            f"  p95 {samples[18]:7.1f}"
        )


if __name__ == "__main__":
    main()
