"""Pages for connecting social accounts: the accounts list with health, app registrations,
the OAuth round trip (start, callback, choosing among several identities), password
connections (Bluesky) and disconnecting. Secrets go in through forms and never come back
out: no page or JSON twin shows a token, a client secret or a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import Member, Permission
from tandem.connectors import connect
from tandem.core import InvalidInput
from tandem.publish import connect as flow
from tandem.publish import credentials
from tandem.publish import store as posts
from tandem.publish.model import AccountHealth, SocialAccount
from tandem.publish.vault import Keyring
from tandem.web.deps import SessionDep, SignedInDep, StateDep, permit
from tandem.web.render import html, page
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)
NOTICES = {
    "connected": "Account connected.",
    "disconnected": "Disconnected: Tandem deleted the account's credentials.",
    "app-saved": "App saved. You can connect accounts now.",
}


@dataclass(frozen=True)
class AccountView:
    account: SocialAccount
    connection: credentials.Connection | None
    status: str  # the health in words, with dates and the platform's own message

    @property
    def connected(self) -> bool:
        return self.connection is not None and self.connection.connected


def describe(
    account: SocialAccount, connection: credentials.Connection | None, now: datetime
) -> str:
    """What the user needs to know about an account's connection, in one sentence."""
    if account.health is AccountHealth.NEEDS_RECONNECT:
        return (
            account.health_message or "The platform refused Tandem's token; reconnect."
        )
    if account.health is not AccountHealth.OK:
        return account.health_message or account.health.value.replace("_", " ")
    if connection is None or not connection.connected:
        return "Connected without stored credentials (Sandbox demo account)."
    expires = connection.expires_at
    if (
        expires is not None
        and not connection.refreshable
        and expires - now < timedelta(days=7)
    ):
        return (
            f"The token expires on {expires:%Y-%m-%d %H:%M} UTC; reconnect before then."
        )
    if expires is not None:
        return (
            f"Connected; Tandem renews the token before {expires:%Y-%m-%d %H:%M} UTC."
        )
    return "Connected and working."


def keyring(state: AppState) -> Keyring:
    return connect.keyring_for(state.settings, state.secret_key)


def accounts_data(
    session: SessionDep, state: AppState, member: Member
) -> dict[str, object]:
    ws, now = member.workspace, state.clock.now()
    connections = credentials.connections_in(session, ws.id)
    views = [
        AccountView(a, connections.get(a.id), describe(a, connections.get(a.id), now))
        for a in posts.accounts_in(session, ws.id)
    ]
    settings = state.settings
    return {
        "accounts": views,
        "attention": [v for v in views if v.account.health is not AccountHealth.OK],
        "platforms": connect.platforms(settings),
        "apps": credentials.apps_in(session, ws.id),
        "redirect_uris": {
            p.name: credentials.redirect_uri(settings.base_url, p.name)
            for p in connect.platforms(settings)
        },
    }


def _accounts_page(
    request: Request,
    session: SessionDep,
    state: AppState,
    member: Member,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    data = accounts_data(session, state, member) | {"notice": notice, "error": error}
    return page(
        request,
        "publish/accounts.html",
        data,
        member=member,
        status=status,
        title="Accounts",
    )


def _to_accounts(member: Member, notice: str) -> Response:
    url = f"/w/{member.workspace.slug}/publish/accounts?notice={notice}"
    return RedirectResponse(url, status_code=303)


@router.get("/w/{ws}/publish/accounts")
def accounts_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    notice: str = "",
    member: Member = Depends(permit(Permission.ACCOUNTS_VIEW)),
) -> Response:
    return _accounts_page(
        request, session, state, member, notice=NOTICES.get(notice, "")
    )


