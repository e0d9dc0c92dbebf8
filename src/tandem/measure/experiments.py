"""Experiments stored per workspace: variants with weights, a metric, optional hand counts.

Assignment is recorded by the page: any event whose properties carry `exp:<key>` with the
variant's name (the snippet's `props`, e.g. `{"exp:hero": "B"}`) assigns that person to the
variant the first time it is seen. Teams that assign elsewhere enter visitors and
conversions per variant by hand instead (`counts`). Results: experiment_results.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import Clock, Conflict, InvalidInput, NotFound, new_id
from tandem.storage import Base, UTCDateTime

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
METRICS = ("conversion", "revenue")
MAX_VARIANTS = 6


class ExperimentRow(Base):
    __tablename__ = "measure_experiments"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    variants: Mapped[str] = mapped_column(
        Text
    )  # JSON [[name, weight], ...], control first
    metric: Mapped[str] = mapped_column(String(16))
    metric_event: Mapped[str] = mapped_column(String(100))  # "" = any conversion
    counts: Mapped[str | None] = mapped_column(Text)  # JSON {variant: [visitors, conv]}
    planned_per_variant: Mapped[int | None] = mapped_column(Integer)
    daily_visitors: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Variant:
    name: str
    weight: float


@dataclass(frozen=True)
class Experiment:
    id: str
    key: str
    name: str
    variants: tuple[Variant, ...]  # the first is the control
    metric: str  # "conversion" or "revenue"
    metric_event: str  # the conversion's name; "" counts any conversion
    counts: dict[str, tuple[int, int]] | None  # hand-entered visitors, conversions
    planned_per_variant: int | None
    daily_visitors: float | None
    created_at: datetime

    @property
    def property_name(self) -> str:
        return f"exp:{self.key}"


@dataclass(frozen=True)
class ExperimentIn:
    key: str
    name: str
    variants: list[tuple[str, float]]
    metric: str = "conversion"
    metric_event: str = ""
    counts: dict[str, tuple[int, int]] | None = None
    planned_per_variant: int | None = None
    daily_visitors: float | None = None


def _checked(item: ExperimentIn) -> ExperimentIn:
    if not KEY.match(item.key):
        raise InvalidInput(
            "key must be 1 to 40 lowercase letters, digits, - or _ (it is the "
            "`exp:<key>` property the page sends).",
            field="key",
        )
    if not item.name.strip() or len(item.name) > 100:
        raise InvalidInput("name must be 1 to 100 characters.", field="name")
    names = [n.strip() for n, _ in item.variants]
    if not 2 <= len(names) <= MAX_VARIANTS or len(set(names)) != len(names):
        raise InvalidInput(
            f"Give 2 to {MAX_VARIANTS} variants with different names, the control first.",
            field="variants",
        )
    if any(not n or len(n) > 40 for n in names) or any(
        w <= 0 for _, w in item.variants
    ):
        raise InvalidInput(
            "Each variant needs a name (up to 40 characters) and a weight above 0.",
            field="variants",
        )
    if item.metric not in METRICS:
        raise InvalidInput("metric must be conversion or revenue.", field="metric")
    if len(item.metric_event) > 100:
        raise InvalidInput(
            "metric_event is at most 100 characters.", field="metric_event"
        )
    if item.counts is not None:
        if set(item.counts) != set(names):
            raise InvalidInput(
                "counts needs visitors and conversions for every variant, by name.",
                field="counts",
            )
        for visitors, conversions in item.counts.values():
            if not 0 <= conversions <= visitors:
                raise InvalidInput(
                    "counts: conversions must be between 0 and the visitors.",
                    field="counts",
                )
    if item.planned_per_variant is not None and item.planned_per_variant < 1:
        raise InvalidInput(
            "planned_per_variant must be at least 1.", field="planned_per_variant"
        )
    if item.daily_visitors is not None and item.daily_visitors <= 0:
        raise InvalidInput("daily_visitors must be above 0.", field="daily_visitors")
    return item


def _experiment(row: ExperimentRow) -> Experiment:
    counts = json.loads(row.counts) if row.counts else None
    return Experiment(
        id=row.id,
        key=row.key,
        name=row.name,
        variants=tuple(Variant(str(n), float(w)) for n, w in json.loads(row.variants)),
        metric=row.metric,
        metric_event=row.metric_event,
        counts={k: (int(v[0]), int(v[1])) for k, v in counts.items()}
        if counts
        else None,
        planned_per_variant=row.planned_per_variant,
        daily_visitors=row.daily_visitors,
        created_at=row.created_at,
    )


def _fill(row: ExperimentRow, item: ExperimentIn) -> None:
    row.key = item.key
    row.name = item.name.strip()
    row.variants = json.dumps([[n.strip(), float(w)] for n, w in item.variants])
    row.metric = item.metric
    row.metric_event = item.metric_event.strip()
    row.counts = (
        json.dumps({k: list(v) for k, v in item.counts.items()})
        if item.counts is not None
        else None
    )
    row.planned_per_variant = item.planned_per_variant
    row.daily_visitors = item.daily_visitors


def _taken(session: Session, workspace_id: str, key: str, but: str | None) -> None:
    found = session.scalar(
        select(ExperimentRow.id).where(
            ExperimentRow.workspace_id == workspace_id, ExperimentRow.key == key
        )
    )
    if found is not None and found != but:
        raise Conflict(
            f"An experiment with key {key!r} exists; pick another.", field="key"
        )


def create_experiment(
    session: Session, *, workspace_id: str, item: ExperimentIn, clock: Clock
) -> Experiment:
    _checked(item)
    _taken(session, workspace_id, item.key, None)
    row = ExperimentRow(id=new_id(), workspace_id=workspace_id, created_at=clock.now())
    _fill(row, item)
    session.add(row)
    session.flush()
    return _experiment(row)


def _row(session: Session, workspace_id: str, experiment_id: str) -> ExperimentRow:
    row = session.get(ExperimentRow, experiment_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such experiment in this workspace.", field="experiment_id")
    return row


def experiment_in(
    session: Session, workspace_id: str, experiment_id: str
) -> Experiment:
    return _experiment(_row(session, workspace_id, experiment_id))


def experiments_of(session: Session, workspace_id: str) -> list[Experiment]:
    rows = session.scalars(
        select(ExperimentRow)
        .where(ExperimentRow.workspace_id == workspace_id)
        .order_by(ExperimentRow.created_at.desc(), ExperimentRow.id)
    )
    return [_experiment(r) for r in rows]


def update_experiment(
    session: Session, *, workspace_id: str, experiment_id: str, item: ExperimentIn
) -> Experiment:
    _checked(item)
    row = _row(session, workspace_id, experiment_id)
    _taken(session, workspace_id, item.key, row.id)
    _fill(row, item)
    session.flush()
    return _experiment(row)


def delete_experiment(
    session: Session, *, workspace_id: str, experiment_id: str
) -> None:
    session.delete(_row(session, workspace_id, experiment_id))
    session.flush()
