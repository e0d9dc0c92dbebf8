"""`tandem spend import FILE --preset meta_ads`: the web's spend import from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from tandem import plan
from tandem.accounts import Permission, allows, store
from tandem.cli.base import (
    app,
    clock,
    console,
    fail,
    open_database,
    settings,
    unit_of_work,
)
from tandem.core.periods import local_today

spend_app = typer.Typer(no_args_is_help=True, help="Ad spend: import platform exports.")
app.add_typer(spend_app, name="spend")


@spend_app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    preset: str = typer.Option(..., help=", ".join(plan.PRESETS)),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    as_email: str = typer.Option(..., "--as", help="A member who may manage plans."),
    campaign: str = typer.Option(
        "", help="UTM key of the campaign to book every row on."
    ),
    currency: str = typer.Option("", help="The export's currency when it names none."),
) -> None:
    """Import an export: every row or none; importing the same period again replaces it."""
    s = settings()
    database = open_database(s)
    with unit_of_work(database) as session:
        ws = store.workspace_by_slug(session, workspace)
        if ws is None:
            fail(f"No workspace with the slug {workspace!r}.")
        row = store.find_user_row_by_email(session, as_email)
        member = store.member_in(session, store.to_user(row), ws) if row else None
        if member is None or not allows(member.role, Permission.PLAN_MANAGE):
            fail(
                f"{as_email} cannot manage plans in {workspace}; name a member who can (--as)."
            )
        target = (
            plan.store.campaign_by_key(session, ws.id, campaign) if campaign else None
        )
        if campaign and target is None:
            fail(f"No campaign with the UTM key {campaign!r} in {workspace}.")
        try:
            result = plan.import_spend(
                session,
                actor=member,
                data=file.read_bytes(),
                filename=file.name,
                mapping=plan.preset_map(preset),
                clock=clock,
                campaign_id=target.id if target else None,
                currency=currency or None,
            )
        except plan.ImportRejected as exc:
            for error in exc.errors:
                console.print(escape(str(error)), highlight=False)
            fail(exc.message)
        plan.check_pacing(
            session,
            workspace_id=ws.id,
            today=local_today(clock.now(), ws.timezone),
            base_url=s.base_url,
            now=clock.now(),
        )
    database.dispose()
    console.print(
        escape(
            f"Imported {result.rows} rows ({result.first_day} to {result.last_day}): "
            f"{result.added} lines added, {result.replaced} replaced."
        ),
        highlight=False,
    )
    if result.unassigned:
        console.print(
            escape("Unassigned: " + ", ".join(result.unassigned)), highlight=False
        )
