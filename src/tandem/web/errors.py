"""The one place where errors become responses: problem+json on the API, friendly pages elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from tandem.core import TandemError, TooManyRequests, Unauthenticated
from tandem.web.render import html, wants_json

log = logging.getLogger("tandem.web")
BUSY_RETRY_AFTER_SECONDS = 5

TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Busy",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or wants_json(request)


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """RFC 9457 problem details for API callers; an error page for people."""
    title = TITLES.get(status, "Error")
    if _is_api(request):
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        }
        body.update(extra or {})
        return JSONResponse(
            body,
            status_code=status,
            media_type="application/problem+json",
            headers=headers,
        )
    request.state.db_session = (
        None  # the request's transaction may be broken; the page needs no data
    )
    response = html(
        request,
        "errors/error.html",
        {"status": status, "title": title, "detail": detail},
        status=status,
    )
    response.headers.update(headers or {})
    return response


async def on_tandem_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TandemError)
    if isinstance(exc, Unauthenticated) and not _is_api(request):
        target = request.url.path + (
            f"?{request.url.query}" if request.url.query else ""
        )
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    headers = (
        {"Retry-After": str(exc.retry_after)}
        if isinstance(exc, TooManyRequests)
        else None
    )
    if isinstance(exc, Unauthenticated):
        headers = {"WWW-Authenticate": 'Bearer realm="tandem"'}
    extra = {"field": exc.field} if exc.field else None
    return problem(request, exc.status, exc.message, extra=extra, headers=headers)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = (
        exc.detail
        if isinstance(exc.detail, str)
        else TITLES.get(exc.status_code, "Error")
    )
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is no page at this address."
    return problem(request, exc.status_code, detail, headers=dict(exc.headers or {}))


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [
        str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")
    ]
    return ".".join(parts) or str(loc[-1] if loc else "request")


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _field_name(tuple(e.get("loc", ()))),
            "message": e.get("msg", "invalid"),
        }
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(
        request, 422, f"Check these fields: {detail}", extra={"errors": errors}
    )


def _is_busy_database(exc: Exception) -> bool:
    """SQLite gave up waiting for another writer (busy_timeout): the request can simply be
    tried again, so it is a 503 with Retry-After, not an error in Tandem."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


async def on_unexpected(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "-")
    if _is_busy_database(exc):
        log.warning(
            "database busy", extra={"request_id": request_id, "path": request.url.path}
        )
        return problem(
            request,
            503,
            "The database is busy with another change. Try again in a few seconds.",
            headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
        )
    log.exception(
        "unhandled error", extra={"request_id": request_id, "path": request.url.path}
    )
    return problem(
        request,
        500,
        f"Tandem hit an unexpected error. The log has the details under request id {request_id}.",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(TandemError, on_tandem_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
