"""`tandem user add|list|set-role`."""

from __future__ import annotations

import typer
from rich.table import Table

from tandem.accounts import Role, actions, auth, store
from tandem.cli.base import (
    clock,
    console,
    fail,
    open_database,
    settings,
    unit_of_work,
    user_app,
)


def _workspace(session, slug: str):  # type: ignore[no-untyped-def]
    workspace = store.workspace_by_slug(session, slug)
    if workspace is None:
        fail(
            f"No workspace with the slug {slug!r}; `tandem user list` shows the slugs."
        )
    return workspace


@user_app.command("add")
def add(
    email: str = typer.Argument(..., help="The new user's email."),
    workspace: str = typer.Option(
        ..., "--workspace", "-w", help="Workspace slug to add them to."
    ),
    role: str = typer.Option(
        ...,
        "--role",
        "-r",
        help="owner, admin, social_manager, marketer, approver or analyst.",
    ),
    name: str = typer.Option(
        None, help="Display name (defaults to the part before @)."
    ),
    password: str = typer.Option(None, help="Password (prompted when omitted)."),
) -> None:
    """Add a user with a role in a workspace (an existing user just gets the membership)."""
    database = open_database(settings())
    with unit_of_work(database) as session:
        ws = _workspace(session, workspace)
        parsed_role = actions.parse_role(role)
        row = store.find_user_row_by_email(session, email)
        if row is None:
            if password is None:
                password = typer.prompt(
                    "Password", hide_input=True, confirmation_prompt=True
                )
            user = actions.add_user(
                session,
                organisation_id=ws.organisation_id,
                email=email,
                name=name or email.split("@")[0],
                password=password,
                actor=None,
                clock=clock,
            )
        else:
            user = store.to_user(row)
        actions.add_member(
            session, workspace=ws, user=user, role=parsed_role, actor=None, clock=clock
        )
    console.print(f"{user.email} is now {parsed_role.label} in {ws.name}.")


@user_app.command("list")
def list_users() -> None:
    """Every user with their workspaces and roles."""
    database = open_database(settings())
    with unit_of_work(database) as session:
        rows = store.all_users(session)
    table = Table("email", "name", "active", "workspace (role)")
    for user, memberships in rows:
        roles = (
            ", ".join(f"{ws.slug} ({role.value})" for ws, role in memberships) or "-"
        )
        table.add_row(user.email, user.name, "yes" if user.is_active else "no", roles)
    console.print(table)


@user_app.command("set-role")
def set_role(
    email: str = typer.Argument(..., help="The user's email."),
    role: str = typer.Argument(
        ..., help="owner, admin, social_manager, marketer, approver or analyst."
    ),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
) -> None:
    """Change a user's role in a workspace."""
    database = open_database(settings())
    with unit_of_work(database) as session:
        ws = _workspace(session, workspace)
        row = store.find_user_row_by_email(session, email)
        if row is None:
            fail(f"No user with the email {email}.")
        parsed_role = actions.parse_role(role)
        actions.set_role(
            session,
            actor=None,
            workspace=ws,
            user_id=row.id,
            role=parsed_role,
            clock=clock,
        )
    console.print(f"{email} is now {Role(parsed_role).label} in {ws.name}.")


@user_app.command("set-password")
def set_password(email: str = typer.Argument(..., help="The user's email.")) -> None:
    """Set a new password (ends the user's sign-ins)."""
    database = open_database(settings())
    password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with unit_of_work(database) as session:
        row = store.find_user_row_by_email(session, email)
        if row is None:
            fail(f"No user with the email {email}.")
        auth.set_password(session, user_id=row.id, password=password, clock=clock)
    console.print(f"Password of {email} changed; their sign-ins were ended.")
