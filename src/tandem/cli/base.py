"""The Typer apps every command module registers on, and the helpers they share."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, Workspace, allows, store
from tandem.core import SystemClock, TandemError
from tandem.settings import ConfigError, Settings, get_settings
from tandem.storage import Database, create_database

app = typer.Typer(
    no_args_is_help=True,
    help="Tandem: one workspace for social and digital marketing.",
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(no_args_is_help=True, help="Manage users and their roles.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
app.add_typer(user_app, name="user")
app.add_typer(db_app, name="db")

# On a terminal, tables fit its width. Piped or captured (scripts, tests), Rich would squeeze
# them into 80 columns and cut cells with "…": give them room instead.
console = Console(width=None if sys.stdout.isatty() else 200)


def id_column() -> Column:
    """Ids are copied from tables into other commands: never wrapped or cut, at any width."""
    return Column("id", no_wrap=True, min_width=32)


err_console = Console(stderr=True)
clock = SystemClock()

# The options most commands share.
WORKSPACE = typer.Option(..., "--workspace", "-w", help="Workspace slug.")
ACTOR = typer.Option(..., "--as", help="Email of the member acting.")


def settings() -> Settings:
    try:
        return get_settings()
    except (ValueError, ConfigError) as exc:
        fail(f"Configuration error: {exc}")


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[red]Error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def open_database(s: Settings) -> Database:
    return create_database(s.database)


@contextmanager
def unit_of_work(database: Database) -> Iterator[Session]:
    """One transaction for the command; a capability error becomes a clear message and exit 1."""
    try:
        with database.session() as session:
            yield session
    except TandemError as exc:
        fail(exc.message)


def workspace_named(session: Session, slug: str) -> Workspace:
    workspace = store.workspace_by_slug(session, slug)
    if workspace is None:
        fail(f"No workspace with the slug {slug!r}.")
    return workspace


def member_who_may(
    session: Session,
    workspace: Workspace,
    email: str,
    permission: Permission,
    doing: str,
) -> Member:
    """The member acting (--as), refused unless their role allows `permission`."""
    user_row = store.find_user_row_by_email(session, email)
    member = (
        store.member_in(session, store.to_user(user_row), workspace)
        if user_row
        else None
    )
    if member is None or not allows(member.role, permission):
        fail(
            f"{email} cannot {doing} in {workspace.slug}; name a member who can (--as)."
        )
    return member
