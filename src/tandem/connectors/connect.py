"""Connecting accounts, where it needs the connector registry: which platforms can be
connected and how, the connector for each, the workspace's app for the flow, and the two
halves of the OAuth round trip (start, callback). The web pages, the REST API and the CLI
all call these, so they behave the same.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import cast
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, User, allows, store
from tandem.connectors.registry import CONNECTORS, UnknownPlatform, publisher_for
from tandem.core import Forbidden, InvalidInput, NotFound
from tandem.publish import connect as flow
from tandem.publish.credentials import (
    PlatformApp,
    PlatformAppRow,
    find_app,
    oauth_app,
    redirect_uri,
    save_app,
)
from tandem.publish.model import SocialAccount
from tandem.publish.ports import (
    OAuthApp,
    OAuthConnector,
    PasswordConnector,
    PublishError,
)
from tandem.publish.refresh import DEFAULT_CLIENT_ID
from tandem.publish.vault import Keyring, keyring_from
from tandem.settings import Settings

LABELS = {
    "sandbox": "Sandbox",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "x": "X",
    "linkedin": "LinkedIn",
    "facebook": "Facebook Pages",
    "instagram": "Instagram",
    "threads": "Threads",
}
# Platforms whose app lives on each instance, so the user types the instance's address.
PER_INSTANCE = frozenset({"mastodon"})
# Platforms Tandem can connect without an app of the workspace's own.
NO_APP_NEEDED = frozenset({"sandbox"})
OAUTH_ERRORS = {
    "access_denied": "the authorisation was declined",
    "invalid_scope": "the app asked for permissions the platform does not grant it",
    "unauthorized_client": "the app is not allowed to use this sign-in flow",
    "server_error": "the platform had an internal error",
    "temporarily_unavailable": "the platform is temporarily unavailable",
}


@dataclass(frozen=True)
class PlatformInfo:
    name: str
    label: str
    kind: str  # "oauth", "password" or "none" (the connector cannot connect accounts)
    needs_app: bool
    per_instance: bool
    registers_app: (
        bool  # Tandem can register the app itself (Mastodon's POST /api/v1/apps)
    )


def connector_options(platform: str, settings: Settings) -> dict[str, str]:
    options = {"timeout": str(settings.connector_timeout_seconds)}
    if platform == "sandbox":  # other connectors' base_url is their real API root
        options["base_url"] = settings.sandbox_url
    return options


_cache: dict[tuple[str, str, str], object] = {}
_lock = threading.Lock()


def connector_for(platform: str, settings: Settings) -> object:
    """The registry's connector, one per platform and configuration (thread-safe to share)."""
    options = connector_options(platform, settings)
    key = (platform, options.get("base_url", ""), options["timeout"])
    with _lock:
        if key not in _cache:
            try:
                _cache[key] = publisher_for(platform, options)
            except UnknownPlatform as exc:
                raise NotFound(str(exc)) from None
        return _cache[key]


def app_registrar(platform: str) -> Callable[..., OAuthApp] | None:
    """The connector package's `register_app(instance, redirect_uri)`, where it has one."""
    try:
        module = importlib.import_module(f"tandem.connectors.{platform}")
    except ImportError:
        return None
    found = getattr(module, "register_app", None)
    return cast(Callable[..., OAuthApp], found) if callable(found) else None


def platform_info(platform: str, settings: Settings) -> PlatformInfo:
    connector = connector_for(platform, settings)
    kind = (
        "oauth"
        if hasattr(connector, "exchange_code")
        else "password"
        if hasattr(connector, "login")
        else "none"
    )
    return PlatformInfo(
        name=platform,
        label=LABELS.get(platform, platform.title()),
        kind=kind,
        needs_app=kind == "oauth" and platform not in NO_APP_NEEDED,
        per_instance=platform in PER_INSTANCE,
        registers_app=app_registrar(platform) is not None,
    )


def platforms(settings: Settings) -> list[PlatformInfo]:
    """Every registered platform that can connect accounts, Sandbox first."""
    infos = [platform_info(name, settings) for name in CONNECTORS]
    usable = [i for i in infos if i.kind != "none"]
    return sorted(usable, key=lambda i: (i.name != "sandbox", i.label))


def keyring_for(settings: Settings, secret_key: str) -> Keyring:
    previous = settings.secret_key_previous
    return _keyring(secret_key, previous.get_secret_value() if previous else "")


@lru_cache(maxsize=8)
def _keyring(secret_key: str, previous: str) -> Keyring:
    # Cached: the worker asks once per loop, and key derivation need not run that often.
    return keyring_from(secret_key, previous)


def instance_origin(value: str) -> str:
    """`https://host[:port]` from what the user typed (a bare host is taken as https)."""
    text = value.strip()
    if text and "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidInput(
            "Enter the instance's address, e.g. https://mastodon.social.",
            field="instance_url",
        )
    return f"https://{parts.netloc.lower()}"


# --- app registrations ----------------------------------------------------------------------


def register_app(
    session: Session,
    keyring: Keyring,
    *,
    workspace_id: str,
    platform: str,
    settings: Settings,
    client_id: str,
    client_secret: str | None,
    instance_url: str,
    now: datetime,
) -> PlatformApp:
    """Save the app the user registered on the platform (client id and secret)."""
    info = platform_info(platform, settings)
    if info.kind != "oauth":
        raise InvalidInput(f"{info.label} does not use an OAuth app.", field="platform")
    if not client_id.strip():
        raise InvalidInput(
            f"Enter the client id of your {info.label} app.", field="client_id"
        )
    base_url = instance_origin(instance_url) if info.per_instance else ""
    return save_app(
        session,
        keyring,
        workspace_id=workspace_id,
        platform=platform,
        base_url=base_url,
        client_id=client_id.strip(),
        client_secret=client_secret.strip() if client_secret else None,
        now=now,
    )


