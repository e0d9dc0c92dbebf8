"""The Sandbox's reading and conversation API: post metrics, threads, an account's
interactions with a cursor, replies with idempotency keys, deletions and search; plus the
control endpoints that move its clock, tune its audience and plant messages.

Every `/api/v1` call here goes through `SandboxApp.serve`, so tokens and fault injection
apply exactly as they do to posting (replies count as publishing for the fault scope).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tandem.connectors.sandbox import feed, planting
from tandem.connectors.sandbox.audience import INTENTS
from tandem.connectors.sandbox.comments import Comment, ConversationError, Figures
from tandem.connectors.sandbox.rules import MAX_GRAPHEMES, grapheme_length
from tandem.connectors.sandbox.store import ID_PREFIX
from tandem.connectors.sandbox.wire import aware, error, json_body

if TYPE_CHECKING:
    from tandem.connectors.sandbox.server import SandboxApp

DEFAULT_PAGE = 100
CRISIS_BURST = 12


def comment_url(comment: Comment, base_url: str) -> str:
    """Where a person sees it: under its post, or on its mention's own page."""
    base = base_url.rstrip("/")
    if comment.post_id:
        return f"{base}/@{comment.account}/{comment.post_id}#{comment.id}"
    if comment.conversation_id == comment.id:
        return f"{base}/@{comment.author_handle}/{comment.id}"
    return f"{base}/@{comment.account}/{comment.conversation_id}#{comment.id}"


def comment_json(comment: Comment, base_url: str) -> dict[str, Any]:
    return {
        "id": comment.id,
        "kind": comment.kind,
        "account": comment.account,
        "post_id": comment.post_id,
        "in_reply_to": comment.in_reply_to,
        "conversation_id": comment.conversation_id,
        "text": comment.text,
        "language": comment.language,
        "author": {
            "handle": comment.author_handle,
            "name": comment.author_name,
            "followers": comment.author_followers,
        },
        "created_at": comment.created_at.isoformat(),
        "edited_at": None
        if comment.edited_at is None
        else comment.edited_at.isoformat(),
        "deleted": comment.deleted,
        "url": comment_url(comment, base_url),
        # The simulator's ground truth, for tests of triage; no real platform has it.
        "truth": {"intent": comment.intent, "origin": comment.origin},
    }


def metrics_json(found: Figures) -> dict[str, Any]:
    figures = found.figures
    return {
        "id": found.post.id,
        "at": found.at.isoformat(),
        "impressions": figures.impressions,
        "reach": figures.reach,
        "likes": figures.likes,
        "comments": found.comments,
        "shares": figures.shares,
        "saves": figures.saves,
        "clicks": figures.clicks,
    }


def hit_json(hit: feed.Hit, base_url: str) -> dict[str, Any]:
    if hit.comment is not None:
        return {"type": hit.comment.kind, **comment_json(hit.comment, base_url)}
    assert hit.post is not None  # a hit is a post or a comment
    post = hit.post.post
    return {
        "type": "post",
        "id": post.id,
        "account": post.account,
        "text": post.text,
        "created_at": post.created_at.isoformat(),
        "url": f"{base_url.rstrip('/')}/@{post.account}/{post.id}",
        "metrics": metrics_json(hit.post),
    }


