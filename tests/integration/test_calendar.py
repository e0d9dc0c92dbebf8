"""The calendar's queries, moves and feeds on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import tandem.compose.feeds  # noqa: F401  (declares calendar_feeds until models.py imports it)
from tandem.accounts import Member, Role, actions, store
from tandem.accounts.store import AuditRow
from tandem.compose import calendar, feeds
from tandem.compose.calendar import CalendarFilter
from tandem.compose.model import BriefStatus
from tandem.compose.store import BriefRow, VariantRow
from tandem.core import InvalidInput, NotFound
from tandem.core.periods import Period
from tandem.storage import Database
from tests.support.world import T0, World

PARIS = "Europe/Paris"  # the Acme workspace's zone in the test world


def plan(
    session: Session,
    world: World,
    at: datetime | None,
    *,
    title: str = "Spring launch",
    status: BriefStatus = BriefStatus.DRAFT,
    campaign: str = "spring",
    beta: bool = False,
    text: str = "We launch today",
) -> str:
    """A brief with one variant on the workspace's sandbox account; returns the variant id."""
    workspace = world.beta if beta else world.acme
    account_id = world.beta_account_id if beta else world.acme_account_id
    brief_id, variant_id = (
        f"b{title.replace(' ', '')}"[:32],
        f"v{title.replace(' ', '')}"[:32],
    )
    session.add(
        BriefRow(
            id=brief_id,
            workspace_id=workspace.id,
            title=title,
            text=text,
            link="",
            media={"ids": []},
            campaign_key=campaign,
            tone="neutral",
            sponsored=False,
            status=status.value,
            planned_at=at,
            created_by=None,
            created_at=T0,
            updated_at=T0,
        )
    )
    session.flush()
    session.add(
        VariantRow(
            id=variant_id,
            brief_id=brief_id,
            workspace_id=workspace.id,
            account_id=account_id,
            platform="sandbox",
            post_type="post",
            content={"parts": [text], "media": []},
            first_comment="",
            short_url="",
            link_id=None,
            manual=False,
            scheduled_at=at,
            updated_at=T0,
        )
    )
    session.flush()
    return variant_id


def member(session: Session, world: World, role: Role = Role.SOCIAL_MANAGER) -> Member:
    found = store.member_in(session, world.users[role], world.acme)
    assert found is not None
    return found


def between(
    session: Session, world: World, first: date, last: date, **only: str
) -> list[calendar.CalendarItem]:
    period = Period(first, last, PARIS)
    return calendar.calendar_items(
        session,
        world.acme.id,
        since=period.since,
        until=period.until,
        zone=PARIS,
        only=CalendarFilter(**only),
    )


def test_the_calendar_lists_planned_variants_and_published_posts(
    db: Database, world: World
):
    with db.session() as s:
        planned = plan(s, world, T0 + timedelta(days=3), status=BriefStatus.APPROVED)
        plan(s, world, None, title="Unscheduled idea")
        plan(s, world, T0 + timedelta(days=3), title="Other brand", beta=True)
    with db.session() as s:
        items = between(s, world, date(2026, 10, 26), date(2026, 11, 8))
    kinds = [(i.kind, i.status) for i in items]
    assert (
        kinds.count(("published", "published")) == 5
    )  # acme's five posts, none of beta's
    (variant,) = [i for i in items if i.kind == "planned"]
    assert (
        variant.id == planned
        and variant.title == "Spring launch"
        and variant.handle == "acme"
    )
    assert variant.status == "approved" and variant.campaign == "spring"
    assert variant.local.utcoffset() == timedelta(hours=1)  # CET in November
    assert variant.local.hour == 10 and variant.at == T0 + timedelta(days=3)
    assert [i.at for i in items] == sorted(i.at for i in items)
    post = next(i for i in items if i.kind == "published")
    assert post.url.startswith("https://sandbox.test/acme/") and post.brief_id is None


