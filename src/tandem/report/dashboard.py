"""Role dashboards: which sections each view shows, and the filters they accept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.orm import Session

from tandem import plan
from tandem.accounts import Role
from tandem.compose.pillars import pillars_in
from tandem.core import InvalidInput
from tandem.core.periods import Period
from tandem.publish.store import accounts_in
from tandem.report import benchmark as _benchmark  # noqa: F401  (registers its section)
from tandem.report import budget as _budget  # noqa: F401  (registers its section)
from tandem.report import marketing as _marketing  # noqa: F401  (registers its sections)
from tandem.report import pillars as _pillars  # noqa: F401  (registers its section)
from tandem.report import social as _social  # noqa: F401  (registers its sections)
from tandem.report.posts import platforms_in
from tandem.report.section import SECTIONS, Context, Section

VIEWS: dict[str, tuple[str, ...]] = {
    "social": (
        "social_performance",
        "social_breakdown",
        "social_pillars",
        "best_time",
        "competitor_benchmark",
    ),
    "marketing": ("goals", "campaign_roi", "channel_mix", "budget_guidance"),
}
FILTERS = ("campaign", "platform", "account", "pillar", "results")
VIEW_LABELS = {"social": "Social performance", "marketing": "Goals and ROI"}


def default_view(role: Role) -> str:
    return "marketing" if role in (Role.MARKETER, Role.ANALYST) else "social"


def parse_view(value: str | None, role: Role) -> str:
    view = value or default_view(role)
    if view not in VIEWS:
        raise InvalidInput(
            f"view must be one of {', '.join(VIEWS)}, not {view!r}.", field="view"
        )
    return view


def check_filters(
    session: Session, workspace_id: str, filters: Mapping[str, str]
) -> dict[str, str]:
    """Only filters that name something in this workspace; the field is named otherwise."""
    clean: dict[str, str] = {}
    campaign = filters.get("campaign") or ""
    if campaign:
        ids = {c.id for c in plan.store.campaigns_in(session, workspace_id)}
        if campaign not in ids:
            raise InvalidInput(
                "campaign: no such campaign in this workspace; choose one from the list.",
                field="campaign",
            )
        clean["campaign"] = campaign
    platform = filters.get("platform") or ""
    if platform:
        known = platforms_in(session, workspace_id)
        if platform not in known:
            raise InvalidInput(
                f"platform must be one of {', '.join(known) or 'your connected platforms'},"
                f" not {platform!r}.",
                field="platform",
            )
        clean["platform"] = platform
    account = filters.get("account") or ""
    if account:
        if account not in {a.id for a in accounts_in(session, workspace_id)}:
            raise InvalidInput(
                "account: no such connected account in this workspace; choose one from "
                "the list.",
                field="account",
            )
        clean["account"] = account
    pillar = filters.get("pillar") or ""
    if pillar:
        if pillar not in {p.id for p in pillars_in(session, workspace_id)}:
            raise InvalidInput(
                "pillar: no such content pillar in this workspace; choose one from the "
                "list.",
                field="pillar",
            )
        clean["pillar"] = pillar
    results = filters.get("results") or ""
    if results:
        clean["results"] = plan.parse_results(results)
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise InvalidInput(
            f"filters: unknown {', '.join(unknown)}; use {', '.join(FILTERS)}.",
            field="filters",
        )
    return clean


def filter_choices(
    session: Session, workspace_id: str
) -> dict[str, list[dict[str, str]]]:
    """What each filter can be set to, as value and label (the report builder's lists)."""
    return {
        "campaign": [
            {"value": c.id, "label": c.name}
            for c in plan.store.campaigns_in(session, workspace_id)
        ],
        "platform": [
            {"value": p, "label": p} for p in platforms_in(session, workspace_id)
        ],
        "account": [
            {"value": a.id, "label": f"@{a.handle}"}
            for a in accounts_in(session, workspace_id)
        ],
        "pillar": [
            {"value": p.id, "label": p.name} for p in pillars_in(session, workspace_id)
        ],
        "results": [{"value": k, "label": label} for k, label in plan.RESULTS],
    }


def describe_filters(
    filters: Mapping[str, str], choices: Mapping[str, list[dict[str, str]]]
) -> str:
    """'campaign: Spring Launch; pillar: Education', or '' for no filter."""
    parts = []
    for key in FILTERS:
        value = filters.get(key)
        if value:
            label = next(
                (c["label"] for c in choices.get(key, []) if c["value"] == value), value
            )
            parts.append(f"{key}: {label}")
    return "; ".join(parts)


def build_sections(
    session: Session,
    workspace_id: str,
    keys: tuple[str, ...],
    *,
    period: Period,
    previous: Period | None,
    today: date,
    filters: Mapping[str, str],
    now: datetime | None = None,
    refit_in_background: bool = False,
    warehouse_path: str | None = None,
    lookback_days: int = 30,
) -> list[Section]:
    """The sections over `period`; marketing sections read Measure's events from the
    warehouse at `warehouse_path` for attributed results (none: the platforms' figures)."""
    ctx = Context(
        session,
        workspace_id,
        period,
        previous,
        today,
        dict(filters),
        warehouse_path=warehouse_path,
        lookback_days=lookback_days,
        now=now,
        refit_in_background=refit_in_background,
    )
    unknown = [k for k in keys if k not in SECTIONS]
    if unknown:
        raise InvalidInput(
            f"Unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}.",
            field="sections",
        )
    return [SECTIONS[k].build(ctx) for k in keys]
