"""REST API for connecting accounts: start an OAuth connection (the caller sends the user to
`authorize_url`; the platform redirects back to Tandem's /oauth/callback/<platform>), connect
with an app password, register the workspace's own app, see each account's connection and
disconnect. Secrets are write-only: no answer contains a token or a client secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.connectors import connect
from tandem.publish import connect as flow
from tandem.publish import credentials
from tandem.publish import store as posts
from tandem.publish.model import SocialAccount
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.routes.accounts_connect import describe, keyring

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["accounts"])


class ConnectStart(BaseModel):
    instance_url: str = Field(
        "", description="Mastodon only: the instance, e.g. https://mastodon.social."
    )


class ConnectStarted(BaseModel):
    authorize_url: str = Field(description="Send the user's browser here.")
    expires_at: datetime = Field(description="The authorisation must finish by then.")


class PasswordConnect(BaseModel):
    handle: str
    password: str = Field(
        description="An app password (abcd-efgh-ijkl-mnop), never the main password."
    )
    service_url: str = "https://bsky.social"


class AppRegistration(BaseModel):
    client_id: str
    client_secret: str | None = Field(
        None, description="Write-only; omit to keep the stored secret."
    )
    instance_url: str = Field("", description="Mastodon only: the instance.")


class AccountConnection(BaseModel):
    account: SocialAccount
    connected: bool = Field(description="Tandem holds credentials for it.")
    expires_at: datetime | None = None
    refreshable: bool = False
    refreshed_at: datetime | None = None
    status: str = Field(description="Health in words, with the platform's message.")


@router.get(
    "/connections",
    summary="Every account with its connection (expiry, renewal, health in words)",
)
def list_connections(
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_VIEW)),
) -> list[AccountConnection]:
    now = state.clock.now()
    found = credentials.connections_in(session, member.workspace.id)
    out = []
    for account in posts.accounts_in(session, member.workspace.id):
        c = found.get(account.id)
        out.append(
            AccountConnection(
                account=account,
                connected=bool(c and c.connected),
                expires_at=c.expires_at if c else None,
                refreshable=bool(c and c.refreshable),
                refreshed_at=c.refreshed_at if c else None,
                status=describe(account, c, now),
            )
        )
    return out


@router.post(
    "/accounts/connect/{platform}",
    summary="Start connecting an account over OAuth 2 (PKCE S256)",
    status_code=201,
)
def start_connection(
    platform: str,
    session: SessionDep,
    state: StateDep,
    body: Annotated[ConnectStart | None, Body()] = None,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> ConnectStarted:
    started = connect.start(
        session,
        keyring(state),
        member=member,
        platform=platform,
        settings=state.settings,
        now=state.clock.now(),
        instance_url=body.instance_url if body else "",
    )
    return ConnectStarted(
        authorize_url=started.authorize_url, expires_at=started.expires_at
    )


@router.post(
    "/accounts/password/{platform}",
    summary="Connect with a handle and an app password (Bluesky)",
    status_code=201,
)
def password_connect(
    platform: str,
    body: PasswordConnect,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> SocialAccount:
    return connect.connect_password(
        session,
        keyring(state),
        member=member,
        platform=platform,
        settings=state.settings,
        service_url=body.service_url,
        handle=body.handle,
        password=body.password,
        now=state.clock.now(),
    )


@router.post(
    "/accounts/{account_id}/disconnect",
    summary="Delete the account's credentials (the account and its history stay)",
)
def disconnect(
    account_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> SocialAccount:
    return flow.disconnect(
        session, member=member, account_id=account_id, now=state.clock.now()
    )


@router.get("/apps", summary="The workspace's app registrations (no secrets)")
def list_apps(
    session: SessionDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> list[credentials.PlatformApp]:
    return credentials.apps_in(session, member.workspace.id)


@router.put(
    "/apps/{platform}",
    summary="Register or update the workspace's own app on a platform",
)
def put_app(
    platform: str,
    body: AppRegistration,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ACCOUNTS_MANAGE)),
) -> credentials.PlatformApp:
    return connect.register_app(
        session,
        keyring(state),
        workspace_id=member.workspace.id,
        platform=platform,
        settings=state.settings,
        client_id=body.client_id,
        client_secret=body.client_secret,
        instance_url=body.instance_url,
        now=state.clock.now(),
    )