@router.post("/w/{ws}/publish/accounts/connect/{platform}")
def start_connection(
    request: Request,
    platform: str,
    session: SessionDep,
    state: StateDep,
    instance_url: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    """Off to the platform's consent page (a reconnect is the same trip)."""
    try:
        started = connect.start(
            session,
            keyring(state),
            member=member,
            platform=platform,
            settings=state.settings,
            now=state.clock.now(),
            instance_url=instance_url,
        )
    except connect.AppMissing:
        url = f"/w/{member.workspace.slug}/publish/accounts/apps/{quote(platform)}"
        return RedirectResponse(f"{url}?missing=1", status_code=303)
    except InvalidInput as exc:
        return _accounts_page(
            request, session, state, member, error=exc.message, status=422
        )
    return RedirectResponse(started.authorize_url, status_code=303)


@router.get("/oauth/callback/{platform}")
def oauth_callback(
    request: Request,
    platform: str,
    session: SessionDep,
    state: StateDep,
    identity: SignedInDep,
    code: str = "",
    error: str = "",
    error_description: str = "",
) -> Response:
    """Where the platform sends the user back. The state is spent even when this fails."""
    callback = connect.Callback(
        state=request.query_params.get("state", ""),  # `state` names the app state here
        code=code,
        error=error,
        error_description=error_description,
    )
    try:
        slug, done = connect.finish(
            session,
            keyring(state),
            user=identity.user,
            platform=platform,
            callback=callback,
            settings=state.settings,
            now=state.clock.now(),
        )
    except InvalidInput as exc:
        context = {"message": exc.message, "title": "Connection failed"}
        return html(
            request, "publish/accounts_callback_error.html", context, status=400
        )
    base = f"/w/{slug}/publish/accounts"
    if done.pending_id:
        return RedirectResponse(f"{base}/choose/{done.pending_id}", status_code=303)
    return RedirectResponse(f"{base}?notice=connected", status_code=303)


@router.get("/w/{ws}/publish/accounts/choose/{pending_id}")
def choose_page(
    request: Request,
    pending_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    platform, identities = flow.pending_choice(
        session,
        keyring(state),
        member=member,
        pending_id=pending_id,
        now=state.clock.now(),
    )
    data = {
        "platform": platform,
        "pending_id": pending_id,
        "identities": [
            {
                "id": i.platform_account_id,
                "handle": i.handle,
                "name": i.display_name,
                "followers": i.followers,
            }
            for i in identities
        ],
    }
    return page(
        request,
        "publish/accounts_choose.html",
        data,
        member=member,
        title="Choose accounts",
    )


@router.post("/w/{ws}/publish/accounts/choose/{pending_id}")
def choose(
    pending_id: str,
    session: SessionDep,
    state: StateDep,
    chosen: Annotated[list[str], Form()],
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    flow.choose_identities(
        session,
        keyring(state),
        member=member,
        pending_id=pending_id,
        chosen=chosen,
        now=state.clock.now(),
    )
    return _to_accounts(member, "connected")


@router.get("/w/{ws}/publish/accounts/apps/{platform}")
def app_form(
    request: Request,
    platform: str,
    session: SessionDep,
    state: StateDep,
    missing: int = 0,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    info = connect.platform_info(platform, state.settings)
    data = {
        "info": info,
        "missing": bool(missing),
        "apps": [
            a
            for a in credentials.apps_in(session, member.workspace.id)
            if a.platform == platform
        ],
        "redirect_uri": credentials.redirect_uri(state.settings.base_url, platform),
        "error": "",
    }
    return page(request, "publish/accounts_app.html", data, member=member, title="App")


@router.post("/w/{ws}/publish/accounts/apps/{platform}")
def save_app(
    request: Request,
    platform: str,
    session: SessionDep,
    state: StateDep,
    client_id: Annotated[str, Form()] = "",
    client_secret: Annotated[str, Form()] = "",
    instance_url: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    info = connect.platform_info(platform, state.settings)
    try:
        connect.register_app(
            session,
            keyring(state),
            workspace_id=member.workspace.id,
            platform=platform,
            settings=state.settings,
            client_id=client_id,
            client_secret=client_secret or None,
            instance_url=instance_url,
            now=state.clock.now(),
        )
    except InvalidInput as exc:
        data = {
            "info": info,
            "missing": False,
            "apps": [],
            "redirect_uri": credentials.redirect_uri(state.settings.base_url, platform),
            "error": exc.message,
        }
        return page(
            request, "publish/accounts_app.html", data, member=member, status=422
        )
    return _to_accounts(member, "app-saved")


@router.get("/w/{ws}/publish/accounts/password/{platform}")
def password_form(
    request: Request,
    platform: str,
    state: StateDep,
    handle: str = "",
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    info = connect.platform_info(platform, state.settings)
    data = {
        "info": info,
        "handle": handle,
        "service_url": "https://bsky.social",
        "error": "",
    }
    return page(request, "publish/accounts_password.html", data, member=member)


@router.post("/w/{ws}/publish/accounts/password/{platform}")
def password_connect(
    request: Request,
    platform: str,
    session: SessionDep,
    state: StateDep,
    handle: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    service_url: Annotated[str, Form()] = "https://bsky.social",
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    info = connect.platform_info(platform, state.settings)
    try:
        connect.connect_password(
            session,
            keyring(state),
            member=member,
            platform=platform,
            settings=state.settings,
            service_url=service_url,
            handle=handle,
            password=password,
            now=state.clock.now(),
        )
    except InvalidInput as exc:  # the password is never echoed back into the form
        data = {
            "info": info,
            "handle": handle,
            "service_url": service_url,
            "error": exc.message,
        }
        return page(
            request, "publish/accounts_password.html", data, member=member, status=422
        )
    return _to_accounts(member, "connected")


@router.post("/w/{ws}/publish/accounts/{account_id}/disconnect")
def disconnect(
    account_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> Response:
    flow.disconnect(
        session, member=member, account_id=account_id, now=state.clock.now()
    )
    return _to_accounts(member, "disconnected")
