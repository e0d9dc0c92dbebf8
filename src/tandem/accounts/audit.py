"""The audit log: who changed what, when, with the state before and after."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tandem.accounts.model import Member, User
from tandem.accounts.store import AuditRow
from tandem.core import new_id


def snapshot(value: object) -> dict[str, Any] | None:
    """A JSON-safe copy of a dataclass or dict for the before/after columns."""
    if value is None:
        return None
    if is_dataclass(value) and not isinstance(value, type):
        data = asdict(value)
    elif isinstance(value, dict):
        data = value
    else:
        raise TypeError(f"cannot snapshot {type(value).__name__}")
    return {k: _json_safe(v) for k, v in data.items()}


def _json_safe(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def record(
    session: Session,
    *,
    actor: User | None,
    organisation_id: str,
    workspace_id: str | None,
    action: str,
    entity_type: str,
    entity_id: str,
    before: object = None,
    after: object = None,
    summary: str = "",
    now: datetime,
) -> None:
    session.add(
        AuditRow(
            id=new_id(),
            organisation_id=organisation_id,
            workspace_id=workspace_id,
            actor_id=actor.id if actor else None,
            actor_label=actor.email if actor else "system",
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=snapshot(before),
            after=snapshot(after),
            summary=summary,
            at=now,
        )
    )


def record_change(
    session: Session,
    *,
    actor: Member,
    action: str,
    entity_type: str,
    entity_id: str,
    before: object = None,
    after: object = None,
    summary: str = "",
    now: datetime,
) -> None:
    """`record` for a member acting in their workspace (the common case)."""
    record(
        session,
        actor=actor.user,
        organisation_id=actor.workspace.organisation_id,
        workspace_id=actor.workspace.id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        summary=summary,
        now=now,
    )
