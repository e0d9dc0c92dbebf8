"""Performance by content pillar: posts, impressions, engagements and engagement rate per
pillar (base: impressions), against the comparison period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tandem.report import format as fmt
from tandem.report.posts import NO_PILLAR, PostFacts
from tandem.report.section import (
    Audience,
    Chart,
    Context,
    Section,
    Series,
    Table,
    register,
)
from tandem.report.social import ER_DEFINITION, engagement_rate, section_posts


def _by_pillar(posts: Sequence[PostFacts]) -> dict[str, list[PostFacts]]:
    groups: dict[str, list[PostFacts]] = defaultdict(list)
    for p in posts:
        groups[p.pillar].append(p)
    return groups


def _order(names: set[str]) -> list[str]:
    """Pillars by name, posts without one last."""
    return sorted(names - {NO_PILLAR}) + ([NO_PILLAR] if NO_PILLAR in names else [])


class SocialPillars:
    key = "social_pillars"
    title = "Performance by content pillar"
    audience: Audience = "social"

    def build(self, ctx: Context) -> Section:
        now = _by_pillar(section_posts(ctx, ctx.period))
        before = _by_pillar(section_posts(ctx, ctx.previous)) if ctx.previous else None
        names = _order(set(now) | set(before or {}))
        if not names:
            return Section(
                self.key,
                self.title,
                "No posts published in the period. Give posts a content pillar in the "
                "composer (Create > Pillars defines them).",
            )
        compared = before is not None
        columns: tuple[str, ...] = (
            "Pillar",
            "Posts",
            "Impressions",
            "Engagements",
            "Engagement rate",
        )
        if compared:
            columns += (
                "Posts (comparison)",
                "Engagement rate (comparison)",
                "Change in rate",
            )
        rows = []
        for name in names:
            group = now.get(name, [])
            rate = engagement_rate(group)
            row: tuple[str | int | float | None, ...] = (
                name,
                len(group),
                sum(p.impressions for p in group),
                sum(p.engagements for p in group),
                fmt.pct(rate),
            )
            if before is not None:
                prior = before.get(name, [])
                old = engagement_rate(prior)
                row += (
                    len(prior),
                    fmt.pct(old),
                    fmt.change(rate, old) or "-",
                )
            rows.append(row)
        series = [
            Series(
                "Engagement rate (%)",
                tuple(names),
                tuple(_percent(engagement_rate(now.get(n, []))) for n in names),
            )
        ]
        if before is not None:
            series.append(
                Series(
                    "Comparison period (%)",
                    tuple(names),
                    tuple(_percent(engagement_rate(before.get(n, []))) for n in names),
                )
            )
        rated: list[tuple[str, float]] = []
        for n in names:
            r = engagement_rate(now.get(n, []))
            if n != NO_PILLAR and r is not None:
                rated.append((n, r))
        if rated:
            best = max(rated, key=lambda x: x[1])
            summary = (
                f"{best[0]} had the highest engagement rate ({fmt.pct(best[1])}, "
                f"engagements ÷ impressions) of {len(rated)} pillar(s) with posts."
            )
        else:
            summary = "No posts with a content pillar and impressions in the period."
        untagged = len(now.get(NO_PILLAR, []))
        if untagged:
            summary += f" {untagged} post(s) have no pillar."
        return Section(
            self.key,
            self.title,
            summary,
            charts=(
                Chart(
                    "by_pillar",
                    "Engagement rate by content pillar",
                    "bar",
                    tuple(series),
                    "Engagement rate (%)",
                ),
            ),
            tables=(
                Table(
                    "by_pillar",
                    f"By content pillar (engagement rate: {ER_DEFINITION})",
                    columns,
                    tuple(rows),
                ),
            ),
        )


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 3)


register(SocialPillars())
