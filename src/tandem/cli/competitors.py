"""`tandem competitor list|add|remove|snapshot`: the accounts a workspace benchmarks against
(docs/reports.md, competitor benchmarks)."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from tandem.accounts import Permission
from tandem.cli.base import (
    ACTOR,
    WORKSPACE,
    app,
    clock,
    console,
    fail,
    id_column,
    member_who_may,
    open_database,
    settings,
    unit_of_work,
    workspace_named,
)
from tandem.connectors.public import PublicProfiles
from tandem.core import TandemError
from tandem.report import competitors

competitor_app = typer.Typer(
    no_args_is_help=True, help="Competitor accounts: public metrics, benchmarks."
)
app.add_typer(competitor_app, name="competitor")


@competitor_app.command("list")
def list_competitors(workspace: str = WORKSPACE) -> None:
    """The competitors with their latest public figures (or why there are none)."""
    table = Table(id_column(), "platform", "handle", "followers", "posts", "status")
    with unit_of_work(open_database(settings())) as session:
        ws = workspace_named(session, workspace)
        now = clock.now()
        for c in competitors.competitors_in(session, ws.id):
            snaps = competitors.snapshots_of(session, c.id, until=now.date())
            last = snaps[-1] if snaps else None
            status = (
                f"no public metrics on {c.platform}: {c.unreadable}"
                if c.unreadable
                else c.last_error or (f"read {last.day}" if last else "not read yet")
            )
            table.add_row(
                c.id,
                c.platform,
                escape("@" + c.handle),
                str(last.followers) if last else "-",
                str(last.posts) if last else "-",
                escape(status),
            )
    console.print(table)


@competitor_app.command("add")
def add(
    platform: str,
    handle: str,
    workspace: str = WORKSPACE,
    actor: str = ACTOR,
) -> None:
    """Benchmark against PLATFORM's account HANDLE (e.g. bluesky northwind.bsky.social,
    mastodon northwind@mastodon.social)."""
    with unit_of_work(open_database(settings())) as session:
        ws = workspace_named(session, workspace)
        member = member_who_may(
            session, ws, actor, Permission.REPORTS_MANAGE, "manage competitors"
        )
        try:
            c = competitors.add_competitor(
                session, actor=member, platform=platform, handle=handle, clock=clock
            )
        except TandemError as exc:
            fail(exc.message)
    note = (
        f" (no public metrics on {c.platform}: {c.unreadable})" if c.unreadable else ""
    )
    console.print(f"Added @{escape(c.handle)} on {c.platform}: {c.id}{escape(note)}")


@competitor_app.command("remove")
def remove(competitor_id: str, workspace: str = WORKSPACE, actor: str = ACTOR) -> None:
    """Stop benchmarking against a competitor (its snapshots go too)."""
    with unit_of_work(open_database(settings())) as session:
        ws = workspace_named(session, workspace)
        member = member_who_may(
            session, ws, actor, Permission.REPORTS_MANAGE, "manage competitors"
        )
        try:
            competitors.remove_competitor(
                session, actor=member, competitor_id=competitor_id, clock=clock
            )
        except TandemError as exc:
            fail(exc.message)
    console.print("Removed.")


@competitor_app.command("snapshot")
def snapshot(
    workspace: str = typer.Option(
        "", "--workspace", "-w", help="Only this workspace (default: all)."
    ),
) -> None:
    """Read every competitor's public profile now (what the daily job does)."""
    reader = PublicProfiles()
    try:
        with unit_of_work(open_database(settings())) as session:
            ws_id = workspace_named(session, workspace).id if workspace else None
            run = competitors.snapshot_competitors(
                session, reader.read, now=clock.now(), workspace_id=ws_id
            )
    finally:
        reader.close()
    console.print(
        f"Read {run.read}, failed {run.failed}, "
        f"{run.skipped} on platforms without public metrics."
    )
