"""Cached budget-guidance fits: fitting the response curves takes seconds (a bootstrap of
refits per channel), so a fit is stored per workspace and scope (campaign filter and period
length) with the fingerprint of the data it was fitted on. A dashboard shows the stored fit
at once, saying how old it is, and queues a refit when the data moved; a report (sent to a
client) always refits first when its fit is stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import new_id
from tandem.plan.attribution import PLATFORM
from tandem.plan.budget import (
    BOOTSTRAP,
    DECAYS,
    MAX_SHIFT,
    ChannelAdvice,
    Curve,
    Guidance,
)
from tandem.storage import Base, JSONDict, UTCDateTime

# What a fit means: the model's parameters. A change here makes every stored fit stale.
MODEL = f"hill-adstock decays={DECAYS} shift={MAX_SHIFT} bootstrap={BOOTSTRAP} v1"

History = Mapping[str, tuple[Sequence[float], Sequence[float]]]


class BudgetFitRow(Base):
    __tablename__ = "budget_fits"
    __table_args__ = (UniqueConstraint("workspace_id", "scope"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    # "<days>d:<campaign id or all>:<results source>"
    scope: Mapped[str] = mapped_column(String(100))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class StoredFit:
    guidance: Guidance | None
    since: date
    until: date
    fitted_at: datetime
    fresh: bool  # fitted on exactly the data the caller has now


def scope_of(days: int, campaign: str | None, results: str = PLATFORM) -> str:
    """The cache key of a fit: period length, campaign filter and the results source the
    curves were fitted on (the platforms' revenue or a Measure model's credit)."""
    return f"{days}d:{campaign or 'all'}:{results}"


def parse_scope(scope: str) -> tuple[int, str | None, str]:
    """(days, campaign id or None, results source) of a stored scope; scopes stored before
    the results source was part of the key were fitted on the platforms' revenue."""
    days, campaign, *rest = scope.split(":")
    return (
        int(days[:-1]),
        None if campaign == "all" else campaign,
        (rest[0] if rest else PLATFORM),
    )


def fingerprint(history: History) -> str:
    """The data a fit depends on (each channel's daily spend and results) and the model."""
    data = {
        name: [[round(float(v), 4) for v in spend], [round(float(v), 4) for v in res]]
        for name, (spend, res) in sorted(history.items())
    }
    text = json.dumps([MODEL, data], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def encode(guidance: Guidance | None) -> dict[str, Any]:
    if guidance is None:
        return {"guidance": None}
    return {
        "guidance": {
            "channels": [
                {
                    "channel": a.channel,
                    "current": a.current,
                    "recommended": a.recommended,
                    "agreement": a.agreement,
                    "curve": [a.curve.beta, a.curve.k, a.curve.shape, a.curve.decay],
                }
                for a in guidance.channels
            ],
            "uplift": [guidance.uplift, guidance.uplift_low, guidance.uplift_high],
            "skipped": list(guidance.skipped),
            "days": guidance.days,
        }
    }


def decode(data: Mapping[str, Any]) -> Guidance | None:
    g = data.get("guidance")
    if not g:
        return None
    channels = tuple(
        ChannelAdvice(
            str(c["channel"]),
            float(c["current"]),
            float(c["recommended"]),
            Curve(*(float(v) for v in c["curve"])),
            float(c["agreement"]),
        )
        for c in g["channels"]
    )
    uplift, low, high = (float(v) for v in g["uplift"])
    return Guidance(
        channels, uplift, low, high, tuple(str(s) for s in g["skipped"]), int(g["days"])
    )


def stored_fit(
    session: Session, workspace_id: str, scope: str, current: str
) -> StoredFit | None:
    """The stored fit for the scope, `fresh` when it was made from the `current` fingerprint."""
    row = _row(session, workspace_id, scope)
    if row is None:
        return None
    return StoredFit(
        decode(row.result),
        row.since,
        row.until,
        row.fitted_at,
        row.fingerprint == current,
    )


def _row(session: Session, workspace_id: str, scope: str) -> BudgetFitRow | None:
    return session.scalar(
        select(BudgetFitRow).where(
            BudgetFitRow.workspace_id == workspace_id, BudgetFitRow.scope == scope
        )
    )


def save_fit(
    session: Session,
    workspace_id: str,
    scope: str,
    *,
    since: date,
    until: date,
    fingerprint: str,
    guidance: Guidance | None,
    now: datetime,
) -> None:
    row = _row(session, workspace_id, scope)
    if row is None:
        row = BudgetFitRow(id=new_id(), workspace_id=workspace_id, scope=scope)
        session.add(row)
    row.since, row.until, row.fingerprint = since, until, fingerprint
    row.result, row.fitted_at = encode(guidance), now


def scopes_of(session: Session, workspace_id: str) -> list[tuple[str, date, date]]:
    rows = session.execute(
        select(BudgetFitRow.scope, BudgetFitRow.since, BudgetFitRow.until).where(
            BudgetFitRow.workspace_id == workspace_id
        )
    ).all()
    return [(s, a, b) for s, a, b in rows]
