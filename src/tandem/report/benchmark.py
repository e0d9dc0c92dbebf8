"""Competitor benchmarks: follower growth, posting frequency and engagement per post of the
brand's own accounts against each competitor's public metrics, over the dashboard period."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tandem.publish.store import AccountMetricRow, SocialAccountRow
from tandem.report import competitors
from tandem.report import format as fmt
from tandem.report.posts import PostFacts
from tandem.report.section import (
    Audience,
    Cell,
    Chart,
    Context,
    Section,
    Series,
    Table,
    register,
)
from tandem.report.social import section_posts

COLUMNS = (
    "Account",
    "Platform",
    "Whose",
    "Followers (end)",
    "Follower growth",
    "Growth %",
    "Posts a week",
    "Engagement per post",
    "Based on",
)

# What a competitor's engagement per post adds up (connectors/public.py reads them).
ENGAGEMENT_COUNTED = {
    "bluesky": "likes + reposts + replies + quotes",
    "mastodon": "favourites + boosts + replies",
}


def _growth(start: int | None, end: int | None) -> tuple[Cell, Cell]:
    if start is None or end is None:
        return "-", "-"
    return f"{end - start:+,}", fmt.change(float(end), float(start)) or "-"


def _brand_rows(
    ctx: Context, posts: list[PostFacts]
) -> tuple[list[tuple[Cell, ...]], dict[str, dict[date, int]]]:
    platform = ctx.filters.get("platform") or None
    account = ctx.filters.get("account") or None
    accounts = ctx.session.execute(
        select(SocialAccountRow).where(
            SocialAccountRow.workspace_id == ctx.workspace_id
        )
    ).scalars()
    rows: list[tuple[Cell, ...]] = []
    daily: dict[str, dict[date, int]] = {}
    weeks = ctx.period.days / 7
    for a in sorted(accounts, key=lambda a: a.handle):
        name = a.imitates or a.platform
        if (platform and name != platform) or (account and a.id != account):
            continue
        history: dict[date, int] = {
            d: int(f)
            for d, f in ctx.session.execute(
                select(AccountMetricRow.day, AccountMetricRow.followers)
                .where(
                    AccountMetricRow.account_id == a.id,
                    AccountMetricRow.day <= ctx.period.end,
                )
                .order_by(AccountMetricRow.day)
            ).all()
        }
        before = [f for d, f in history.items() if d < ctx.period.start]
        inside = [f for d, f in history.items() if d >= ctx.period.start]
        start = before[-1] if before else (inside[0] if inside else None)
        end = inside[-1] if inside else start
        mine = [p for p in posts if p.handle == a.handle]
        growth, pct = _growth(start, end)
        per_post = sum(p.engagements for p in mine) / len(mine) if mine else None
        rows.append(
            (
                "@" + a.handle,
                name,
                "Brand",
                end if end is not None else "-",
                growth,
                pct,
                round(len(mine) / weeks, 1),
                "-" if per_post is None else round(per_post, 1),
                f"{len(mine)} post(s) in the period; engagements as counted by Tandem",
            )
        )
        daily["@" + a.handle] = {
            d: f for d, f in history.items() if d >= ctx.period.start
        }
    return rows, daily


def _competitor_row(
    ctx: Context, c: competitors.Competitor
) -> tuple[tuple[Cell, ...], dict[date, int]]:
    label = "@" + c.handle
    if c.unreadable:
        return (
            label,
            c.platform,
            "Competitor",
            "-",
            "-",
            "-",
            "-",
            "-",
            f"no public metrics on {c.platform}: {c.unreadable}",
        ), {}
    snaps = competitors.snapshots_of(ctx.session, c.id, until=ctx.period.end)
    before = [s for s in snaps if s.day < ctx.period.start]
    inside = [s for s in snaps if s.day >= ctx.period.start]
    first = before[-1] if before else (inside[0] if inside else None)
    last = inside[-1] if inside else None
    if first is None or last is None:
        why = c.last_error or "no snapshot in the period yet (taken daily)"
        return (label, c.platform, "Competitor", "-", "-", "-", "-", "-", why), {}
    growth, pct = _growth(first.followers, last.followers)
    span = (last.day - first.day).days
    per_week: Cell = round((last.posts - first.posts) / span * 7, 1) if span else "-"
    rated = [s.engagement_per_post for s in inside if s.engagement_per_post is not None]
    engagement: Cell = round(sum(rated) / len(rated), 1) if rated else "-"
    basis = f"{len(inside)} daily snapshot(s) from {first.day} to {last.day}"
    if rated:
        counted = ENGAGEMENT_COUNTED.get(c.platform, "engagements")
        basis += f"; engagement: {counted} of the last {inside[-1].sampled_posts} posts"
    elif c.platform == "sandbox":
        basis += "; the Sandbox shows no public engagement per post"
    return (
        label,
        c.platform,
        "Competitor",
        last.followers,
        growth,
        pct,
        per_week,
        engagement,
        basis,
    ), {s.day: s.followers for s in inside}


class CompetitorBenchmark:
    key = "competitor_benchmark"
    title = "Competitor benchmarks"
    audience: Audience = "social"

    def build(self, ctx: Context) -> Section:
        brand, daily = _brand_rows(ctx, section_posts(ctx, ctx.period))
        platform = ctx.filters.get("platform") or None
        rows: list[tuple[Cell, ...]] = list(brand)
        unreadable = []
        listed = [
            c
            for c in competitors.competitors_in(ctx.session, ctx.workspace_id)
            if not platform or c.platform == platform
        ]
        for c in listed:
            row, series = _competitor_row(ctx, c)
            rows.append(row)
            if series:
                daily[f"@{c.handle} ({c.platform})"] = series
            if c.unreadable:
                unreadable.append(f"no public metrics on {c.platform} ({c.unreadable})")
        if not listed:
            summary = (
                "No competitors yet: add their accounts (Dashboard > Competitors) to "
                "compare follower growth and posting frequency."
            )
        else:
            summary = (
                f"{len(brand)} brand account(s) against {len(listed)} competitor(s); "
                "competitors' figures come from their public profiles, snapshotted daily."
            )
        if unreadable:
            summary += " " + "; ".join(sorted(set(unreadable))).capitalize() + "."
        days = [ctx.period.start + timedelta(days=i) for i in range(ctx.period.days)]
        x = tuple(d.isoformat() for d in days)
        chart = Chart(
            "followers",
            "Followers over the period",
            "line",
            tuple(
                Series(name, x, tuple(_carried(values, days)))
                for name, values in daily.items()
            ),
            "Followers",
        )
        table = Table("benchmark", "Brand and competitors", COLUMNS, tuple(rows))
        return Section(self.key, self.title, summary, charts=(chart,), tables=(table,))


def _carried(values: dict[date, int], days: list[date]) -> list[float | None]:
    """Each day's followers, None on days without a snapshot (no interpolation)."""
    return [float(values[d]) if d in values else None for d in days]


register(CompetitorBenchmark())
