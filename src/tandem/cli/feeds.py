"""`tandem feeds add|list|poll`: RSS/Atom auto-posting from the command line, through the same
actions as the web (docs/autopost.md)."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, Workspace
from tandem.cli.base import (
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
from tandem.compose import autopost
from tandem.compose.autopost import DEFAULT_TEMPLATE, FeedInput
from tandem.publish import store as publish_store

feeds_app = typer.Typer(
    no_args_is_help=True, help="Watched RSS/Atom feeds (auto-posting)."
)
app.add_typer(feeds_app, name="feeds")


def _member(session: Session, workspace: Workspace, email: str) -> Member:
    return member_who_may(
        session, workspace, email, Permission.CONTENT_EDIT, "create posts"
    )


def _account_ids(
    session: Session, workspace: Workspace, handles: list[str]
) -> tuple[str, ...]:
    accounts = publish_store.accounts_in(session, workspace.id)
    ids = []
    for handle in handles:
        wanted = handle.lstrip("@").lower()
        match = [a.id for a in accounts if wanted in (a.id, a.handle.lower())]
        if not match:
            known = ", ".join("@" + a.handle for a in accounts) or "none connected"
            fail(
                f"No connected account {handle!r} in {workspace.slug}; use one of {known}."
            )
        ids.append(match[0])
    return tuple(ids)


@feeds_app.command("add")
def add(
    url: str = typer.Argument(..., help="The feed's address."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    by: str = typer.Option(..., "--as", help="Email of the member the feed posts as."),
    account: list[str] = typer.Option(
        ..., "--account", "-a", help="Handle or id; repeat."
    ),
    template: str = typer.Option(DEFAULT_TEMPLATE, help="Post template."),
    mode: str = typer.Option("draft", help="draft or queue."),
    include: list[str] = typer.Option(
        [], help="Only entries with this keyword; repeat."
    ),
    exclude: list[str] = typer.Option(
        [], help="Never entries with this keyword; repeat."
    ),
    name: str = typer.Option("", help="Name shown in Tandem."),
    all_entries: bool = typer.Option(
        False, "--all-entries", help="Also post what the feed already lists."
    ),
    interval: int = typer.Option(30, help="Minutes between checks (5-1440)."),
) -> None:
    """Watch a feed; new entries become drafts (or queued posts)."""
    database = open_database(settings())
    with unit_of_work(database) as session:
        ws = workspace_named(session, workspace)
        member = _member(session, ws, by)
        feed = autopost.add_feed(
            session,
            actor=member,
            data=FeedInput(
                url=url,
                account_ids=_account_ids(session, ws, account),
                name=name,
                template=template,
                mode=autopost.parse_mode(mode),
                include_keywords=tuple(include),
                exclude_keywords=tuple(exclude),
                only_new=not all_entries,
                interval_minutes=interval,
            ),
            clock=clock,
        )
    console.print(f"Watching {escape(feed.url)} as feed {feed.id} ({feed.mode.value}).")


@feeds_app.command("list")
def list_feeds(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
) -> None:
    """Every watched feed with its state and last error."""
    database = open_database(settings())
    table = Table(id_column(), "name", "mode", "active", "last checked (UTC)", "error")
    with unit_of_work(database) as session:
        for f in autopost.feeds_in(session, workspace_named(session, workspace).id):
            checked = f"{f.last_polled_at:%Y-%m-%d %H:%M}" if f.last_polled_at else "-"
            table.add_row(
                f.id,
                f.name,
                f.mode.value,
                "yes" if f.active else "no",
                checked,
                f.last_error,
            )
    console.print(table)


@feeds_app.command("poll")
def poll(
    feed_id: str = typer.Argument(None, help="One feed (default: every due feed)."),
) -> None:
    """Check feeds now instead of waiting for the worker."""
    s = settings()
    database = open_database(s)
    options = autopost.options_for(s)
    if feed_id is None:
        results = autopost.poll_due_feeds(
            database,
            options=options,
            clock=clock,
            client_factory=lambda: autopost.feed_client(s),
        )
    else:
        with autopost.feed_client(s) as client:
            one = autopost.poll_feed(
                database,
                feed_id=feed_id,
                options=options,
                clock=clock,
                client=client,
                force=True,
            )
        if one is None:
            fail(f"No feed {feed_id}, or it is being checked right now.")
        results = [one]
    for r in results:
        if r.error:
            console.print(f"{r.feed_id}: [red]error[/red] {escape(r.error)}")
        else:
            console.print(
                f"{r.feed_id}: {len(r.created)} new post(s) from {r.seen} entries."
            )
