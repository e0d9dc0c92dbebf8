"""Reads served by the Bluesky AppView (through the account's PDS): notifications as
interactions with a cursor, replies, search and metrics. The AppView indexes asynchronously,
so every read polls with a bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem.inbox.ports import InteractionKind
from tandem.publish.ports import OutboundPost
from tests.integration.bluesky.conftest import call, eventually, get_record


def outbound(text: str) -> OutboundPost:
    return OutboundPost(parts=(text,), fingerprint="fp")


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def test_replies_and_mentions_arrive_as_interactions_and_the_cursor_returns_only_newer(
    connector, make_member
):
    alice, bob = make_member("alice"), make_member("bob")
    post = connector.publish(alice.account, outbound("What do you think?"))
    # The AppView notifies a reply's ancestors that it has indexed: a reply indexed before its
    # parent (possible when the indexer runs repos in parallel) would notify nobody.
    eventually(lambda: connector.post_metrics(alice.account, [post.platform_post_id]))
    reply = connector.reply(bob.account, post.platform_post_id, "I like it")
    mention = connector.publish(bob.account, outbound(f"Hello @{alice.handle}!"))

    def both():
        page = connector.interactions(alice.account)
        kinds = {i.kind for i in page.items}
        return (
            page
            if kinds >= {InteractionKind.COMMENT, InteractionKind.MENTION}
            else None
        )

    page = eventually(both)
    by_id = {i.platform_id: i for i in page.items}
    comment = by_id[reply.platform_post_id]
    assert comment.kind is InteractionKind.COMMENT and comment.text == "I like it"
    assert comment.author_handle == bob.handle
    assert comment.post_platform_id == post.platform_post_id
    assert comment.in_reply_to == comment.conversation_id == post.platform_post_id
    assert by_id[mention.platform_post_id].kind is InteractionKind.MENTION
    assert page.cursor

    assert connector.interactions(alice.account, cursor=page.cursor).items == []
    later = connector.reply(bob.account, post.platform_post_id, "One more thing")
    newer = eventually(
        lambda: connector.interactions(alice.account, cursor=page.cursor).items or None
    )
    assert [i.platform_id for i in newer] == [later.platform_post_id]


def test_a_reply_to_a_reply_keeps_the_threads_root(connector, make_member, xrpc):
    alice, bob = make_member("alice"), make_member("bob")
    post = connector.publish(alice.account, outbound("Root post"))
    bobs = connector.reply(bob.account, post.platform_post_id, "Bob answers")
    eventually(lambda: connector.post_metrics(alice.account, [bobs.platform_post_id]))
    answer = connector.reply(alice.account, bobs.platform_post_id, "Alice answers Bob")
    record = get_record(xrpc, answer.platform_post_id)
    assert record["reply"]["root"]["uri"] == post.platform_post_id
    assert record["reply"]["parent"]["uri"] == bobs.platform_post_id
    assert answer.url.startswith(f"https://bsky.app/profile/{alice.handle}/post/")


def test_search_finds_a_fresh_post(connector, make_member):
    alice = make_member("alice")
    word = "tandemsearch" + alice.handle.split(".")[0].replace(
        "-", ""
    )  # unique per run
    post = connector.publish(alice.account, outbound(f"Launching {word} today"))
    found = eventually(
        lambda: connector.search(
            alice.account, word, since=datetime.now(UTC) - timedelta(minutes=5)
        )
    )
    assert [f.platform_post_id for f in found] == [post.platform_post_id]
    assert found[0].author_handle == alice.handle and word in found[0].text
    assert found[0].platform == "bluesky"


def test_post_and_account_metrics_count_likes_reposts_replies_and_followers(
    connector, make_member, xrpc
):
    alice, bob = make_member("alice"), make_member("bob")
    post = connector.publish(alice.account, outbound("Measure me"))
    rkey = post.platform_post_id.rsplit("/", 1)[1]
    cid = xrpc.get(
        "com.atproto.repo.getRecord",
        params={"repo": alice.did, "collection": "app.bsky.feed.post", "rkey": rkey},
    ).json()["cid"]
    ref = {"uri": post.platform_post_id, "cid": cid}
    token = bob.account.credentials["access_token"]
    for collection, record in (
        ("app.bsky.feed.like", {"subject": ref}),
        ("app.bsky.feed.repost", {"subject": ref}),
        ("app.bsky.graph.follow", {"subject": alice.did}),
    ):
        call(
            xrpc,
            "com.atproto.repo.createRecord",
            token,
            repo=bob.did,
            collection=collection,
            record={"$type": collection, "createdAt": now_iso(), **record},
        )
    connector.reply(bob.account, post.platform_post_id, "Nice")

    def counted():
        found = connector.post_metrics(alice.account, [post.platform_post_id])
        if len(found) != 1:  # the AppView has not indexed the post yet
            return None
        m = found[0]
        return m if (m.likes, m.shares, m.comments) == (1, 1, 1) else None

    metrics = eventually(counted)
    assert (
        metrics.impressions is None and metrics.reach is None
    )  # Bluesky reports neither
    account = eventually(
        lambda: (a := connector.account_metrics(alice.account)).followers == 1 and a
    )
    assert account.posts == 1 and account.following == 0
