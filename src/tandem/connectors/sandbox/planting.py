"""Planting messages: a comment or mention that arrives right now, or a burst of crisis
messages, for tests and demos ("a new comment arrives live"); `POST /_control/plant`."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

from tandem.connectors.sandbox.audience import compose
from tandem.connectors.sandbox.comments import (
    Comment,
    CommentStore,
    ConversationError,
    insert,
)
from tandem.connectors.sandbox.store import ID_PREFIX, post_seq, timestamp

MAX_PLANT = 200


def plant(
    comments: CommentStore,
    handle: str,
    *,
    kind: str,
    post_id: str = "",
    text: str = "",
    intent: str = "question",
    author: str = "",
    count: int = 1,
) -> list[Comment]:
    """Messages arriving now, for tests and demos ("a new comment arrives live").
    They are never edited or deleted later. A comment without `post_id` goes under the
    account's newest post."""
    if not 1 <= count <= MAX_PLANT:
        raise ConversationError(f"`count` must be between 1 and {MAX_PLANT}.", 422)
    with comments.store.transaction(write=True) as connection:
        now = comments.now()
        comments.materialise(connection, handle, now)
        if kind == "comment":
            post_id = _post_to_plant_under(connection, handle, post_id)
        steady = replace(comments.config, edit_share=0.0, delete_share=0.0)
        planted = []
        for number in range(count):
            # Microseconds apart and not after `now`, so they keep their order and
            # a cursor taken after this request includes them all.
            moment = now - timedelta(microseconds=count - 1 - number)
            arrival = compose(
                comments.writer,
                steady,
                item_id=f"plant:{timestamp(moment)}:{number}",
                kind=kind,
                account=handle,
                post_id=post_id,
                created_at=moment,
                intent=intent,
            )
            arrival = replace(
                arrival,
                id="",
                text=text or arrival.text,
                author_handle=author or arrival.author_handle,
                author_name=author.title() if author else arrival.author_name,
            )
            stored = insert(connection, arrival, origin="planted")
            found = comments.visible(connection, stored, now)
            assert found is not None  # inserted just above
            planted.append(found)
    return planted


def _post_to_plant_under(
    connection: sqlite3.Connection, handle: str, post_id: str
) -> str:
    if post_id:
        row = connection.execute(
            "SELECT account FROM posts WHERE seq = ?", (post_seq(post_id),)
        ).fetchone()
        if row is None or row["account"] != handle:
            raise ConversationError(f"@{handle} has no post {post_id}.", 404)
        return post_id
    row = connection.execute(
        "SELECT seq FROM posts WHERE account = ? ORDER BY seq DESC LIMIT 1",
        (handle,),
    ).fetchone()
    if row is None:
        raise ConversationError(
            f"@{handle} has no post to comment on; publish one first, or plant a "
            "mention (`kind`: mention).",
            422,
        )
    return f"{ID_PREFIX}{row['seq']}"
