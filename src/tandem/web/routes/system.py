"""Health and Prometheus metrics for operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select, text

from tandem import __version__
from tandem.accounts.store import UserRow, WorkspaceRow
from tandem.storage.queue import counts_by_status
from tandem.web.deps import Identity, SessionDep, StateDep, public

router = APIRouter(tags=["system"])
Public = Annotated[Identity | None, Depends(public())]


@router.get("/healthz", summary="Liveness and database check")
def health(session: SessionDep, _: Public) -> Response:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # report, never raise: this is what load balancers poll
        return JSONResponse(
            {"status": "error", "database": f"unreachable: {type(exc).__name__}"},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "version": __version__})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(session: SessionDep, state: StateDep, _: Public) -> Response:
    m = state.metrics
    for status, count in counts_by_status(session).items():
        m.jobs.labels(status).set(count)
    m.workspaces.set(
        session.scalar(select(func.count()).select_from(WorkspaceRow)) or 0
    )
    m.users.set(session.scalar(select(func.count()).select_from(UserRow)) or 0)
    return Response(m.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
