"""Sign-in, web sessions, throttling, password reset and personal API tokens.

Secrets (session cookies, reset links, API tokens) are random; only their SHA-256 digest is
stored, so a database leak does not hand out sign-ins.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tandem.accounts import audit
from tandem.accounts.actions import check_name, create_organisation, normalise_email
from tandem.accounts.model import ApiToken, User, WebSession, Workspace
from tandem.accounts.passwords import hash_password, verify_password
from tandem.accounts.store import (
    ApiTokenRow,
    LoginFailureRow,
    PasswordResetRow,
    SessionRow,
    find_user_row_by_email,
    get_user_row,
    to_api_token,
    to_user,
)
from tandem.core import (
    Clock,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthenticated,
    new_id,
    new_token,
    token_digest,
)
from tandem.notify import EmailMessage, queue_email

API_TOKEN_PREFIX = "tdm_"
RESET_MINUTES = 60


@dataclass(frozen=True)
class Throttle:
    max_failures: int
    window: timedelta


def _check_throttle(
    session: Session, key: str, throttle: Throttle, clock: Clock
) -> None:
    now = clock.now()
    since = now - throttle.window
    rows = session.execute(
        select(func.count(), func.min(LoginFailureRow.at)).where(
            LoginFailureRow.key == key, LoginFailureRow.at > since
        )
    ).one()
    count, oldest = rows
    if count >= throttle.max_failures and oldest is not None:
        wait = max(1, math.ceil((oldest + throttle.window - now).total_seconds()))
        raise TooManyRequests(
            f"Too many failed sign-ins for this email. Try again in {math.ceil(wait / 60)} minute(s), "
            "or reset your password.",
            retry_after=wait,
        )


def authenticate(
    session: Session, *, email: str, password: str, throttle: Throttle, clock: Clock
) -> User:
    """Check the credentials; failures are counted per email and throttled across processes."""
    key = email.strip().lower()
    _check_throttle(session, key, throttle, clock)
    row = find_user_row_by_email(session, key)
    if (
        row is None
        or not row.is_active
        or not verify_password(row.password_hash, password)
    ):
        session.add(LoginFailureRow(id=new_id(), key=key, at=clock.now()))
        raise Unauthenticated("The email or password is not right.")
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))
    row.last_login_at = clock.now()
    return to_user(row)


def start_session(
    session: Session, *, user: User, days: int, clock: Clock
) -> tuple[str, WebSession]:
    """Create a sign-in; returns the cookie value (shown once) and the session."""
    token = new_token()
    now = clock.now()
    row = SessionRow(
        id=new_id(),
        user_id=user.id,
        token_digest=token_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    return token, WebSession(row.id, user, row.csrf_token, row.expires_at)


def resolve_session(session: Session, token: str, *, clock: Clock) -> WebSession | None:
    row = session.scalar(
        select(SessionRow).where(SessionRow.token_digest == token_digest(token))
    )
    if row is None or row.expires_at <= clock.now():
        return None
    user = get_user_row(session, row.user_id)
    if not user.is_active:
        return None
    return WebSession(row.id, to_user(user), row.csrf_token, row.expires_at)


def end_session(session: Session, token: str) -> None:
    session.execute(
        delete(SessionRow).where(SessionRow.token_digest == token_digest(token))
    )


def end_all_sessions(session: Session, user_id: str) -> None:
    session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))


def request_password_reset(
    session: Session, *, email: str, base_url: str, clock: Clock
) -> None:
    """Email a one-time reset link. Says nothing about whether the email exists."""
    email = normalise_email(email)
    row = find_user_row_by_email(session, email)
    if row is None or not row.is_active:
        return
    token = new_token()
    now = clock.now()
    session.add(
        PasswordResetRow(
            id=new_id(),
            user_id=row.id,
            token_digest=token_digest(token),
            created_at=now,
            expires_at=now + timedelta(minutes=RESET_MINUTES),
        )
    )
    queue_email(
        session,
        EmailMessage(
            to=row.email,
            subject="Reset your Tandem password",
            body=(
                f"Someone asked to reset the password of {row.email} on Tandem.\n\n"
                f"Choose a new password within {RESET_MINUTES} minutes:\n{base_url}/password-reset/{token}\n\n"
                "If it was not you, ignore this email: your password stays as it is.\n"
            ),
        ),
        now=now,
    )


def _open_reset(session: Session, token: str, clock: Clock) -> PasswordResetRow:
    row = session.scalar(
        select(PasswordResetRow).where(
            PasswordResetRow.token_digest == token_digest(token)
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        raise NotFound(
            "This reset link is not valid any more: it expired or was used. Ask for a new one."
        )
    return row


def check_reset_token(session: Session, token: str, *, clock: Clock) -> None:
    _open_reset(session, token, clock)


def reset_password(
    session: Session, *, token: str, password: str, clock: Clock
) -> User:
    """Set a new password from a reset link; the link dies and every other sign-in ends."""
    row = _open_reset(session, token, clock)
    user = get_user_row(session, row.user_id)
    user.password_hash = hash_password(password)
    row.used_at = clock.now()
    end_all_sessions(session, user.id)
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == user.email))
    audit.record(
        session,
        actor=to_user(user),
        organisation_id=user.organisation_id,
        workspace_id=None,
        action="user.password_reset",
        entity_type="user",
        entity_id=user.id,
        summary="reset the password by email link",
        now=clock.now(),
    )
    return to_user(user)


def change_password(
    session: Session, *, user: User, current: str, new: str, clock: Clock
) -> None:
    row = get_user_row(session, user.id)
    if not verify_password(row.password_hash, current):
        raise InvalidInput(
            "The current password is not right.", field="current_password"
        )
    row.password_hash = hash_password(new)
    audit.record(
        session,
        actor=user,
        organisation_id=user.organisation_id,
        workspace_id=None,
        action="user.password_change",
        entity_type="user",
        entity_id=user.id,
        summary="changed the password",
        now=clock.now(),
    )


def set_password(
    session: Session, *, user_id: str, password: str, clock: Clock
) -> None:
    """Operator's reset from the CLI."""
    row = get_user_row(session, user_id)
    row.password_hash = hash_password(password)
    end_all_sessions(session, user_id)
    audit.record(
        session,
        actor=None,
        organisation_id=row.organisation_id,
        workspace_id=None,
        action="user.password_set",
        entity_type="user",
        entity_id=row.id,
        summary="password set by the operator",
        now=clock.now(),
    )


