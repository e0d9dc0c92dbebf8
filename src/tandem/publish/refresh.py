"""Keeping tokens alive: refresh before expiry (a periodic job) and after a 401 (the worker),
and the account health that follows.

Concurrency: platforms rotate refresh tokens (X, Threads): the old one stops working the
moment a new one is issued. So a refresher first leases the credentials row with a
conditional UPDATE on its `version` (committed), calls the platform outside any transaction,
then writes the new tokens only if the version is still the one it read. A worker that loses
the lease waits for the winner's version instead of spending the rotated token itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tandem.accounts import Permission, allows, store
from tandem.core import Clock
from tandem.notify import Recipient, notify
from tandem.publish.credentials import (
    AccountCredentialRow,
    PlatformAppRow,
    StoredTokens,
    oauth_app,
    open_tokens,
    redirect_uri,
    tokens_to_json,
)
from tandem.publish.model import AccountHealth
from tandem.publish.ports import ErrorKind, OAuthApp, PublishError, TokenSet
from tandem.publish.store import SocialAccountRow
from tandem.publish.vault import CredentialsUnreadable, Keyring

log = logging.getLogger("tandem.publish.refresh")

REFRESH_LEASE = timedelta(seconds=60)
# Tokens that cannot be renewed (Facebook's 60-day tokens) are flagged this far ahead.
EXPIRY_WARNING = timedelta(days=7)
# Apps a workspace need not register: our Sandbox, and password logins (Bluesky).
DEFAULT_CLIENT_ID = "tandem"


@runtime_checkable
class Refresher(Protocol):
    """What both `OAuthConnector` and `PasswordConnector` offer."""

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet: ...


class _Uow(Protocol):
    def session(self) -> Any: ...


@dataclass(frozen=True)
class CredentialAccess:
    """What the worker needs to act with stored credentials: the keyring and Tandem's URL
    (redirect URIs are part of some platforms' refresh requests)."""

    keyring: Keyring
    tandem_url: str
    wait_seconds: float = 10.0  # how long a worker waits for another one's refresh


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0))


def app_for(
    session: Session,
    access: CredentialAccess,
    row: AccountCredentialRow,
    platform: str,
    stored: StoredTokens,
) -> OAuthApp:
    app_row = session.get(PlatformAppRow, row.app_id) if row.app_id else None
    if app_row is not None:
        return oauth_app(access.keyring, app_row, tandem_url=access.tandem_url)
    bag = stored.bag()
    return OAuthApp(
        client_id=DEFAULT_CLIENT_ID,
        client_secret="",
        redirect_uri=redirect_uri(access.tandem_url, platform),
        base_url=bag.get("service_url") or bag.get("base_url") or "",
    )


@dataclass(frozen=True)
class _Snapshot:
    platform: str
    stored: StoredTokens
    app: OAuthApp


def _snapshot(
    session: Session, access: CredentialAccess, account_id: str
) -> _Snapshot | None:
    row = session.get(AccountCredentialRow, account_id, populate_existing=True)
    account = session.get(SocialAccountRow, account_id)
    if row is None or account is None:
        return None
    stored = open_tokens(access.keyring, row)
    if stored is None:
        return None
    return _Snapshot(
        account.platform,
        stored,
        app_for(session, access, row, account.platform, stored),
    )


def current_tokens(
    uow: _Uow, access: CredentialAccess, account_id: str
) -> StoredTokens | None:
    """The stored credentials; None when there are none, or when they cannot be decrypted
    (tampered with, or the key changed), in which case the account needs a reconnect."""
    try:
        with uow.session() as s:
            snap = _snapshot(s, access, account_id)
    except CredentialsUnreadable as exc:
        with uow.session() as s:
            set_health(s, account_id, AccountHealth.NEEDS_RECONNECT, exc.message)
        return None
    return None if snap is None else snap.stored


def _merge(old: TokenSet, new: TokenSet) -> TokenSet:
    """Platforms that do not rotate refresh tokens often omit them from the answer."""
    return TokenSet(
        access_token=new.access_token,
        refresh_token=new.refresh_token or old.refresh_token,
        expires_at=new.expires_at,
        scope=new.scope or old.scope,
        extra=dict(old.extra) | dict(new.extra),
    )


