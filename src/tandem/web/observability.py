"""Request logging, request ids and Prometheus metrics."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("tandem.http")


class Metrics:
    """One registry per app, so several apps in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tandem_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tandem_http_request_duration_seconds",
            "HTTP request duration",
            ["route"],
            registry=self.registry,
        )
        self.jobs = Gauge(
            "tandem_jobs",
            "Jobs in the queue by status",
            ["status"],
            registry=self.registry,
        )
        self.workspaces = Gauge(
            "tandem_workspaces", "Workspaces", registry=self.registry
        )
        self.users = Gauge("tandem_users", "Users", registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _route_template(request: Request) -> str:
    # Label by route template, not raw path, so label cardinality stays bounded.
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def request_middleware(
    metrics: Metrics,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        request.state.request_id = request_id
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(request)
            metrics.requests.labels(request.method, route, str(status)).inc()
            metrics.latency.labels(route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.url.path,
                    "route": route,
                    "status": status,
                    "ms": round(elapsed * 1000, 1),
                },
            )

    return middleware
