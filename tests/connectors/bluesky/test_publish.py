"""Publishing against recorded Bluesky answers: what Tandem sends, and how each documented
outcome maps to retry / reconnect / permanent / unknown."""

from __future__ import annotations

import logging

import pytest

from tandem.connectors.bluesky import BlueskyConnector
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.connectors.bluesky.conftest import BOB, DID, NOW, TOKEN, created
from tests.connectors.replay import Replay, json_of

CREATE = "/xrpc/com.atproto.repo.createRecord"
DELETE = "/xrpc/com.atproto.repo.deleteRecord"


def post(*parts: str, media: tuple[str, ...] = (), comment: str = "") -> OutboundPost:
    return OutboundPost(parts, "fp", media_paths=media, first_comment=comment)


def test_a_single_post_creates_one_record_on_the_accounts_pds(
    connector, replay, account
):
    replay.expect("create_record")
    ref = connector.publish(account, post("Fresh beans are in"))
    (sent,) = replay.requests
    assert sent.method == "POST" and sent.url.host == "morel.us-east.host.bsky.network"
    assert sent.url.path == CREATE
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    body = json_of(sent)
    assert body["repo"] == DID and body["collection"] == "app.bsky.feed.post"
    assert len(body["rkey"]) == 13  # a TID Tandem chose
    assert body["record"] == {
        "$type": "app.bsky.feed.post",
        "text": "Fresh beans are in",
        "createdAt": "2024-05-06T09:00:00.000Z",
        "langs": ["en"],
    }
    assert ref.platform_post_id == f"at://{DID}/app.bsky.feed.post/3kreq2ab5gd2s"
    assert ref.url == "https://bsky.app/profile/tandem.coffee/post/3kreq2ab5gd2s"
    assert ref.published_at == NOW


def test_mentions_resolve_to_dids_and_unknown_handles_stay_text(
    connector, replay, account
):
    replay.expect("resolve_handle")
    replay.expect("resolve_handle_unknown")
    replay.expect("create_record")
    text = (
        "Café ✨ with @bob.bsky.social and @ghost.example #Coffee https://tandem.coffee"
    )
    connector.publish(account, post(text))
    resolved = replay.sent("GET", "/xrpc/com.atproto.identity.resolveHandle")
    assert [r.url.params["handle"] for r in resolved] == [
        "bob.bsky.social",
        "ghost.example",
    ]
    facets = json_of(replay.sent("POST", CREATE)[0])["record"]["facets"]
    raw = text.encode()
    spans = {
        raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]
        for f in facets
    }
    assert spans == {
        "@bob.bsky.social": {"$type": "app.bsky.richtext.facet#mention", "did": BOB},
        "#Coffee": {"$type": "app.bsky.richtext.facet#tag", "tag": "Coffee"},
        "https://tandem.coffee": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://tandem.coffee",
        },
    }
    # "Café ✨ with " is 12 characters but 15 bytes (é: 2, ✨: 3); the handle is 16 bytes
    assert facets[0]["index"] == {"byteStart": 15, "byteEnd": 31}


def test_a_thread_replies_part_by_part_and_the_first_comment_answers_part_one(
    connector, replay, account
):
    replay.expect("create_record")
    replay.expect("create_record", json_body=created("3kreq2ab7hd2s", "cid-2"))
    replay.expect("create_record", json_body=created("3kreq2ab8jd2s", "cid-3"))
    replay.expect("create_record", json_body=created("3kreq2ab9kd2s", "cid-c"))
    ref = connector.publish(account, post("1/3", "2/3", "3/3", comment="Shop link"))
    records = [json_of(r)["record"] for r in replay.sent("POST", CREATE)]
    root = {
        "uri": ref.platform_post_id,
        "cid": "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q",
    }
    second = {"uri": f"at://{DID}/app.bsky.feed.post/3kreq2ab7hd2s", "cid": "cid-2"}
    assert [r["text"] for r in records] == ["1/3", "2/3", "3/3", "Shop link"]
    assert "reply" not in records[0]
    assert records[1]["reply"] == {"root": root, "parent": root}
    assert records[2]["reply"] == {"root": root, "parent": second}
    assert records[3]["reply"] == {"root": root, "parent": root}
    keys = [json_of(r)["rkey"] for r in replay.sent("POST", CREATE)]
    assert keys == sorted(keys) and len(set(keys)) == 4  # TIDs only grow