def refresh_account(
    uow: _Uow,
    access: CredentialAccess,
    *,
    account_id: str,
    connector: object,
    clock: Clock,
    worker: str,
    seen_version: int | None = None,
    base_url: str = "",
) -> StoredTokens:
    """Refresh once and return the new credentials.

    When `seen_version` is given and the stored version is already newer (someone refreshed
    since the caller read them), the newer ones are returned without calling the platform.
    Raises PublishError: RECONNECT (account marked needs reconnect, team notified) or RETRY.
    """
    with uow.session() as s:
        snap = _snapshot(s, access, account_id)
    if snap is None:
        raise PublishError(
            "Tandem holds no credentials for this account; connect it again.",
            kind=ErrorKind.RECONNECT,
        )
    if seen_version is not None and snap.stored.version != seen_version:
        return snap.stored
    if not isinstance(connector, Refresher) or not snap.stored.tokens.refresh_token:
        raise _mark_reconnect(
            uow,
            account_id,
            "The platform's token is no longer valid and cannot be "
            "renewed automatically; connect the account again.",
            clock,
            base_url,
        )
    version = snap.stored.version
    if not _lease(uow, account_id, version, worker, clock.now()):
        return _wait_for_other(uow, access, account_id, version)
    try:
        fresh = connector.refresh(snap.app, snap.stored.tokens)
    except PublishError as exc:
        _release(uow, account_id, worker)
        if exc.kind is ErrorKind.RECONNECT:
            raise _mark_reconnect(
                uow, account_id, exc.message, clock, base_url
            ) from exc
        raise
    except Exception:
        _release(uow, account_id, worker)
        raise
    return _write(
        uow,
        access,
        account_id,
        worker,
        version,
        _merge(snap.stored.tokens, fresh),
        snap.stored,
        clock.now(),
    )


