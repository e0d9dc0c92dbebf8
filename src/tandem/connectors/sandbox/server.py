"""The Sandbox network's HTTP server: a Starlette app over `SandboxStore`, with faults.

Run it with `python -m tandem.connectors.sandbox --port N --db PATH` or
`tandem sandbox serve`. It binds loopback addresses only: it has no real authentication
and its control API can wipe it.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
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

from tandem.connectors.sandbox.audience import AudienceConfig, Writer, plain_writer
from tandem.connectors.sandbox.authorize import OAuthRoutes
from tandem.connectors.sandbox.clock import SandboxClock
from tandem.connectors.sandbox.comments import CommentStore
from tandem.connectors.sandbox.engage_routes import EngageRoutes
from tandem.connectors.sandbox.engagement import followers_at, following
from tandem.connectors.sandbox.faults import FaultConfig, Faults, Outcome
from tandem.connectors.sandbox.grants import ACCESS_PREFIX, Grants
from tandem.connectors.sandbox.history import history_route
from tandem.connectors.sandbox.pages import Pages
from tandem.connectors.sandbox.rules import post_problem
from tandem.connectors.sandbox.store import SandboxStore, StoredAccount, StoredPost
from tandem.connectors.sandbox.wire import aware as _aware
from tandem.connectors.sandbox.wire import bearer as _bearer
from tandem.connectors.sandbox.wire import error as _error
from tandem.connectors.sandbox.wire import json_body as _json_body

DEFAULT_PORT = 8780
Handler = Callable[[Request], Awaitable[Response]]


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


def account_json(account: StoredAccount, now: datetime) -> dict[str, Any]:
    return {
        "handle": account.handle,
        "followers": followers_at(account.followers, account.created_at, now),
        "following": following(account.handle),
        "posts": account.posts,
        "created_at": account.created_at.isoformat(),
        "at": now.isoformat(),
    }


def me_json(handle: str, followers: int) -> dict[str, Any]:
    return {
        "id": f"sbxu_{handle.lower()}",
        "handle": handle,
        "display_name": handle.replace("_", " ").title(),
        "followers": followers,
    }


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
    """The routes, holding the store, the fault switchboard and the clock."""

    def __init__(
        self,
        store: SandboxStore,
        faults: Faults,
        *,
        writer: Writer = plain_writer,
        audience: AudienceConfig | None = None,
    ) -> None:
        self.store = store
        self.faults = faults
        self.grants = Grants(store.path)
        self.clock = SandboxClock()
        self.comments = CommentStore(store, self.clock.now, writer, audience)

    async def authorise(
        self, request: Request, handle: str | None = None
    ) -> Response | None:
        """Tokens from the OAuth flow must be live and act for `handle`. Other tokens are
        accepted unless they start with "revoked" (the demo and older tests use
        `sandbox:<handle>` without any flow)."""
        token = _bearer(request)
        if not token:
            return _error(401, "missing bearer token")
        if not token.startswith(ACCESS_PREFIX):
            return _error(401, "token revoked") if token.startswith("revoked") else None
        holder, why = await run_in_threadpool(self.grants.holder, token)
        if holder is None:
            return _error(401, why)
        if handle is not None and holder != handle:
            return _error(403, f"This token acts for @{holder}, not @{handle}.")
        return None

    async def serve(
        self,
        request: Request,
        work: Callable[[], Response],
        *,
        is_publish: bool,
        handle: str | None = None,
    ) -> Response:
        """Check the token, roll for a fault, then do `work` (in a thread: sqlite blocks)."""
        refused = await self.authorise(request, handle)
        if refused is not None:
            return refused
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
        refused = await self.authorise(request, handle)  # refused before anything else
        if refused is not None:
            return refused
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
            post = self.store.create_post(
                handle, parts, first_comment, client_ref, now=self.clock.now()
            )
            return JSONResponse(post_json(post, str(request.base_url)), 201)

        return await self.serve(request, work, is_publish=True, handle=handle)

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

        return await self.serve(request, work, is_publish=False, handle=handle)

    async def get_post(self, request: Request) -> Response:
        post_id = request.path_params["post_id"]

        def work() -> Response:
            post = self.store.get_post(post_id)
            if post is None:
                return _error(404, f"No post {post_id}.")
            return JSONResponse(post_json(post, str(request.base_url)))

        return await self.serve(request, work, is_publish=False)

    async def delete_post(self, request: Request) -> Response:
        post_id = request.path_params["post_id"]

        def work() -> Response:
            if not self.store.delete_post(post_id):
                return _error(404, f"No post {post_id}.")
            with self.store.transaction(write=True) as connection:
                self.comments.post_deleted(connection, post_id)
            return Response(status_code=204)

        return await self.serve(request, work, is_publish=False)

    async def get_account(self, request: Request) -> Response:
        handle = request.path_params["handle"]

        def work() -> Response:
            now = self.clock.now()
            return JSONResponse(account_json(self.store.account(handle, now), now))

        return await self.serve(request, work, is_publish=False)

    async def me(self, request: Request) -> Response:
        """Who the token acts as: OAuth tokens name their holder; `sandbox:<handle>` too."""
        token = _bearer(request)
        handle = (
            token.removeprefix("sandbox:") if token.startswith("sandbox:") else None
        )
        if token.startswith(ACCESS_PREFIX):
            handle, why = await run_in_threadpool(self.grants.holder, token)
            if handle is None:
                return _error(401, why)
        if not handle:
            return _error(401, "Use a token from the OAuth flow (or sandbox:<handle>).")
        found = handle

        def work() -> Response:
            now = self.clock.now()
            account = self.store.account(found, now)
            followers = followers_at(account.followers, account.created_at, now)
            return JSONResponse(me_json(found, followers))

        return await self.serve(request, work, is_publish=False)

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
        """Forget every post, comment and account; faults, the audience settings and the
        clock go back to the server's start."""
        await run_in_threadpool(self.comments.reset)
        await run_in_threadpool(self.store.reset)
        self.clock.reset()
        await run_in_threadpool(self.grants.reset)
        self.faults.reset()
        return JSONResponse({"status": "reset"})


