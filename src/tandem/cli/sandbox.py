"""`tandem sandbox serve`: run the built-in Sandbox social network on a loopback address,
its audience speaking in the simulator's words (`tandem.sim.conversations.message`): the
Sandbox sits below the simulator in the layers, so the CLI hands it the writer."""

from __future__ import annotations

from pathlib import Path

import typer

from tandem.cli.base import app, fail, settings
from tandem.connectors.sandbox.faults import FaultConfig
from tandem.connectors.sandbox.server import (
    DEFAULT_PORT,
    audience_from,
    require_loopback,
    run,
)
from tandem.sim.conversations import message

sandbox_app = typer.Typer(
    no_args_is_help=True, help="The built-in Sandbox network (demo and tests)."
)
app.add_typer(sandbox_app, name="sandbox")

_ENV = "TANDEM_SANDBOX_"


@sandbox_app.command("serve")
def serve_sandbox(
    port: int = typer.Option(DEFAULT_PORT, envvar=f"{_ENV}PORT", help="Port."),
    host: str = typer.Option("127.0.0.1", help="Loopback address to bind."),
    db: Path = typer.Option(
        None, help="SQLite file for its state (default: <data dir>/sandbox.db)."
    ),
    error_rate: float = typer.Option(
        0.0, envvar=f"{_ENV}ERROR_RATE", help="Share of calls answered 500/502/503."
    ),
    timeout_rate: float = typer.Option(
        0.0,
        envvar=f"{_ENV}TIMEOUT_RATE",
        help="Share of calls done, then answered only after --timeout-seconds.",
    ),
    rate_limit_rate: float = typer.Option(
        0.0, envvar=f"{_ENV}RATE_LIMIT_RATE", help="Share of calls answered 429."
    ),
    timeout_seconds: float = typer.Option(30.0, envvar=f"{_ENV}TIMEOUT_SECONDS"),
    retry_after: int = typer.Option(2, envvar=f"{_ENV}RETRY_AFTER"),
    seed: int = typer.Option(None, envvar=f"{_ENV}SEED", help="Seed for faults."),
    scope: str = typer.Option(
        "publish", envvar=f"{_ENV}SCOPE", help="publish (posting only) or all."
    ),
    comment_rate: float = typer.Option(
        1.0, envvar=f"{_ENV}COMMENT_RATE", help="Multiplies each post's comments."
    ),
    mentions_per_hour: float = typer.Option(
        2.0, envvar=f"{_ENV}MENTIONS_PER_HOUR", help="Mentions of each account."
    ),
    backfill_hours: float = typer.Option(
        24.0,
        envvar=f"{_ENV}BACKFILL_HOURS",
        help="Hours of past mentions a newly seen account starts with.",
    ),
) -> None:
    """Serve the Sandbox until interrupted; faults can be changed at /_control/faults."""
    try:
        faults = FaultConfig().updated(
            {
                "error_rate": error_rate,
                "timeout_rate": timeout_rate,
                "rate_limit_rate": rate_limit_rate,
                "timeout_seconds": timeout_seconds,
                "retry_after": retry_after,
                "seed": seed,
                "scope": scope,
            }
        )
        audience = audience_from(
            comment_rate=comment_rate,
            mentions_per_hour=mentions_per_hour,
            backfill_hours=backfill_hours,
        )
        host = require_loopback(host)
    except ValueError as exc:
        fail(str(exc))
    run(
        db=db or settings().data_dir / "sandbox.db",
        port=port,
        host=host,
        faults=faults,
        writer=message,
        audience=audience,
    )
