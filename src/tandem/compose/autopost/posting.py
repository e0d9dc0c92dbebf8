"""One new feed entry -> posts: a draft brief for review, or approved variants placed in each
account's next free queue slot. The brief goes through the composer's own path (tracked short
links with UTM per variant, platform checks, audit); only the wording is the feed's.

In queue mode an account without queue slots, or whose text still has a blocking problem,
gets a draft instead, and the item's note says which and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tandem import links
from tandem.accounts import Member, Permission, allows, audit
from tandem.compose import actions, checks
from tandem.compose.actions import TEXT_MAX, TITLE_MAX, BriefInput
from tandem.compose.autopost.model import Entry, Feed, ItemStatus, Mode
from tandem.compose.autopost.queueing import queue_time
from tandem.compose.autopost.template import fit_entry, master_text
from tandem.compose.model import BriefStatus
from tandem.compose.publishing import schedule_brief
from tandem.compose.store import brief_row, variant_rows
from tandem.compose.tailor import tailor
from tandem.compose.workflow import record_comment
from tandem.core import Clock, InvalidInput, NotFound, Problem
from tandem.publish import SocialAccount
from tandem.publish import store as publish_store


@dataclass(frozen=True)
class Wording:
    parts: tuple[str, ...]
    first_comment: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Posted:
    status: ItemStatus
    note: str
    brief_ids: tuple[str, ...]


def word_for(feed: Feed, entry: Entry, account: SocialAccount, short: str) -> Wording:
    """The post text for one account, fitted to its platform in ONE post. `short` is the
    variant's tracked link (or a same-length placeholder when only checking)."""
    platform = account.rules_platform
    target = checks.target_for(platform, checks.default_post_type(platform))
    if target.links_clickable or not short:
        fitted = fit_entry(feed.template, entry, link=short, target=target)
        return Wording((fitted.text,), "", fitted.notes)
    # Links are not clickable here: the text goes without it and tailoring adds "Link in
    # bio" (and the link as first comment where the platform has one), as the composer does.
    template = feed.template.replace("{link}", "")
    fitted = fit_entry(template, entry, link="", target=target)
    result = tailor(fitted.text, target=target, link=short, allow_thread=False)
    return Wording(result.parts, result.first_comment, fitted.notes + result.notes)


def _problems(
    session: Session, account: SocialAccount, wording: Wording, workspace_id: str
) -> list[Problem]:
    platform = account.rules_platform
    return checks.problems_for(
        platform,
        checks.default_post_type(platform),
        wording.parts,
        [],
        checks.brand_kit(session, workspace_id),
        sponsored=False,
    )


def _accounts(session: Session, feed: Feed) -> tuple[list[SocialAccount], list[str]]:
    found, missing = [], []
    for account_id in feed.account_ids:
        try:
            found.append(
                publish_store.account_in(session, feed.workspace_id, account_id)
            )
        except NotFound:
            missing.append(account_id)
    return found, missing


def _create(
    session: Session,
    *,
    feed: Feed,
    entry: Entry,
    accounts: Sequence[SocialAccount],
    member: Member,
    base_url: str,
    clock: Clock,
) -> str:
    text = master_text(feed.template, entry)[:TEXT_MAX]
    brief = actions.create_brief(
        session,
        actor=member,
        data=BriefInput(
            text=text,
            title=" ".join(entry.title.split())[:TITLE_MAX],
            link=entry.link,
            campaign_key=feed.campaign_key,
            account_ids=tuple(a.id for a in accounts),
        ),
        base_url=base_url,
        clock=clock,
    )
    by_id = {a.id: a for a in accounts}
    for row in variant_rows(session, brief.id):
        wording = word_for(feed, entry, by_id[row.account_id], row.short_url)
        row.content = {
            **row.content,
            "parts": list(wording.parts),
            "notes": [f"From the feed “{feed.name}”.", *wording.notes],
        }
        row.first_comment = wording.first_comment
    session.flush()
    return brief.id


