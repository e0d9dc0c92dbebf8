"""The Sandbox network's HTTP server: a Starlette app over `SandboxStore`, with faults.

Run it with `python -m tandem.connectors.sandbox --port N --db PATH` or
`tandem sandbox serve`. It binds loopback addresses only: it has no real authentication
and its control API can wipe it.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tandem.connectors.sandbox.faults import FaultConfig, Faults, Outcome
from tandem.connectors.sandbox.rules import post_problem
from tandem.connectors.sandbox.store import SandboxStore, StoredAccount, StoredPost

DEFAULT_PORT = 8780
Handler = Callable[[Request], Awaitable[Response]]


def _error(
    status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def post_json(post: StoredPost, base_url: str) -> dict[str, Any]:
    # Built here, not in mapping.py: the server is a foreign platform and knows nothing
    # of Tandem's domain types, only its own wire format.
    return {
        "id": post.id,
        "account": post.account,
        "url": f"{base_url.rstrip('/')}/@{post.account}/{post.id}",
        "created_at": post.created_at.isoformat(),
        "parts": list(post.parts),
        "text": post.text,
        "first_comment": post.first_comment,
        "client_ref": post.client_ref,
    }


def account_json(account: StoredAccount) -> dict[str, Any]:
    return {
        "handle": account.handle,
        "followers": account.followers,
        "posts": account.posts,
        "created_at": account.created_at.isoformat(),
    }


def _token_problem(request: Request) -> str | None:
    # Any bearer token is accepted except revoked ones: the Sandbox tests the client's
    # handling of a revoked token, not an OAuth flow.
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "missing bearer token"
    if token.strip().startswith("revoked"):
        return "token revoked"
    return None


async def _json_body(request: Request) -> dict[str, Any] | Response:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(400, "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return _error(400, "The request body must be a JSON object.")
    return body


def _parse_new_post(body: dict[str, Any]) -> tuple[list[str], str, str | None] | str:
    parts, first_comment = body.get("parts"), body.get("first_comment", "") or ""
    client_ref = body.get("client_ref")
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        return "`parts` must be a list of strings."
    if not isinstance(first_comment, str):
        return "`first_comment` must be a string."
    if client_ref is not None and not isinstance(client_ref, str):
        return "`client_ref` must be a string."
    return parts, first_comment, client_ref


class SandboxApp:
    """The routes, holding the store and the fault switchboard."""

    def __init__(self, store: SandboxStore, faults: Faults) -> None:
        self.store = store
        self.faults = faults

    async def _serve(
        self, request: Request, work: Callable[[], Response], *, is_publish: bool
    ) -> Response:
        """Check the token, roll for a fault, then do `work` (in a thread: sqlite blocks)."""
        problem = _token_problem(request)
        if problem:
            return _error(401, problem)
        outcome, status = Outcome.OK, 0
        if self.faults.applies_to(is_publish=is_publish):
            outcome, status = self.faults.draw()
        config = self.faults.config
        if outcome is Outcome.ERROR:
            return _error(status, "The Sandbox is having trouble (injected fault).")
        if outcome is Outcome.RATE_LIMIT:
            headers = {"Retry-After": str(config.retry_after)}
            return _error(429, "rate limit exceeded", headers)
        response = await run_in_threadpool(work)
        if outcome is Outcome.TIMEOUT:
            # The work is done and committed; only the answer is late.
            await asyncio.sleep(config.timeout_seconds)
        return response

    async def create_post(self, request: Request) -> Response:
        handle = request.path_params["handle"]
        problem = _token_problem(request)  # a revoked token is refused before anything
        if problem:
            return _error(401, problem)
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        parsed = _parse_new_post(body)
        if isinstance(parsed, str):
            return _error(422, parsed)
        parts, first_comment, client_ref = parsed
        problem = post_problem(parts, first_comment)
        if problem:
            return _error(422, problem)

        def work() -> Response:
            post = self.store.create_post(handle, parts, first_comment, client_ref)
            return JSONResponse(post_json(post, str(request.base_url)), 201)

        return await self._serve(request, work, is_publish=True)

    async def list_posts(self, request: Request) -> Response:
        handle = request.path_params["handle"]
        since: datetime | None = None
        limit: int | None = None
        try:
            if "since" in request.query_params:
                since = _aware(datetime.fromisoformat(request.query_params["since"]))
            if "limit" in request.query_params:
                limit = max(1, int(request.query_params["limit"]))
        except ValueError:
            return _error(400, "`since` must be an ISO 8601 time, `limit` a number.")
        base = str(request.base_url)

        def work() -> Response:
            posts = self.store.list_posts(handle, since=since, limit=limit)
            return JSONResponse({"posts": [post_json(p, base) for p in posts]})

        return await self._serve(request, work, is_publish=False)

    async def get_post(self, request: Request) -> Response:
        post_id = request.path_params["post_id"]

        def work() -> Response:
            post = self.store.get_post(post_id)
            if post is None:
                return _error(404, f"No post {post_id}.")
            return JSONResponse(post_json(post, str(request.base_url)))

        return await self._serve(request, work, is_publish=False)

    async def delete_post(self, request: Request) -> Response:
        post_id = request.path_params["post_id"]

        def work() -> Response:
            if not self.store.delete_post(post_id):
                return _error(404, f"No post {post_id}.")
            return Response(status_code=204)

        return await self._serve(request, work, is_publish=False)

    async def get_account(self, request: Request) -> Response:
        handle = request.path_params["handle"]

        def work() -> Response:
            return JSONResponse(account_json(self.store.account(handle)))

        return await self._serve(request, work, is_publish=False)

    async def stats(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.store.stats))

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse(self.faults.config.to_json())

    async def set_faults(self, request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        try:
            config = self.faults.config.updated(body)
        except ValueError as exc:
            return _error(422, str(exc))
        self.faults.configure(config)
        return JSONResponse(config.to_json())

    async def reset(self, request: Request) -> Response:
        """Forget every post and account; faults go back to the server's start flags."""
        await run_in_threadpool(self.store.reset)
        self.faults.reset()
        return JSONResponse({"status": "reset"})


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a time without an offset is ambiguous")
    return moment


