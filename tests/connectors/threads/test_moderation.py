"""Threads hides replies through manage_reply and cannot delete others' replies."""

from __future__ import annotations

import pytest

from tandem.connectors.threads import ThreadsConnector
from tandem.inbox.ports import Moderation
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tests.connectors.replay import Replay, form_of

REPLY = "18040000000000077"


def test_hides_and_unhides_a_reply(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("reply_hidden", path=f"/v1.0/{REPLY}/manage_reply")
    replay.expect("reply_hidden", path=f"/v1.0/{REPLY}/manage_reply")

    connector.moderate(account, REPLY, Moderation.HIDE)
    connector.moderate(account, REPLY, Moderation.UNHIDE)

    assert form_of(replay.requests[0]) == {"hide": "true"}
    assert form_of(replay.requests[1]) == {"hide": "false"}


def test_delete_is_refused_before_any_request(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    assert Moderation.DELETE not in connector.moderation
    with pytest.raises(PublishError) as raised:
        connector.moderate(account, REPLY, Moderation.DELETE)
    assert raised.value.kind is ErrorKind.PERMANENT
    assert replay.requests == []