def _queue(
    session: Session,
    *,
    brief_id: str,
    times: dict[str, datetime],
    feed: Feed,
    member: Member,
    clock: Clock,
) -> None:
    """Approve the brief and give each variant its slot; the publisher takes it from there."""
    row = brief_row(session, member.workspace.id, brief_id)
    for variant in variant_rows(session, brief_id):
        variant.scheduled_at = times[variant.account_id]
    row.status = BriefStatus.SCHEDULED.value
    row.updated_at = clock.now()
    session.flush()
    schedule_brief(session, brief_id=brief_id, now=clock.now())
    note = f"Approved and queued automatically from the feed “{feed.name}”."
    for event in (BriefStatus.APPROVED, BriefStatus.SCHEDULED):
        record_comment(
            session,
            actor=member,
            brief_id=brief_id,
            body=note,
            event=event.value,
            clock=clock,
        )
    audit.record_change(
        session,
        actor=member,
        action="brief.autopost_queue",
        entity_type="brief",
        entity_id=brief_id,
        after={"feed": feed.id, "slots": {k: v.isoformat() for k, v in times.items()}},
        summary=f"queued “{row.title}” from the feed “{feed.name}”",
        now=clock.now(),
    )


def _queue_times(
    session: Session,
    *,
    feed: Feed,
    entry: Entry,
    accounts: Sequence[SocialAccount],
    member: Member,
    base_url: str,
    now: datetime,
) -> tuple[dict[str, datetime], list[str]]:
    """Each account's slot, or why it gets a draft instead."""
    if not allows(member.role, Permission.CONTENT_APPROVE):
        return {}, [
            f"{member.user.name} ({member.role.label}) may not approve posts, so drafts "
            "were created for review."
        ]
    placeholder = (
        links.short_url(base_url, checks.PLACEHOLDER_CODE) if entry.link else ""
    )
    times: dict[str, datetime] = {}
    reasons: list[str] = []
    for account in accounts:
        wording = word_for(feed, entry, account, placeholder)
        blocking = [
            p
            for p in _problems(session, account, wording, feed.workspace_id)
            if p.blocking
        ]
        if blocking:
            reasons.append(
                f"@{account.handle}: draft for review ({blocking[0].message})."
            )
            continue
        when, why = queue_time(session, account, now=now)
        if when is None:
            reasons.append(f"@{account.handle}: draft created instead. {why}")
            continue
        times[account.id] = when
    return times, reasons


def post_entry(
    session: Session,
    *,
    feed: Feed,
    entry: Entry,
    member: Member,
    base_url: str,
    clock: Clock,
) -> Posted:
    """Create the posts for one entry. Raises TandemError when it cannot become a post at all
    (the caller records the item as skipped with the message)."""
    if entry.link:
        checks.check_destination(entry.link)
    accounts, missing = _accounts(session, feed)
    if not accounts:
        raise InvalidInput(
            "None of the feed's accounts is connected any more; edit the feed to choose "
            "accounts.",
            field="account_ids",
        )
    notes = (
        [f"{len(missing)} account(s) of the feed are no longer connected."]
        if missing
        else []
    )
    times: dict[str, datetime] = {}
    if feed.mode is Mode.QUEUE:
        times, reasons = _queue_times(
            session,
            feed=feed,
            entry=entry,
            accounts=accounts,
            member=member,
            base_url=base_url,
            now=clock.now(),
        )
        notes.extend(reasons)
    queued = [a for a in accounts if a.id in times]
    drafts = [a for a in accounts if a.id not in times]
    brief_ids: list[str] = []

    def create(group: list[SocialAccount]) -> str:
        return _create(
            session,
            feed=feed,
            entry=entry,
            accounts=group,
            member=member,
            base_url=base_url,
            clock=clock,
        )

    if drafts:
        brief_ids.append(create(drafts))
    if queued:
        brief_id = create(queued)
        _queue(
            session,
            brief_id=brief_id,
            times=times,
            feed=feed,
            member=member,
            clock=clock,
        )
        brief_ids.append(brief_id)
    status = ItemStatus.QUEUED if queued else ItemStatus.DRAFTED
    return Posted(status, " ".join(notes), tuple(brief_ids))
