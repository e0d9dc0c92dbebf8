"""Done-when of Create: a 600-character brief tailored to all 12 platforms validates clean."""

from __future__ import annotations

from datetime import timedelta

from tandem.accounts import Role
from tandem.accounts import store as accounts
from tandem.compose import actions, rules
from tandem.compose.actions import BriefInput
from tandem.core import Severity, new_id
from tandem.media import IncomingFile, LocalMediaStore
from tandem.media import actions as media_actions
from tandem.publish.store import SocialAccountRow
from tests.support import media as files

BRIEF = (
    "Meet the Trail Bottle, back in three new colours and made from 80% recycled steel. "
    "It keeps drinks cold for 24 hours and hot for 12, survives a drop onto granite, and fits "
    "every bike cage we tried on our test loop around the Tegernsee. We redesigned the lid so it "
    "opens with one hand while you ride, and the loop carries a carabiner without rattling. "
    "For every bottle ordered this month we plant a tree with our partners at ReForest, who "
    "restore mixed forest in the Bavarian Alps. Tell us where you will take yours this spring! "
    "#TrailBottle #Outdoors #Sustainability #Cycling #Hiking #Gear #MadeInBerlin"
)


def _upload(db, world, member, store, data: bytes, name: str, alt: str) -> str:
    with IncomingFile(store.incoming_dir) as incoming, db.session() as s:
        incoming.filename = name
        incoming.write(data)
        item, _ = media_actions.add_media(
            s,
            actor=member,
            files=store,
            upload=incoming.received(),
            alt_text=alt,
            clock=world.clock,
        )
    return item.id


def test_a_600_character_brief_becomes_12_variants_without_a_single_error(
    db, world, tmp_path
):
    assert 590 <= len(BRIEF) <= 610
    store = LocalMediaStore(tmp_path / "media")
    with db.session() as s:
        member = accounts.member_in(s, world.users[Role.SOCIAL_MANAGER], world.acme)
        account_ids = []
        for platform in rules.PLATFORMS:
            account_id = new_id()
            s.add(
                SocialAccountRow(
                    id=account_id,
                    workspace_id=world.acme.id,
                    platform=platform,
                    handle=f"trail.{platform}",
                    display_name="Trail",
                    health="ok",
                    health_message="",
                    followers=100,
                    created_at=world.clock.now(),
                )
            )
            account_ids.append(account_id)
    image = _upload(
        db,
        world,
        member,
        store,
        files.image(1080, 1350, "JPEG"),
        "bottle.jpg",
        "A green Trail Bottle on a granite ledge above a lake.",
    )
    video = _upload(
        db,
        world,
        member,
        store,
        files.mp4(seconds=30, width=1080, height=1920),
        "loop.mp4",
        "Riding the test loop with the bottle in its cage.",
    )
    with db.session() as s:
        brief = actions.create_brief(
            s,
            actor=member,
            base_url="https://tandem.example",
            clock=world.clock,
            data=BriefInput(
                text=BRIEF,
                title="Trail Bottle is back",
                link="https://shop.example.com/trail-bottle",
                campaign_key="spring-launch",
                media_ids=(image, video),
                account_ids=tuple(account_ids),
                planned_at=world.clock.now() + timedelta(days=2),
            ),
        )
        detail = actions.brief_detail(s, world.acme.id, brief.id)
    assert sorted(v.variant.platform for v in detail.variants) == sorted(
        rules.PLATFORMS
    )
    errors = {
        v.variant.platform: [
            p.message for p in v.problems if p.severity is Severity.ERROR
        ]
        for v in detail.variants
    }
    assert errors == {p: [] for p in rules.PLATFORMS}
    for check in detail.variants:
        assert all(n <= check.limit for n in check.lengths), check.variant.platform
        assert check.variant.media_ids, (
            f"{check.variant.platform} got no media it accepts"
        )