def _text_problem(text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return "`text` must be a non-empty string."
    length = grapheme_length(text)
    if length > MAX_GRAPHEMES:
        return f"The reply is {length} characters long; the Sandbox allows {MAX_GRAPHEMES}."
    return None


def _refused(exc: ConversationError) -> Response:
    return error(exc.status, exc.message)


class EngageRoutes:
    def __init__(self, api: SandboxApp) -> None:
        self.api = api

    async def _guarded(
        self,
        request: Request,
        work: Callable[[], Response],
        *,
        is_publish: bool = False,
        handle: str | None = None,
    ) -> Response:
        def safely() -> Response:
            try:
                return work()
            except ConversationError as exc:
                return _refused(exc)

        return await self.api.serve(
            request, safely, is_publish=is_publish, handle=handle
        )

    async def post_metrics(self, request: Request) -> Response:
        post_id = request.path_params["post_id"]

        def work() -> Response:
            found = self.api.comments.figures(post_id)
            if found is None:
                return error(404, f"No post {post_id}.")
            return JSONResponse(metrics_json(found))

        return await self._guarded(request, work)

    async def thread(self, request: Request) -> Response:
        post_id = request.path_params["post_id"]
        base = str(request.base_url)

        def work() -> Response:
            found = None
            if post_id.startswith(ID_PREFIX):
                found = self.api.comments.thread(post_id)
            if found is None:
                return error(404, f"No post {post_id}.")
            _, comments = found
            return JSONResponse({"comments": [comment_json(c, base) for c in comments]})

        return await self._guarded(request, work)

    async def interactions(self, request: Request) -> Response:
        handle = request.path_params["handle"]
        cursor = request.query_params.get("cursor") or None
        try:
            limit = int(request.query_params.get("limit", DEFAULT_PAGE))
            if cursor is not None:
                feed.Position.decode(cursor)
        except ValueError as exc:
            message = str(exc) if "cursor" in str(exc) else "`limit` must be a number."
            return error(400, message)
        base = str(request.base_url)

        def work() -> Response:
            page = feed.interactions(self.api.comments, handle, cursor, limit)
            items = [comment_json(c, base) for c in page.items]
            return JSONResponse({"items": items, "next_cursor": page.cursor})

        return await self._guarded(request, work, handle=handle)

    async def reply(self, request: Request) -> Response:
        handle = request.path_params["handle"]
        refused = await self.api.authorise(request, handle)
        if refused is not None:
            return refused
        body = await json_body(request)
        if isinstance(body, Response):
            return body
        to_id, text = body.get("in_reply_to"), body.get("text")
        if not isinstance(to_id, str) or not to_id:
            return error(422, "`in_reply_to` must name the post, comment or mention.")
        problem = _text_problem(text)
        if problem:
            return error(422, problem)
        key = request.headers.get("idempotency-key") or None
        base = str(request.base_url)

        def work() -> Response:
            reply, replayed = self.api.comments.reply(handle, to_id, str(text), key)
            headers = {"Idempotent-Replayed": "true"} if replayed else None
            return JSONResponse(comment_json(reply, base), 201, headers=headers)

        return await self._guarded(request, work, is_publish=True, handle=handle)

    async def delete_comment(self, request: Request) -> Response:
        handle = request.path_params["handle"]
        comment_id = request.path_params["comment_id"]

        def work() -> Response:
            self.api.comments.delete(handle, comment_id)
            return Response(status_code=204)

        return await self._guarded(request, work, handle=handle)

    async def search(self, request: Request) -> Response:
        params = request.query_params
        since: datetime | None = None
        try:
            limit = max(1, int(params.get("limit", 50)))
            if params.get("since"):
                since = aware(datetime.fromisoformat(params["since"]))
        except ValueError:
            return error(400, "`since` must be an ISO 8601 time, `limit` a number.")
        query, base = params.get("q", ""), str(request.base_url)
        if not feed.words(query):
            return error(400, "`q` must contain at least one word.")

        def work() -> Response:
            hits = feed.search(self.api.comments, query, since=since, limit=limit)
            return JSONResponse({"results": [hit_json(hit, base) for hit in hits]})

        return await self._guarded(request, work)

    # --- control ---------------------------------------------------------------------------

    async def get_clock(self, request: Request) -> Response:
        clock = self.api.clock
        return JSONResponse(
            {
                "now": clock.now().isoformat(),
                "offset_seconds": clock.offset.total_seconds(),
            }
        )

    async def set_clock(self, request: Request) -> Response:
        body = await json_body(request)
        if isinstance(body, Response):
            return body
        seconds = body.get("advance_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            return error(
                422, "Send `advance_seconds`: how far to move the clock forward."
            )
        try:
            self.api.clock.advance(float(seconds))
        except ValueError as exc:
            return error(422, str(exc))
        return await self.get_clock(request)

    async def get_audience(self, request: Request) -> Response:
        return JSONResponse(self.api.comments.config.to_json())

    async def set_audience(self, request: Request) -> Response:
        body = await json_body(request)
        if isinstance(body, Response):
            return body
        try:
            config = self.api.comments.config.updated(body)
        except ValueError as exc:
            return error(422, str(exc))
        self.api.comments.config = config
        return JSONResponse(config.to_json())

    async def plant(self, request: Request) -> Response:
        """`{"handle", "kind": comment|mention, "post_id", "text", "intent", "author",
        "count"}`, or `{"handle", "crisis": true}` for a burst of crisis messages."""
        body = await json_body(request)
        if isinstance(body, Response):
            return body
        options = _plant_options(body)
        if isinstance(options, str):
            return error(422, options)
        base = str(request.base_url)

        def work() -> Response:
            try:
                planted = planting.plant(self.api.comments, **options)
            except ConversationError as exc:
                return _refused(exc)
            return JSONResponse({"planted": [comment_json(c, base) for c in planted]})

        return await run_in_threadpool(work)


def _plant_options(body: dict[str, Any]) -> dict[str, Any] | str:
    """The keyword arguments for `CommentStore.plant`, or what is wrong with the body."""
    handle = body.get("handle")
    if not isinstance(handle, str) or not handle:
        return "`handle` must name the account that receives the message."
    crisis = body.get("crisis") is True
    strings = {name: body.get(name, "") for name in ("post_id", "text", "author")}
    if any(not isinstance(value, str) for value in strings.values()):
        return "`post_id`, `text` and `author` must be strings."
    kind = body.get("kind", "mention" if crisis else "comment")
    if kind not in ("comment", "mention"):
        return "`kind` must be comment or mention."
    intent = body.get("intent", "crisis" if crisis else "question")
    if intent not in INTENTS:
        return f"`intent` must be one of: {', '.join(INTENTS)}."
    count = body.get("count", CRISIS_BURST if crisis else 1)
    if isinstance(count, bool) or not isinstance(count, int):
        return "`count` must be a whole number."
    return {
        "handle": handle,
        "kind": kind,
        "intent": intent,
        "count": count,
        **strings,
    }