def _auto_register(
    session: Session,
    keyring: Keyring,
    *,
    workspace_id: str,
    info: PlatformInfo,
    base_url: str,
    settings: Settings,
    now: datetime,
) -> None:
    registrar = app_registrar(info.name)
    assert registrar is not None  # info.registers_app
    try:
        app = registrar(base_url, redirect_uri(settings.base_url, info.name))
    except (PublishError, ValueError) as exc:
        message = exc.message if isinstance(exc, PublishError) else str(exc)
        raise InvalidInput(
            f"{base_url} refused to register Tandem as an app: {message}",
            field="instance_url",
        ) from exc
    save_app(
        session,
        keyring,
        workspace_id=workspace_id,
        platform=info.name,
        base_url=base_url,
        client_id=app.client_id,
        client_secret=app.client_secret,
        now=now,
    )


class AppMissing(InvalidInput):
    """The workspace has not registered its app on this platform yet."""


def _app(
    session: Session,
    keyring: Keyring,
    *,
    workspace_id: str,
    info: PlatformInfo,
    instance_url: str,
    settings: Settings,
    now: datetime,
) -> tuple[OAuthApp, str | None]:
    base_url = instance_origin(instance_url) if info.per_instance else ""
    row = find_app(session, workspace_id, info.name, base_url)
    if row is None and info.per_instance and info.registers_app:
        _auto_register(
            session,
            keyring,
            workspace_id=workspace_id,
            info=info,
            base_url=base_url,
            settings=settings,
            now=now,
        )
        row = find_app(session, workspace_id, info.name, base_url)
    if row is None:
        if not info.needs_app:
            uri = redirect_uri(settings.base_url, info.name)
            return OAuthApp(DEFAULT_CLIENT_ID, "", uri, base_url), None
        raise AppMissing(
            f"Register your own {info.label} app first (client id and secret), with the "
            f"redirect URI {redirect_uri(settings.base_url, info.name)}.",
            field="client_id",
        )
    return oauth_app(keyring, row, tandem_url=settings.base_url), row.id


# --- the OAuth round trip -------------------------------------------------------------------


def start(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    platform: str,
    settings: Settings,
    now: datetime,
    instance_url: str = "",
) -> flow.Started:
    info = platform_info(platform, settings)
    if info.kind != "oauth":
        raise InvalidInput(
            f"{info.label} accounts connect with a password form, not OAuth.",
            field="platform",
        )
    app, app_id = _app(
        session,
        keyring,
        workspace_id=member.workspace.id,
        info=info,
        instance_url=instance_url,
        settings=settings,
        now=now,
    )
    return flow.begin_oauth(
        session,
        keyring,
        member=member,
        platform=platform,
        connector=cast(OAuthConnector, connector_for(platform, settings)),
        app=app,
        app_id=app_id,
        now=now,
    )


@dataclass(frozen=True)
class Callback:
    state: str
    code: str = ""
    error: str = ""
    error_description: str = ""


def finish(
    session: Session,
    keyring: Keyring,
    *,
    user: User,
    platform: str,
    callback: Callback,
    settings: Settings,
    now: datetime,
) -> tuple[str, flow.Completed]:
    """Complete the flow the platform redirected back from: (workspace slug, outcome)."""
    info = platform_info(platform, settings)
    pending = flow.consume_state(
        session,
        keyring,
        state=callback.state,
        platform=platform,
        user_id=user.id,
        now=now,
    )
    workspace = store.workspace_by_id(session, pending.workspace_id)
    member = store.member_in(session, user, workspace)
    if member is None or not allows(member.role, Permission.ACCOUNTS_MANAGE):
        raise Forbidden("You can no longer manage accounts in this workspace.")
    if callback.error or not callback.code:
        reason = OAUTH_ERRORS.get(callback.error, callback.error or "no code came back")
        detail = (
            f" ({callback.error_description})" if callback.error_description else ""
        )
        raise InvalidInput(
            f"{info.label} did not connect the account: {reason}{detail}. "
            "Try again from the accounts page.",
            field="code",
        )
    connector = cast(OAuthConnector, connector_for(platform, settings))
    app, _ = _app(
        session,
        keyring,
        workspace_id=workspace.id,
        info=info,
        instance_url=_instance_of(session, pending.app_id),
        settings=settings,
        now=now,
    )
    try:
        tokens = connector.exchange_code(
            app, code=callback.code, code_verifier=pending.verifier
        )
        identities = connector.identities(tokens)
    except PublishError as exc:
        raise InvalidInput(
            f"{info.label} refused to complete the connection: {exc.message}",
            field="code",
        ) from exc
    completed = flow.complete_oauth(
        session,
        keyring,
        member=member,
        pending=pending,
        tokens=tokens,
        identities=identities,
        now=now,
    )
    return workspace.slug, completed


def _instance_of(session: Session, app_id: str | None) -> str:
    row = session.get(PlatformAppRow, app_id) if app_id else None
    return row.base_url if row is not None else ""


def connect_password(
    session: Session,
    keyring: Keyring,
    *,
    member: Member,
    platform: str,
    settings: Settings,
    service_url: str,
    handle: str,
    password: str,
    now: datetime,
) -> SocialAccount:
    info = platform_info(platform, settings)
    if info.kind != "password":
        raise InvalidInput(
            f"{info.label} does not connect with a password.", field="platform"
        )
    return flow.connect_with_password(
        session,
        keyring,
        member=member,
        platform=platform,
        connector=cast(PasswordConnector, connector_for(platform, settings)),
        service_url=service_url,
        handle=handle,
        password=password,
        now=now,
    )
