"""`tandem accounts list|disconnect`: the connected social accounts, from the shell."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts import Permission, Workspace, allows, store
from tandem.cli.base import (
    app,
    clock,
    console,
    fail,
    id_column,
    open_database,
    settings,
    unit_of_work,
)
from tandem.publish import connect as flow
from tandem.publish import credentials
from tandem.publish import store as posts
from tandem.publish.store import SocialAccountRow

accounts_app = typer.Typer(no_args_is_help=True, help="Connected social accounts.")
app.add_typer(accounts_app, name="accounts")


def _workspaces(session: Session, slug: str | None) -> list[Workspace]:
    if slug is None:
        rows = session.scalars(
            select(store.WorkspaceRow).order_by(store.WorkspaceRow.slug)
        )
        return [store.to_workspace(row) for row in rows]
    workspace = store.workspace_by_slug(session, slug)
    if workspace is None:
        fail(
            f"No workspace with the slug {slug!r}; `tandem accounts list` shows them all."
        )
    return [workspace]


@accounts_app.command("list")
def list_accounts(
    workspace: str = typer.Option(
        None, "--workspace", "-w", help="Only this workspace (slug)."
    ),
) -> None:
    """Every connected account with its health and token expiry (never the tokens)."""
    database = open_database(settings())
    table = Table(
        id_column(),
        "workspace",
        "network",
        "handle",
        "health",
        "credentials",
        "expires (UTC)",
        "message",
    )
    with unit_of_work(database) as session:
        for ws in _workspaces(session, workspace):
            connections = credentials.connections_in(session, ws.id)
            for account in posts.accounts_in(session, ws.id):
                c = connections.get(account.id)
                table.add_row(
                    account.id,
                    ws.slug,
                    account.platform,
                    f"@{account.handle}",
                    account.health.value,
                    "stored" if c and c.connected else "none",
                    f"{c.expires_at:%Y-%m-%d %H:%M}" if c and c.expires_at else "-",
                    account.health_message,
                )
    console.print(table)


@accounts_app.command("disconnect")
def disconnect(
    account_id: str = typer.Argument(
        ..., help="The account id (`tandem accounts list`)."
    ),
    by: str = typer.Option(
        ..., "--by", help="Email of the owner or admin doing it (audit log)."
    ),
) -> None:
    """Delete an account's credentials; the account and its history stay."""
    database = open_database(settings())
    with unit_of_work(database) as session:
        row = session.get(SocialAccountRow, account_id)
        if row is None:
            fail(
                f"No account with the id {account_id}; `tandem accounts list` shows them."
            )
        workspace = store.workspace_by_id(session, row.workspace_id)
        user_row = store.find_user_row_by_email(session, by)
        member = (
            store.member_in(session, store.to_user(user_row), workspace)
            if user_row
            else None
        )
        if member is None or not allows(member.role, Permission.ACCOUNTS_MANAGE):
            fail(
                f"{by} cannot manage accounts in {workspace.slug}; name an owner, admin or social manager."
            )
        account = flow.disconnect(
            session, member=member, account_id=account_id, now=clock.now()
        )
    console.print(
        f"Disconnected @{account.handle} ({account.platform}); its credentials are deleted."
    )
