"""Importing ad-platform spend exports: all or nothing, and idempotent per file and period.

Rows are summed per (day, platform campaign, currency) and keyed by source too; a key seen
before replaces the stored line instead of adding to it, so importing the same export twice,
or an overlapping one with corrected figures, never double counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from tandem.accounts import Member, audit
from tandem.core import Clock, InvalidInput, new_id, slugify
from tandem.plan import store
from tandem.plan.model import Campaign, parse_currency
from tandem.plan.refit import queue_refit
from tandem.plan.spend_import import (
    ColumnMap,
    ImportRejected,
    ParsedRow,
    decode,
    parse,
)

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    source: str
    rows: int  # data rows read from the file
    lines: int  # spend lines after summing rows of the same day and campaign
    added: int
    replaced: int
    first_day: date | None
    last_day: date | None
    unassigned: list[str] = field(
        default_factory=list
    )  # platform campaigns with no match
    previously_imported: bool = False  # the same bytes were imported before
    columns: dict[str, str] = field(default_factory=dict)


def match_campaign(name: str, campaigns: Sequence[Campaign]) -> Campaign | None:
    """The Tandem campaign an ad-platform campaign belongs to, by its UTM key or name.

    "Spring Launch", "spring-launch" and "Spring Launch - Search" all match the key
    "spring-launch"; the longest matching key wins so "spring" does not steal them.
    """
    slug = slugify(name, max_length=300) if name.strip() else ""
    if not slug:
        return None
    best: Campaign | None = None
    for campaign in campaigns:
        key = campaign.utm_key
        hit = (
            slug == key
            or slug.startswith(key + "-")
            or campaign.name.strip().lower() == name.strip().lower()
        )
        if hit and (best is None or len(key) > len(best.utm_key)):
            best = campaign
    return best


def line_key(source: str, day: date, external: str, currency: str) -> str:
    raw = f"{source}\x1f{day.isoformat()}\x1f{external.strip().lower()}\x1f{currency}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _summed(rows: Sequence[ParsedRow]) -> dict[tuple[date, str, str], ParsedRow]:
    out: dict[tuple[date, str, str], ParsedRow] = {}
    for r in rows:
        key = (r.day, r.campaign.strip(), r.currency)
        seen = out.get(key)
        out[key] = (
            r
            if seen is None
            else ParsedRow(
                seen.row,
                r.day,
                key[1],
                r.currency,
                seen.spend_micros + r.spend_micros,
                seen.impressions + r.impressions,
                seen.reach + r.reach,
                seen.clicks + r.clicks,
                seen.conversions + r.conversions,
                seen.value_micros + r.value_micros,
            )
        )
    return out


def import_spend(
    session: Session,
    *,
    actor: Member,
    data: bytes,
    filename: str,
    mapping: ColumnMap,
    clock: Clock,
    campaign_id: str | None = None,
    currency: str | None = None,
) -> ImportResult:
    """Parse, validate every row, then write every line, or raise ImportRejected and write none.

    `campaign_id` books every row on one campaign; otherwise each platform campaign is matched
    by name or UTM key, and the rest are kept unassigned. `currency` is the export's currency
    when neither its rows nor its headers say.
    """
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"The file is over {MAX_BYTES // 1024 // 1024} MB; export a shorter period.",
            field="file",
        )
    if not data.strip():
        raise InvalidInput("The file is empty; choose the exported CSV.", field="file")
    ws = actor.workspace.id
    fallback = parse_currency(currency) if currency else None
    parsed = parse(decode(data), mapping, default_currency=fallback)
    if parsed.errors:
        raise ImportRejected(parsed.errors)
    if not parsed.rows:
        raise InvalidInput(
            "The file has a header but no data rows; export a period with spend.",
            field="file",
        )
    target = store.campaign_in(session, ws, campaign_id) if campaign_id else None
    campaigns = store.campaigns_in(session, ws)
    digest = hashlib.sha256(data).hexdigest()
    earlier = store.import_by_digest(session, ws, digest)
    summed = _summed(parsed.rows)
    keys = {k: line_key(mapping.source, k[0], k[1], k[2]) for k in summed}
    existing = store.lines_by_key(session, ws, list(keys.values()))
    import_id, now = new_id(), clock.now()
    session.add(
        store.SpendImportRow(
            id=import_id,
            workspace_id=ws,
            source=mapping.source,
            filename=filename[:300],
            digest=digest,
            first_day=min(k[0] for k in summed),
            last_day=max(k[0] for k in summed),
            rows=len(parsed.rows),
            added=0,
            replaced=0,
            created_by=actor.user.id,
            created_at=now,
        )
    )
    session.flush()
    added = replaced = 0
    unassigned: set[str] = set()
    for key, r in summed.items():
        owner = target or match_campaign(r.campaign, campaigns)
        if owner is None:
            unassigned.add(r.campaign)
        row = existing.get(keys[key])
        if row is None:
            row = store.SpendLineRow(
                id=new_id(),
                workspace_id=ws,
                line_key=keys[key],
                note="",
                created_by=actor.user.id,
                created_at=now,
            )
            session.add(row)
            added += 1
        else:
            replaced += 1
        row.campaign_id = owner.id if owner else row.campaign_id
        row.day, row.channel, row.source = r.day, mapping.channel.value, mapping.source
        row.external_campaign = r.campaign[:300]
        row.amount_micros, row.currency = r.spend_micros, r.currency
        row.impressions, row.reach, row.clicks = r.impressions, r.reach, r.clicks
        row.conversions, row.revenue_micros = r.conversions, r.value_micros
        row.import_id = import_id
    record = session.get(store.SpendImportRow, import_id)
    assert record is not None
    record.added, record.replaced = added, replaced
    result = ImportResult(
        import_id=import_id,
        source=mapping.source,
        rows=len(parsed.rows),
        lines=len(summed),
        added=added,
        replaced=replaced,
        first_day=record.first_day,
        last_day=record.last_day,
        unassigned=sorted(unassigned),
        previously_imported=earlier is not None,
        columns=parsed.columns,
    )
    # The cached budget-guidance curves were fitted on the spend before this import.
    queue_refit(session, ws, since=None, until=None, campaign=None, now=now)
    audit.record_change(
        session,
        actor=actor,
        action="spend.import",
        entity_type="spend_import",
        entity_id=import_id,
        after=result,
        summary=f"{filename}: {added} added, {replaced} replaced",
        now=now,
    )
    return result