def create_app(store: SandboxStore, faults: Faults) -> Starlette:
    api = SandboxApp(store, faults)
    account = "/api/v1/accounts/{handle}"
    post = "/api/v1/posts/{post_id}"
    routes = [
        Route(f"{account}/posts", api.create_post, methods=["POST"]),
        Route(f"{account}/posts", api.list_posts, methods=["GET"]),
        Route(account, api.get_account, methods=["GET"]),
        Route(post, api.get_post, methods=["GET"]),
        Route(post, api.delete_post, methods=["DELETE"]),
        Route("/api/v1/stats", api.stats, methods=["GET"]),
        Route("/_control/health", api.health, methods=["GET"]),
        Route("/_control/faults", api.get_faults, methods=["GET"]),
        Route("/_control/faults", api.set_faults, methods=["POST"]),
        Route("/_control/reset", api.reset, methods=["POST"]),
    ]
    return Starlette(routes=routes)


def require_loopback(host: str) -> str:
    """`host` when it is a loopback address; the Sandbox must not be reachable from afar."""
    if host == "localhost":
        return host
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ValueError(f"The Sandbox binds loopback addresses only, not {host!r}.")


def run(*, db: Path, port: int, host: str = "127.0.0.1", faults: FaultConfig) -> None:
    """Serve until interrupted (SIGINT/SIGTERM end it cleanly through uvicorn)."""
    app = create_app(SandboxStore(db), Faults(faults))
    config = uvicorn.Config(
        app,
        host=require_loopback(host),
        port=port,
        log_level="warning",
        access_log=False,
        # Injected timeouts sleep for long; do not make a shutdown wait for them.
        timeout_graceful_shutdown=1,
    )
    uvicorn.Server(config).run()


def _parser(defaults: FaultConfig) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tandem.connectors.sandbox",
        description="Run the Sandbox social network on a loopback address.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file")
    parser.add_argument("--error-rate", type=float, default=defaults.error_rate)
    parser.add_argument("--timeout-rate", type=float, default=defaults.timeout_rate)
    parser.add_argument(
        "--rate-limit-rate", type=float, default=defaults.rate_limit_rate
    )
    parser.add_argument(
        "--timeout-seconds", type=float, default=defaults.timeout_seconds
    )
    parser.add_argument("--retry-after", type=int, default=defaults.retry_after)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--scope", default=str(defaults.scope))
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser(FaultConfig.from_env())
    args = parser.parse_args(argv)
    try:
        faults = FaultConfig().updated(
            {
                "error_rate": args.error_rate,
                "timeout_rate": args.timeout_rate,
                "rate_limit_rate": args.rate_limit_rate,
                "timeout_seconds": args.timeout_seconds,
                "retry_after": args.retry_after,
                "seed": args.seed,
                "scope": args.scope,
            }
        )
        host = require_loopback(args.host)
    except ValueError as exc:
        parser.error(str(exc))
    run(db=args.db, port=args.port, host=host, faults=faults)
