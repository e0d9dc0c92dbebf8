"""`tandem listen topics|add-topic|import-csv|trends`: listening from the command line, through
the same actions and queries as the web (docs/listening.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, Workspace
from tandem.cli.base import (
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
from tandem.listen import actions, insights
from tandem.listen import store as listen_store
from tandem.listen.csv_import import MAX_BYTES
from tandem.listen.records import TopicInput

listen_app = typer.Typer(
    no_args_is_help=True, help="Listening: topics, mention imports, trends."
)
app.add_typer(listen_app, name="listen")


def _manager(session: Session, workspace: Workspace, email: str) -> Member:
    return member_who_may(
        session, workspace, email, Permission.LISTEN_MANAGE, "manage listening"
    )


@listen_app.command("topics")
def topics(workspace: str = WORKSPACE) -> None:
    """The tracked topics."""
    table = Table(id_column(), "name", "kind", "query", "filters")
    with unit_of_work(open_database(settings())) as session:
        for t in listen_store.topics_in(
            session, workspace_named(session, workspace).id
        ):
            table.add_row(
                t.id,
                escape(t.name),
                t.kind.value,
                escape(t.query),
                ", ".join(t.languages + t.platforms) or "-",
            )
    console.print(table)


@listen_app.command("add-topic")
def add_topic(
    name: str = typer.Argument(..., help="The topic's name."),
    query: str = typer.Argument(
        ..., help="e.g. 'acme OR #acme OR \"acme boots\" -job'"
    ),
    workspace: str = WORKSPACE,
    by: str = typer.Option(
        ..., "--as", help="Email of a member who manages listening."
    ),
    kind: str = typer.Option("brand", help="brand, competitor or industry."),
    language: list[str] = typer.Option(
        [], help="Only this language (ISO 639-1); repeat."
    ),
    platform: list[str] = typer.Option([], help="Only this platform; repeat."),
) -> None:
    """Track a topic; mentions already stored are matched against it."""
    with unit_of_work(open_database(settings())) as session:
        ws = workspace_named(session, workspace)
        topic = actions.add_topic(
            session,
            actor=_manager(session, ws, by),
            data=TopicInput(name, query, kind, tuple(language), tuple(platform)),
            clock=clock,
        )
    console.print(
        f"Tracking {escape(topic.name)} ({topic.kind.value}) as topic {topic.id}."
    )


@listen_app.command("import-csv")
def import_csv(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="The CSV export."
    ),
    workspace: str = WORKSPACE,
    by: str = typer.Option(
        ..., "--as", help="Email of a member who manages listening."
    ),
) -> None:
    """Import mentions exported from another tool: every row or none."""
    if path.stat().st_size > MAX_BYTES:
        fail(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    with unit_of_work(open_database(settings())) as session:
        ws = workspace_named(session, workspace)
        result = actions.import_csv(
            session,
            actor=_manager(session, ws, by),
            data=path.read_bytes(),
            filename=path.name,
            clock=clock,
        )
    console.print(
        f"{result.received} rows: {result.stored} new mentions "
        f"({result.matched} matching a topic), {result.duplicates} already stored."
    )


@listen_app.command("trends")
def trends(
    workspace: str = WORKSPACE,
    hours: int = typer.Option(
        24, min=1, max=168, help="The window before now, in hours."
    ),
    limit: int = typer.Option(10, min=1, max=100),
) -> None:
    """What is rising now, and why."""
    with unit_of_work(open_database(settings())) as session:
        found = insights.trends(
            session,
            workspace_named(session, workspace).id,
            now=clock.now(),
            window=timedelta(hours=hours),
            limit=limit,
        )
    if not found:
        console.print("Nothing is rising above its usual level.")
    table = Table("trend", "kind", "mentions", "score", "why")
    for t in found:
        table.add_row(
            escape(t.label),
            t.kind.value,
            str(t.mentions),
            f"{t.score:.1f}",
            escape(t.why),
        )
    if found:
        console.print(table)
