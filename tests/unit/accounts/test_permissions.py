from tandem.accounts import ROLE_PERMISSIONS, Permission, Role, allows, can_grant
from tandem.accounts.passwords import hash_password, verify_password


def test_every_role_has_a_row_in_the_permission_table():
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_the_analyst_is_read_only_and_the_approver_sees_only_reviews():
    assert not any(p.value.endswith(".manage") for p in ROLE_PERMISSIONS[Role.ANALYST])
    assert ROLE_PERMISSIONS[Role.APPROVER] == {
        Permission.WORKSPACE_VIEW,
        Permission.REVIEW,
        Permission.CONTENT_APPROVE,
    }


def test_only_owners_and_admins_manage_members():
    assert {r for r in Role if allows(r, Permission.MEMBERS_MANAGE)} == {
        Role.OWNER,
        Role.ADMIN,
    }


def test_admins_grant_every_role_but_owner():
    assert not can_grant(Role.ADMIN, Role.OWNER) and can_grant(
        Role.ADMIN, Role.APPROVER
    )
    assert can_grant(Role.OWNER, Role.OWNER)
    assert not can_grant(Role.SOCIAL_MANAGER, Role.ANALYST)


def test_passwords_are_hashed_with_argon2id_and_verified():
    digest = hash_password("long enough password")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "long enough password")
    assert not verify_password(digest, "long enough passworD")
    assert not verify_password(None, "anything at all")
