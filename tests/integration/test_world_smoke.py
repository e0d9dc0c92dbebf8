from tandem.accounts import Role, store


def test_the_world_has_one_member_per_role_in_acme(db, world):
    with db.session() as s:
        members = store.memberships_in(s, world.acme.id)
    assert sorted(m.role for m in members) == sorted(Role)
