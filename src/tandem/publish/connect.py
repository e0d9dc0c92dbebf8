"""Connecting social accounts: the OAuth 2 authorisation-code flow with PKCE, app passwords,
choosing among several identities, and disconnecting.

These use cases take the connector as a port (`OAuthConnector`, `PasswordConnector`), so the
web, the API and the CLI share them and tests drive them with fakes. They do not commit.

A state is single use and bound to the workspace, the platform and the person who started it:
the callback is rejected when any of these differ or when it is older than `STATE_TTL`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tandem.accounts import Member
from tandem.accounts.audit import record_change
from tandem.core import InvalidInput, NotFound, new_id, token_digest
from tandem.publish.credentials import (
    AccountCredentialRow,
    OAuthStateRow,
    account_for_identity,
    erase_credentials,
    identity_from_json,
    identity_to_json,
    state_context,
    store_tokens,
    tokens_from_json,
    tokens_to_json,
)
from tandem.publish.model import AccountHealth, SocialAccount
from tandem.publish.ports import (
    Identity,
    OAuthApp,
    OAuthConnector,
    PasswordConnector,
    PublishError,
    TokenSet,
)
from tandem.publish.store import SocialAccountRow, account_in, to_account
from tandem.publish.vault import Keyring, Sealed

STATE_TTL = timedelta(minutes=15)
# Bluesky app passwords look like "abcd-efgh-ijkl-mnop"; an account password does not.
APP_PASSWORD = re.compile(r"^[a-z0-9]{4}(-[a-z0-9]{4}){3}$")


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0))


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) per RFC 7636: 43-128 unreserved characters."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


# --- starting and finishing the OAuth flow -------------------------------------------------


@dataclass(frozen=True)
class Started:
    authorize_url: str
    expires_at: datetime


def begin_oauth(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    platform: str,
    connector: OAuthConnector,
    app: OAuthApp,
    app_id: str | None,
    now: datetime,
) -> Started:
    """Record a single-use state with its sealed PKCE verifier; return where to send the user."""
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    state_id = new_id()
    sealed = keyring.seal(verifier.encode(), context=state_context(state_id))
    session.add(
        OAuthStateRow(
            id=state_id,
            state_digest=token_digest(state),
            workspace_id=member.workspace.id,
            platform=platform,
            app_id=app_id,
            user_id=member.user.id,
            key_id=sealed.key_id,
            verifier_ciphertext=sealed.ciphertext,
            created_at=now,
            expires_at=now + STATE_TTL,
        )
    )
    url = connector.authorize_url(app, state=state, code_challenge=challenge)
    return Started(url, now + STATE_TTL)


@dataclass(frozen=True)
class PendingState:
    id: str
    workspace_id: str
    platform: str
    app_id: str | None
    user_id: str
    verifier: str


def consume_state(
    session: Session,
    keyring: Keyring,
    *,
    state: str,
    platform: str,
    user_id: str,
    now: datetime,
) -> PendingState:
    """Use a state once (a conditional UPDATE: two callbacks with one state, one wins)."""
    digest = token_digest(state or "")
    result = session.execute(
        update(OAuthStateRow)
        .where(
            OAuthStateRow.state_digest == digest,
            OAuthStateRow.used_at.is_(None),
            OAuthStateRow.expires_at > now,
            OAuthStateRow.platform == platform,
            OAuthStateRow.user_id == user_id,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    row = session.scalar(
        select(OAuthStateRow).where(OAuthStateRow.state_digest == digest)
    )
    if _rowcount(result) != 1 or row is None:
        raise InvalidInput(_state_problem(row, platform, user_id, now), field="state")
    verifier = keyring.open(
        Sealed(row.key_id, row.verifier_ciphertext), context=state_context(row.id)
    ).decode()
    return PendingState(
        row.id, row.workspace_id, row.platform, row.app_id, row.user_id, verifier
    )


def _state_problem(
    row: OAuthStateRow | None, platform: str, user_id: str, now: datetime
) -> str:
    again = "Start the connection again from the accounts page."
    if row is None:
        return f"This authorisation is unknown to Tandem (no matching state). {again}"
    if row.used_at is not None:
        return f"This authorisation link was already used. {again}"
    if row.platform != platform:
        return f"This authorisation was started for {row.platform}, not {platform}. {again}"
    if row.user_id != user_id:
        return f"This authorisation was started by someone else. {again}"
    if row.expires_at <= now:
        minutes = int(STATE_TTL.total_seconds() // 60)
        return f"This authorisation expired (it lasts {minutes} minutes). {again}"
    return f"This authorisation cannot be completed. {again}"


@dataclass(frozen=True)
class Completed:
    """One identity: `accounts` holds the connected account. Several: the user chooses
    on the page for `pending_id` among `identities`."""

    accounts: tuple[SocialAccount, ...]
    pending_id: str | None = None
    identities: tuple[Identity, ...] = ()


def complete_oauth(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    pending: PendingState,
    tokens: TokenSet,
    identities: Sequence[Identity],
    now: datetime,
) -> Completed:
    if not identities:
        raise InvalidInput(
            f"{pending.platform} authorised Tandem but lists no account it may act as "
            "(for Facebook: no Page you manage was selected). Check the permissions you "
            "granted and connect again.",
            field="identities",
        )
    if len(identities) == 1:
        account = connect_identity(
            session,
            keyring,
            member=member,
            platform=pending.platform,
            identity=identities[0],
            tokens=tokens,
            app_id=pending.app_id,
            now=now,
        )
        return Completed((account,))
    row = session.get(OAuthStateRow, pending.id)
    assert row is not None  # consumed a moment ago in this transaction
    sealed = keyring.seal_json(
        {
            "tokens": tokens_to_json(tokens),
            "identities": [identity_to_json(i) for i in identities],
        },
        context=state_context(row.id) + ":pending",
    )
    row.pending_ciphertext = sealed.ciphertext
    row.key_id = sealed.key_id  # the verifier is spent; the row now seals the choice
    return Completed((), row.id, tuple(identities))


def _pending_row(
    session: Session, member: Member, pending_id: str, now: datetime
) -> OAuthStateRow:
    row = session.get(OAuthStateRow, pending_id)
    if (
        row is None
        or row.workspace_id != member.workspace.id
        or row.user_id != member.user.id
        or row.pending_ciphertext is None
    ):
        raise NotFound(
            "No connection waiting for your choice; connect the account again."
        )
    if row.expires_at <= now:
        raise InvalidInput(
            "This choice expired; connect the account again.", field="pending"
        )
    return row


def pending_choice(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    pending_id: str,
    now: datetime,
) -> tuple[str, tuple[Identity, ...]]:
    """(platform, identities) waiting for the user's choice."""
    row = _pending_row(session, member, pending_id, now)
    _, identities = _open_pending(keyring, row)
    return row.platform, identities


