"""Publishing to LinkedIn: posts, little text, images, first comments, reconcile, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.connectors.linkedin import LinkedInConnector
from tandem.connectors.linkedin.text import escape, unescape
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.connectors.linkedin.conftest import NOW, PAGE, PERSON
from tests.connectors.replay import Replay, json_of

SHARE = "urn:li:share:7270000000000000001"


def post(
    *parts: str, media: tuple[str, ...] = (), first_comment: str = ""
) -> OutboundPost:
    return OutboundPost(parts, "fp", media_paths=media, first_comment=first_comment)


def test_it_publishes_a_versioned_post_as_the_page(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("create_post")

    ref = linkedin.publish(page, post("Hello LinkedIn"))

    (sent,) = replay.requests
    assert (sent.method, sent.url.host, sent.url.path) == (
        "POST",
        "api.linkedin.com",
        "/rest/posts",
    )
    assert sent.headers["authorization"] == "Bearer li-token"
    assert sent.headers["linkedin-version"] == "202603"
    assert sent.headers["x-restli-protocol-version"] == "2.0.0"
    assert json_of(sent) == {
        "author": PAGE,
        "commentary": "Hello LinkedIn",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    assert ref.platform_post_id == SHARE
    assert ref.url == f"https://www.linkedin.com/feed/update/{SHARE}/"
    assert ref.published_at == NOW


def test_commentary_escapes_little_text_and_keeps_hashtags(
    linkedin: LinkedInConnector, replay: Replay, member: AccountRef
) -> None:
    replay.expect("create_post")
    written = r"Big news #launch (v2) for @team: <b> a_b*c~ \ {x|y} [z]"

    linkedin.publish(member, post(written))

    commentary = json_of(replay.requests[0])["commentary"]
    assert commentary == (
        r"Big news {hashtag|\#|launch} \(v2\) for \@team: \<b\> a\_b\*c\~ \\ "
        r"\{x\|y\} \[z\]"
    )
    assert json_of(replay.requests[0])["author"] == PERSON
    assert unescape(commentary) == written


@pytest.mark.parametrize(
    "text", ["C# & F#", "#1 #tag_x", "\\#", "a\\\\b", "{hashtag|\\#|x}"]
)
def test_little_text_round_trips(text: str) -> None:
    assert unescape(escape(text)) == text


def test_a_thread_is_refused_before_anything_is_sent(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    with pytest.raises(PublishError) as caught:
        linkedin.publish(page, post("one", "two"))

    assert caught.value.kind is ErrorKind.PERMANENT
    assert "no threads" in caught.value.message and "2 parts" in caught.value.message
    assert replay.requests == []


def test_it_uploads_an_image_owned_by_the_author_and_attaches_it(
    linkedin: LinkedInConnector,
    replay: Replay,
    page: AccountRef,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    image = tmp_path / "launch.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    replay.expect("images_initialize")
    replay.expect("image_put")
    replay.expect("image_processing")
    replay.expect("image_available")
    replay.expect("create_post")

    linkedin.publish(page, post("With a picture", media=(str(image),)))

    init, put, poll, _, create = replay.requests
    assert (
        init.url.path == "/rest/images"
        and init.url.params["action"] == "initializeUpload"
    )
    assert json_of(init) == {"initializeUploadRequest": {"owner": PAGE}}
    assert (put.method, put.url.host) == ("PUT", "www.linkedin.com")
    assert put.content == image.read_bytes()
    assert put.headers["authorization"] == "Bearer li-token"
    assert put.headers["content-type"] == "image/jpeg"
    assert poll.url.raw_path == b"/rest/images/urn%3Ali%3Aimage%3AD4E10AQFoyyAjHPMQuQ"
    assert sleeps == [0.25]
    assert json_of(create)["content"] == {
        "media": {"id": "urn:li:image:D4E10AQFoyyAjHPMQuQ"}
    }
    replay.assert_done()


def test_a_video_is_refused_with_a_reason_before_upload(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef, tmp_path: Path
) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00")

    with pytest.raises(PublishError) as caught:
        linkedin.publish(page, post("Watch", media=(str(video),)))

    assert caught.value.kind is ErrorKind.PERMANENT and "videos" in caught.value.message
    assert replay.requests == []


def test_the_first_comment_is_a_comment_by_the_author_on_the_new_post(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("create_post")
    replay.expect("create_comment")

    linkedin.publish(page, post("Post", first_comment="Details in the docs"))

    comment = replay.requests[1]
    assert (
        comment.url.raw_path
        == b"/rest/socialActions/urn%3Ali%3Ashare%3A7270000000000000001/comments"
    )
    assert comment.headers["linkedin-version"] == "202603"
    assert json_of(comment) == {
        "actor": PAGE,
        "object": SHARE,
        "message": {"text": "Details in the docs"},
    }


def test_a_failed_first_comment_leaves_the_post_published(
    linkedin: LinkedInConnector,
    replay: Replay,
    page: AccountRef,
    caplog: pytest.LogCaptureFixture,
) -> None:
    replay.expect("create_post")
    replay.expect("create_comment_invalid")

    ref = linkedin.publish(page, post("Post", first_comment="x" * 5000))

    assert ref.platform_post_id == SHARE
    assert "Comment message is too long" in caplog.text


def test_recent_posts_unescape_commentary_so_reconcile_finds_the_post(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("posts_by_author")
    written = (
        "Launch day #tandem (v2): notes at https://example.com/notes?a=1&b=2 @team"
    )

    remote = linkedin.recent_posts(page, since=NOW.replace(day=20))

    (sent,) = replay.requests
    assert sent.url.params["q"] == "author"
    assert b"author=urn%3Ali%3Aorganization%3A5515715" in sent.url.raw_path
    assert [p.text for p in remote] == [
        written,
        "Thanks Partner Co for hosting us",
    ]  # the September post is older than `since`
    found = find_remote(remote, "acc-li-page", (written,), frozenset())
    assert found is not None and found.platform_post_id == SHARE


def test_it_deletes_a_post_and_a_post_already_gone_counts_as_deleted(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("delete_post")
    replay.expect("delete_post_gone")

    linkedin.delete(page, SHARE)
    linkedin.delete(page, "urn:li:share:1")

    first, second = replay.requests
    assert first.url.raw_path == b"/rest/posts/urn%3Ali%3Ashare%3A7270000000000000001"
    assert first.headers["x-restli-method"] == "DELETE"
    assert second.url.raw_path == b"/rest/posts/urn%3Ali%3Ashare%3A1"


def test_an_account_without_an_author_urn_needs_reconnecting(
    linkedin: LinkedInConnector, replay: Replay
) -> None:
    bare = AccountRef("a", "linkedin", "x", credentials={"access_token": "t"})

    with pytest.raises(PublishError) as caught:
        linkedin.publish(bare, post("hi"))

    assert caught.value.kind is ErrorKind.RECONNECT
    assert replay.requests == []
