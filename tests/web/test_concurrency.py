"""Requests that wait for the database never stall the server's event loop."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import Depends

from tandem.accounts import Member, Permission, Role
from tandem.web import create_app
from tandem.web.deps import permit
from tests.support.world import PERSONAS
from tests.web.conftest import make_settings, sign_in


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_request_waiting_for_the_write_lock_lets_the_holder_finish(
    db, world, tmp_path: Path
):
    """On SQLite a request's first statement takes the write lock (BEGIN IMMEDIATE). If the
    request that has to wait did so on the event loop, the holder, an async handler awaiting
    something, could never resume to release it: both would stall until busy_timeout."""
    app = create_app(make_settings(tmp_path), database=db, clock=world.clock)

    @app.get("/w/{ws}/hold-the-lock")
    async def hold(member: Member = Depends(permit(Permission.INBOX_VIEW))) -> dict:
        await asyncio.sleep(1.5)  # the access check's transaction is still open
        return {"held": member.workspace.slug}

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.02)
    answers: dict[str, int] = {}
    try:
        with (
            httpx.Client(base_url=base, timeout=60) as holder,
            httpx.Client(base_url=base, timeout=60) as waiter,
        ):
            sign_in(holder, PERSONAS[Role.OWNER])
            sign_in(waiter, PERSONAS[Role.OWNER])

            def call(name: str, client: httpx.Client, path: str) -> None:
                answers[name] = client.get(path).status_code

            first = threading.Thread(
                target=call,
                args=("holder", holder, f"/w/{world.acme.slug}/hold-the-lock"),
            )
            first.start()
            time.sleep(0.5)  # the holder is inside its handler now
            call("waiter", waiter, "/account")
            first.join()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert answers == {"holder": 200, "waiter": 200}
