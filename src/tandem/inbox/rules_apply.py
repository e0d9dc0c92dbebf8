"""Running rules: on arrival (in the transaction that inserts the items) and on demand.

On arrival every enabled rule runs in order on each new item, each seeing what the earlier
ones did, until a matching rule says stop. "Run on open items now" applies one rule to every
open, visible item that matches it (the preview counts them first, changing nothing); it
ignores "stop", which only means something between rules. Every application is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts.store import UserRow
from tandem.inbox.model import Item
from tandem.inbox.queries import OPEN_STATUSES
from tandem.inbox.rules import Rule, matches, outcome
from tandem.inbox.rules_store import record_run, rule_of, rules_of
from tandem.inbox.store import InboxItemRow, to_item

ARRIVAL = "arrival"
BULK = "bulk"
BATCH = 500
PREVIEW_SAMPLE = 5


@dataclass(frozen=True)
class Preview:
    matching: int  # open, visible items the rule would change now
    sample: tuple[Item, ...]  # a few of them, newest first


def _names(session: Session, rules: Sequence[Rule]) -> dict[str, str]:
    ids = {r.actions.assign_user_id for r in rules if r.actions.assign_user_id}
    if not ids:
        return {}
    rows = session.execute(
        select(UserRow.id, UserRow.name, UserRow.email).where(UserRow.id.in_(ids))
    ).all()
    return {i: name or email for i, name, email in rows}


def _write(row: InboxItemRow, changes: dict[str, object]) -> None:
    for key, value in changes.items():
        if key == "tags":
            row.tags = {"tags": list(value)}  # type: ignore[call-overload]
        else:
            setattr(row, key, value)


def _apply_one(
    session: Session,
    row: InboxItemRow,
    rule: Rule,
    *,
    trigger: str,
    now: datetime,
    names: dict[str, str],
    step: int = 0,
) -> Item:
    item = to_item(row)
    result = outcome(
        rule.actions,
        item,
        now=now,
        assignee_name=names.get(rule.actions.assign_user_id or "", ""),
    )
    _write(row, result.changes)
    record_run(
        session,
        workspace_id=row.workspace_id,
        rule=rule,
        item_id=row.id,
        trigger=trigger,
        done=result.done,
        now=now,
        step=step,
    )
    return to_item(row)


def apply_rules(
    session: Session, workspace_id: str, item_ids: Sequence[str], *, now: datetime
) -> int:
    """Run the workspace's enabled rules on newly arrived items; returns applications."""
    if not item_ids:
        return 0
    rules = rules_of(session, workspace_id, enabled_only=True)
    if not rules:
        return 0
    names = _names(session, rules)
    rows = session.scalars(
        select(InboxItemRow).where(
            InboxItemRow.workspace_id == workspace_id, InboxItemRow.id.in_(item_ids)
        )
    )
    applied = 0
    for row in rows:
        item = to_item(row)
        for step, rule in enumerate(rules):
            if not matches(rule.conditions, item):
                continue
            item = _apply_one(
                session, row, rule, trigger=ARRIVAL, now=now, names=names, step=step
            )
            applied += 1
            if rule.actions.stop:
                break
    session.flush()
    return applied


def _open_rows(session: Session, workspace_id: str) -> Iterator[InboxItemRow]:
    query = (
        select(InboxItemRow)
        .where(
            InboxItemRow.workspace_id == workspace_id,
            InboxItemRow.deleted_at.is_(None),
            InboxItemRow.hidden.is_(False),
            InboxItemRow.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(InboxItemRow.received_at.desc(), InboxItemRow.id)
    )
    yield from session.scalars(query.execution_options(yield_per=BATCH))


def preview_rule(session: Session, workspace_id: str, rule_id: str) -> Preview:
    """How many open items the rule would apply to if run now; changes nothing."""
    rule = rule_of(session, workspace_id, rule_id)
    count, sample = 0, list[Item]()
    for row in _open_rows(session, workspace_id):
        item = to_item(row)
        if matches(rule.conditions, item):
            count += 1
            if len(sample) < PREVIEW_SAMPLE:
                sample.append(item)
    return Preview(count, tuple(sample))


def run_rule_now(
    session: Session, workspace_id: str, rule_id: str, *, now: datetime
) -> int:
    """Apply one rule (enabled or not: the user asked) to every matching open item."""
    rule = rule_of(session, workspace_id, rule_id)
    rule = replace(rule, actions=replace(rule.actions, stop=False))
    names = _names(session, [rule])
    targets = [
        row
        for row in _open_rows(session, workspace_id)
        if matches(rule.conditions, to_item(row))
    ]
    for row in targets:
        _apply_one(session, row, rule, trigger=BULK, now=now, names=names)
    session.flush()
    return len(targets)
