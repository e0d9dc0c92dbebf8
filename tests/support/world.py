"""Deterministic personas and workspaces for tests: no random strings, failures reproduce."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tandem.accounts import Role, User, Workspace, actions
from tandem.core import FrozenClock, new_id
from tandem.publish.store import PostMetricRow, PublishedPostRow, SocialAccountRow
from tandem.storage import Database

PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

PERSONAS: dict[Role, str] = {
    Role.OWNER: "owner@acme.test",
    Role.ADMIN: "admin@acme.test",
    Role.SOCIAL_MANAGER: "social@acme.test",
    Role.MARKETER: "marketer@acme.test",
    Role.APPROVER: "approver@acme.test",
    Role.ANALYST: "analyst@acme.test",
}


@dataclass
class World:
    clock: FrozenClock
    acme: Workspace
    beta: Workspace
    users: dict[Role, User] = field(default_factory=dict)
    outsider: User | None = None
    acme_account_id: str = ""
    beta_account_id: str = ""
    acme_post_id: str = ""
    beta_post_id: str = ""


def _seed_account(
    session, workspace: Workspace, handle: str, n_posts: int
) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    account_id = new_id()
    session.add(
        SocialAccountRow(
            id=account_id,
            workspace_id=workspace.id,
            platform="sandbox",
            imitates="x",
            handle=handle,
            display_name=handle.title(),
            health="ok",
            health_message="",
            followers=1000,
            created_at=T0 - timedelta(days=30),
        )
    )
    session.flush()
    first_post = ""
    for i in range(n_posts):
        post_id = new_id()
        first_post = first_post or post_id
        session.add(
            PublishedPostRow(
                id=post_id,
                workspace_id=workspace.id,
                account_id=account_id,
                platform_post_id=f"{handle}-{i}",
                url=f"https://sandbox.test/{handle}/{i}",
                text=f"{workspace.name} post {i}",
                content_type="text",
                published_at=T0 - timedelta(days=i),
            )
        )
        session.flush()
        session.add(
            PostMetricRow(
                id=new_id(),
                workspace_id=workspace.id,
                post_id=post_id,
                at=T0,
                impressions=1000 + 10 * i,
                reach=800,
                likes=20 + i,
                comments=3,
                shares=2,
                saves=1,
                clicks=7,
                is_latest=True,
            )
        )
    return account_id, first_post


def build_world(database: Database) -> World:
    clock = FrozenClock(T0)
    with database.session() as s:
        owner, acme = actions.create_organisation(
            s,
            name="Acme",
            workspace_name="Acme",
            owner_email=PERSONAS[Role.OWNER],
            owner_name="Olive Owner",
            owner_password=PASSWORD,
            timezone="Europe/Paris",
            clock=clock,
        )
        world = World(clock=clock, acme=acme, beta=acme)
        world.users[Role.OWNER] = owner
        for role, email in PERSONAS.items():
            if role is Role.OWNER:
                continue
            user = actions.add_user(
                s,
                organisation_id=acme.organisation_id,
                email=email,
                name=role.label,
                password=PASSWORD,
                actor=None,
                clock=clock,
            )
            actions.add_member(
                s, workspace=acme, user=user, role=role, actor=None, clock=clock
            )
            world.users[role] = user
        outsider, beta = actions.create_organisation(
            s,
            name="Beta",
            workspace_name="Beta",
            owner_email="owner@beta.test",
            owner_name="Bea Beta",
            owner_password=PASSWORD,
            clock=clock,
        )
        world.beta, world.outsider = beta, outsider
        world.acme_account_id, world.acme_post_id = _seed_account(s, acme, "acme", 5)
        world.beta_account_id, world.beta_post_id = _seed_account(s, beta, "beta", 3)
    return world
