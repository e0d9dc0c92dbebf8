"""Social sections for the Social Media Manager: performance, breakdowns, best times.

Engagement rate is engagements (likes + comments + shares + saves, latest snapshot) divided
by the impressions of the same posts, published in the period: the base is impressions, not
reach or followers, and every figure says so in its definition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from tandem import plan
from tandem.core.periods import Period
from tandem.report import format as fmt
from tandem.report.posts import PostFacts, followers_on, posts_between
from tandem.report.section import (
    Audience,
    Chart,
    Context,
    Figure,
    Section,
    Series,
    Table,
    register,
)

ER_DEFINITION = (
    "Engagements (likes + comments + shares + saves) ÷ impressions of the posts published "
    "in the period; '-' when they had no impressions."
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def section_posts(ctx: Context, period: Period) -> list[PostFacts]:
    campaign = ctx.filters.get("campaign") or None
    return posts_between(
        ctx.session,
        ctx.workspace_id,
        since=period.since,
        until=period.until,
        platform=ctx.filters.get("platform") or None,
        account=ctx.filters.get("account") or None,
        pillar=ctx.filters.get("pillar") or None,
        campaign_key=plan.store.campaign_in(
            ctx.session, ctx.workspace_id, campaign
        ).utm_key
        if campaign
        else None,
    )


def engagement_rate(posts: Sequence[PostFacts]) -> float | None:
    impressions = sum(p.impressions for p in posts)
    return sum(p.engagements for p in posts) / impressions if impressions else None


def _figure(
    key: str,
    label: str,
    value: float | None,
    previous: float | None,
    text: Callable[[float | None], str],
    definition: str,
) -> Figure:
    return Figure(
        key,
        label,
        value,
        text(value),
        definition,
        previous,
        text(previous) if previous is not None else None,
    )


class SocialPerformance:
    key = "social_performance"
    title = "Social performance"
    audience: Audience = "social"

    def build(self, ctx: Context) -> Section:
        now = section_posts(ctx, ctx.period)
        before = section_posts(ctx, ctx.previous) if ctx.previous else None
        platform = ctx.filters.get("platform") or None

        def sums(posts: Sequence[PostFacts] | None, attr: str) -> float | None:
            return (
                None if posts is None else float(sum(getattr(p, attr) for p in posts))
            )

        account = ctx.filters.get("account") or None
        start_followers = followers_on(
            ctx.session,
            ctx.workspace_id,
            ctx.period.start - timedelta(days=1),
            platform,
            account,
        )
        end_followers = followers_on(
            ctx.session, ctx.workspace_id, ctx.period.end, platform, account
        )
        figures = (
            _figure(
                "posts",
                "Posts",
                len(now),
                None if before is None else len(before),
                fmt.num,
                "Posts published in the period.",
            ),
            _figure(
                "impressions",
                "Impressions",
                sums(now, "impressions"),
                sums(before, "impressions"),
                fmt.num,
                "Impressions of the posts published in the period (latest snapshot).",
            ),
            _figure(
                "reach",
                "Reach",
                sums(now, "reach"),
                sums(before, "reach"),
                fmt.num,
                "Sum of each post's reach: people reached by two posts count twice (an upper bound).",
            ),
            _figure(
                "engagements",
                "Engagements",
                sums(now, "engagements"),
                sums(before, "engagements"),
                fmt.num,
                "Likes + comments + shares + saves of the posts published in the period.",
            ),
            _figure(
                "engagement_rate",
                "Engagement rate",
                engagement_rate(now),
                None if before is None else engagement_rate(before),
                fmt.pct,
                ER_DEFINITION,
            ),
            _figure(
                "follower_growth",
                "Follower growth",
                float(end_followers - start_followers),
                None,
                lambda v: "-" if v is None else f"{v:+,.0f}",
                "Followers at the end of the period minus the day before it starts (all accounts).",
            ),
        )
        days = [ctx.period.start + timedelta(days=i) for i in range(ctx.period.days)]
        zone = ZoneInfo(ctx.period.zone)
        daily: dict[str, float] = defaultdict(float)
        for p in now:
            daily[p.published_at.astimezone(zone).date().isoformat()] += p.engagements
        series = [
            Series(
                "Engagements",
                tuple(d.isoformat() for d in days),
                tuple(daily.get(d.isoformat(), 0.0) for d in days),
            )
        ]
        if ctx.previous and before is not None:
            prior: dict[int, float] = defaultdict(float)
            for p in before:
                prior[
                    (p.published_at.astimezone(zone).date() - ctx.previous.start).days
                ] += p.engagements
            series.append(
                Series(
                    "Engagements, comparison period",
                    series[0].x,
                    tuple(prior.get(i, 0.0) for i in range(len(days))),
                )
            )
        top = sorted(
            now,
            key=lambda p: (
                -(p.engagements / p.impressions if p.impressions else 0),
                p.id,
            ),
        )[:10]
        table = Table(
            "top_posts",
            "Top posts by engagement rate",
            (
                "Published",
                "Account",
                "Platform",
                "Post",
                "Impressions",
                "Engagements",
                "Engagement rate",
            ),
            tuple(
                (
                    p.published_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    "@" + p.handle,
                    p.platform,
                    p.text[:80],
                    p.impressions,
                    p.engagements,
                    fmt.pct(p.engagements / p.impressions if p.impressions else None),
                )
                for p in top
            ),
            tuple(p.url for p in top),
        )
        rate = engagement_rate(now)
        summary = f"{len(now)} posts reached {fmt.num(sums(now, 'impressions'))} impressions at an engagement rate of {fmt.pct(rate)} (engagements ÷ impressions)"
        if before is not None:
            summary += (
                f", against {fmt.pct(engagement_rate(before))} in the comparison period"
            )
        return Section(
            self.key,
            self.title,
            summary + ".",
            figures,
            (
                Chart(
                    "engagements_daily",
                    "Engagements per day (by publishing day)",
                    "line",
                    tuple(series),
                    "Engagements",
                ),
            ),
            (table,),
        )


def _grouped(
    posts: Sequence[PostFacts],
    key: Callable[[PostFacts], str],
    order: Sequence[str] | None = None,
) -> Table:
    groups: dict[str, list[PostFacts]] = defaultdict(list)
    for p in posts:
        groups[key(p)].append(p)
    names = [n for n in order if n in groups] if order else sorted(groups)
    return Table(
        "",
        "",
        ("Group", "Posts", "Impressions", "Engagements", "Engagement rate"),
        tuple(
            (
                n,
                len(groups[n]),
                sum(p.impressions for p in groups[n]),
                sum(p.engagements for p in groups[n]),
                fmt.pct(engagement_rate(groups[n])),
            )
            for n in names
        ),
    )


def _rate_chart(
    key: str, title: str, table: Table, posts_by: dict[str, float | None]
) -> Chart:
    names = tuple(str(r[0]) for r in table.rows)
    values = tuple(_percent(posts_by[n]) for n in names)
    series = Series("Engagement rate (%)", names, values)
    return Chart(key, title, "bar", (series,), "Engagement rate (%)")


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 3)


class SocialBreakdown:
    key = "social_breakdown"
    title = "Performance by platform, content type, weekday and hour"
    audience: Audience = "social"

    def build(self, ctx: Context) -> Section:
        posts = section_posts(ctx, ctx.period)
        zone = ZoneInfo(ctx.period.zone)
        local = {p.id: p.published_at.astimezone(zone) for p in posts}
        dims: list[
            tuple[str, str, Callable[[PostFacts], str], Sequence[str] | None]
        ] = [
            ("by_platform", "Platform", lambda p: p.platform, None),
            ("by_content_type", "Content type", lambda p: p.content_type, None),
            (
                "by_weekday",
                "Weekday",
                lambda p: WEEKDAYS[local[p.id].weekday()],
                WEEKDAYS,
            ),
            (
                "by_hour",
                "Hour (local)",
                lambda p: f"{local[p.id].hour:02d}:00",
                [f"{h:02d}:00" for h in range(24)],
            ),
        ]
        charts, tables = [], []
        by_platform: dict[str, list[PostFacts]] = defaultdict(list)
        for p in posts:
            by_platform[p.platform].append(p)
        for key, label, by, order in dims:
            table = _grouped(posts, by, order)
            groups: dict[str, list[PostFacts]] = defaultdict(list)
            for p in posts:
                groups[by(p)].append(p)
            rates = {n: engagement_rate(g) for n, g in groups.items()}
            titled = Table(
                key, f"By {label.lower()}", (label, *table.columns[1:]), table.rows
            )
            tables.append(titled)
            charts.append(
                _rate_chart(key, f"Engagement rate by {label.lower()}", titled, rates)
            )
        best = max(
            tables[0].rows,
            key=lambda r: engagement_rate(by_platform[str(r[0])]) or 0,
            default=None,
        )
        summary = (
            f"{best[0]} had the highest engagement rate ({best[4]}) of {len(tables[0].rows)} platform(s)."
            if best
            else "No posts published in the period."
        )
        return Section(
            self.key, self.title, summary, charts=tuple(charts), tables=tuple(tables)
        )


class BestTimeHeatmap:
    key = "best_time"
    title = "Best time to post"
    audience: Audience = "social"

    def build(self, ctx: Context) -> Section:
        posts = [p for p in section_posts(ctx, ctx.period) if p.impressions > 0]
        zone = ZoneInfo(ctx.period.zone)
        cells: dict[tuple[int, int], list[PostFacts]] = defaultdict(list)
        for p in posts:
            at = p.published_at.astimezone(zone)
            cells[(at.weekday(), at.hour)].append(p)
        hours = tuple(f"{h:02d}" for h in range(24))
        rows, notes = [], []
        for day in range(7):
            values, texts = [], []
            for hour in range(24):
                group = cells.get((day, hour), [])
                rate = engagement_rate(group)
                values.append(None if rate is None else round(rate * 100, 3))
                texts.append(f"{fmt.pct(rate)} over {len(group)} post(s)")
            rows.append(Series(WEEKDAYS[day], hours, tuple(values)))
            notes.append(tuple(texts))
        thin = sum(1 for g in cells.values() if len(g) < 2)
        summary = (
            f"Engagement rate by local weekday and hour ({ctx.period.zone}) over {len(posts)} posts with impressions; "
            f"{thin} of {len(cells)} filled cells rest on a single post, so read them as anecdotes."
        )
        table = Table(
            "best_time_cells",
            "Cells with posts",
            ("Weekday", "Hour", "Posts", "Engagement rate"),
            tuple(
                (WEEKDAYS[d], f"{h:02d}:00", len(g), fmt.pct(engagement_rate(g)))
                for (d, h), g in sorted(cells.items())
            ),
        )
        return Section(
            self.key,
            self.title,
            summary,
            charts=(
                Chart(
                    "heatmap",
                    "Engagement rate (%) by weekday and hour; hover shows the posts behind each cell",
                    "heatmap",
                    tuple(rows),
                    "Engagement rate (%)",
                    tuple(notes),
                ),
            ),
            tables=(table,),
        )


for _source in (SocialPerformance(), SocialBreakdown(), BestTimeHeatmap()):
    register(_source)
