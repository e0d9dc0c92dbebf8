"""`tandem init` and `tandem db upgrade`."""

from __future__ import annotations

import typer

from tandem.accounts import actions
from tandem.cli.base import (
    app,
    clock,
    console,
    db_app,
    fail,
    open_database,
    settings,
    unit_of_work,
)
from tandem.settings import write_secret_key
from tandem.storage import current_revision, head_revision, upgrade


@app.command()
def init(
    organisation: str = typer.Option(
        None, help="Name of your organisation (creates it with its owner)."
    ),
    workspace: str = typer.Option(
        None, help="First workspace (brand or client); defaults to the organisation."
    ),
    email: str = typer.Option(None, help="Owner's email."),
    name: str = typer.Option("Owner", help="Owner's name."),
    password: str = typer.Option(
        None, help="Owner's password (prompted when omitted)."
    ),
    timezone: str = typer.Option(
        "UTC", help="Workspace time zone (IANA name, e.g. Europe/Paris)."
    ),
) -> None:
    """Create the data directory and secret key, migrate the database, optionally the first owner."""
    s = settings()
    try:
        s.data_dir.mkdir(parents=True, exist_ok=True)
        (s.media_dir).mkdir(exist_ok=True)
    except OSError as exc:
        fail(
            f"Cannot create the data directory {s.data_dir}: {exc}. Set TANDEM_DATA_DIR to a writable path."
        )
    if write_secret_key(s.key_file):
        console.print(
            f"Created the secret key {s.key_file} (permissions 0600). Back it up: it decrypts stored credentials."
        )
    else:
        console.print(f"Kept the existing secret key {s.key_file}.")
    database = open_database(s)
    upgrade(database)
    console.print(f"Database at revision {current_revision(database)}.")
    if organisation:
        if not email:
            fail("--email is needed with --organisation.")
        if password is None:
            password = typer.prompt(
                "Owner's password", hide_input=True, confirmation_prompt=True
            )
        with unit_of_work(database) as session:
            user, ws = actions.create_organisation(
                session,
                name=organisation,
                workspace_name=workspace or organisation,
                owner_email=email,
                owner_name=name,
                owner_password=password,
                timezone=timezone,
                clock=clock,
            )
        console.print(f"Created {ws.name} ({ws.slug}) owned by {user.email}.")
    console.print(f"Next: `tandem serve` and open {s.base_url}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (safe to run at every start)."""
    database = open_database(settings())
    before = current_revision(database)
    upgrade(database)
    after = current_revision(database)
    if before == after:
        console.print(f"Already at the latest revision ({after}).")
    else:
        console.print(
            f"Migrated from {before or 'an empty database'} to {after} (head {head_revision(database)})."
        )
