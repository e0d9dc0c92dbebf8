"""The app factory: HTML pages, the REST API under /api/v1, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import js_lib_htmx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tandem import __version__
from tandem.core import Clock, SystemClock
from tandem.measure.group_commit import GroupCommitter
from tandem.settings import Settings, get_settings, read_secret_key
from tandem.storage import Database, create_database
from tandem.web import errors
from tandem.web.observability import Metrics, request_middleware
from tandem.web.plots import PLOTLY_JS_DIR
from tandem.web.routes import ROUTERS
from tandem.web.routes.collect import CollectorEdge
from tandem.web.state import AppState

STATIC = Path(__file__).parent / "static"
HTMX = Path(js_lib_htmx.__file__).parent / "static" / "htmx"

API_DESCRIPTION = """
Tandem's REST API. Authenticate with a personal API token (Settings > API tokens) sent as
`Authorization: Bearer tdm_...`; the token acts with your roles in each workspace.
Errors are RFC 9457 problem details (`application/problem+json`) naming the field at fault.
Every HTML page's data is also available as JSON with `Accept: application/json`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    database = database or create_database(settings.database)
    metrics = Metrics()
    clock = clock or SystemClock()
    collector = GroupCommitter(database, clock=clock)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        collector.close()  # stores what waits, after uvicorn finished the requests

    app = FastAPI(
        lifespan=lifespan,
        title="Tandem",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    state = AppState(
        settings=settings,
        database=database,
        clock=clock,
        secret_key=read_secret_key(settings),
        metrics=metrics,
        collector=collector,
    )
    app.state.tandem = state
    app.middleware("http")(request_middleware(metrics))
    # Added last, so outermost: beacons skip the routing and middleware above.
    app.add_middleware(CollectorEdge, state=state)
    errors.install(app)
    app.mount("/static/vendor/htmx", StaticFiles(directory=HTMX), name="htmx")
    app.mount(
        "/static/vendor/plotly", StaticFiles(directory=PLOTLY_JS_DIR), name="plotly"
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app
