"""Who an event belongs to, in SQL that DuckDB and PostgreSQL share.

A person is the contact a visitor was stitched to (the latest identify of that visitor id),
else the event's contact, else the visitor id: the same rule journeys.py uses, so funnels,
cohorts and journeys count the same people.
"""

from __future__ import annotations

# Each visitor id's contact: the one its latest identify named (a CTE, without WITH).
STITCHED_CTE = """
stitched AS (
    SELECT visitor_id, contact_id FROM (
        SELECT visitor_id, contact_id,
               ROW_NUMBER() OVER (
                   PARTITION BY visitor_id ORDER BY occurred_at DESC, event_id DESC
               ) AS rank_of
        FROM events
        WHERE workspace_id = :ws AND visitor_id IS NOT NULL AND contact_id IS NOT NULL
    ) ranked
    WHERE rank_of = 1
)
"""

# `ev` holds the workspace's events before :until with their person; callers add CTEs after.
PEOPLE_CTE = f"""
WITH {STITCHED_CTE},
ev AS (
    SELECT e.event_id, e.type, e.occurred_at, e.channel, e.url, e.value,
           e.properties ->> 'name' AS name, e.properties AS props,
           COALESCE(s.contact_id, e.contact_id, e.visitor_id) AS person
    FROM events e
    LEFT JOIN stitched s ON s.visitor_id = e.visitor_id
    WHERE e.workspace_id = :ws AND e.occurred_at < :until
      AND COALESCE(s.contact_id, e.contact_id, e.visitor_id) IS NOT NULL
)
"""
