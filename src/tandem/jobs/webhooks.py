"""The webhook delivery job, and the wiring it needs from settings (secret key, policy).

This lives in jobs/ (not notify/) because telling the workspace's admins that an endpoint was
switched off needs the member list from `tandem.accounts`, which notify may not import.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tandem.accounts import Permission, allows, store
from tandem.notify import Recipient, notify
from tandem.notify.delivery import DeliveryPolicy, Outcome, attempt_delivery
from tandem.notify.endpoints import endpoint_row
from tandem.notify.webhooks import DELIVER_WEBHOOK, SecretBox
from tandem.publish.vault import Keyring, Sealed, keyring_from
from tandem.settings import Settings, read_secret_key

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext

__all__ = ["DELIVER_WEBHOOK", "KeyringSecrets", "deliver_webhook", "secret_box_for"]


class KeyringSecrets:
    """Endpoint secrets sealed with the instance key (AES-GCM, tandem.publish.vault), stored
    as `<key id>:<ciphertext>` so a rotated key still opens them."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    def seal(self, plaintext: str, *, context: str) -> str:
        sealed = self.keyring.seal(plaintext.encode(), context=context)
        return f"{sealed.key_id}:{sealed.ciphertext}"

    def unseal(self, sealed: str, *, context: str) -> str:
        key_id, _, ciphertext = sealed.partition(":")
        return self.keyring.open(Sealed(key_id, ciphertext), context=context).decode()


def secret_box_for(settings: Settings) -> SecretBox:
    """The instance key (and former keys after a rotation) seal webhook secrets."""
    previous = settings.secret_key_previous
    return KeyringSecrets(
        keyring_from(
            read_secret_key(settings),
            previous.get_secret_value() if previous else None,
        )
    )


def policy_for(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        timeout_seconds=settings.webhooks_timeout_seconds,
        allow_private=settings.webhooks_allow_private,
        disable_after=settings.webhooks_disable_after,
    )


def deliver_webhook(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Payload: delivery_id, attempt. Failures are recorded on the delivery, not raised: the
    delivery schedules its own next attempt (the job queue's backoff is far too short).
    The attempt uses its own short transactions (`ctx.database`), never one held open
    across the HTTP call."""
    now = ctx.clock.now()

    def tell_admins(session: Session, outcome: Outcome) -> int:
        return tell_admins_endpoint_disabled(
            session, outcome, base_url=ctx.settings.base_url, now=now
        )

    attempt_delivery(
        ctx.database,
        delivery_id=str(payload["delivery_id"]),
        attempt=int(payload.get("attempt", 1)),
        box=secret_box_for(ctx.settings),
        now=now,
        policy=policy_for(ctx.settings),
        on_disabled=tell_admins,
    )


def tell_admins_endpoint_disabled(
    session: Session, outcome: Outcome, *, base_url: str, now: datetime
) -> int:
    """An in-app notification (and email) to everyone who can turn it back on."""
    workspace = store.workspace_by_id(session, outcome.workspace_id)
    endpoint = endpoint_row(session, workspace.id, outcome.endpoint_id)
    people = [
        Recipient(m.user.id, m.user.email)
        for m in store.memberships_in(session, workspace.id)
        if m.user.is_active and allows(m.role, Permission.WORKSPACE_MANAGE)
    ]
    return notify(
        session,
        workspace_id=workspace.id,
        recipients=people,
        kind="webhook.disabled",
        title=f"Tandem stopped sending webhooks to {endpoint.url}",
        body=endpoint.disabled_reason,
        url=f"/w/{workspace.slug}/settings/webhooks",
        base_url=base_url,
        now=now,
    )
