"""The measure job: ship collected events from the outbox to the warehouse."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from tandem.core import Clock
from tandem.measure.shipping import BATCH_SIZE, ship_events
from tandem.settings import Settings
from tandem.storage.warehouse_open import BriefWriter


class JobContextLike(Protocol):
    """What the handler uses of tandem.jobs.JobContext (declared here: jobs imports us)."""

    @property
    def session(self) -> Session: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...


def ship_collected_events(ctx: JobContextLike, payload: dict[str, Any]) -> None:
    """Move outbox events to the warehouse; idempotent (the warehouse ignores known ids).

    The warehouse file is held only while each batch is appended, so pages reading it in
    other processes wait at most one append. WarehouseBusy (readers held it past the
    writer's patience) is transient: the worker retries.
    """
    batch_size = int(payload.get("batch_size", BATCH_SIZE))
    writer = BriefWriter(ctx.settings.warehouse_path)
    ship_events(ctx.session, writer, now=ctx.clock.now(), batch_size=batch_size)
