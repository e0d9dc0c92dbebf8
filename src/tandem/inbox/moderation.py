"""Hiding and deleting on the platform: what Tandem's "hide" cannot do by itself.

Hiding in Tandem (actions.hide) only takes an item out of the team's queue; the spam stays
under the post for everyone to see. Where the platform's API lets the account moderate what
others wrote under its posts (Facebook, Instagram: hide and delete; Threads, X: hide; the
Sandbox: delete), `moderate` asks the connector, and only when the platform confirms does the
item record it (`platform_state`) and leave the queue. A platform that cannot do it says so
in words and the item is hidden in Tandem only; a refusal or an outage changes nothing.
Each call is one platform request per item, made outside any database transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tandem.accounts.audit import record
from tandem.accounts.model import User
from tandem.accounts.store import WorkspaceRow
from tandem.core import Clock, InvalidInput
from tandem.inbox.ingest import AccountRefFor, plain_ref
from tandem.inbox.ports import Moderation, Moderator
from tandem.inbox.store import InboxItemRow, item_row
from tandem.publish.ports import PublishError
from tandem.publish.store import SocialAccountRow
from tandem.storage import Database

ModeratorFor = Callable[[str], Moderator | None]

_VERB = {
    Moderation.HIDE: "hide",
    Moderation.UNHIDE: "unhide",
    Moderation.DELETE: "delete",
}
_STATE = {
    Moderation.HIDE: "hidden",
    Moderation.UNHIDE: "",
    Moderation.DELETE: "deleted",
}
_DONE = {
    Moderation.HIDE: "Hidden on",
    Moderation.UNHIDE: "Shown again on",
    Moderation.DELETE: "Deleted on",
}


@dataclass(frozen=True)
class Outcome:
    item_id: str
    done: bool  # the platform confirmed it
    message: str  # what happened, in words


def moderators_from(connectors: Callable[[str], object]) -> ModeratorFor:
    """Platform -> its connector when that connector can moderate comments, else None."""

    def resolve(platform: str) -> Moderator | None:
        connector = connectors(platform)
        if callable(getattr(connector, "moderate", None)) and getattr(
            connector, "moderation", None
        ):
            return connector  # type: ignore[return-value]  # checked structurally above
        return None

    return resolve


def allowed(moderators: ModeratorFor, platform: str) -> frozenset[Moderation]:
    found = moderators(platform)
    return found.moderation if found is not None else frozenset()


def parse_action(value: str) -> Moderation:
    try:
        return Moderation(value)
    except ValueError:
        raise InvalidInput(
            "action must be hide, unhide or delete.", field="action"
        ) from None


def moderate(
    db: Database,
    workspace_id: str,
    ids: Sequence[str],
    action: Moderation,
    moderators: ModeratorFor,
    clock: Clock,
    *,
    actor: User | None,
    account_ref: AccountRefFor = plain_ref,
) -> list[Outcome]:
    if not ids:
        raise InvalidInput("Pick at least one item.", field="ids")
    return [
        _one(db, workspace_id, item_id, action, moderators, clock, actor, account_ref)
        for item_id in dict.fromkeys(ids)
    ]


def _one(
    db: Database,
    workspace_id: str,
    item_id: str,
    action: Moderation,
    moderators: ModeratorFor,
    clock: Clock,
    actor: User | None,
    account_ref: AccountRefFor,
) -> Outcome:
    verb = _VERB[action]
    with db.session() as s:
        item = item_row(s, workspace_id, item_id)
        platform, target, state = item.platform, item.platform_id, item.platform_state
        account = s.get(SocialAccountRow, item.account_id)
        assert account is not None  # items cascade with their account
        ref = account_ref(s, account)
    if state == "deleted":
        return Outcome(item_id, True, "Already deleted on the platform.")
    if state == _STATE[action]:
        return Outcome(item_id, True, f"Already {_STATE[action] or 'visible'} there.")
    moderator = moderators(platform)
    if moderator is None or action not in moderator.moderation:
        if action is not Moderation.UNHIDE:
            with db.session() as s:
                item_row(s, workspace_id, item_id).hidden = True
        return Outcome(
            item_id,
            False,
            f"{platform.capitalize()} does not let Tandem {verb} comments through its "
            "API; it is hidden in Tandem only. Moderate it on the platform itself.",
        )
    try:
        moderator.moderate(ref, target, action)
    except PublishError as exc:
        return Outcome(
            item_id, False, f"{platform.capitalize()} did not {verb} it: {exc.message}"
        )
    with db.session() as s:
        row = item_row(s, workspace_id, item_id)
        _apply(row, action, clock)
        ws = s.get(WorkspaceRow, workspace_id)
        assert ws is not None
        record(
            s,
            actor=actor,
            organisation_id=ws.organisation_id,
            workspace_id=workspace_id,
            action=f"inbox.{verb}_on_platform",
            entity_type="inbox_item",
            entity_id=item_id,
            before={"platform_state": state},
            after={"platform_state": row.platform_state},
            summary=f"{verb.capitalize()} @{row.author_handle}'s {row.kind} on {platform}",
            now=clock.now(),
        )
    return Outcome(item_id, True, f"{_DONE[action]} {platform.capitalize()}.")


def _apply(row: InboxItemRow, action: Moderation, clock: Clock) -> None:
    row.platform_state = _STATE[action]
    row.hidden = action is not Moderation.UNHIDE
    if action is Moderation.DELETE and row.deleted_at is None:
        row.deleted_at = clock.now()