def test_images_are_uploaded_as_blobs_and_embedded_in_the_first_part(
    connector, replay, account, tmp_path
):
    image = tmp_path / "beans.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 112)
    replay.expect("upload_blob")
    replay.expect("create_record")
    replay.expect("create_record", json_body=created("3kreq2ab7hd2s"))
    connector.publish(account, post("Look", "More", media=(str(image),)))
    (upload,) = replay.sent("POST", "/xrpc/com.atproto.repo.uploadBlob")
    assert upload.headers["Content-Type"] == "image/png"
    assert upload.headers["Authorization"] == f"Bearer {TOKEN}"
    assert upload.content == image.read_bytes()
    first, second = (json_of(r)["record"] for r in replay.sent("POST", CREATE))
    blob = replay.load("upload_blob")["response"]["json"]["blob"]
    assert first["embed"] == {
        "$type": "app.bsky.embed.images",
        "images": [{"alt": "", "image": blob}],
    }
    assert "embed" not in second


def test_an_image_over_a_megabyte_is_refused_before_anything_is_sent(
    connector, replay, account, tmp_path
):
    small, big = tmp_path / "ok.jpg", tmp_path / "huge.jpg"
    small.write_bytes(b"\xff\xd8" + b"\x00" * 10)
    big.write_bytes(b"\xff\xd8" + b"\x00" * 1_000_000)
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Too big", media=(str(small), str(big))))
    assert caught.value.kind is ErrorKind.PERMANENT
    assert "huge.jpg is 1,000,002 bytes" in caught.value.message
    assert replay.requests == []


def test_five_images_or_an_unknown_type_are_refused_up_front(
    connector, replay, account, tmp_path
):
    files = []
    for i in range(5):
        path = tmp_path / f"p{i}.gif"
        path.write_bytes(b"GIF89a")
        files.append(str(path))
    with pytest.raises(PublishError, match="at most 4 images; this one has 5"):
        connector.publish(account, post("Many", media=tuple(files)))
    doc = tmp_path / "brief.pdf"
    doc.write_bytes(b"%PDF")
    with pytest.raises(PublishError, match="cannot take brief.pdf"):
        connector.publish(account, post("Doc", media=(str(doc),)))
    assert replay.requests == []


def test_a_validation_error_is_permanent_with_blueskys_message(
    connector, replay, account
):
    replay.expect("create_record_invalid")
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("x" * 301))
    assert caught.value.kind is ErrorKind.PERMANENT and caught.value.status == 400
    assert caught.value.message == (
        "Invalid app.bsky.feed.post record: grapheme too big (maximum 300, got 301) "
        "at $.record.text"
    )


def test_a_rate_limit_retries_when_the_window_resets(
    connector, replay, account, monkeypatch
):
    monkeypatch.setattr(
        "tandem.connectors.http.datetime",
        type("Fixed", (), {"now": staticmethod(lambda _tz=None: NOW)}),
    )
    replay.expect(
        "create_record_rate_limited"
    )  # ratelimit-reset 1714989600 = 10:00 UTC
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Hello"))
    assert caught.value.kind is ErrorKind.RETRY and caught.value.status == 429
    assert caught.value.retry_after == 3600
    assert caught.value.message == "Rate Limit Exceeded"


def test_retry_after_wins_over_the_reset_header(connector, replay, account):
    replay.expect("create_record_rate_limited", headers={"Retry-After": "42"})
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Hello"))
    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.RETRY, 42)


def test_an_expired_token_is_reconnect_even_on_http_400(connector, replay, account):
    replay.expect("create_record_expired_token")
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Hello"))
    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "Token has expired"


def test_a_server_error_is_retry(connector, replay, account):
    replay.expect("create_record_server_error")
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Hello"))
    assert caught.value.kind is ErrorKind.RETRY and caught.value.status == 500


def test_a_connect_timeout_is_retry_and_a_read_timeout_after_the_post_is_unknown(
    connector, replay, account
):
    replay.fail("POST", CREATE, "ConnectTimeout")
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Hello"))
    assert caught.value.kind is ErrorKind.RETRY
    replay.fail("POST", CREATE, "ReadTimeout")
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Hello"))
    assert caught.value.kind is ErrorKind.UNKNOWN
    assert "may or may not exist" in caught.value.message


