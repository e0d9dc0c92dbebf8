"""`tandem demo`: a complete workspace on SQLite, seeded from the simulator, served at once."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import typer
import uvicorn
from rich.table import Table

from tandem.accounts import Role, store
from tandem.cli.base import app, clock, console, fail
from tandem.cli.serve import run_server
from tandem.connectors.sandbox import server as sandbox_server
from tandem.connectors.sandbox.faults import FaultConfig, Faults
from tandem.connectors.sandbox.history import history_of, send_history
from tandem.connectors.sandbox.store import SandboxStore
from tandem.core.logs import configure_logging
from tandem.core.periods import local_today
from tandem.report.demo import seed_reports_demo
from tandem.settings import Settings, write_secret_key
from tandem.sim import generate_world, seed_demo
from tandem.sim.conversations import message
from tandem.sim.listening import seed_listen_demo
from tandem.sim.plan import seed_plan_demo
from tandem.sim.plans import seed_plans
from tandem.sim.rivals import RIVAL_HANDLE, plan_rival
from tandem.sim.site import seed_site_demo
from tandem.storage import create_database, upgrade

DEMO_PASSWORD = "tandem-demo"
DEMO_SLUG = "demo-brand"
SANDBOX_FILE = "sandbox.db"


def share_rival(data_dir: Path, url: str) -> str:
    """Give the Sandbox already running at `url` the rival's history from the demo's own
    Sandbox file (idempotent, so a Sandbox that has it already is unchanged). Returns what
    to tell the user; never raises, the demo runs without it."""
    store = SandboxStore(data_dir / SANDBOX_FILE)
    since, posts = history_of(store, RIVAL_HANDLE)
    try:
        added = send_history(url, RIVAL_HANDLE, since, posts)
    except httpx.HTTPError as exc:
        return (
            f"Could not give it @{RIVAL_HANDLE}'s history ({exc}): the competitor "
            "benchmark's line may jump at today's snapshot."
        )
    return f"@{RIVAL_HANDLE}'s history is there ({added} post(s) added)."


def start_sandbox(data_dir: Path, port: int) -> str | None:
    """The built-in Sandbox network in a thread of the demo, so scheduled posts really go out."""
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))
    except OSError:
        return None  # the port is taken (maybe a Sandbox already runs there)
    app = sandbox_server.create_app(
        SandboxStore(data_dir / SANDBOX_FILE), Faults(FaultConfig()), writer=message
    )
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    threading.Thread(
        target=uvicorn.Server(config).run, name="tandem-sandbox", daemon=True
    ).start()
    return f"http://127.0.0.1:{port}"


def prepare_demo(
    data_dir: Path, *, reset: bool, seed: int, base_url: str
) -> tuple[Settings, list[tuple[str, str]]]:
    """Create (or reuse) the demo data dir; returns its settings and the (email, role) sign-ins."""
    if reset and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{(data_dir / 'tandem.db').resolve()}",
        demo_mode=True,
        base_url=base_url,
        log_format="text",
    )
    write_secret_key(settings.key_file)
    database = create_database(settings.database)
    upgrade(database)
    with database.session() as session:
        workspace = store.workspace_by_slug(session, DEMO_SLUG)
        if workspace is None:
            world = generate_world(seed, now=clock.now())
            result = seed_demo(session, world, clock=clock, password=DEMO_PASSWORD)
            seed_plans(
                session,
                workspace_id=result.workspace.id,
                clock=clock,
                base_url=base_url,
            )
            seed_plan_demo(
                session,
                workspace_id=result.workspace.id,
                clock=clock,
                base_url=base_url,
            )
            owner_email = next(e for e, r in result.credentials if r is Role.OWNER)
            owner_row = store.find_user_row_by_email(session, owner_email)
            assert owner_row is not None  # seed_demo just created the owner
            owner = store.member_in(session, store.to_user(owner_row), result.workspace)
            assert owner is not None
            seed_listen_demo(session, owner=owner, clock=clock, seed=seed)
            rival = plan_rival(seed=seed, now=clock.now())
            sandbox = SandboxStore(data_dir / SANDBOX_FILE)
            sandbox.backfill(rival.handle, rival.since, rival.posts)
            seed_reports_demo(session, owner=owner, clock=clock, rival=rival, seed=seed)
            seed_site_demo(
                settings.warehouse_path,
                result.workspace.id,
                today=local_today(clock.now(), result.workspace.timezone),
                seed=seed,
            )
            credentials = [(email, role.label) for email, role in result.credentials]
        else:
            credentials = [
                (m.user.email, m.role.label)
                for m in store.memberships_in(session, workspace.id)
            ]
    database.dispose()
    return settings, credentials


@app.command()
def demo(
    port: int = typer.Option(8000, help="Port to serve on."),
    host: str = typer.Option("127.0.0.1", help="Address to bind."),
    data_dir: Path = typer.Option(
        Path("tandem-demo"), "--data-dir", help="Where the demo keeps its data."
    ),
    reset: bool = typer.Option(
        False, "--reset", help="Delete the demo data and start again."
    ),
    seed: int = typer.Option(
        42, help="Simulator seed: the same seed gives the same world."
    ),
) -> None:
    """A "Demo Brand" workspace with one user per role and 90 days of history, on SQLite."""
    started = time.perf_counter()
    base_url = f"http://{host}:{port}"
    try:
        settings, credentials = prepare_demo(
            data_dir, reset=reset, seed=seed, base_url=base_url
        )
    except OSError as exc:
        fail(
            f"Cannot prepare the demo in {data_dir}: {exc}. Choose another --data-dir."
        )
    table = Table("email", "role", "password", title="Demo sign-ins")
    for email, role in credentials:
        table.add_row(email, role, DEMO_PASSWORD)
    console.print(table)
    console.print(
        f"Demo ready in {time.perf_counter() - started:.1f} s. Open {base_url}/ (Ctrl+C stops it)."
    )
    sandbox = start_sandbox(data_dir, sandbox_server.DEFAULT_PORT)
    if sandbox:
        console.print(f"Sandbox network: {sandbox}")
    else:
        existing = f"http://127.0.0.1:{sandbox_server.DEFAULT_PORT}"
        console.print(
            f"Port {sandbox_server.DEFAULT_PORT} is taken: using the Sandbox already "
            f"there, if any. {share_rival(data_dir, existing)}"
        )
    configure_logging("WARNING", "text")
    run_server(
        settings,
        create_database(settings.database),
        host=host,
        port=port,
        with_worker=True,
    )
