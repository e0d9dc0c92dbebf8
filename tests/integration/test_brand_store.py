"""The brand kit store and its save action, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.accounts import Role, store
from tandem.brand import (
    BannedPhrase,
    BrandKit,
    EmojiPolicy,
    HashtagGroup,
    RequiredPhrase,
    UtmDefaults,
    get_brand_kit,
    save_brand_kit,
)
from tandem.core import Forbidden, InvalidInput

KIT = BrandKit(
    banned=(
        BannedPhrase("cheap", "affordable", "sounds low quality"),
        BannedPhrase("günstig", "preiswert", platforms=("instagram",)),
    ),
    required=(RequiredPhrase(("Tandem", "@tandemhq"), platforms=("linkedin",)),),
    disclosures=("#ad", "Anzeige"),
    brand_names=("Tandem",),
    emoji=EmojiPolicy.LIMITED,
    max_emoji=2,
    max_exclamations=1,
    hashtag_groups=(HashtagGroup("Frühling", ("#frühling", "#neu")),),
    utm=UtmDefaults(medium="organic-social", campaign_prefix="q1-"),
)


def _member(s, world, role=Role.SOCIAL_MANAGER):
    return store.member_in(s, world.users[role], world.acme)


def _rules(kit: BrandKit) -> BrandKit:
    return replace(kit, updated_at=None, updated_by=None)


def _audit(s, workspace_id):
    entries, _ = store.audit_entries(s, workspace_id, action="brand_kit.update")
    return entries


def test_a_workspace_without_a_kit_gets_the_defaults(db, world):
    with db.session() as s:
        assert get_brand_kit(s, world.acme.id) == BrandKit()


def test_the_first_save_creates_the_kit_and_is_audited(db, world):
    with db.session() as s:
        saved = save_brand_kit(s, actor=_member(s, world), kit=KIT, clock=world.clock)
    assert saved.updated_at == world.clock.now()
    assert saved.updated_by == "social@acme.test"
    with db.session() as s:
        loaded = get_brand_kit(s, world.acme.id)
        (entry,) = _audit(s, world.acme.id)
    assert loaded == saved and _rules(loaded) == KIT
    assert entry.actor_label == "social@acme.test"
    assert entry.before is not None and entry.before["banned"] == []
    assert entry.before["disclosures"] == ["#ad"]
    assert entry.after is not None and entry.after["banned"][0] == {
        "phrase": "cheap",
        "replacement": "affordable",
        "reason": "sounds low quality",
        "platforms": [],
    }
    assert entry.after["hashtag_groups"] == [
        {"name": "Frühling", "hashtags": ["#frühling", "#neu"]}
    ]
    assert "banned words" in entry.summary and "UTM defaults" in entry.summary


def test_a_second_save_replaces_the_kit_and_audits_before_and_after(db, world):
    with db.session() as s:
        save_brand_kit(s, actor=_member(s, world), kit=KIT, clock=world.clock)
    world.clock.advance(hours=1)
    changed = BrandKit(banned=(BannedPhrase("synergy"),), brand_names=("Tandem",))
    with db.session() as s:
        owner = _member(s, world, Role.OWNER)
        save_brand_kit(s, actor=owner, kit=changed, clock=world.clock)
    with db.session() as s:
        loaded = get_brand_kit(s, world.acme.id)
        latest = _audit(s, world.acme.id)[0]
    assert _rules(loaded) == changed and loaded.updated_by == "owner@acme.test"
    assert latest.before["banned"][0]["phrase"] == "cheap"
    assert latest.after["banned"] == [
        {"phrase": "synergy", "replacement": "", "reason": "", "platforms": []}
    ]
    assert latest.summary.startswith("changed the brand kit: banned words")
    assert "brand names" not in latest.summary


def test_saving_an_unchanged_kit_records_nothing(db, world):
    with db.session() as s:
        save_brand_kit(s, actor=_member(s, world), kit=KIT, clock=world.clock)
    world.clock.advance(hours=1)
    with db.session() as s:
        again = save_brand_kit(s, actor=_member(s, world), kit=KIT, clock=world.clock)
        assert len(_audit(s, world.acme.id)) == 1
    assert again.updated_at is not None and again.updated_at < world.clock.now()


def test_bad_input_names_the_field_and_row_and_saves_nothing(db, world):
    bad = BrandKit(banned=(*KIT.banned, BannedPhrase("free"), BannedPhrase(" ")))
    with (
        db.session() as s,
        pytest.raises(InvalidInput, match=r"banned\[3\]\.phrase cannot be empty"),
    ):
        save_brand_kit(s, actor=_member(s, world), kit=bad, clock=world.clock)
    with db.session() as s:
        assert get_brand_kit(s, world.acme.id) == BrandKit()
        assert _audit(s, world.acme.id) == []


def test_roles_without_brand_management_cannot_save(db, world):
    for role in (Role.ANALYST, Role.APPROVER):
        with db.session() as s, pytest.raises(Forbidden):
            save_brand_kit(s, actor=_member(s, world, role), kit=KIT, clock=world.clock)


def test_each_workspace_has_its_own_kit(db, world):
    with db.session() as s:
        save_brand_kit(s, actor=_member(s, world), kit=KIT, clock=world.clock)
        beta_owner = store.member_in(s, world.outsider, world.beta)
        beta_kit = BrandKit(brand_names=("Beta",))
        save_brand_kit(s, actor=beta_owner, kit=beta_kit, clock=world.clock)
    with db.session() as s:
        assert _rules(get_brand_kit(s, world.acme.id)) == KIT
        assert get_brand_kit(s, world.beta.id).brand_names == ("Beta",)
        assert [e.workspace_id for e in _audit(s, world.beta.id)] == [world.beta.id]
