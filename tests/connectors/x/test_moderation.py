"""X hides replies to the account's conversations (PUT /2/tweets/:id/hidden)."""

from __future__ import annotations

import pytest

from tandem.connectors.x import XConnector
from tandem.inbox.ports import Moderation
from tandem.publish.ports import AccountRef, PublishError
from tests.connectors.replay import Replay, json_of

REPLY = "1861234567890123456"


def test_hides_a_reply_and_checks_the_answer(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("reply_hidden", path=f"/2/tweets/{REPLY}/hidden")
    replay.expect(
        "reply_hidden",
        path=f"/2/tweets/{REPLY}/hidden",
        json_body={"data": {"hidden": False}},
    )

    x.moderate(account, REPLY, Moderation.HIDE)
    x.moderate(account, REPLY, Moderation.UNHIDE)

    assert json_of(replay.requests[0]) == {"hidden": True}
    assert json_of(replay.requests[1]) == {"hidden": False}
    assert replay.requests[0].headers["authorization"].startswith("Bearer ")


def test_an_answer_that_does_not_confirm_is_an_error(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect(
        "reply_hidden",
        path=f"/2/tweets/{REPLY}/hidden",
        json_body={"data": {"hidden": False}},
    )
    with pytest.raises(PublishError):
        x.moderate(account, REPLY, Moderation.HIDE)
