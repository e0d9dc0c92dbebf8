"""The public collector (`POST /c`) and the snippet that sends to it (`GET /t.js`).

Other sites' pages call these, so they carry no session, cookie or CSRF token: the site
key in the body says whose events they are, and the site's domain allow-list says from
where. The answer is sent only after the request's unit of work committed, so a 2xx means
the events are stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from tandem import measure
from tandem.core import InvalidInput, TandemError, TooManyRequests
from tandem.web.deps import StateDep, public_beacon

router = APIRouter(include_in_schema=False)
Beacon = Annotated[None, Depends(public_beacon())]
SNIPPET = Path(__file__).resolve().parent.parent / "static" / "t.js"
PURPOSE_HEADERS = ("sec-purpose", "purpose", "x-purpose", "x-moz")
BODY_TYPES = ("application/json", "text/plain")
NO_STORE = {"Cache-Control": "no-store"}


def _cors(request: Request) -> dict[str, str]:
    """Let the page read the answer; no credentials are ever accepted."""
    origin = request.headers.get("origin")
    if not origin:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def _request_info(request: Request, webdriver: bool) -> measure.Request:
    headers = request.headers
    purposes = [headers[name] for name in PURPOSE_HEADERS if name in headers]
    return measure.Request(
        user_agent=headers.get("user-agent"),
        ip=request.client.host if request.client else None,
        origin=headers.get("origin"),
        purpose=", ".join(purposes) or None,
        webdriver=webdriver,
    )


async def _raw(request: Request) -> bytes:
    """The body, at most MAX_BODY + 1 bytes."""
    raw = bytearray()
    async for (
        chunk
    ) in request.stream():  # bounded: a chunked body has no length to check
        raw += chunk
        if len(raw) > measure.MAX_BODY:
            break
    return bytes(raw)


def _decode(request: Request, raw: bytes) -> Any:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in BODY_TYPES:
        raise InvalidInput(
            "Send the events as application/json or text/plain (navigator.sendBeacon).",
            field="content-type",
        )
    if len(raw) > measure.MAX_BODY:
        raise InvalidInput(
            f"The body is larger than {measure.MAX_BODY} bytes; send fewer events at once.",
            field="body",
        )
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("The body is not valid JSON.", field="body") from None


def _problem(request: Request, exc: TandemError) -> Response:
    """Problem details whatever the Accept header: pages' scripts, not people, read these."""
    headers = {**NO_STORE, **_cors(request)}
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    body = {"title": exc.title, "status": exc.status, "detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return JSONResponse(
        body,
        status_code=exc.status,
        media_type="application/problem+json",
        headers=headers,
    )


@router.post("/c")
async def collect(request: Request, state: StateDep, _: Beacon) -> Response:
    """Store a page's events: 202 with counts, 4xx naming the problem, 503 when full.

    The unit of work is opened and committed here, so the 202 is sent only after the
    commit. It runs on the event loop, not the threadpool: the work is a few
    milliseconds of SQLite, which handing to threads made slower, not faster.
    """
    raw = await _raw(request)
    try:
        payload = measure.parse_payload(_decode(request, raw))
        info = _request_info(request, payload.webdriver)
        with state.database.session() as session:
            accepted = measure.collect(
                session,
                site_key=payload.site_key,
                hits=payload.hits,
                request=info,
                clock=state.clock,
                max_backlog=state.settings.collect_max_backlog,
            )
    except TandemError as exc:
        return _problem(request, exc)
    return JSONResponse(
        {
            "stored": accepted.stored,
            "filtered": accepted.filtered,
            "duplicates": accepted.duplicates,
        },
        status_code=202,
        headers={**NO_STORE, **_cors(request)},
    )


@router.options("/c")
def preflight(request: Request, _: Beacon) -> Response:
    """CORS preflight for JSON posts (beacons are simple requests and skip it)."""
    return Response(
        status_code=204,
        headers={
            **_cors(request),
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "86400",
        },
    )


@router.get("/t.js")
def snippet(_: Beacon) -> Response:
    """The snippet, cached for an hour by browsers and CDNs."""
    return Response(
        SNIPPET.read_bytes(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )
