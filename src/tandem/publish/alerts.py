"""Tell the team when a post fails: in the app and by email, with the platform's words and the fix."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tandem.accounts import Permission, allows, store
from tandem.notify import Recipient, notify
from tandem.publish.ledger import PublicationRow
from tandem.publish.store import SocialAccountRow

FIXES = {
    "reconnect": "Reconnect the account, then press Retry.",
    "permanent": "Change the post and press Retry, or publish it by hand and mark it published.",
    "retry": "Tandem gave up after several tries; press Retry when the platform is back.",
}


def alert_failure(
    session: Session, *, publication_id: str, base_url: str, now: datetime
) -> int:
    """Notify everyone who can fix it (content editors of the workspace). Returns how many."""
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