def test_an_item_at_half_past_midnight_local_sits_on_that_local_day(
    db: Database, world: World
):
    with db.session() as s:
        plan(
            s, world, datetime(2026, 11, 9, 23, 30, tzinfo=UTC)
        )  # 00:30 on 10 November in Paris
    with db.session() as s:
        on_the_10th = between(
            s, world, date(2026, 11, 10), date(2026, 11, 10), status="draft"
        )
        on_the_9th = between(
            s, world, date(2026, 11, 9), date(2026, 11, 9), status="draft"
        )
        view = calendar.calendar_view(
            s,
            world.acme.id,
            view="month",
            anchor=date(2026, 11, 1),
            today=date(2026, 11, 2),
            zone=PARIS,
            only=CalendarFilter(status="draft"),
        )
    assert [i.local.strftime("%d %H:%M") for i in on_the_10th] == ["10 00:30"]
    assert on_the_9th == []
    (day,) = [d for week in view.weeks for d in week if d.items]
    assert day.day == date(2026, 11, 10)


def test_filters_narrow_by_campaign_account_and_status(db: Database, world: World):
    with db.session() as s:
        plan(s, world, T0 + timedelta(days=1), title="Spring teaser", campaign="spring")
        plan(
            s,
            world,
            T0 + timedelta(days=2),
            title="Autumn sale",
            campaign="autumn",
            status=BriefStatus.IN_REVIEW,
        )
    first, last = date(2026, 10, 26), date(2026, 11, 8)
    with db.session() as s:
        assert [i.title for i in between(s, world, first, last, campaign="spring")] == [
            "Spring teaser"
        ]
        assert [
            i.title for i in between(s, world, first, last, status="in_review")
        ] == ["Autumn sale"]
        assert {i.kind for i in between(s, world, first, last, status="published")} == {
            "published"
        }
        assert (
            len(between(s, world, first, last, account_id=world.acme_account_id)) == 7
        )
        assert between(s, world, first, last, account_id=world.beta_account_id) == []
        assert calendar.campaign_keys(s, world.acme.id) == ["autumn", "spring"]
        assert calendar.campaign_keys(s, world.beta.id) == []


def test_moving_across_the_spring_clock_change_keeps_the_local_wall_time(
    db: Database, world: World
):
    before_change = datetime(2027, 3, 26, 8, 30, tzinfo=UTC)  # Friday 09:30 CET
    with db.session() as s:
        variant_id = plan(s, world, before_change, status=BriefStatus.SCHEDULED)
    with db.session() as s:
        moved = calendar.move_variant(
            s,
            actor=member(s, world),
            variant_id=variant_id,
            day=date(2027, 3, 29),
            clock=world.clock,
        )
    assert moved.scheduled_at == datetime(
        2027, 3, 29, 7, 30, tzinfo=UTC
    )  # Monday 09:30 CEST
    with db.session() as s:
        back = calendar.shift_variant(
            s, actor=member(s, world), variant_id=variant_id, days=-1, clock=world.clock
        )
        entries = s.scalars(
            select(AuditRow).where(AuditRow.entity_id == variant_id)
        ).all()
    assert back.scheduled_at == datetime(
        2027, 3, 28, 7, 30, tzinfo=UTC
    )  # Sunday 09:30 CEST
    assert [e.action for e in entries] == ["variant.reschedule", "variant.reschedule"]
    assert {e.actor_id for e in entries} == {world.users[Role.SOCIAL_MANAGER].id}


def test_a_time_in_the_gap_moves_forward_and_an_ambiguous_one_takes_the_first(
    db: Database, world: World
):
    with db.session() as s:
        variant_id = plan(s, world, T0 + timedelta(days=1))
    with db.session() as s:
        actor = member(s, world)
        gap = calendar.move_variant(
            s,
            actor=actor,
            variant_id=variant_id,
            day=date(2027, 3, 28),
            wall=time(2, 30),
            clock=world.clock,
        )
        assert gap.scheduled_at == datetime(
            2027, 3, 28, 1, 30, tzinfo=UTC
        )  # 03:30 CEST
        twice = calendar.move_variant(
            s,
            actor=actor,
            variant_id=variant_id,
            day=date(2027, 10, 31),
            wall=time(2, 30),
            clock=world.clock,
        )
        assert twice.scheduled_at == datetime(
            2027, 10, 31, 0, 30, tzinfo=UTC
        )  # the CEST 02:30


