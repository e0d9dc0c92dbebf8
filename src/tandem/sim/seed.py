"""Writing a simulated world into the operational database (demo history, test fixtures).

Like actions, these functions take the session and never commit: the caller's unit of work
decides. Social rows go in with bulk INSERTs (executemany), since the ORM unit of work would
spend seconds on a few thousand metric rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tandem.accounts import Role, Workspace, actions
from tandem.core import Clock, Conflict, new_id
from tandem.publish import AccountHealth, store
from tandem.sim.model import SimWorld


@dataclass(frozen=True)
class SeedCounts:
    accounts: int
    posts: int
    post_metrics: int
    account_metrics: int


@dataclass(frozen=True)
class SeedResult:
    workspace: Workspace
    credentials: tuple[tuple[str, Role], ...]
    counts: SeedCounts


def seed_demo(
    session: Session, world: SimWorld, *, clock: Clock, password: str
) -> SeedResult:
    """A new organisation and workspace for the world's brand, its whole team and its history.

    Every team member signs in with `password`; the emails come from `world.team`.
    """
    owner_profile = world.member(Role.OWNER)
    owner, workspace = actions.create_organisation(
        session,
        name=world.brand.organisation_name,
        workspace_name=world.brand.name,
        owner_email=owner_profile.email,
        owner_name=owner_profile.name,
        owner_password=password,
        timezone=world.brand.timezone,
        clock=clock,
    )
    for person in world.team:
        if person.role is Role.OWNER:
            continue
        user = actions.add_user(
            session,
            organisation_id=workspace.organisation_id,
            email=person.email,
            name=person.name,
            password=password,
            actor=owner,
            clock=clock,
        )
        actions.add_member(
            session,
            workspace=workspace,
            user=user,
            role=person.role,
            actor=owner,
            clock=clock,
        )
    counts = seed_workspace(session, workspace, world)
    return SeedResult(
        workspace=workspace,
        credentials=tuple((person.email, person.role) for person in world.team),
        counts=counts,
    )


def _refuse_existing_accounts(
    session: Session, workspace: Workspace, world: SimWorld
) -> None:
    taken = session.scalars(
        select(store.SocialAccountRow.handle).where(
            store.SocialAccountRow.workspace_id == workspace.id,
            store.SocialAccountRow.platform.in_(
                sorted({a.platform for a in world.accounts})
            ),
            store.SocialAccountRow.handle.in_([a.handle for a in world.accounts]),
        )
    ).all()
    if taken:
        raise Conflict(
            f"{workspace.name} already has the simulated accounts {', '.join(sorted(taken))}; "
            "seed into a new workspace, or delete those accounts first."
        )


Rows = list[dict[str, Any]]


def _account_rows(world: SimWorld, workspace_id: str, ids: dict[str, str]) -> Rows:
    return [
        {
            "id": ids[account.key],
            "workspace_id": workspace_id,
            "platform": account.platform,
            "handle": account.handle,
            "display_name": account.display_name,
            "health": AccountHealth.OK.value,
            "health_message": "",
            "followers": account.current_followers,
            "timezone": world.brand.timezone,
            "imitates": account.style.value,
            "created_at": account.created_at,
        }
        for account in world.accounts
    ]


def _follower_rows(world: SimWorld, workspace_id: str, ids: dict[str, str]) -> Rows:
    return [
        {
            "id": new_id(),
            "workspace_id": workspace_id,
            "account_id": ids[account.key],
            "day": point.day,
            "followers": point.followers,
        }
        for account in world.accounts
        for point in account.followers
    ]


def _post_rows(
    world: SimWorld, workspace_id: str, ids: dict[str, str]
) -> tuple[Rows, Rows]:
    posts: Rows = []
    metrics: Rows = []
    for post in world.posts:
        post_id = new_id()
        posts.append(
            {
                "id": post_id,
                "workspace_id": workspace_id,
                "account_id": ids[post.account_key],
                "platform_post_id": post.platform_post_id,
                "url": post.url,
                "text": post.text,
                "content_type": post.content_type.value,
                "published_at": post.published_at,
            }
        )
        metrics.extend(
            {
                "id": new_id(),
                "workspace_id": workspace_id,
                "post_id": post_id,
                "at": s.at,
                "impressions": s.impressions,
                "reach": s.reach,
                "likes": s.likes,
                "comments": s.comments,
                "shares": s.shares,
                "saves": s.saves,
                "clicks": s.clicks,
                "is_latest": s.is_latest,
            }
            for s in post.snapshots
        )
    return posts, metrics


def seed_workspace(
    session: Session, workspace: Workspace, world: SimWorld
) -> SeedCounts:
    """The world's Sandbox accounts, posts, metric snapshots and follower history, in `workspace`.

    Fresh row ids each time, so one world can be seeded into several workspaces; seeding the
    same accounts twice into one workspace raises Conflict instead of a database error.
    """
    _refuse_existing_accounts(session, workspace, world)
    ids = {account.key: new_id() for account in world.accounts}
    accounts = _account_rows(world, workspace.id, ids)
    followers = _follower_rows(world, workspace.id, ids)
    posts, metrics = _post_rows(world, workspace.id, ids)
    # Parents first: the foreign keys are checked per statement on both databases.
    for table, rows in (
        (store.SocialAccountRow, accounts),
        (store.AccountMetricRow, followers),
        (store.PublishedPostRow, posts),
        (store.PostMetricRow, metrics),
    ):
        if rows:
            session.execute(insert(table), rows)
    return SeedCounts(
        accounts=len(accounts),
        posts=len(posts),
        post_metrics=len(metrics),
        account_metrics=len(followers),
    )
