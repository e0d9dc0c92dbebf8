"""Competitors' public metrics from Bluesky's public AppView (no token), against recorded
responses shaped like app.bsky.actor.getProfile and app.bsky.feed.getAuthorFeed; and from a
real Sandbox server."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tandem.connectors.public import PublicProfiles, reason_unreadable
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.publish.ports import ErrorKind, PublishError

RECORDINGS = Path(__file__).parent / "recordings"


def appview(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params.get("actor") == "nobody.bsky.social":
            return httpx.Response(
                400, json={"error": "InvalidRequest", "message": "Profile not found"}
            )
        name = request.url.path.rsplit("/", 1)[1].split(".")[-1]
        body = json.loads((RECORDINGS / f"public_{name}.json").read_text())
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handle)


def test_it_reads_followers_posts_and_engagement_of_own_recent_posts():
    seen: list[httpx.Request] = []
    reader = PublicProfiles(transport=appview(seen))
    profile = reader.read("bluesky", "@northwind.bsky.social")
    assert (profile.followers, profile.posts) == (48210, 1874)
    # the repost is someone else's post: (80+10+4+2 + 20+2+1+1) / 2
    assert profile.engagement_per_post == 60.0 and profile.sampled_posts == 2
    assert [r.url.path for r in seen] == [
        "/xrpc/app.bsky.actor.getProfile",
        "/xrpc/app.bsky.feed.getAuthorFeed",
    ]
    assert seen[0].url.host == "public.api.bsky.app"
    assert "authorization" not in seen[0].headers  # public: no token is sent
    assert seen[1].url.params["filter"] == "posts_no_replies"


def test_an_unknown_account_is_an_error_with_bluesky_s_words():
    reader = PublicProfiles(transport=appview([]))
    with pytest.raises(PublishError) as caught:
        reader.read("bluesky", "nobody.bsky.social")
    assert "Profile not found" in caught.value.message


def test_platforms_without_public_metrics_say_why():
    assert reason_unreadable("bluesky") is None
    assert "paid" in (reason_unreadable("x") or "")
    with pytest.raises(PublishError) as caught:
        PublicProfiles().read("linkedin", "acme")
    assert caught.value.kind is ErrorKind.PERMANENT
    assert caught.value.message.startswith("No public metrics on linkedin")


def test_it_reads_a_sandbox_account_from_a_real_server(tmp_path: Path):
    server = SandboxServer(tmp_path / "sandbox.db", free_port())
    server.start()
    try:
        reader = PublicProfiles(sandbox_url=server.url)
        profile = reader.read("sandbox", "rival_brand")
        reader.close()
    finally:
        server.stop()
    assert profile.followers > 0 and profile.posts == 0
    assert profile.engagement_per_post is None
