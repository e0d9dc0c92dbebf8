"""Publishing through BlueskyConnector against a real PDS: records, facets, blobs, threads,
deletes, reconciliation and sessions, all checked on the stored records themselves."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tandem.connectors.bluesky import BlueskyConnector
from tandem.publish.ledger import fingerprint
from tandem.publish.ports import ErrorKind, OAuthApp, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.integration.bluesky.conftest import Network, get_record, record_exists


def outbound(
    *parts: str, media: tuple[str, ...] = (), comment: str = ""
) -> OutboundPost:
    return OutboundPost(
        parts=parts, fingerprint="fp", media_paths=media, first_comment=comment
    )


def byte_slice(text: str, facet: dict) -> str:
    index = facet["index"]
    return text.encode()[index["byteStart"] : index["byteEnd"]].decode()


def test_login_with_an_app_password_stores_did_handle_and_pds(make_member, network):
    alice = make_member("alice")
    assert alice.tokens.extra["did"] == alice.did
    assert alice.tokens.extra["handle"] == alice.handle
    # from the DID document's #atproto_pds service (the PDS's public URL)
    assert (
        alice.tokens.extra["pds_url"]
        == "http://localhost:" + network.pds.rsplit(":", 1)[1]
    )
    assert alice.tokens.refresh_token and alice.tokens.expires_at is not None
    assert alice.tokens.expires_at > datetime.now(UTC)


def test_a_wrong_password_is_reconnect_in_bluesky_words(
    connector, make_member, network
):
    alice = make_member("alice")
    with pytest.raises(PublishError) as caught:
        connector.login(network.pds, alice.handle, "not-the-password")
    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "Invalid identifier or password"


def test_links_hashtags_and_mentions_get_utf8_byte_facets(connector, make_member, xrpc):
    alice, bob = make_member("alice"), make_member("bob")
    text = (
        f"Café ✨ déjà vu: https://example.com/a?b=1 #Tandem2026 with @{bob.handle} "
        "and @nobody-here.test"
    )
    ref = connector.publish(alice.account, outbound(text))
    record = get_record(xrpc, ref.platform_post_id)
    assert record["text"] == text
    found = {byte_slice(text, f): f["features"][0] for f in record["facets"]}
    assert found["https://example.com/a?b=1"] == {
        "$type": "app.bsky.richtext.facet#link",
        "uri": "https://example.com/a?b=1",
    }
    assert found["#Tandem2026"]["tag"] == "Tandem2026"
    assert found[f"@{bob.handle}"] == {
        "$type": "app.bsky.richtext.facet#mention",
        "did": bob.did,
    }
    assert "@nobody-here.test" not in found  # unresolvable: stays plain text
    link = next(f for f in record["facets"] if "uri" in f["features"][0])
    # "Café ✨ déjà vu: " is 16 characters but 21 bytes (é, é, à: 2 bytes each; ✨: 3)
    assert len("Café ✨ déjà vu: ") == 16
    assert link["index"]["byteStart"] == 21
    assert ref.url == (
        f"https://bsky.app/profile/{alice.handle}/post/"
        f"{ref.platform_post_id.rsplit('/', 1)[1]}"
    )


def png(tmp_path: Path, name: str, size: int = 32) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 90)).save(buffer, "PNG")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def test_an_image_post_uploads_a_blob_and_embeds_it(
    connector, make_member, xrpc, tmp_path
):
    alice = make_member("alice")
    image = png(tmp_path, "square.png")
    ref = connector.publish(
        alice.account, outbound("With a picture", media=(str(image),))
    )
    record = get_record(xrpc, ref.platform_post_id)
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    blob = embed["images"][0]["image"]
    assert blob["mimeType"] == "image/png"
    assert blob["size"] == image.stat().st_size
    served = xrpc.get(
        "com.atproto.sync.getBlob",
        params={"did": alice.did, "cid": blob["ref"]["$link"]},
    )
    assert served.status_code == 200 and served.content == image.read_bytes()


def test_a_thread_chains_replies_and_the_first_comment_answers_the_first_part(
    connector, make_member, xrpc
):
    alice = make_member("alice")
    ref = connector.publish(
        alice.account,
        outbound("1/3 start", "2/3 middle", "3/3 end", comment="Link below"),
    )
    listed = xrpc.get(
        "com.atproto.repo.listRecords",
        params={"repo": alice.did, "collection": "app.bsky.feed.post", "limit": 10},
    ).json()["records"]
    by_text = {r["value"]["text"]: r for r in listed}
    assert set(by_text) == {"1/3 start", "2/3 middle", "3/3 end", "Link below"}
    first = by_text["1/3 start"]
    assert first["uri"] == ref.platform_post_id and "reply" not in first["value"]
    root = {"uri": first["uri"], "cid": first["cid"]}
    second = by_text["2/3 middle"]
    assert second["value"]["reply"] == {"root": root, "parent": root}
    assert by_text["3/3 end"]["value"]["reply"] == {
        "root": root,
        "parent": {"uri": second["uri"], "cid": second["cid"]},
    }
    assert by_text["Link below"]["value"]["reply"] == {"root": root, "parent": root}


def test_an_oversize_post_is_permanent_with_the_servers_message(connector, make_member):
    alice = make_member("alice")
    with pytest.raises(PublishError) as caught:
        connector.publish(alice.account, outbound("x" * 301))
    assert caught.value.kind is ErrorKind.PERMANENT and caught.value.status == 400
    assert "grapheme too big (maximum 300, got 301)" in caught.value.message


def test_a_thread_whose_second_part_is_refused_is_rolled_back(
    connector, make_member, xrpc
):
    alice = make_member("alice")
    with pytest.raises(PublishError) as caught:
        connector.publish(alice.account, outbound("Fine first part", "y" * 301))
    assert caught.value.kind is ErrorKind.PERMANENT
    assert "grapheme too big" in caught.value.message
    listed = xrpc.get(
        "com.atproto.repo.listRecords",
        params={"repo": alice.did, "collection": "app.bsky.feed.post"},
    ).json()["records"]
    assert listed == []


def test_recent_posts_let_the_worker_reconcile_by_fingerprint(connector, make_member):
    alice = make_member("alice")
    since = datetime.now(UTC) - timedelta(minutes=1)
    parts = ("Reconcile me — naïve café ✨ https://example.com #tag", "second part")
    ref = connector.publish(alice.account, outbound(*parts))
    connector.publish(alice.account, outbound("Another post"))
    remote = connector.recent_posts(alice.account, since=since)
    assert {p.text for p in remote} == {
        parts[0],
        "Another post",
    }  # replies are not listed
    found = find_remote(remote, alice.account.id, parts, frozenset())
    assert found is not None and found.platform_post_id == ref.platform_post_id
    assert fingerprint(alice.account.id, (found.text,)) == fingerprint(
        alice.account.id, parts[:1]
    )
    assert (
        find_remote(remote, alice.account.id, parts, frozenset({ref.platform_post_id}))
        is None
    )
    assert (
        connector.recent_posts(
            alice.account, since=datetime.now(UTC) + timedelta(minutes=1)
        )
        == []
    )


def test_delete_removes_the_post_and_an_already_deleted_post_counts_as_deleted(
    connector, make_member, xrpc
):
    alice = make_member("alice")
    ref = connector.publish(alice.account, outbound("Short-lived"))
    assert record_exists(xrpc, ref.platform_post_id)
    connector.delete(alice.account, ref.platform_post_id)
    assert not record_exists(xrpc, ref.platform_post_id)
    connector.delete(alice.account, ref.platform_post_id)  # no error the second time


def test_refresh_gives_a_working_session_and_a_bad_refresh_token_is_reconnect(
    connector, make_member
):
    alice = make_member("alice")
    app = OAuthApp(client_id="", client_secret="", redirect_uri="")
    fresh = connector.refresh(app, alice.tokens)
    assert fresh.access_token and fresh.extra["did"] == alice.did
    account = type(alice.account)(
        alice.account.id, "bluesky", alice.handle, fresh.as_credentials()
    )
    assert connector.publish(account, outbound("After a refresh")).platform_post_id
    broken = type(alice.tokens)(
        access_token="x", refresh_token="not-a-jwt", extra=alice.tokens.extra
    )
    with pytest.raises(PublishError) as caught:
        connector.refresh(app, broken)
    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "Token could not be verified"


def test_an_invalid_access_token_is_reconnect(connector, make_member):
    alice = make_member("alice")
    creds = {**alice.account.credentials, "access_token": "garbage"}
    account = type(alice.account)(alice.account.id, "bluesky", alice.handle, creds)
    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound("Never sent"))
    assert caught.value.kind is ErrorKind.RECONNECT


def test_the_pds_is_reached_only_on_loopback(network: Network):
    assert httpx.URL(network.pds).host == "127.0.0.1"


def test_identities_name_the_account(connector: BlueskyConnector, make_member):
    alice = make_member("alice")
    (identity,) = connector.identities(alice.tokens)
    assert identity.platform_account_id == alice.did
    assert identity.handle == alice.handle
