"""Moving a brief through review: who may do what, comments, and who gets told."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, Role, allows, audit, store
from tandem.compose.model import TRANSITIONS, Brief, BriefStatus, Comment
from tandem.compose.publishing import schedule_brief
from tandem.compose.store import BriefCommentRow, brief_row, to_brief, to_comment
from tandem.core import Clock, Conflict, Forbidden, InvalidInput, new_id
from tandem.notify import Recipient, notify

COMMENT_MAX = 5000
_NEEDS = {
    "submit": Permission.CONTENT_EDIT,
    "review": Permission.CONTENT_APPROVE,
    "schedule": Permission.CONTENT_EDIT,
    "unschedule": Permission.CONTENT_EDIT,
    "reopen": Permission.CONTENT_EDIT,
}
_EVENT_TITLES = {
    BriefStatus.IN_REVIEW: "{actor} sent “{title}” for review",
    BriefStatus.CHANGES_REQUESTED: "{actor} asked for changes to “{title}”",
    BriefStatus.APPROVED: "{actor} approved “{title}”",
    BriefStatus.SCHEDULED: "{actor} scheduled “{title}”",
    BriefStatus.DRAFT: "{actor} reopened “{title}” as a draft",
}


def check_transition(actor: Member, current: BriefStatus, to: BriefStatus) -> None:
    verb = TRANSITIONS.get((current, to))
    if verb is None:
        raise Conflict(
            f"A post that is {current.label.lower()} cannot become {to.label.lower()}.",
            field="status",
        )
    if not allows(actor.role, _NEEDS[verb]):
        raise Forbidden(f"As {actor.role.label} you cannot {verb} posts.")


def _recipients(
    session: Session,
    workspace_id: str,
    to: BriefStatus,
    author_id: str | None,
    actor_id: str,
) -> list[Recipient]:
    """Submissions go to the approvers (or, without any, to owners and admins); decisions go to
    the author. Nobody is told about their own action."""
    members = [
        m
        for m in store.memberships_in(session, workspace_id)
        if m.user.is_active and m.user.id != actor_id
    ]
    if to is BriefStatus.IN_REVIEW:
        chosen = [m for m in members if m.role is Role.APPROVER] or [
            m for m in members if allows(m.role, Permission.CONTENT_APPROVE)
        ]
    else:
        chosen = [m for m in members if m.user.id == author_id]
    return [Recipient(m.user.id, m.user.email) for m in chosen]


def record_comment(
    session: Session,
    *,
    actor: Member,
    brief_id: str,
    body: str,
    event: str,
    clock: Clock,
) -> Comment:
    row = BriefCommentRow(
        id=new_id(),
        brief_id=brief_id,
        workspace_id=actor.workspace.id,
        author_id=actor.user.id,
        author_name=actor.user.name,
        body=body,
        event=event,
        created_at=clock.now(),
    )
    session.add(row)
    return to_comment(row)


def transition(
    session: Session,
    *,
    actor: Member,
    brief_id: str,
    to: BriefStatus,
    note: str = "",
    blocking_problems: int = 0,
    base_url: str,
    clock: Clock,
) -> Brief:
    """Change a brief's status. Problems that block publishing also block review and scheduling."""
    row = brief_row(session, actor.workspace.id, brief_id)
    current = BriefStatus(row.status)
    check_transition(actor, current, to)
    if (
        to in (BriefStatus.IN_REVIEW, BriefStatus.SCHEDULED, BriefStatus.APPROVED)
        and blocking_problems
    ):
        raise Conflict(
            f"Fix the {blocking_problems} problem(s) marked in red before this post can be "
            f"{to.label.lower()}.",
            field="status",
        )
    if to is BriefStatus.CHANGES_REQUESTED and not note.strip():
        raise InvalidInput(
            "Say what should change, so the author knows what to fix.", field="note"
        )
    if len(note) > COMMENT_MAX:
        raise InvalidInput(
            f"Keep the note under {COMMENT_MAX} characters.", field="note"
        )
    before = to_brief(row)
    row.status = to.value
    row.updated_at = clock.now()
    after = to_brief(row)
    if BriefStatus.SCHEDULED in (current, to):
        # Scheduling hands the variants to the publisher; leaving "scheduled" takes them back.
        session.flush()
        schedule_brief(session, brief_id=row.id, now=clock.now())
    record_comment(
        session,
        actor=actor,
        brief_id=row.id,
        body=note.strip(),
        event=to.value,
        clock=clock,
    )
    audit.record_change(
        session,
        actor=actor,
        action=f"brief.{to.value}",
        entity_type="brief",
        entity_id=row.id,
        before={"status": before.status.value},
        after={"status": to.value},
        summary=f"{to.label} “{row.title}”",
        now=clock.now(),
    )
    title = _EVENT_TITLES[to].format(actor=actor.user.name, title=row.title)
    notify(
        session,
        workspace_id=actor.workspace.id,
        recipients=_recipients(
            session, actor.workspace.id, to, row.created_by, actor.user.id
        ),
        kind=f"brief.{to.value}",
        title=title,
        body=note.strip() or title,
        url=f"/w/{actor.workspace.slug}/create/{row.id}",
        base_url=base_url,
        now=clock.now(),
    )
    return after


def add_comment(
    session: Session,
    *,
    actor: Member,
    brief_id: str,
    body: str,
    base_url: str,
    clock: Clock,
) -> Comment:
    row = brief_row(session, actor.workspace.id, brief_id)
    body = body.strip()
    if not body:
        raise InvalidInput("Write a comment first.", field="body")
    if len(body) > COMMENT_MAX:
        raise InvalidInput(
            f"Keep comments under {COMMENT_MAX} characters.", field="body"
        )
    comment = record_comment(
        session, actor=actor, brief_id=row.id, body=body, event="comment", clock=clock
    )
    people = [
        Recipient(m.user.id, m.user.email)
        for m in store.memberships_in(session, actor.workspace.id)
        if m.user.id in {row.created_by} and m.user.id != actor.user.id
    ]
    notify(
        session,
        workspace_id=actor.workspace.id,
        recipients=people,
        kind="brief.comment",
        title=f"{actor.user.name} commented on “{row.title}”",
        body=body,
        url=f"/w/{actor.workspace.slug}/create/{row.id}",
        base_url=base_url,
        now=clock.now(),
        email=False,
    )
    return comment