def sign_up(
    session: Session,
    *,
    organisation: str,
    name: str,
    email: str,
    password: str,
    timezone: str,
    clock: Clock,
) -> tuple[User, Workspace]:
    """Open sign-up: a new organisation with one workspace, owned by the new user."""
    organisation = check_name(organisation, "organisation name")
    return create_organisation(
        session,
        name=organisation,
        workspace_name=organisation,
        owner_email=email,
        owner_name=name,
        owner_password=password,
        timezone=timezone,
        clock=clock,
    )


def create_api_token(
    session: Session, *, user: User, name: str, clock: Clock
) -> tuple[str, ApiToken]:
    """A personal API token acting with the user's roles. The secret is returned once."""
    name = check_name(name, "token name", max_length=100)
    secret = new_token(API_TOKEN_PREFIX)
    row = ApiTokenRow(
        id=new_id(),
        user_id=user.id,
        name=name,
        prefix=secret[:10],
        token_digest=token_digest(secret),
        created_at=clock.now(),
    )
    session.add(row)
    audit.record(
        session,
        actor=user,
        organisation_id=user.organisation_id,
        workspace_id=None,
        action="api_token.create",
        entity_type="api_token",
        entity_id=row.id,
        after={"name": name},
        summary=f"created API token {name}",
        now=clock.now(),
    )
    return secret, to_api_token(row)


def revoke_api_token(
    session: Session, *, user: User, token_id: str, clock: Clock
) -> None:
    row = session.get(ApiTokenRow, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such API token.")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record(
            session,
            actor=user,
            organisation_id=user.organisation_id,
            workspace_id=None,
            action="api_token.revoke",
            entity_type="api_token",
            entity_id=row.id,
            before={"name": row.name},
            summary=f"revoked API token {row.name}",
            now=clock.now(),
        )


def resolve_api_token(session: Session, secret: str, *, clock: Clock) -> User:
    if not secret.startswith(API_TOKEN_PREFIX):
        raise Unauthenticated(
            "That is not a Tandem API token; create one under Settings > API tokens."
        )
    row = session.scalar(
        select(ApiTokenRow).where(ApiTokenRow.token_digest == token_digest(secret))
    )
    if row is None or row.revoked_at is not None:
        raise Unauthenticated(
            "The API token is unknown or revoked; create a new one under Settings > API tokens."
        )
    user = get_user_row(session, row.user_id)
    if not user.is_active:
        raise Forbidden("The account that owns this token is deactivated.")
    row.last_used_at = clock.now()
    return to_user(user)


def deactivate_user(session: Session, *, user_id: str, clock: Clock) -> None:
    row = get_user_row(session, user_id)
    row.is_active = False
    end_all_sessions(session, user_id)
    audit.record(
        session,
        actor=None,
        organisation_id=row.organisation_id,
        workspace_id=None,
        action="user.deactivate",
        entity_type="user",
        entity_id=row.id,
        summary=f"deactivated {row.email}",
        now=clock.now(),
    )
