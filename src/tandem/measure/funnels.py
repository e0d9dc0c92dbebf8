"""Funnels: people who took ordered steps, with drop-off and the median time between steps.

A step is written `event:<name>` (a custom or conversion event's name), `url:<pattern>`
(a pageview whose address matches; `*` matches anything) or an event type (`pageview`,
`click`, `conversion`). A person enters the funnel at their first step-1 event in the
period; each later step counts when it happens after the previous one and within the
window (default 30 days) of entering. SQL picks the matching events (DuckDB and PostgreSQL
run it; tests run both), Python walks each person's events in order.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tandem.core.errors import InvalidInput
from tandem.measure.journeys import SqlRunner
from tandem.measure.people import PEOPLE_CTE

DEFAULT_WINDOW = timedelta(days=30)
MAX_STEPS = 10
TYPES = ("pageview", "click", "conversion", "custom", "email")


@dataclass(frozen=True)
class Step:
    kind: str  # "event", "url" or "type"
    value: str

    @property
    def label(self) -> str:
        return self.value if self.kind == "type" else f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class StepResult:
    step: Step
    people: int
    of_first: float  # share of the people who entered (1.0 for the first step)
    of_previous: float  # share of the previous step's people
    dropped: int  # people of the previous step who did not take this one
    median_seconds: float | None  # from the previous step, among those who took it


def parse_step(text: str) -> Step:
    """`event:signup`, `url:/pricing*` or a type; InvalidInput names `steps`."""
    raw = text.strip()
    kind, _, value = raw.partition(":")
    if not value and kind in TYPES:
        return Step("type", kind)
    if kind in ("event", "url") and value.strip() and len(value) <= 500:
        return Step(kind, value.strip())
    raise InvalidInput(
        f"The step {raw[:60]!r} is not understood: write event:<name>, url:<pattern> "
        f"(* matches anything) or one of {', '.join(TYPES)}.",
        field="steps",
    )


def parse_steps(texts: list[str]) -> list[Step]:
    steps = [parse_step(t) for t in texts if t.strip()]
    if not 2 <= len(steps) <= MAX_STEPS:
        raise InvalidInput(
            f"A funnel needs 2 to {MAX_STEPS} steps; {len(steps)} given.", field="steps"
        )
    return steps


def _like(pattern: str) -> str:
    escaped = pattern.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return escaped.replace("*", "%")


def _step_sql(index: int, step: Step) -> str:
    if step.kind == "event":
        where = f"type IN ('custom', 'conversion') AND name = :s{index}"
    elif step.kind == "url":
        where = f"type = 'pageview' AND url LIKE :s{index} ESCAPE '!'"
    else:
        where = f"type = :s{index}"
    return (
        f"SELECT person, {index} AS step, occurred_at, event_id FROM ev WHERE {where}"
    )


def funnel_sql(steps: list[Step]) -> str:
    parts = "\nUNION ALL\n".join(_step_sql(i, s) for i, s in enumerate(steps))
    return (
        PEOPLE_CTE
        + f", hits AS (\n{parts}\n)\n"
        + "SELECT person, step, occurred_at FROM hits WHERE occurred_at >= :earliest "
        + "ORDER BY person, occurred_at, event_id, step"
    )


def funnel(
    runner: SqlRunner,
    *,
    workspace_id: str,
    steps: list[Step],
    since: datetime,
    until: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> list[StepResult]:
    """One result per step, for people entering in [since, until)."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("funnels need aware datetimes")
    params: dict[str, Any] = {"ws": workspace_id, "until": until + window}
    params["earliest"] = since
    for i, step in enumerate(steps):
        params[f"s{i}"] = _like(step.value) if step.kind == "url" else step.value
    events: dict[str, list[tuple[int, datetime]]] = defaultdict(list)
    for person, step, at in runner.rows(funnel_sql(steps), params):
        events[str(person)].append((int(step), at))
    reached = [0] * len(steps)
    gaps: list[list[float]] = [[] for _ in steps]
    for hits in events.values():
        times = _walk(hits, len(steps), since, until, window)
        for i, at in enumerate(times):
            reached[i] += 1
            if i:
                gaps[i].append((at - times[i - 1]).total_seconds())
    out: list[StepResult] = []
    for i, step in enumerate(steps):
        before = reached[i - 1] if i else reached[0]
        out.append(
            StepResult(
                step=step,
                people=reached[i],
                of_first=reached[i] / reached[0] if reached[0] else 0.0,
                of_previous=reached[i] / before if before else 0.0,
                dropped=before - reached[i],
                median_seconds=statistics.median(gaps[i]) if gaps[i] else None,
            )
        )
    return out


def _walk(
    hits: list[tuple[int, datetime]],
    n: int,
    since: datetime,
    until: datetime,
    window: timedelta,
) -> list[datetime]:
    """The times this person took steps 0..k, in order; empty if they never entered."""
    times: list[datetime] = []
    for step, at in hits:
        if not times:
            if step == 0 and since <= at < until:
                times.append(at)
            continue
        if at > times[0] + window:
            break
        if step == len(times) and at > times[-1]:
            times.append(at)
            if len(times) == n:
                break
    return times
