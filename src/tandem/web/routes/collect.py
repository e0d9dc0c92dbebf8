"""The public collector (`POST /c`) and the snippet that sends to it (`GET /t.js`).

Other sites' pages call these, so they carry no session, cookie or CSRF token: the site
key in the body says whose events they are, and the site's domain allow-list says from
where. The answer is sent only after the events' transaction committed, so a 2xx means
the events are stored.

`POST /c` is the hot path (one beacon per page view), so it is served by `CollectorEdge`,
a plain ASGI layer in front of the app's routing, dependencies and middleware: it reads
the body, hands the validated hits to the process's group commit (measure.group_commit)
and answers once they are committed. It still counts the request in the metrics and
answers with an X-Request-ID like every other route.
"""

from __future__ import annotations

import json
import logging
import random
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tandem import measure
from tandem.core import InvalidInput, TandemError, TooManyRequests
from tandem.measure.group_commit import Submission
from tandem.web.deps import public_beacon
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)
Beacon = Annotated[None, Depends(public_beacon())]
SNIPPET = Path(__file__).resolve().parent.parent / "static" / "t.js"
PURPOSE_HEADERS = (b"sec-purpose", b"purpose", b"x-purpose", b"x-moz")
BODY_TYPES = ("application/json", "text/plain")
PATH = "/c"
log = logging.getLogger("tandem.http")


def _cors(request: Request) -> dict[str, str]:
    """Let the page read the answer; no credentials are ever accepted."""
    origin = request.headers.get("origin")
    if not origin:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


async def _body(receive: Receive) -> bytes:
    """The body, at most MAX_BODY + 1 bytes (a chunked body has no length to check)."""
    raw = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        raw += message.get("body", b"")
        if len(raw) > measure.MAX_BODY or not message.get("more_body", False):
            break
    return bytes(raw)


def _decode(content_type: str, raw: bytes) -> Any:
    kind = content_type.split(";")[0].strip().lower()
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


def _request_info(
    scope: Scope, headers: dict[bytes, bytes], webdriver: bool
) -> measure.Request:
    def text(name: bytes) -> str | None:
        value = headers.get(name)
        return value.decode("latin-1") if value is not None else None

    purposes = [headers[n].decode("latin-1") for n in PURPOSE_HEADERS if n in headers]
    client = scope.get("client")
    return measure.Request(
        user_agent=text(b"user-agent"),
        ip=client[0] if client else None,
        origin=text(b"origin"),
        purpose=", ".join(purposes) or None,
        webdriver=webdriver,
    )


def _problem(exc: TandemError) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
    """Problem details whatever the Accept header: pages' scripts, not people, read these."""
    extra = [(b"content-type", b"application/problem+json")]
    if isinstance(exc, TooManyRequests):
        extra.append((b"retry-after", str(exc.retry_after).encode()))
    body: dict[str, Any] = {"title": exc.title, "status": exc.status}
    body["detail"] = exc.message
    if exc.field:
        body["field"] = exc.field
    return exc.status, body, extra


def _is_collector(scope: Scope) -> bool:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path == PATH or (bool(root) and path == root + PATH)


class CollectorEdge:
    """ASGI layer answering `POST /c` itself; everything else goes on to `app`."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not _is_collector(scope)
        ):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        request_id = (headers.get(b"x-request-id") or b"").decode("latin-1")
        # 16 hex digits like the other routes' ids, without uuid4's os.urandom call:
        # an id to find log lines by, not a secret.
        request_id = request_id or f"{random.getrandbits(64):016x}"
        status, body, extra = await self._collect(scope, receive, headers)
        response = [
            *extra,
            (b"cache-control", b"no-store"),
            (b"x-request-id", request_id.encode("latin-1")),
        ]
        if b"content-type" not in dict(extra):
            response.append((b"content-type", b"application/json"))
        origin = headers.get(b"origin")
        if origin:
            response += [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
        content = json.dumps(body, separators=(",", ":")).encode()
        response.append((b"content-length", str(len(content)).encode()))
        await send(
            {"type": "http.response.start", "status": status, "headers": response}
        )
        await send({"type": "http.response.body", "body": content})
        elapsed = time.perf_counter() - started
        metrics = self.state.metrics
        metrics.requests.labels("POST", PATH, str(status)).inc()
        metrics.latency.labels(PATH).observe(elapsed)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": "POST",
                    "path": PATH,
                    "route": PATH,
                    "status": status,
                    "ms": round(elapsed * 1000, 1),
                },
            )

    async def _collect(
        self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]
    ) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
        """Store a page's events: 202 with counts, 4xx naming the problem, 503 when full."""
        raw = await _body(receive)
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        try:
            payload = measure.parse_payload(_decode(content_type, raw))
            accepted = await self.state.collector.collect(
                Submission(
                    site_key=payload.site_key,
                    hits=payload.hits,
                    request=_request_info(scope, headers, payload.webdriver),
                    max_backlog=self.state.settings.collect_max_backlog,
                )
            )
        except TandemError as exc:
            return _problem(exc)
        answer = {
            "stored": accepted.stored,
            "filtered": accepted.filtered,
            "duplicates": accepted.duplicates,
        }
        return 202, answer, []


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
