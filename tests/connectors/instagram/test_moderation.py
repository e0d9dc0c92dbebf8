"""An Instagram professional account hides and deletes comments on its media (recorded answers)."""

from __future__ import annotations

from tandem.connectors.instagram import InstagramConnector
from tandem.inbox.ports import Moderation
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay, form_of

COMMENT = "17858893269000001"


def test_hides_with_the_hide_flag_and_deletes(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("comment_hidden", path=f"/v26.0/{COMMENT}")
    replay.expect("deleted", path=f"/v26.0/{COMMENT}")

    connector.moderate(account, COMMENT, Moderation.HIDE)
    connector.moderate(account, COMMENT, Moderation.DELETE)

    assert form_of(replay.requests[0]) == {"hide": "true"}
    assert replay.requests[1].method == "DELETE"
