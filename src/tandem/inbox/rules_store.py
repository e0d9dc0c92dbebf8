"""Rule rows and their upkeep: create, change, reorder, enable, delete, and read back.

Positions are dense (0, 1, 2...) per workspace and rewritten on every move or delete, so the
order the user sees is the order rules run in. Every application of a rule to an item is a
row of its own (`InboxRuleRunRow`); it keeps the rule's name, so the trail survives the
rule's deletion.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts.store import MembershipRow
from tandem.core import InvalidInput, NotFound, new_id
from tandem.inbox.rules import (
    Actions,
    Conditions,
    Done,
    Rule,
    RuleDraft,
    RuleRun,
    check_draft,
)
from tandem.inbox.store import InboxItemRow
from tandem.publish.store import SocialAccountRow
from tandem.storage import Base, JSONDict, UTCDateTime

MAX_RULES = 200
MOVES = ("up", "down", "top", "bottom")

# Volume per hour and metrics per week read items by when they were written; the inbox's
# own indexes are by received_at. Declared here (not in inbox.store) because it serves these
# modules; migration 0014 creates it.
Index(
    "ix_inbox_items_workspace_created_at",
    InboxItemRow.workspace_id,
    InboxItemRow.created_at,
)


class InboxRuleRow(Base):
    __tablename__ = "inbox_rules"
    __table_args__ = (
        Index("ix_inbox_rules_workspace_position", "workspace_id", "position"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column()
    enabled: Mapped[bool] = mapped_column(default=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)
    actions: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxRuleRunRow(Base):
    """One rule applied to one item: the audit trail of automation."""

    __tablename__ = "inbox_rule_runs"
    __table_args__ = (
        Index("ix_inbox_rule_runs_rule_applied_at", "rule_id", "applied_at"),
        Index("ix_inbox_rule_runs_item", "item_id"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    rule_id: Mapped[str | None] = mapped_column(
        ForeignKey("inbox_rules.id", ondelete="SET NULL")
    )
    rule_name: Mapped[str] = mapped_column(String(120))
    item_id: Mapped[str] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE")
    )
    trigger: Mapped[str] = mapped_column(String(16))
    # Order within one arrival (rules applied in the same instant keep their run order).
    step: Mapped[int] = mapped_column(default=0)
    done: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())


def _tuple_fields(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: tuple(v) if k in names and v is not None else v for k, v in data.items()}


def to_rule(row: InboxRuleRow) -> Rule:
    known_c = set(Conditions.__dataclass_fields__)
    known_a = set(Actions.__dataclass_fields__)
    c = {k: v for k, v in row.conditions.items() if k in known_c}
    a = {k: v for k, v in row.actions.items() if k in known_a}
    conditions = Conditions(
        **_tuple_fields(
            c,
            (
                "platforms",
                "account_ids",
                "kinds",
                "intents",
                "polarities",
                "languages",
                "keywords",
            ),
        )
    )
    actions = Actions(**_tuple_fields(a, ("add_tags",)))
    return Rule(
        row.id,
        row.workspace_id,
        row.name,
        row.position,
        row.enabled,
        conditions,
        actions,
        row.created_at,
        row.updated_at,
    )


def to_run(row: InboxRuleRunRow) -> RuleRun:
    done = tuple(Done(**d) for d in row.done.get("done", ()))
    return RuleRun(
        row.id,
        row.rule_id,
        row.rule_name,
        row.item_id,
        row.trigger,
        done,
        row.applied_at,
    )


def _rows(session: Session, workspace_id: str) -> list[InboxRuleRow]:
    return list(
        session.scalars(
            select(InboxRuleRow)
            .where(InboxRuleRow.workspace_id == workspace_id)
            .order_by(InboxRuleRow.position, InboxRuleRow.created_at, InboxRuleRow.id)
        )
    )


def rules_of(
    session: Session, workspace_id: str, *, enabled_only: bool = False
) -> list[Rule]:
    """The workspace's rules in the order they run."""
    return [
        to_rule(r)
        for r in _rows(session, workspace_id)
        if r.enabled or not enabled_only
    ]