def _lease(
    uow: _Uow, account_id: str, version: int, worker: str, now: datetime
) -> bool:
    R = AccountCredentialRow
    with uow.session() as s:
        result = s.execute(
            update(R)
            .where(
                R.account_id == account_id,
                R.version == version,
                R.ciphertext.is_not(None),
                or_(R.refreshing_until.is_(None), R.refreshing_until < now),
            )
            .values(refreshing_until=now + REFRESH_LEASE, refreshing_by=worker)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1


def _release(uow: _Uow, account_id: str, worker: str) -> None:
    R = AccountCredentialRow
    with uow.session() as s:
        s.execute(
            update(R)
            .where(R.account_id == account_id, R.refreshing_by == worker)
            .values(refreshing_until=None, refreshing_by=None)
            .execution_options(synchronize_session=False)
        )


def _write(
    uow: _Uow,
    access: CredentialAccess,
    account_id: str,
    worker: str,
    version: int,
    tokens: TokenSet,
    old: StoredTokens,
    now: datetime,
) -> StoredTokens:
    R = AccountCredentialRow
    sealed = access.keyring.seal_json(
        {"tokens": tokens_to_json(tokens), "identity_extra": old.identity_extra},
        context=f"account:{account_id}",
    )
    with uow.session() as s:
        result = s.execute(
            update(R)
            .where(
                R.account_id == account_id,
                R.version == version,
                R.refreshing_by == worker,
            )
            .values(
                key_id=sealed.key_id,
                ciphertext=sealed.ciphertext,
                expires_at=tokens.expires_at,
                refreshable=bool(tokens.refresh_token),
                refreshed_at=now,
                version=version + 1,
                refreshing_until=None,
                refreshing_by=None,
            )
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) != 1:
            # Disconnected (or reconnected) while we refreshed: the user's action wins.
            raise PublishError(
                "The account was disconnected or reconnected during a token refresh.",
                kind=ErrorKind.RETRY,
            )
        account = s.get(SocialAccountRow, account_id)
        if account is not None and account.health in (
            AccountHealth.TOKEN_EXPIRING,
            AccountHealth.NEEDS_RECONNECT,
        ):
            account.health, account.health_message = AccountHealth.OK, ""
    log.info("token refreshed", extra={"account_id": account_id})
    return StoredTokens(tokens, old.identity_extra, version + 1)


def _wait_for_other(
    uow: _Uow, access: CredentialAccess, account_id: str, version: int
) -> StoredTokens:
    # A monotonic deadline: a frozen test clock must not make this wait forever.
    deadline = time.monotonic() + access.wait_seconds
    while time.monotonic() < deadline:
        stored = current_tokens(uow, access, account_id)
        if stored is None:
            break
        if stored.version != version:
            return stored
        time.sleep(0.05)
    raise PublishError(
        "Another worker is refreshing this account's token; trying again shortly.",
        kind=ErrorKind.RETRY,
    )


# --- health and alerts ----------------------------------------------------------------------


def _mark_reconnect(
    uow: _Uow, account_id: str, message: str, clock: Clock, base_url: str
) -> PublishError:
    with uow.session() as s:
        set_health(s, account_id, AccountHealth.NEEDS_RECONNECT, message)
        alert_reconnect(
            s,
            account_id=account_id,
            message=message,
            base_url=base_url,
            now=clock.now(),
        )
    return PublishError(message, kind=ErrorKind.RECONNECT, status=401)


def set_health(
    session: Session, account_id: str, health: AccountHealth, message: str
) -> None:
    account = session.get(SocialAccountRow, account_id)
    if account is not None:
        account.health, account.health_message = health, message[:2000]


def alert_reconnect(
    session: Session, *, account_id: str, message: str, base_url: str, now: datetime
) -> int:
    """Tell the people who can reconnect (accounts.manage), in the app and by email."""
    account = session.get(SocialAccountRow, account_id)
    if account is None:
        return 0
    workspace = store.workspace_by_id(session, account.workspace_id)
    people = [
        Recipient(m.user.id, m.user.email)
        for m in store.memberships_in(session, workspace.id)
        if m.user.is_active and allows(m.role, Permission.ACCOUNTS_MANAGE)
    ]
    return notify(
        session,
        workspace_id=workspace.id,
        recipients=people,
        kind="account.needs_reconnect",
        title=f"Reconnect @{account.handle} on {account.platform}: {message}"[:300],
        body=f"{account.platform} said: {message} Posts to @{account.handle} fail until "
        "someone reconnects the account on the accounts page.",
        url=f"/w/{workspace.slug}/publish/accounts",
        base_url=base_url,
        now=now,
    )


@dataclass(frozen=True)
class RefreshReport:
    refreshed: int = 0
    failed: int = 0
    flagged: int = 0


def refresh_expiring(
    uow: _Uow,
    access: CredentialAccess,
    *,
    connector_for: Callable[[str], object],
    clock: Clock,
    worker: str,
    window: timedelta,
    base_url: str = "",
) -> RefreshReport:
    """Refresh every token that expires within `window`; flag those that cannot be refreshed."""
    now = clock.now()
    R, A = AccountCredentialRow, SocialAccountRow
    with uow.session() as s:
        due = s.execute(
            select(R.account_id, R.refreshable, R.expires_at, A.platform)
            .join(A, A.id == R.account_id)
            .where(
                R.ciphertext.is_not(None),
                R.expires_at.is_not(None),
                R.expires_at <= now + max(window, EXPIRY_WARNING),
                A.health != AccountHealth.NEEDS_RECONNECT,
            )
            .order_by(R.expires_at)
        ).all()
    refreshed = failed = flagged = 0
    for account_id, refreshable, expires_at, platform in due:
        if refreshable and expires_at <= now + window:
            try:
                refresh_account(
                    uow,
                    access,
                    account_id=account_id,
                    connector=connector_for(platform),
                    clock=clock,
                    worker=worker,
                    base_url=base_url,
                )
                refreshed += 1
            except PublishError as exc:
                failed += 1
                if exc.kind is not ErrorKind.RECONNECT:
                    _flag(
                        uow,
                        account_id,
                        expires_at,
                        f"Renewing it failed: {exc.message} "
                        "Tandem tries again in a few minutes.",
                    )
        elif not refreshable:
            flagged += 1
            if expires_at <= now:
                with uow.session() as s:
                    set_health(
                        s,
                        account_id,
                        AccountHealth.NEEDS_RECONNECT,
                        f"The token expired on {expires_at:%Y-%m-%d %H:%M} UTC; connect the account again.",
                    )
                    alert_reconnect(
                        s,
                        account_id=account_id,
                        message="the token expired.",
                        base_url=base_url,
                        now=now,
                    )
            else:
                _flag(
                    uow,
                    account_id,
                    expires_at,
                    "It cannot be renewed automatically: "
                    "reconnect the account before then.",
                )
    return RefreshReport(refreshed, failed, flagged)


def _flag(uow: _Uow, account_id: str, expires_at: datetime, why: str) -> None:
    with uow.session() as s:
        account = s.get(SocialAccountRow, account_id)
        if account is not None and account.health in (
            AccountHealth.OK,
            AccountHealth.TOKEN_EXPIRING,
        ):
            set_health(
                s,
                account_id,
                AccountHealth.TOKEN_EXPIRING,
                f"The access token expires on {expires_at:%Y-%m-%d %H:%M} UTC. {why}",
            )
