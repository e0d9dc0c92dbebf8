"""Stored platform credentials: per-account tokens, per-workspace app registrations and the
short-lived OAuth states of connections in progress. Every secret column is sealed by the
`Keyring` (vault.py) and bound to its row; only dataclasses without secrets leave this module,
except `load_credentials`, which hands the worker the decrypted bag for one call.

An account's credentials row outlives a disconnect with its secret columns emptied, so a later
reconnect finds the same account by the platform's own account id (handles can change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound, new_id
from tandem.publish.ports import Identity, OAuthApp, TokenSet
from tandem.publish.vault import Keyring, Sealed
from tandem.storage import Base, UTCDateTime

CALLBACK_PATH = "/oauth/callback/{platform}"


class AccountCredentialRow(Base):
    __tablename__ = "account_credentials"
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(String(200))
    app_id: Mapped[str | None] = mapped_column(
        ForeignKey("platform_apps.id", ondelete="SET NULL")
    )
    key_id: Mapped[str | None] = mapped_column(String(16))
    ciphertext: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refreshable: Mapped[bool] = mapped_column(default=False)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Compare-and-swap for refreshes: a refresher leases the row, and writes only if the
    # version it read is still current, so a rotated refresh token is used once.
    version: Mapped[int] = mapped_column(default=0)
    refreshing_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refreshing_by: Mapped[str | None] = mapped_column(String(100))


class PlatformAppRow(Base):
    """The workspace's own app on a platform (client id + sealed secret)."""

    __tablename__ = "platform_apps"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "base_url"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    base_url: Mapped[str] = mapped_column(String(300), default="")
    client_id: Mapped[str] = mapped_column(String(300))
    key_id: Mapped[str] = mapped_column(String(16))
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OAuthStateRow(Base):
    """One connection in progress: single use, expires in minutes. Only the state's digest is
    stored, so a leaked table cannot complete someone's pending authorisation."""

    __tablename__ = "oauth_states"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    state_digest: Mapped[str] = mapped_column(String(64), unique=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str | None] = mapped_column(
        ForeignKey("platform_apps.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key_id: Mapped[str] = mapped_column(String(16))
    verifier_ciphertext: Mapped[str] = mapped_column(Text)
    # Tokens and identities waiting for the user to choose (Facebook Pages and the like).
    pending_ciphertext: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- what leaves this module (no secrets) ---------------------------------------------------


@dataclass(frozen=True)
class Connection:
    """What Tandem holds for an account, without the secrets."""

    account_id: str
    connected: bool
    expires_at: datetime | None
    refreshable: bool
    connected_at: datetime
    refreshed_at: datetime | None


@dataclass(frozen=True)
class PlatformApp:
    id: str
    platform: str
    base_url: str
    client_id: str
    updated_at: datetime


@dataclass(frozen=True)
class StoredTokens:
    """Decrypted credentials for one call (never rendered, logged or serialised)."""

    tokens: TokenSet
    identity_extra: dict[str, str] = field(default_factory=dict)
    version: int = 0

    def bag(self) -> dict[str, str]:
        """The `AccountRef.credentials` bag: the token set, then the identity's own keys
        (a Facebook Page's token overrides the user token it came with)."""
        return self.tokens.as_credentials() | self.identity_extra


def _account_context(account_id: str) -> str:
    return f"account:{account_id}"


def _app_context(app_id: str) -> str:
    return f"app:{app_id}"


def state_context(state_id: str) -> str:
    return f"oauth_state:{state_id}"


def tokens_to_json(tokens: TokenSet) -> dict[str, Any]:
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": tokens.expires_at.isoformat() if tokens.expires_at else None,
        "scope": tokens.scope,
        "extra": dict(tokens.extra),
    }


def tokens_from_json(data: dict[str, Any]) -> TokenSet:
    expires = data.get("expires_at")
    return TokenSet(
        access_token=str(data.get("access_token", "")),
        refresh_token=str(data.get("refresh_token", "") or ""),
        expires_at=datetime.fromisoformat(expires) if expires else None,
        scope=str(data.get("scope", "") or ""),
        extra={str(k): str(v) for k, v in dict(data.get("extra") or {}).items()},
    )


def identity_to_json(identity: Identity) -> dict[str, Any]:
    return {
        "platform_account_id": identity.platform_account_id,
        "handle": identity.handle,
        "display_name": identity.display_name,
        "followers": identity.followers,
        "extra": dict(identity.extra),
    }


def identity_from_json(data: dict[str, Any]) -> Identity:
    followers = data.get("followers")
    return Identity(
        platform_account_id=str(data["platform_account_id"]),
        handle=str(data["handle"]),
        display_name=str(data.get("display_name") or data["handle"]),
        followers=int(followers) if followers is not None else None,
        extra={str(k): str(v) for k, v in dict(data.get("extra") or {}).items()},
    )


# --- account credentials --------------------------------------------------------------------


def to_connection(row: AccountCredentialRow) -> Connection:
    return Connection(
        row.account_id,
        row.ciphertext is not None,
        row.expires_at,
        row.refreshable,
        row.connected_at,
        row.refreshed_at,
    )


def credential_row(session: Session, account_id: str) -> AccountCredentialRow | None:
    return session.get(AccountCredentialRow, account_id)


def connections_in(session: Session, workspace_id: str) -> dict[str, Connection]:
    rows = session.scalars(
        select(AccountCredentialRow).where(
            AccountCredentialRow.workspace_id == workspace_id
        )
    )
    return {row.account_id: to_connection(row) for row in rows}


def account_for_identity(
    session: Session,
    workspace_id: str,
    platform_account_id: str,
    account_ids: list[str],
) -> str | None:
    """The account (among `account_ids`, one platform's) already bound to this identity."""
    return session.scalar(
        select(AccountCredentialRow.account_id).where(
            AccountCredentialRow.workspace_id == workspace_id,
            AccountCredentialRow.platform_account_id == platform_account_id,
            AccountCredentialRow.account_id.in_(account_ids),
        )
    )


def store_tokens(
    session: Session,
    keyring: Keyring,
    *,
    account_id: str,
    workspace_id: str,
    platform_account_id: str,
    app_id: str | None,
    tokens: TokenSet,
    identity_extra: dict[str, str],
    now: datetime,
) -> AccountCredentialRow:
    """Seal and store an account's tokens (a reconnect replaces them and bumps the version)."""
    sealed = keyring.seal_json(
        {"tokens": tokens_to_json(tokens), "identity_extra": identity_extra},
        context=_account_context(account_id),
    )
    row = session.get(AccountCredentialRow, account_id)
    if row is None:
        row = AccountCredentialRow(
            account_id=account_id, workspace_id=workspace_id, version=0
        )
        session.add(row)
    row.platform_account_id = platform_account_id
    row.app_id = app_id
    row.key_id, row.ciphertext = sealed.key_id, sealed.ciphertext
    row.expires_at = tokens.expires_at
    row.refreshable = bool(tokens.refresh_token)
    row.connected_at, row.refreshed_at = now, None
    row.version = (row.version or 0) + 1
    row.refreshing_until = row.refreshing_by = None
    return row


def open_tokens(keyring: Keyring, row: AccountCredentialRow) -> StoredTokens | None:
    if row.ciphertext is None or row.key_id is None:
        return None
    data = keyring.open_json(
        Sealed(row.key_id, row.ciphertext), context=_account_context(row.account_id)
    )
    raw_tokens = data.get("tokens")
    raw_extra = data.get("identity_extra")
    tokens = tokens_from_json(raw_tokens if isinstance(raw_tokens, dict) else {})
    extra = (
        {str(k): str(v) for k, v in raw_extra.items()}
        if isinstance(raw_extra, dict)
        else {}
    )
    return StoredTokens(tokens, extra, row.version)


def load_credentials(
    session: Session, keyring: Keyring, account_id: str
) -> StoredTokens | None:
    """The decrypted credentials of an account; None when it has none (never connected
    through Tandem, or disconnected)."""
    row = session.get(AccountCredentialRow, account_id)
    return None if row is None else open_tokens(keyring, row)


def erase_credentials(session: Session, account_id: str) -> bool:
    """Drop the secrets (the row keeps the platform account id for a later reconnect)."""
    row = session.get(AccountCredentialRow, account_id)
    if row is None or row.ciphertext is None:
        return False
    row.key_id = row.ciphertext = None
    row.expires_at = None
    row.refreshable = False
    row.refreshing_until = row.refreshing_by = None
    row.version += 1
    return True


# --- app registrations ----------------------------------------------------------------------


def to_app(row: PlatformAppRow) -> PlatformApp:
    return PlatformApp(
        row.id, row.platform, row.base_url, row.client_id, row.updated_at
    )


def apps_in(session: Session, workspace_id: str) -> list[PlatformApp]:
    rows = session.scalars(
        select(PlatformAppRow)
        .where(PlatformAppRow.workspace_id == workspace_id)
        .order_by(PlatformAppRow.platform, PlatformAppRow.base_url)
    )
    return [to_app(r) for r in rows]


def find_app(
    session: Session, workspace_id: str, platform: str, base_url: str = ""
) -> PlatformAppRow | None:
    return session.scalar(
        select(PlatformAppRow).where(
            PlatformAppRow.workspace_id == workspace_id,
            PlatformAppRow.platform == platform,
            PlatformAppRow.base_url == base_url,
        )
    )


def app_row(session: Session, workspace_id: str, app_id: str) -> PlatformAppRow:
    row = session.get(PlatformAppRow, app_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such app registration in this workspace.")
    return row


def save_app(
    session: Session,
    keyring: Keyring,
    *,
    workspace_id: str,
    platform: str,
    base_url: str,
    client_id: str,
    client_secret: str | None,
    now: datetime,
) -> PlatformApp:
    """Create or update; a None secret keeps the stored one (forms never show it back)."""
    row = find_app(session, workspace_id, platform, base_url)
    if row is None:
        row = PlatformAppRow(
            id=new_id(),
            workspace_id=workspace_id,
            platform=platform,
            base_url=base_url,
            created_at=now,
        )
        session.add(row)
        client_secret = client_secret or ""
    if client_secret is not None:
        sealed = keyring.seal(client_secret.encode(), context=_app_context(row.id))
        row.key_id, row.secret_ciphertext = sealed.key_id, sealed.ciphertext
    row.client_id, row.updated_at = client_id, now
    session.flush()
    return to_app(row)


def oauth_app(keyring: Keyring, row: PlatformAppRow, *, tandem_url: str) -> OAuthApp:
    secret = keyring.open(
        Sealed(row.key_id, row.secret_ciphertext), context=_app_context(row.id)
    ).decode()
    return OAuthApp(
        client_id=row.client_id,
        client_secret=secret,
        redirect_uri=redirect_uri(tandem_url, row.platform),
        base_url=row.base_url,
    )


def redirect_uri(tandem_url: str, platform: str) -> str:
    """What the user registers with the platform: Tandem's callback for it."""
    return tandem_url.rstrip("/") + CALLBACK_PATH.format(platform=platform)
