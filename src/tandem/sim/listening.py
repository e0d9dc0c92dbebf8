"""Demo listening: the brand, a competitor and an industry topic, and two weeks of simulated
mentions with planted bursts and emerging themes, so the demo's Listen page is alive.

The simulator speaks of the brand ("northpeak"); the competitor is made by retelling every
third brand mention about "trailcraft" (same time, another author), which gives it about a
quarter of the share of voice.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from tandem.accounts.model import Member
from tandem.core import Clock
from tandem.listen import actions
from tandem.listen.ingest import ingest
from tandem.listen.records import IngestResult, MentionInput, TopicInput
from tandem.sim.mentions import simulate_mentions

TOPICS = (
    TopicInput("Northpeak", 'northpeak OR #northpeak OR "north peak"', "brand"),
    TopicInput("Trailcraft", "trailcraft OR #trailcraft", "competitor"),
    TopicInput("Hiking", "#hiking OR hiking OR trail*", "industry"),
)
WEEKS = 2
RATE_PER_HOUR = 10.0


def demo_mentions(seed: int, clock: Clock) -> list[MentionInput]:
    now = clock.now()
    stream = simulate_mentions(seed, now=now, weeks=WEEKS, rate_per_hour=RATE_PER_HOUR)
    found: list[MentionInput] = []
    brand_seen = 0
    for index, m in enumerate(stream):
        found.append(
            MentionInput(
                text=m.text,
                created_at=m.created_at,
                platform=m.platform,
                platform_id=f"sim-{seed}-{index}",
                author=m.author,
                author_followers=50 + (index * 7919) % 5000,
                language=m.language,
            )
        )
        if "northpeak" in m.text:
            brand_seen += 1
            if brand_seen % 3 == 0:
                found.append(
                    MentionInput(
                        text=m.text.replace("northpeak", "trailcraft"),
                        created_at=m.created_at + timedelta(seconds=1),
                        platform=m.platform,
                        platform_id=f"sim-{seed}-{index}-rival",
                        author=f"{m.author}x",
                        language=m.language,
                    )
                )
    return found


def seed_listen_demo(
    session: Session, *, owner: Member, clock: Clock, seed: int
) -> IngestResult:
    for topic in TOPICS:
        actions.add_topic(session, actor=owner, data=topic, clock=clock)
    return ingest(
        session,
        workspace_id=owner.workspace.id,
        mentions=demo_mentions(seed, clock),
        source="sim",
        now=clock.now(),
    )