def _open_pending(
    keyring: Keyring, row: OAuthStateRow
) -> tuple[TokenSet, tuple[Identity, ...]]:
    assert row.pending_ciphertext is not None
    data = keyring.open_json(
        Sealed(row.key_id, row.pending_ciphertext),
        context=state_context(row.id) + ":pending",
    )
    raw_tokens, raw_ids = data.get("tokens"), data.get("identities")
    tokens = tokens_from_json(raw_tokens if isinstance(raw_tokens, dict) else {})
    items = raw_ids if isinstance(raw_ids, list) else []
    return tokens, tuple(identity_from_json(i) for i in items if isinstance(i, dict))


def choose_identities(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    pending_id: str,
    chosen: Sequence[str],
    now: datetime,
) -> list[SocialAccount]:
    """Connect the identities the user ticked; the pending tokens are then dropped."""
    row = _pending_row(session, member, pending_id, now)
    tokens, identities = _open_pending(keyring, row)
    picked = [i for i in identities if i.platform_account_id in set(chosen)]
    if not picked:
        raise InvalidInput("Tick at least one account to connect.", field="chosen")
    accounts = [
        connect_identity(
            session,
            keyring,
            member=member,
            platform=row.platform,
            identity=identity,
            tokens=tokens,
            app_id=row.app_id,
            now=now,
        )
        for identity in picked
    ]
    row.pending_ciphertext = None
    return accounts


# --- the account itself ---------------------------------------------------------------------


