"""Briefs, variants, workflow and comments: the pure part."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tandem.core import Problem


class BriefStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Who may move a brief from one status to the next (the workflow, in one place).
TRANSITIONS: dict[tuple[BriefStatus, BriefStatus], str] = {
    (BriefStatus.DRAFT, BriefStatus.IN_REVIEW): "submit",
    (BriefStatus.CHANGES_REQUESTED, BriefStatus.IN_REVIEW): "submit",
    (BriefStatus.IN_REVIEW, BriefStatus.CHANGES_REQUESTED): "review",
    (BriefStatus.IN_REVIEW, BriefStatus.APPROVED): "review",
    (BriefStatus.APPROVED, BriefStatus.SCHEDULED): "schedule",
    (BriefStatus.SCHEDULED, BriefStatus.APPROVED): "unschedule",
    (BriefStatus.APPROVED, BriefStatus.DRAFT): "reopen",
    (BriefStatus.SCHEDULED, BriefStatus.DRAFT): "reopen",
}

TONES = ("neutral", "friendly", "professional", "playful", "urgent")


@dataclass(frozen=True)
class Brief:
    id: str
    workspace_id: str
    title: str
    text: str
    link: str
    media_ids: tuple[str, ...]
    campaign_key: str
    tone: str
    sponsored: bool
    status: BriefStatus
    planned_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    pillar_id: str | None = None  # the content pillar (tandem.compose.pillars)


@dataclass(frozen=True)
class Variant:
    """The brief tailored to one connected account. `manual` variants keep their text on re-tailoring."""

    id: str
    brief_id: str
    workspace_id: str
    account_id: str
    platform: str
    post_type: str
    parts: tuple[str, ...]  # one part, or a thread
    first_comment: str
    media_ids: tuple[str, ...]
    short_url: str
    manual: bool
    scheduled_at: datetime | None
    updated_at: datetime

    @property
    def text(self) -> str:
        return self.parts[0] if self.parts else ""

    @property
    def is_thread(self) -> bool:
        return len(self.parts) > 1


@dataclass(frozen=True)
class VariantCheck:
    """A variant with its measured length and every problem (platform rules and brand kit)."""

    variant: Variant
    account_handle: str
    lengths: tuple[int, ...]
    limit: int
    unit: str
    problems: tuple[Problem, ...]

    @property
    def blocking(self) -> bool:
        return any(p.blocking for p in self.problems)


@dataclass(frozen=True)
class Comment:
    id: str
    brief_id: str
    author_id: str | None
    author_name: str
    body: str
    event: str  # "comment" or the status change it records, e.g. "in_review"
    created_at: datetime


@dataclass(frozen=True)
class BriefDetail:
    brief: Brief
    variants: tuple[VariantCheck, ...]
    comments: tuple[Comment, ...] = field(default_factory=tuple)

    @property
    def blocking(self) -> bool:
        return any(v.blocking for v in self.variants)
