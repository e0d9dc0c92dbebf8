"""The Sandbox's public web page for a post or a mention: its text, its figures and its
thread (comments and the replies under them), so a person or a browser test can see that a
reply sent from Tandem really landed. Every user-supplied string is escaped."""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tandem.connectors.sandbox.comments import Comment, CommentStore
from tandem.connectors.sandbox.store import StoredPost


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} · Sandbox</title></head><body><main>{body}</main>"
        "</body></html>",
        status_code=status,
    )


def _comment_html(comment: Comment, children: dict[str, list[Comment]]) -> str:
    edited = " <small>(edited)</small>" if comment.edited_at else ""
    nested = "".join(_comment_html(c, children) for c in children.get(comment.id, []))
    replies = f"<ol class='replies'>{nested}</ol>" if nested else ""
    return (
        f"<li id='{escape(comment.id)}' class='comment' "
        f"data-author='{escape(comment.author_handle)}'>"
        f"<p><strong>@{escape(comment.author_handle)}</strong> "
        f"<time datetime='{comment.created_at.isoformat()}'>"
        f"{comment.created_at:%Y-%m-%d %H:%M}</time>{edited}</p>"
        f"<p class='text'>{escape(comment.text)}</p>{replies}</li>"
    )


def thread_html(root_id: str, comments: list[Comment]) -> str:
    """Comments nested under what they answer; a reply whose parent is gone is shown at
    the top level rather than lost."""
    ids = {c.id for c in comments}
    children: dict[str, list[Comment]] = {}
    for comment in comments:
        parent = comment.in_reply_to if comment.in_reply_to in ids else root_id
        children.setdefault(parent, []).append(comment)
    top = "".join(_comment_html(c, children) for c in children.get(root_id, []))
    count = len(comments)
    return (
        f"<section aria-label='Comments'><h2>{count} comment{'s' * (count != 1)}</h2>"
        f"<ol class='thread'>{top}</ol></section>"
    )


class Pages:
    def __init__(self, comments: CommentStore) -> None:
        self.comments = comments

    async def item(self, request: Request) -> Response:
        item_id = request.path_params["item_id"]
        found = await run_in_threadpool(self.comments.thread, item_id)
        if found is None:
            return _page("Not found", "<h1>Nothing here</h1><p>No such post.</p>", 404)
        root, comments = found
        if isinstance(root, StoredPost):
            parts = "".join(
                f"<p class='part'>{escape(part)}</p>" for part in root.parts
            )
            head = (
                f"<article id='{escape(root.id)}'><h1>@{escape(root.account)}</h1>"
                f"<time datetime='{root.created_at.isoformat()}'>"
                f"{root.created_at:%Y-%m-%d %H:%M}</time>{parts}</article>"
            )
            return _page(f"@{root.account}", head + thread_html(root.id, comments))
        if root.deleted:
            return _page(
                "Deleted", "<h1>Deleted</h1><p>Its author deleted it.</p>", 410
            )
        head = (
            f"<article id='{escape(root.id)}'><h1>@{escape(root.author_handle)}</h1>"
            f"<p class='text'>{escape(root.text)}</p></article>"
        )
        return _page(f"@{root.author_handle}", head + thread_html(root.id, comments))