def test_a_missing_session_asks_to_reconnect_without_calling_bluesky(connector, replay):
    bare = AccountRef("acc-2", "bluesky", "tandem.coffee", {"access_token": "x"})
    with pytest.raises(PublishError, match="no stored did") as caught:
        connector.publish(bare, post("Hello"))
    assert caught.value.kind is ErrorKind.RECONNECT and replay.requests == []


def test_a_refused_second_part_deletes_the_first_and_raises_its_error(
    connector, replay, account
):
    replay.expect("create_record")
    replay.expect("create_record_invalid")
    replay.expect("delete_record")
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("Fine", "x" * 301))
    assert caught.value.kind is ErrorKind.PERMANENT
    assert "Part 2 of the thread failed" in caught.value.message
    assert "grapheme too big" in caught.value.message
    (deleted,) = replay.sent("POST", DELETE)
    assert json_of(deleted) == {
        "repo": DID,
        "collection": "app.bsky.feed.post",
        "rkey": "3kreq2ab5gd2s",
    }


def test_a_lost_answer_mid_thread_deletes_every_part_and_is_safe_to_retry(
    connector, replay, account
):
    replay.expect("create_record")
    replay.fail("POST", CREATE, "ReadTimeout")
    replay.expect("delete_record")
    replay.expect("delete_record")
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("One", "Two"))
    assert caught.value.kind is ErrorKind.RETRY
    sent_rkey = json_of(replay.sent("POST", CREATE)[1])["rkey"]
    deleted = [json_of(r)["rkey"] for r in replay.sent("POST", DELETE)]
    assert deleted == [
        sent_rkey,
        "3kreq2ab5gd2s",
    ]  # the doubtful part too, by its own key


def test_a_failed_clean_up_is_unknown_and_names_what_is_live(
    connector, replay, account
):
    replay.expect("create_record")
    replay.expect("create_record_server_error")
    replay.expect("create_record_server_error", path=DELETE)
    with pytest.raises(PublishError) as caught:
        connector.publish(account, post("One", "Two"))
    assert caught.value.kind is ErrorKind.UNKNOWN
    assert (
        f"still live: at://{DID}/app.bsky.feed.post/3kreq2ab5gd2s"
        in caught.value.message
    )


def test_a_failed_first_comment_does_not_fail_the_publish(
    connector, replay, account, caplog
):
    replay.expect("create_record")
    replay.expect("create_record_server_error")
    with caplog.at_level(logging.WARNING, logger="tandem.connectors.bluesky"):
        ref = connector.publish(account, post("Live", comment="Link inside"))
    assert ref.platform_post_id.endswith("/3kreq2ab5gd2s")
    assert "first comment failed" in caplog.text


def test_recent_posts_are_top_level_plain_text_and_reconcile_by_fingerprint(
    connector, replay, account
):
    replay.expect("list_records")
    since = NOW.replace(day=1)
    remote = connector.recent_posts(account, since=since)
    (sent,) = replay.requests
    assert dict(sent.url.params) == {
        "repo": DID,
        "collection": "app.bsky.feed.post",
        "limit": "100",
    }
    text = "Fresh beans are in ✨ see https://tandem.coffee/shop #coffee"
    assert [p.text for p in remote] == [
        text
    ]  # the reply and the older post are left out
    found = find_remote(
        remote, account.id, (text, "Part two of the story"), frozenset()
    )
    assert found is not None
    assert found.platform_post_id == f"at://{DID}/app.bsky.feed.post/3kreq2ab5gd2s"
    assert found.url == "https://bsky.app/profile/tandem.coffee/post/3kreq2ab5gd2s"


def test_delete_sends_the_records_key_and_a_gone_post_counts_as_deleted(
    connector, replay, account
):
    uri = f"at://{DID}/app.bsky.feed.post/3kreq2ab5gd2s"
    replay.expect("delete_record")
    replay.expect("delete_record")  # Bluesky answers the same for a record already gone
    connector.delete(account, uri)
    connector.delete(account, uri)
    assert [json_of(r)["rkey"] for r in replay.sent("POST", DELETE)] == [
        "3kreq2ab5gd2s"
    ] * 2


def test_delete_refuses_someone_elses_post(
    connector: BlueskyConnector, replay: Replay, account
):
    with pytest.raises(PublishError, match="only the account's own posts") as caught:
        connector.delete(account, f"at://{BOB}/app.bsky.feed.post/3krf2xyzab22k")
    assert caught.value.kind is ErrorKind.PERMANENT and replay.requests == []
