"""Media actions and queries on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.accounts import Member, Workspace
from tandem.accounts import store as accounts
from tandem.core import InvalidInput, NotFound
from tandem.media import (
    IncomingFile,
    LocalMediaStore,
    MediaItem,
    MediaKind,
    MediaQuery,
    actions,
    get_media,
    store,
)
from tandem.storage import Database
from tests.support import media as files
from tests.support.world import World

PNG = files.image(1080, 1350)


@pytest.fixture
def media_dir(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


def member(db: Database, world: World, workspace: Workspace, email: str) -> Member:
    with db.session() as session:
        user = accounts.find_user_row_by_email(session, email)
        assert user is not None
        found = accounts.member_in(session, accounts.to_user(user), workspace)
    assert found is not None
    return found


@pytest.fixture
def marketer(db: Database, world: World) -> Member:
    return member(db, world, world.acme, "marketer@acme.test")


@pytest.fixture
def beta_owner(db: Database, world: World) -> Member:
    return member(db, world, world.beta, "owner@beta.test")


def upload(
    db: Database,
    world: World,
    actor: Member,
    media_dir: LocalMediaStore,
    data: bytes,
    name: str = "photo.png",
    alt_text: str = "",
) -> tuple[MediaItem, bool]:
    with (
        IncomingFile(media_dir.incoming_dir) as incoming,
        db.session() as session,
    ):
        incoming.filename = name
        incoming.write(data)
        return actions.add_media(
            session,
            actor=actor,
            files=media_dir,
            upload=incoming.received(),
            alt_text=alt_text,
            clock=world.clock,
        )


def audit_actions(db: Database, workspace_id: str) -> list[str]:
    with db.session() as session:
        entries, _ = accounts.audit_entries(session, workspace_id)
    return [e.action for e in entries if e.entity_type == "media"]


def test_an_upload_is_stored_measured_and_audited(db, world, marketer, media_dir):
    item, created = upload(db, world, marketer, media_dir, PNG, "launch.png", "Poster")
    assert created
    assert (item.kind, item.mime_type, item.width, item.height) == (
        MediaKind.IMAGE,
        "image/png",
        1080,
        1350,
    )
    assert (item.filename, item.alt_text, item.size_bytes) == (
        "launch.png",
        "Poster",
        len(PNG),
    )
    assert (item.created_by, item.created_at) == (marketer.user.id, world.clock.now())
    assert media_dir.local_path(item.sha256).read_bytes() == PNG
    assert audit_actions(db, world.acme.id) == ["media.upload"]
    assert list(media_dir.incoming_dir.iterdir()) == []


def test_the_same_bytes_twice_in_a_workspace_give_back_the_first_item(
    db, world, marketer, media_dir
):
    first, _ = upload(db, world, marketer, media_dir, PNG, "a.png")
    again, created = upload(db, world, marketer, media_dir, PNG, "b.png")
    assert not created and again == first
    with db.session() as session:
        assert store.list_media(session, world.acme.id, MediaQuery())[1] == 1
    assert audit_actions(db, world.acme.id) == ["media.upload"]


def test_a_refused_file_leaves_no_row_and_no_file(db, world, marketer, media_dir):
    with pytest.raises(InvalidInput, match="neither an image"):
        upload(db, world, marketer, media_dir, files.NOT_AN_IMAGE, "notes.jpg")
    with db.session() as session:
        assert store.list_media(session, world.acme.id, MediaQuery())[1] == 0
    assert [p.name for p in media_dir.root.iterdir()] == ["incoming"]
    assert list(media_dir.incoming_dir.iterdir()) == []


def delete(db, world, actor, media_id) -> str | None:
    with db.session() as session:
        return actions.delete_media(
            session, actor=actor, media_id=media_id, clock=world.clock
        )


def collect(db, media_dir, sha: str) -> bool:
    with db.session() as session:
        return actions.collect_file(session, files=media_dir, sha256=sha)


def test_a_shared_file_stays_until_the_last_item_using_it_is_deleted(
    db, world, marketer, beta_owner, media_dir
):
    ours, _ = upload(db, world, marketer, media_dir, PNG)
    theirs, created = upload(db, world, beta_owner, media_dir, PNG)
    assert created and theirs.id != ours.id and theirs.sha256 == ours.sha256
    world.clock.advance(minutes=1)
    assert delete(db, world, marketer, ours.id) is None  # Beta still uses the bytes
    assert media_dir.local_path(ours.sha256) is not None
    assert delete(db, world, beta_owner, theirs.id) == theirs.sha256
    assert collect(db, media_dir, theirs.sha256)
    with pytest.raises(NotFound):
        media_dir.local_path(ours.sha256)
    assert audit_actions(db, world.acme.id) == ["media.delete", "media.upload"]


def test_a_rolled_back_delete_keeps_the_file(db, world, marketer, media_dir):
    item, _ = upload(db, world, marketer, media_dir, PNG)
    with pytest.raises(RuntimeError), db.session() as session:
        orphan = actions.delete_media(
            session, actor=marketer, media_id=item.id, clock=world.clock
        )
        raise RuntimeError("the request failed after the delete")
    assert orphan == item.sha256
    assert not collect(db, media_dir, item.sha256)
    assert media_dir.local_path(item.sha256) is not None


def test_alt_text_changes_are_audited_with_before_and_after(
    db, world, marketer, media_dir
):
    item, _ = upload(db, world, marketer, media_dir, PNG)
    with db.session() as session:
        changed = actions.update_alt_text(
            session,
            actor=marketer,
            media_id=item.id,
            alt_text="  Team photo\r\nat the launch ",
            clock=world.clock,
        )
    assert changed.alt_text == "Team photo\nat the launch"
    with db.session() as session:
        entries, _ = accounts.audit_entries(
            session, world.acme.id, action="media.alt_text"
        )
    assert entries[0].before["alt_text"] == ""
    assert entries[0].after["alt_text"] == "Team photo\nat the launch"


def test_alt_text_over_the_limit_is_refused(db, world, marketer, media_dir):
    item, _ = upload(db, world, marketer, media_dir, PNG)
    with pytest.raises(InvalidInput, match="1,500") as refused, db.session() as session:
        actions.update_alt_text(
            session,
            actor=marketer,
            media_id=item.id,
            alt_text="a" * 1501,
            clock=world.clock,
        )
    assert refused.value.field == "alt_text"


def test_another_workspace_cannot_change_or_delete_an_item(
    db, world, marketer, beta_owner, media_dir
):
    item, _ = upload(db, world, marketer, media_dir, PNG)
    with pytest.raises(NotFound), db.session() as session:
        actions.update_alt_text(
            session, actor=beta_owner, media_id=item.id, alt_text="x", clock=world.clock
        )
    with pytest.raises(NotFound):
        delete(db, world, beta_owner, item.id)
    with pytest.raises(NotFound), db.session() as session:
        get_media(session, world.beta.id, [item.id])


def test_get_media_returns_items_in_the_order_asked(db, world, marketer, media_dir):
    a, _ = upload(db, world, marketer, media_dir, files.image(10, 10), "a.png")
    b, _ = upload(db, world, marketer, media_dir, files.mp4(), "b.mp4")
    with db.session() as session:
        assert get_media(session, world.acme.id, [b.id, a.id]) == [b, a]
        assert get_media(session, world.acme.id, []) == []


def test_listing_filters_by_kind_sorts_and_pages(db, world, marketer, media_dir):
    upload(db, world, marketer, media_dir, files.image(10, 10), "b.png")
    world.clock.advance(minutes=1)
    upload(db, world, marketer, media_dir, files.gif(10, 10, 3), "c.gif")
    world.clock.advance(minutes=1)
    upload(db, world, marketer, media_dir, files.mp4(seconds=5), "A.mp4")
    world.clock.advance(minutes=1)
    upload(db, world, marketer, media_dir, files.mp4(seconds=50), "d.mp4")

    def names(**query: object) -> list[str]:
        with db.session() as session:
            items, _ = store.list_media(session, world.acme.id, MediaQuery(**query))
        return [i.filename for i in items]

    assert names() == ["d.mp4", "A.mp4", "c.gif", "b.png"]
    assert names(kind=MediaKind.GIF) == ["c.gif"]
    assert names(sort="filename", descending=False) == [
        "A.mp4",
        "b.png",
        "c.gif",
        "d.mp4",
    ]
    # Items without a duration come last in both directions, on both databases.
    assert names(sort="duration", descending=True)[:2] == ["d.mp4", "A.mp4"]
    assert names(sort="duration", descending=False)[:2] == ["A.mp4", "d.mp4"]
    assert names(limit=2, offset=2) == ["c.gif", "b.png"]
    assert names(kind=MediaKind.VIDEO, limit=1) == ["d.mp4"]


def test_listing_shows_nothing_of_another_workspace(
    db, world, marketer, beta_owner, media_dir
):
    upload(db, world, marketer, media_dir, PNG)
    with db.session() as session:
        assert store.list_media(session, world.beta.id, MediaQuery()) == ([], 0)
