"""`tandem backup`, `tandem restore` and `tandem doctor`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tandem.cli.base import app, clock, console, fail, open_database, settings
from tandem.core import TandemError
from tandem.settings import get_settings
from tandem.storage.backup import backup
from tandem.storage.backup_format import BackupManifest
from tandem.storage.health import CheckResult, diagnose, safe_url
from tandem.storage.restore import restore


def _row_counts(manifest: BackupManifest) -> Table:
    table = Table("table", "rows")
    for name, rows in manifest.row_counts.items():
        table.add_row(name, str(rows))
    events = manifest.warehouse_events
    table.add_row("[dim]warehouse events[/dim]", "-" if events is None else str(events))
    table.add_row("[dim]media files[/dim]", str(manifest.media_files))
    return table


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@app.command("backup")
def backup_command(
    output: Path = typer.Option(
        None,
        "--output",
        "-o",
        help="Archive to write (default: <data dir>/backups/tandem-<UTC time>.tar.gz).",
    ),
) -> None:
    """Write one archive of the database, warehouse and media (consistent, portable)."""
    s = settings()
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    dest = output or s.data_dir / "backups" / f"tandem-{stamp}.tar.gz"
    database = open_database(s)
    try:
        with console.status(f"Backing up to {dest}..."):
            manifest = backup(s, database, dest, clock=clock)
    except TandemError as exc:
        fail(escape(exc.message))
    finally:
        database.dispose()
    console.print(_row_counts(manifest))
    console.print(
        f"Wrote {dest} ({_size(dest)}) at database revision {manifest.alembic_revision}."
    )


@app.command("restore")
def restore_command(
    archive: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="A `tandem backup` archive."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the data of a non-empty install."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Restore a backup into this install (stop `tandem serve` and workers first)."""
    s = settings()
    target = f"{safe_url(s.database)} and {s.data_dir}"
    if not yes:
        replace = " Existing data there will be DELETED." if force else ""
        typer.confirm(f"Restore {archive} into {target}?{replace}", abort=True)
    database = open_database(s)
    try:
        with console.status(f"Restoring {archive}..."):
            manifest = restore(s, database, archive, force=force)
    except TandemError as exc:
        fail(escape(exc.message))
    finally:
        database.dispose()
    console.print(_row_counts(manifest))
    console.print(
        f"Restored the backup of {manifest.created_at:%Y-%m-%d %H:%M} UTC "
        f"(from {manifest.source_dialect}, Tandem {manifest.tandem_version}) into {target}."
    )


def _status(result: CheckResult) -> str:
    if result.ok:
        return "[green]ok[/green]"
    return "[red]FAIL[/red]" if result.severity == "error" else "[yellow]warn[/yellow]"


@app.command()
def doctor() -> None:
    """Check settings, data directory, secret key, database, migrations, warehouse, email, disk."""
    results = diagnose(get_settings)
    table = Table("check", "status")
    # Fold, not ellipsis: paths and URLs are the useful part of a message and must stay whole.
    table.add_column("details", overflow="fold")
    table.add_column("fix", overflow="fold")
    for result in results:
        # Text, not markup: messages quote exceptions such as "[Errno 13]" and paths.
        fix = Text("" if result.ok else result.fix)
        table.add_row(result.name, _status(result), Text(result.message), fix)
    console.print(table)
    errors = [r for r in results if r.failed]
    warnings = [r for r in results if not r.ok and not r.failed]
    console.print(f"{len(errors)} error(s), {len(warnings)} warning(s).")
    if errors:
        raise typer.Exit(1)
