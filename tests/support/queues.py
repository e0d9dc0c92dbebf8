"""Helpers for queue, recurring and evergreen tests: members, posts and queue slots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tandem.accounts import Member, Role
from tandem.compose.store import BriefRow, VariantRow
from tandem.core import new_id
from tandem.publish import actions as pa
from tandem.publish.queue_slots import configure_queue
from tandem.publish.scheduling import Slot, to_local
from tandem.storage import Database
from tests.support.world import World

WEEKDAY_SLOTS: list[Slot] = [
    (d, t) for d in ("mon", "tue", "wed", "thu", "fri") for t in ("09:00", "12:30")
]


def owner(world: World) -> Member:
    return Member(world.users[Role.OWNER], world.acme, Role.OWNER, "m-owner")


def outsider(world: World) -> Member:
    assert world.outsider is not None
    return Member(world.outsider, world.beta, Role.OWNER, "m-outsider")


def set_slots(
    db: Database,
    world: World,
    slots: Sequence[Slot] = tuple(WEEKDAY_SLOTS),
    *,
    timezone: str | None = None,
    **evergreen: object,
) -> None:
    with db.session() as s:
        configure_queue(
            s,
            actor=owner(world),
            account_id=world.acme_account_id,
            now=world.clock.now(),
            slots=slots,
            timezone=timezone,
            **evergreen,  # type: ignore[arg-type]
        )


def post_at(
    db: Database, world: World, when: datetime, text: str, zone: str = "Europe/Paris"
) -> str:
    """A scheduled publication of the acme account at `when`."""
    with db.session() as s:
        p = pa.create_publication(
            s,
            workspace_id=world.acme.id,
            account_id=world.acme_account_id,
            parts=[text],
            local_time=to_local(when, zone),
            timezone=zone,
            now=world.clock.now(),
        )
    return p.id


def approved_variant(
    db: Database, world: World, *, status: str = "approved", text: str = "Hello"
) -> str:
    now = world.clock.now()
    with db.session() as s:
        brief = BriefRow(
            id=new_id(),
            workspace_id=world.acme.id,
            title="Brief",
            text=text,
            status=status,
            created_at=now,
            updated_at=now,
        )
        s.add(brief)
        s.flush()
        variant = VariantRow(
            id=new_id(),
            brief_id=brief.id,
            workspace_id=world.acme.id,
            account_id=world.acme_account_id,
            platform="sandbox",
            content={"parts": [text]},
            updated_at=now,
        )
        s.add(variant)
    return variant.id
