"""`tandem serve` and `tandem worker`: the web app and the background worker."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer
import uvicorn

from tandem.cli.base import app, clock, console, fail, open_database, settings
from tandem.core.logs import configure_logging
from tandem.jobs import Worker, run_pending
from tandem.settings import ConfigError, Settings
from tandem.storage import Database, current_revision, head_revision


def require_current_schema(database: Database) -> None:
    current, head = current_revision(database), head_revision(database)
    if current != head:
        fail(
            f"The database is at revision {current or 'none'} but this Tandem needs {head}. "
            "Run `tandem db upgrade` (back up first with `tandem backup`)."
        )


def run_server(
    s: Settings, database: Database, *, host: str, port: int, with_worker: bool
) -> None:
    """Serve HTTP until interrupted; with `with_worker`, jobs run in a thread of this process."""
    try:
        from tandem.web import create_app  # the web app's imports are not a worker's

        web = create_app(s, database=database, clock=clock)
    except ConfigError as exc:
        fail(str(exc))
    worker = Worker(database=database, settings=s, clock=clock)
    thread = threading.Thread(
        target=worker.run_forever, name="tandem-worker", daemon=True
    )
    if with_worker:
        thread.start()
    config = uvicorn.Config(
        web,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    try:
        uvicorn.Server(config).run()
    finally:
        worker.stopping.set()
        if with_worker:
            thread.join(timeout=30)


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to bind (default: TANDEM_HOST)."),
    port: int = typer.Option(None, help="Port (default: TANDEM_PORT)."),
    worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Run background jobs in this process too."
    ),
) -> None:
    """Serve the web app, the REST API, health and metrics (and the worker, by default)."""
    s = settings()
    configure_logging(s.log_level, s.log_format)
    database = open_database(s)
    require_current_schema(database)
    run_server(
        s, database, host=host or s.host, port=port or s.port, with_worker=worker
    )


@app.command("worker")
def worker_command(
    once: bool = typer.Option(False, "--once", help="Run the jobs due now, then exit."),
) -> None:
    """Run background jobs. Start as many as you like; SIGTERM finishes the job in hand, then exits."""
    s = settings()
    configure_logging(s.log_level, s.log_format)
    database = open_database(s)
    require_current_schema(database)
    runner = Worker(database=database, settings=s, clock=clock)
    if once:
        console.print(f"Ran {run_pending(runner)} job(s).")
        return

    def stop(_signum: int, _frame: FrameType | None) -> None:
        runner.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    runner.run_forever()