def _existing_account(
    session: Session, workspace_id: str, platform: str, identity: Identity
) -> SocialAccountRow | None:
    """The account this identity already is: by the platform's id, else by handle (an account
    created before Tandem stored credentials, e.g. by the demo)."""
    rows = list(
        session.scalars(
            select(SocialAccountRow).where(
                SocialAccountRow.workspace_id == workspace_id,
                SocialAccountRow.platform == platform,
            )
        )
    )
    bound = account_for_identity(
        session, workspace_id, identity.platform_account_id, [r.id for r in rows]
    )
    if bound is not None:
        return next(r for r in rows if r.id == bound)
    for row in rows:
        if row.handle == identity.handle:
            other = session.get(AccountCredentialRow, row.id)
            if other is not None and other.platform_account_id not in (
                "",
                identity.platform_account_id,
            ):
                raise InvalidInput(
                    f"@{identity.handle} on {platform} is already connected as a different "
                    "platform account; disconnect and remove it first.",
                    field="handle",
                )
            return row
    return None


def connect_identity(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    platform: str,
    identity: Identity,
    tokens: TokenSet,
    app_id: str | None,
    now: datetime,
) -> SocialAccount:
    """Create the account, or refresh an existing one's credentials (never a duplicate)."""
    row = _existing_account(session, member.workspace.id, platform, identity)
    before = to_account(row) if row is not None else None
    if row is None:
        row = SocialAccountRow(
            id=new_id(),
            workspace_id=member.workspace.id,
            platform=platform,
            created_at=now,
            timezone=None,
            imitates=None,
        )
        session.add(row)
    row.handle = identity.handle
    row.display_name = identity.display_name or identity.handle
    row.followers = (
        identity.followers if identity.followers is not None else row.followers or 0
    )
    row.health, row.health_message = AccountHealth.OK, ""
    session.flush()
    store_tokens(
        session,
        keyring,
        account_id=row.id,
        workspace_id=member.workspace.id,
        platform_account_id=identity.platform_account_id,
        app_id=app_id,
        tokens=tokens,
        identity_extra=dict(identity.extra),
        now=now,
    )
    after = to_account(row)
    record_change(
        session,
        actor=member,
        action="social_account.reconnect" if before else "social_account.connect",
        entity_type="social_account",
        entity_id=row.id,
        before=before,
        after=after,
        now=now,
    )
    return after


def connect_with_password(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    platform: str,
    connector: PasswordConnector,
    service_url: str,
    handle: str,
    password: str,
    now: datetime,
) -> SocialAccount:
    """Handle + app password (Bluesky). The password itself is never stored: only the session
    tokens the server hands back."""
    handle = handle.strip().removeprefix("@")
    if not handle:
        raise InvalidInput(
            "Enter the account's handle (e.g. brand.bsky.social).", field="handle"
        )
    if not service_url.startswith(("https://", "http://")):
        raise InvalidInput(
            "The service URL must start with https:// (e.g. https://bsky.social).",
            field="service_url",
        )
    if not APP_PASSWORD.match(password.strip()):
        raise InvalidInput(
            "Use an app password (Settings > Privacy and security > App passwords; it looks "
            "like abcd-efgh-ijkl-mnop), never the account's main password.",
            field="password",
        )
    try:
        tokens = connector.login(service_url.rstrip("/"), handle, password.strip())
        identities = connector.identities(tokens)
    except PublishError as exc:
        raise InvalidInput(
            f"{platform} refused the sign-in: {exc.message}", field="password"
        ) from exc
    if not identities:
        raise InvalidInput(
            f"{platform} signed in but returned no account.", field="handle"
        )
    extra = {"service_url": service_url.rstrip("/")} | dict(tokens.extra)
    tokens = TokenSet(
        tokens.access_token,
        tokens.refresh_token,
        tokens.expires_at,
        tokens.scope,
        extra,
    )
    return connect_identity(
        session,
        keyring,
        member=member,
        platform=platform,
        identity=identities[0],
        tokens=tokens,
        app_id=None,
        now=now,
    )


def disconnect(
    session: Session, *, member: Member, account_id: str, now: datetime
) -> SocialAccount:
    """Delete the account's credentials; the account and its history stay (reconnect later)."""
    before = account_in(session, member.workspace.id, account_id)
    erase_credentials(session, account_id)
    row = session.get(SocialAccountRow, account_id)
    assert row is not None  # account_in checked it
    row.health = AccountHealth.NEEDS_RECONNECT
    row.health_message = (
        f"Disconnected by {member.user.email} on {now:%Y-%m-%d}: Tandem holds no "
        "credentials for this account. Connect it again to publish."
    )
    after = to_account(row)
    record_change(
        session,
        actor=member,
        action="social_account.disconnect",
        entity_type="social_account",
        entity_id=account_id,
        before=before,
        after=after,
        now=now,
    )
    return after