def test_a_move_into_the_past_is_refused(db: Database, world: World):
    with db.session() as s:
        variant_id = plan(s, world, T0 + timedelta(hours=2))
    with db.session() as s, pytest.raises(InvalidInput) as refused:
        calendar.shift_variant(
            s, actor=member(s, world), variant_id=variant_id, days=-1, clock=world.clock
        )
    assert refused.value.field == "date"


def test_another_workspace_s_variant_cannot_be_moved(db: Database, world: World):
    with db.session() as s:
        variant_id = plan(s, world, T0 + timedelta(days=2), beta=True)
    with db.session() as s, pytest.raises(NotFound):
        calendar.move_variant(
            s,
            actor=member(s, world),
            variant_id=variant_id,
            day=date(2026, 11, 20),
            clock=world.clock,
        )
    with (
        db.session() as s,
        pytest.raises(NotFound),
    ):  # a published post is not a variant
        calendar.move_variant(
            s,
            actor=member(s, world),
            variant_id=world.acme_post_id,
            day=date(2026, 11, 20),
            clock=world.clock,
        )


def test_a_feed_serves_the_workspace_calendar_until_it_is_revoked(
    db: Database, world: World
):
    with db.session() as s:
        variant_id = plan(s, world, T0 + timedelta(days=5), status=BriefStatus.APPROVED)
        plan(s, world, T0 + timedelta(days=5), title="Beta plan", beta=True)
        token, feed = feeds.create_feed(
            s, actor=member(s, world), name="My Google", clock=world.clock
        )
    assert token.startswith("tcal_") and feed.prefix == token[:9]
    with db.session() as s:
        stored = s.scalars(select(feeds.CalendarFeedRow)).one()
        assert token not in (stored.token_digest, stored.prefix + "x")
        text = feeds.feed_ics(
            s, token=token, base_url="http://tandem.test", clock=world.clock
        )
    assert f"UID:variant-{variant_id}@tandem" in text
    assert (
        text.count("BEGIN:VEVENT") == 6
    )  # the planned post and acme's five published posts
    assert "Beta plan" not in text
    assert f"URL:http://tandem.test/w/{world.acme.slug}/create/bSpringlaunch" in text
    with db.session() as s:
        (listed,) = feeds.feeds_in(s, world.acme.id)
        assert listed.last_used_at == world.clock.now()
        assert feeds.feeds_in(s, world.beta.id) == []
        feeds.revoke_feed(s, actor=member(s, world), feed_id=feed.id, clock=world.clock)
    with db.session() as s, pytest.raises(NotFound):
        feeds.feed_ics(s, token=token, base_url="http://tandem.test", clock=world.clock)


def test_a_feed_stops_when_its_creator_leaves_the_workspace(db: Database, world: World):
    with db.session() as s:
        token, _ = feeds.create_feed(
            s, actor=member(s, world), name="Social", clock=world.clock
        )
    with db.session() as s:
        actions.remove_member(
            s,
            actor=member(s, world, Role.OWNER),
            user_id=world.users[Role.SOCIAL_MANAGER].id,
            clock=world.clock,
        )
    with db.session() as s, pytest.raises(NotFound):
        feeds.resolve_feed(s, token, clock=world.clock)


def test_unknown_tokens_and_other_workspaces_feeds_are_not_found(
    db: Database, world: World
):
    with db.session() as s, pytest.raises(NotFound):
        feeds.resolve_feed(s, "tcal_" + "x" * 43, clock=world.clock)
    with db.session() as s:
        _, feed = feeds.create_feed(
            s, actor=member(s, world), name="Mine", clock=world.clock
        )
    with db.session() as s:
        owner, beta = store.find_user_row_by_email(s, "owner@beta.test"), world.beta
        assert owner is not None
        beta_member = store.member_in(s, store.to_user(owner), beta)
        assert beta_member is not None
        with pytest.raises(NotFound):
            feeds.revoke_feed(s, actor=beta_member, feed_id=feed.id, clock=world.clock)
