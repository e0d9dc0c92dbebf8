"""Where queue mode finds a time: the account's next free queue slot, exactly as "add to
queue" finds it (publish.queue_slots: the account row is locked while the slot is chosen, so
a feed post and a hand-queued post never take the same slot)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tandem.core import Conflict
from tandem.publish import SocialAccount
from tandem.publish.queue_slots import next_slot


def queue_time(
    session: Session, account: SocialAccount, *, now: datetime
) -> tuple[datetime | None, str]:
    """(the next free slot, "") or (None, why there is none)."""
    try:
        instant, _ = next_slot(
            session, workspace_id=account.workspace_id, account_id=account.id, now=now
        )
    except Conflict as exc:
        return None, exc.message
    return instant, ""
