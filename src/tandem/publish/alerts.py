"""Tell the team when a post fails: in the app and by email, with the platform's words and the fix.

Also what the outside world hears: `publication.failed` and `publication.published` webhooks,
queued in the same transaction as the alert or the state change that caused them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tandem.accounts import Permission, Workspace, allows, store
from tandem.notify import Recipient, notify
from tandem.notify.webhooks import EventWorkspace, emit, has_subscribers, iso
from tandem.publish.ledger import PublicationRow, PublicationState
from tandem.publish.store import SocialAccountRow

log = logging.getLogger("tandem.webhooks")

FIXES = {
    "reconnect": "Reconnect the account, then press Retry.",
    "permanent": "Change the post and press Retry, or publish it by hand and mark it published.",
    "retry": "Tandem gave up after several tries; press Retry when the platform is back.",
}


def alert_failure(
    session: Session, *, publication_id: str, base_url: str, now: datetime
) -> int:
    """Notify everyone who can fix it (content editors of the workspace), and send the
    `publication.failed` webhook. Returns how many people were notified."""
    row = session.get(PublicationRow, publication_id)
    if row is None:
        return 0
    account = session.get(SocialAccountRow, row.account_id)
    workspace = store.workspace_by_id(session, row.workspace_id)
    handle = f"@{account.handle}" if account else "an account"
    fix = FIXES.get(row.error_kind or "", FIXES["permanent"])
    people = [
        Recipient(m.user.id, m.user.email)
        for m in store.memberships_in(session, workspace.id)
        if m.user.is_active and allows(m.role, Permission.CONTENT_EDIT)
    ]
    _emit_publication(session, "publication.failed", row, account, workspace, now)
    return notify(
        session,
        workspace_id=workspace.id,
        recipients=people,
        kind="publication.failed",
        title=f"A post to {handle} failed: {row.last_error or 'no reason given'}",
        body=f"{row.last_error or 'The platform gave no reason.'} {fix}",
        url=f"/w/{workspace.slug}/publish#attention",
        base_url=base_url,
        now=now,
    )


def announce_settled(
    session: Session, publication_id: str, *, state: object, won: bool, now: datetime
) -> list[str]:
    """Send `publication.published` when a worker's settle just made the post published
    (`won`: the settle's fenced update hit the row). Anything else announces nothing here;
    failures are announced by `alert_failure`. Returns the webhook delivery ids."""
    if not won or state != PublicationState.PUBLISHED:
        return []
    # populate_existing: the settle's UPDATE bypassed the identity map.
    row = session.get(PublicationRow, publication_id, populate_existing=True)
    if row is None or not has_subscribers(
        session, row.workspace_id, "publication.published"
    ):
        return []
    account = session.get(SocialAccountRow, row.account_id)
    workspace = store.workspace_by_id(session, row.workspace_id)
    return _emit_publication(
        session, "publication.published", row, account, workspace, now
    )


def publication_payload(
    row: PublicationRow, account: SocialAccountRow | None
) -> dict[str, Any]:
    """The `data` of publication events (docs/webhooks.md documents every field)."""
    failed = row.state == PublicationState.FAILED
    return {
        "publication": {
            "id": row.id,
            "state": row.state,
            "platform": account.platform if account else None,
            "account": {
                "id": row.account_id,
                "handle": account.handle if account else None,
                "platform": account.platform if account else None,
            },
            "text": list(row.parts.get("parts", ())),
            "due_at": iso(row.due_at),
            "published_at": iso(row.published_at) if row.published_at else None,
            "platform_post_id": row.platform_post_id,
            "url": row.url,
            "attempts": row.attempts,
            "error": {"kind": row.error_kind, "message": row.last_error}
            if failed
            else None,
        }
    }


def _emit_publication(
    session: Session,
    event_type: str,
    row: PublicationRow,
    account: SocialAccountRow | None,
    workspace: Workspace,
    now: datetime,
) -> list[str]:
    """Queue the event in a savepoint: a webhook problem must never stop a post from
    settling (the caller's transaction records the publish) or the team from being told."""
    try:
        with session.begin_nested():
            return emit(
                session,
                workspace=EventWorkspace(workspace.id, workspace.slug, workspace.name),
                event_type=event_type,
                data=publication_payload(row, account),
                now=now,
            )
    except (
        Exception
    ):  # logged with its traceback; the publication outcome still commits
        log.exception(
            "could not queue a webhook", extra={"id": row.id, "type": event_type}
        )
        return []