def rule_row(session: Session, workspace_id: str, rule_id: str) -> InboxRuleRow:
    row = session.get(InboxRuleRow, rule_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such rule in this workspace.")
    return row


def rule_of(session: Session, workspace_id: str, rule_id: str) -> Rule:
    return to_rule(rule_row(session, workspace_id, rule_id))


def _check_in_workspace(session: Session, workspace_id: str, draft: RuleDraft) -> None:
    """The checks that need the database: the person and the accounts belong here."""
    user_id = draft.actions.assign_user_id
    if user_id:
        member = session.scalar(
            select(MembershipRow.id).where(
                MembershipRow.workspace_id == workspace_id,
                MembershipRow.user_id == user_id,
            )
        )
        if member is None:
            raise InvalidInput(
                "actions.assign_user_id: that person is not a member of this workspace; "
                "choose a member or a role.",
                field="actions.assign_user_id",
            )
    accounts = draft.conditions.account_ids
    if accounts:
        found = set(
            session.scalars(
                select(SocialAccountRow.id).where(
                    SocialAccountRow.workspace_id == workspace_id,
                    SocialAccountRow.id.in_(accounts),
                )
            )
        )
        missing = [a for a in accounts if a not in found]
        if missing:
            raise InvalidInput(
                f"conditions.account_ids: no connected account {missing[0]!r} in this "
                "workspace; pick one from the list.",
                field="conditions.account_ids",
            )


def _store(row: InboxRuleRow, draft: RuleDraft, now: datetime) -> None:
    row.name = draft.name
    row.enabled = draft.enabled
    row.conditions = asdict(draft.conditions)
    row.actions = asdict(draft.actions)
    row.updated_at = now


def create_rule(
    session: Session, workspace_id: str, draft: RuleDraft, *, now: datetime
) -> Rule:
    """Validate and add the rule at the end of the order."""
    clean = check_draft(draft)
    _check_in_workspace(session, workspace_id, clean)
    count = session.scalar(
        select(func.count()).where(InboxRuleRow.workspace_id == workspace_id)
    )
    if (count or 0) >= MAX_RULES:
        raise InvalidInput(
            f"A workspace has at most {MAX_RULES} rules; delete or merge some first.",
            field="name",
        )
    last = session.scalar(
        select(func.max(InboxRuleRow.position)).where(
            InboxRuleRow.workspace_id == workspace_id
        )
    )
    row = InboxRuleRow(
        id=new_id(),
        workspace_id=workspace_id,
        position=(last + 1) if last is not None else 0,
        created_at=now,
    )
    _store(row, clean, now)
    session.add(row)
    session.flush()
    return to_rule(row)


def update_rule(
    session: Session,
    workspace_id: str,
    rule_id: str,
    draft: RuleDraft,
    *,
    now: datetime,
) -> Rule:
    row = rule_row(session, workspace_id, rule_id)
    clean = check_draft(draft)
    _check_in_workspace(session, workspace_id, clean)
    _store(row, clean, now)
    session.flush()
    return to_rule(row)


def set_enabled(
    session: Session, workspace_id: str, rule_id: str, enabled: bool, *, now: datetime
) -> Rule:
    row = rule_row(session, workspace_id, rule_id)
    row.enabled, row.updated_at = enabled, now
    session.flush()
    return to_rule(row)


def _renumber(rows: list[InboxRuleRow]) -> None:
    for i, row in enumerate(rows):
        row.position = i


def move_rule(
    session: Session, workspace_id: str, rule_id: str, direction: str
) -> list[Rule]:
    """Move one place up or down, or to the top or bottom; returns the new order."""
    if direction not in MOVES:
        raise InvalidInput(
            f"direction must be one of {', '.join(MOVES)}.", field="direction"
        )
    rule_row(session, workspace_id, rule_id)
    rows = _rows(session, workspace_id)
    i = next(n for n, r in enumerate(rows) if r.id == rule_id)
    row = rows.pop(i)
    target = {"up": max(0, i - 1), "down": min(len(rows), i + 1), "top": 0}.get(
        direction, len(rows)
    )
    rows.insert(target, row)
    _renumber(rows)
    session.flush()
    return [to_rule(r) for r in rows]


def delete_rule(session: Session, workspace_id: str, rule_id: str) -> Rule:
    row = rule_row(session, workspace_id, rule_id)
    gone = to_rule(row)
    session.delete(row)
    session.flush()
    _renumber(_rows(session, workspace_id))
    return gone


def record_run(
    session: Session,
    *,
    workspace_id: str,
    rule: Rule,
    item_id: str,
    trigger: str,
    done: tuple[Done, ...],
    now: datetime,
    step: int = 0,
) -> None:
    session.add(
        InboxRuleRunRow(
            id=new_id(),
            workspace_id=workspace_id,
            rule_id=rule.id,
            rule_name=rule.name,
            item_id=item_id,
            trigger=trigger,
            step=step,
            done={"done": [asdict(d) for d in done]},
            applied_at=now,
        )
    )


def rule_history(session: Session, workspace_id: str, item_id: str) -> list[RuleRun]:
    """What rules did to one item, oldest first (for the item's page)."""
    rows = session.scalars(
        select(InboxRuleRunRow)
        .where(
            InboxRuleRunRow.workspace_id == workspace_id,
            InboxRuleRunRow.item_id == item_id,
        )
        .order_by(InboxRuleRunRow.applied_at, InboxRuleRunRow.step, InboxRuleRunRow.id)
    )
    return [to_run(r) for r in rows]


def runs_of_rule(
    session: Session, workspace_id: str, rule_id: str, *, limit: int = 50
) -> list[RuleRun]:
    """A rule's latest applications, newest first (for the rule's page)."""
    rule_row(session, workspace_id, rule_id)
    rows = session.scalars(
        select(InboxRuleRunRow)
        .where(
            InboxRuleRunRow.workspace_id == workspace_id,
            InboxRuleRunRow.rule_id == rule_id,
        )
        .order_by(
            InboxRuleRunRow.applied_at.desc(),
            InboxRuleRunRow.step.desc(),
            InboxRuleRunRow.id,
        )
        .limit(limit)
    )
    return [to_run(r) for r in rows]


def run_counts(session: Session, workspace_id: str) -> dict[str, int]:
    """How many times each rule has applied, for the list."""
    rows = session.execute(
        select(InboxRuleRunRow.rule_id, func.count())
        .where(
            InboxRuleRunRow.workspace_id == workspace_id,
            InboxRuleRunRow.rule_id.is_not(None),
        )
        .group_by(InboxRuleRunRow.rule_id)
    ).all()
    return {str(rule_id): int(n) for rule_id, n in rows}