def create_app(
    store: SandboxStore,
    faults: Faults,
    *,
    writer: Writer = plain_writer,
    audience: AudienceConfig | None = None,
) -> Starlette:
    """The Sandbox as an ASGI app. `writer` words the audience's messages (the CLI and the
    demo pass the simulator's `tandem.sim.conversations.message`)."""
    api = SandboxApp(store, faults, writer=writer, audience=audience)
    oauth = OAuthRoutes(api.grants)
    engage = EngageRoutes(api)
    pages = Pages(api.comments)
    account = "/api/v1/accounts/{handle}"
    post = "/api/v1/posts/{post_id}"
    routes = [
        Route(f"{account}/posts", api.create_post, methods=["POST"]),
        Route(f"{account}/posts", api.list_posts, methods=["GET"]),
        Route(account, api.get_account, methods=["GET"]),
        Route(post, api.get_post, methods=["GET"]),
        Route(post, api.delete_post, methods=["DELETE"]),
        Route(f"{post}/metrics", engage.post_metrics, methods=["GET"]),
        Route(f"{post}/comments", engage.thread, methods=["GET"]),
        Route(f"{account}/interactions", engage.interactions, methods=["GET"]),
        Route(f"{account}/replies", engage.reply, methods=["POST"]),
        Route(
            f"{account}/comments/{{comment_id}}",
            engage.delete_comment,
            methods=["DELETE"],
        ),
        Route("/api/v1/search", engage.search, methods=["GET"]),
        Route("/api/v1/stats", api.stats, methods=["GET"]),
        Route("/api/v1/me", api.me, methods=["GET"]),
        Route("/oauth/authorize", oauth.authorize_page, methods=["GET"]),
        Route("/oauth/authorize", oauth.authorize_decide, methods=["POST"]),
        Route("/oauth/token", oauth.token, methods=["POST"]),
        Route("/_control/oauth", oauth.set_oauth, methods=["POST"]),
        Route("/_control/health", api.health, methods=["GET"]),
        Route("/_control/faults", api.get_faults, methods=["GET"]),
        Route("/_control/faults", api.set_faults, methods=["POST"]),
        Route("/_control/reset", api.reset, methods=["POST"]),
        Route("/_control/clock", engage.get_clock, methods=["GET"]),
        Route("/_control/clock", engage.set_clock, methods=["POST"]),
        Route("/_control/audience", engage.get_audience, methods=["GET"]),
        Route("/_control/audience", engage.set_audience, methods=["POST"]),
        Route("/_control/plant", engage.plant, methods=["POST"]),
        Route("/_control/history", history_route(store), methods=["POST"]),
        Route("/@{handle}/{item_id}", pages.item, methods=["GET"]),
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


def run(
    *,
    db: Path,
    port: int,
    host: str = "127.0.0.1",
    faults: FaultConfig,
    writer: Writer = plain_writer,
    audience: AudienceConfig | None = None,
) -> None:
    """Serve until interrupted (SIGINT/SIGTERM end it cleanly through uvicorn)."""
    app = create_app(SandboxStore(db), Faults(faults), writer=writer, audience=audience)
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
    parser.add_argument(
        "--comment-rate", type=float, default=1.0, help="x each post's comments"
    )
    parser.add_argument("--mentions-per-hour", type=float, default=2.0)
    parser.add_argument("--backfill-hours", type=float, default=24.0)
    parser.add_argument("--audience-seed", type=int, default=0)
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
        audience = audience_from(
            comment_rate=args.comment_rate,
            mentions_per_hour=args.mentions_per_hour,
            backfill_hours=args.backfill_hours,
            seed=args.audience_seed,
        )
        host = require_loopback(args.host)
    except ValueError as exc:
        parser.error(str(exc))
    run(db=args.db, port=args.port, host=host, faults=faults, audience=audience)


def audience_from(**values: float) -> AudienceConfig:
    """The audience settings from start flags; ValueError naming the bad one."""
    return AudienceConfig().updated(values)
