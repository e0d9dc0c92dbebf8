"""Reading from LinkedIn: metrics for members and Pages, comments with a cursor, replies."""

from __future__ import annotations

from datetime import UTC, datetime

from tandem.connectors.linkedin import LinkedInConnector
from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import AccountRef
from tests.connectors.linkedin.conftest import NOW, PAGE, PERSON
from tests.connectors.replay import Replay, json_of

SHARE = "urn:li:share:7270000000000000001"
COMMENT = "urn:li:comment:(urn:li:activity:7270000000000000000,7270000000000000601)"


def test_a_members_post_metrics_are_likes_and_comments_only(
    linkedin: LinkedInConnector, replay: Replay, member: AccountRef
) -> None:
    replay.expect("social_actions")

    (metrics,) = linkedin.post_metrics(member, [SHARE])

    assert (
        replay.requests[0].url.raw_path
        == b"/rest/socialActions/urn%3Ali%3Ashare%3A7270000000000000001"
    )
    assert (metrics.likes, metrics.comments, metrics.at) == (27, 4, NOW)
    assert (metrics.impressions, metrics.reach, metrics.clicks) == (None, None, None)


def test_a_pages_post_metrics_add_its_share_statistics(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("social_actions")
    replay.expect("share_statistics")

    (metrics,) = linkedin.post_metrics(page, [SHARE])

    stats = replay.requests[1]
    assert stats.url.params["q"] == "organizationalEntity"
    assert (
        b"organizationalEntity=urn%3Ali%3Aorganization%3A5515715" in stats.url.raw_path
    )
    assert b"shares=List(urn%3Ali%3Ashare%3A7270000000000000001)" in stats.url.raw_path
    assert (metrics.impressions, metrics.reach, metrics.shares, metrics.clicks) == (
        1450,
        980,
        6,
        33,
    )
    assert (metrics.likes, metrics.comments) == (27, 4)


def test_a_pages_followers_come_from_its_network_size(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("network_size")

    metrics = linkedin.account_metrics(page)

    sent = replay.requests[0]
    assert sent.url.raw_path.startswith(
        b"/rest/networkSizes/urn%3Ali%3Aorganization%3A5515715"
    )
    assert sent.url.params["edgeType"] == "COMPANY_FOLLOWED_BY_MEMBER"
    assert metrics.followers == 18234


def test_a_members_account_metrics_are_unknown_not_zero(
    linkedin: LinkedInConnector, replay: Replay, member: AccountRef
) -> None:
    metrics = linkedin.account_metrics(member)

    assert (metrics.followers, metrics.posts, metrics.at) == (None, None, NOW)
    assert replay.requests == []


def test_comments_on_recent_posts_arrive_once_with_a_cursor(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("posts_by_author")
    replay.expect(
        "comments", path="/rest/socialActions/urn:li:share:7270000000000000001/comments"
    )
    replay.expect(
        "comments_empty",
        path="/rest/socialActions/urn:li:ugcPost:7269000000000000002/comments",
    )
    replay.expect("posts_by_author")
    replay.expect(
        "comments", path="/rest/socialActions/urn:li:share:7270000000000000001/comments"
    )
    replay.expect(
        "comments_empty",
        path="/rest/socialActions/urn:li:ugcPost:7269000000000000002/comments",
    )

    first = linkedin.interactions(page)
    again = linkedin.interactions(page, cursor=first.cursor)

    older, newer = first.items
    assert (newer.platform_id, newer.kind, newer.text) == (
        COMMENT,
        InteractionKind.COMMENT,
        "Congrats on the launch!",
    )
    assert (newer.post_platform_id, newer.author_handle) == (
        SHARE,
        "urn:li:person:Zq1fT3bX",
    )
    assert newer.created_at == datetime(2026, 11, 28, 9, 10, tzinfo=UTC)
    assert older.edited_at == datetime.fromtimestamp(1795856900, tz=UTC)
    assert first.cursor == "1795857000000"
    assert again.items == [] and again.cursor == "1795857000000"


def test_a_reply_to_a_comment_is_a_nested_comment_by_the_author(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("create_comment")

    ref = linkedin.reply(page, COMMENT, "Thanks!")

    sent = replay.requests[0]
    assert sent.url.raw_path == (
        b"/rest/socialActions/urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A"
        b"7270000000000000000%2C7270000000000000601%29/comments"
    )
    assert json_of(sent) == {
        "actor": PAGE,
        "object": "urn:li:activity:7270000000000000000",
        "message": {"text": "Thanks!"},
        "parentComment": COMMENT,
    }
    assert ref.platform_post_id.startswith("urn:li:comment:(")
    assert (
        ref.url
        == "https://www.linkedin.com/feed/update/urn:li:activity:7270000000000000000/"
    )


def test_a_member_comment_is_signed_by_the_member(
    linkedin: LinkedInConnector, replay: Replay, member: AccountRef
) -> None:
    replay.expect("create_comment")

    linkedin.reply(member, SHARE, "Hello")

    assert json_of(replay.requests[0])["actor"] == PERSON
