"""A Page hides, unhides and deletes comments on its posts (recorded Graph API answers)."""

from __future__ import annotations

import pytest

from tandem.connectors.facebook import FacebookConnector
from tandem.inbox.ports import Moderation
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tests.connectors.facebook.conftest import PAGE_TOKEN
from tests.connectors.replay import Replay, form_of

COMMENT = "122100000000000001_1300000000000010"


def test_hides_unhides_and_deletes_a_comment(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    assert connector.moderation == {
        Moderation.HIDE,
        Moderation.UNHIDE,
        Moderation.DELETE,
    }
    replay.expect("comment_hidden", path=f"/v26.0/{COMMENT}")
    replay.expect("comment_hidden", path=f"/v26.0/{COMMENT}")
    replay.expect("deleted", path=f"/v26.0/{COMMENT}")

    connector.moderate(account, COMMENT, Moderation.HIDE)
    connector.moderate(account, COMMENT, Moderation.UNHIDE)
    connector.moderate(account, COMMENT, Moderation.DELETE)

    assert form_of(replay.requests[0]) == {"is_hidden": "true"}
    assert form_of(replay.requests[1]) == {"is_hidden": "false"}
    assert replay.requests[2].method == "DELETE"
    assert replay.requests[0].url.params["access_token"] == PAGE_TOKEN


def test_a_refusal_is_an_error_not_a_silent_success(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect(
        "comment_hidden", path=f"/v26.0/{COMMENT}", json_body={"success": False}
    )
    with pytest.raises(PublishError) as raised:
        connector.moderate(account, COMMENT, Moderation.HIDE)
    assert raised.value.kind is ErrorKind.PERMANENT
