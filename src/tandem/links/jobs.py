"""The links job: ship recorded clicks to the event warehouse in batches."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from tandem.core import Clock
from tandem.links.actions import BATCH_SIZE, ship_clicks
from tandem.settings import Settings
from tandem.storage.warehouse_open import BriefWriter


class JobContextLike(Protocol):
    """What the handler uses of tandem.jobs.JobContext.

    Declared here rather than imported: tandem.jobs.registry imports this module, so
    importing it back would be a cycle (and would point a capability at an edge).
    """

    @property
    def session(self) -> Session: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...


def ship_link_clicks(ctx: JobContextLike, payload: dict[str, Any]) -> None:
    """Move unshipped clicks to the warehouse; idempotent (event id = click id).

    The warehouse file is held only during each batch append (BriefWriter). WarehouseBusy
    (readers held it past the writer's patience) is transient: the worker retries.
    """
    batch_size = int(payload.get("batch_size", BATCH_SIZE))
    writer = BriefWriter(ctx.settings.warehouse_path)
    ship_clicks(ctx.session, writer, now=ctx.clock.now(), batch_size=batch_size)
