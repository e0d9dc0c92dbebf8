"""REST API: briefs, variants, review, and the live checks the composer uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.compose import actions, checks, rewrite, workflow
from tandem.compose.actions import BriefInput
from tandem.compose.model import (
    TONES,
    Brief,
    BriefDetail,
    BriefStatus,
    Comment,
    Variant,
)
from tandem.compose.store import BRIEF_SORTS, BriefQuery, list_briefs
from tandem.core import InvalidInput
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["create"])


class BriefIn(BaseModel):
    text: str = Field(description="The master message.")
    title: str = ""
    link: str = Field(
        "", description="Destination URL; each variant gets its own tracked short link."
    )
    media_ids: list[str] = []
    campaign_key: str = ""
    tone: str = Field("neutral", description=f"One of {', '.join(TONES)}.")
    sponsored: bool = False
    planned_at: datetime | None = Field(None, description="ISO 8601 with an offset.")
    account_ids: list[str] = Field(
        default_factory=list, description="Accounts to tailor variants for."
    )
    pillar_id: str | None = Field(
        None,
        description="A content pillar of the workspace (GET /pillars); null: none.",
    )

    def to_input(self) -> BriefInput:
        return BriefInput(
            text=self.text,
            title=self.title,
            link=self.link,
            media_ids=tuple(self.media_ids),
            campaign_key=self.campaign_key,
            tone=self.tone,
            sponsored=self.sponsored,
            planned_at=self.planned_at,
            account_ids=tuple(self.account_ids),
            pillar_id=self.pillar_id or None,
        )


class PreviewIn(BaseModel):
    text: str = ""
    link: str = ""
    sponsored: bool = False
    campaign_key: str = ""
    account_ids: list[str] = []
    media_ids: list[str] = []


class CheckIn(BaseModel):
    platform: str
    text: str
    post_type: str = ""
    sponsored: bool = False
    media_ids: list[str] = []


class RewriteIn(BaseModel):
    text: str
    platform: str = "linkedin"
    tone: str = "neutral"
    instruction: str = Field("", description="e.g. 'shorter and warmer'")


class StatusIn(BaseModel):
    to: BriefStatus
    note: str = ""


class CommentIn(BaseModel):
    body: str


class VariantIn(BaseModel):
    parts: list[str] | None = Field(
        None, description="The text, or the posts of a thread."
    )
    first_comment: str | None = None
    scheduled_at: datetime | None = None


@dataclass(frozen=True)
class BriefPage:
    briefs: list[Brief]
    total: int
    limit: int
    offset: int


@router.post(
    "/compose/preview",
    summary="Tailor a draft for accounts without saving (live previews)",
)
def preview(
    body: PreviewIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> dict[str, Any]:
    result = checks.preview(
        session,
        workspace_id=member.workspace.id,
        text=body.text,
        link=body.link,
        sponsored=body.sponsored,
        account_ids=body.account_ids,
        media_ids=body.media_ids,
        base_url=state.settings.base_url,
    )
    return {"characters": len(body.text), "variants": result}


@router.post(
    "/compose/check",
    summary="Measure and check one text for one platform (live counters)",
)
def check(
    body: CheckIn,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> dict[str, Any]:
    return checks.check_text(
        session,
        workspace_id=member.workspace.id,
        platform=body.platform,
        post_type=body.post_type,
        text=body.text,
        sponsored=body.sponsored,
        media_ids=body.media_ids,
    )


@router.post(
    "/compose/rewrite",
    summary="Optional AI rewrite (OpenAI-compatible endpoint; off by default)",
)
def ai_rewrite(
    body: RewriteIn,
    state: StateDep,
    _: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> dict[str, str]:
    text = rewrite.rewrite(
        state.settings,
        text=body.text,
        platform=body.platform,
        tone=body.tone,
        instruction=body.instruction,
    )
    return {"text": text}


@router.get(
    "/compose/suggestions",
    summary="Hashtags ranked by this workspace's history, readability, tone",
)
def suggestions(
    session: SessionDep,
    text: Annotated[str, Query(max_length=10_000)] = "",
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> dict[str, Any]:
    return checks.suggestions(session, workspace_id=member.workspace.id, text=text)


@router.get("/briefs", summary="Posts (briefs) with filters")
def list_(
    session: SessionDep,
    status: BriefStatus | None = None,
    campaign: str | None = None,
    q: str | None = None,
    sort: str = "updated_at",
    order: str = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> BriefPage:
    if sort not in BRIEF_SORTS:
        raise InvalidInput(
            f"sort must be one of {', '.join(BRIEF_SORTS)}.", field="sort"
        )
    query = BriefQuery(
        statuses=[status] if status else [],
        campaign_key=campaign,
        search=q,
        sort=sort,
        descending=order != "asc",
        limit=limit,
        offset=offset,
    )
    rows, total = list_briefs(session, member.workspace.id, query)
    return BriefPage(rows, total, limit, offset)


@router.post(
    "/briefs", status_code=201, summary="Create a post and tailor its variants"
)
def create(
    body: BriefIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> BriefDetail:
    brief = actions.create_brief(
        session,
        actor=member,
        data=body.to_input(),
        base_url=state.settings.base_url,
        clock=state.clock,
    )
    return actions.brief_detail(session, member.workspace.id, brief.id)


@router.get(
    "/briefs/{brief_id}", summary="A post with its variants, problems and comments"
)
def get(
    brief_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.REVIEW)),
) -> BriefDetail:
    return actions.visible_detail(session, member, brief_id)


@router.put(
    "/briefs/{brief_id}",
    summary="Change a post; variants not edited by hand are tailored again",
)
def put(
    brief_id: str,
    body: BriefIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> BriefDetail:
    actions.update_brief(
        session,
        actor=member,
        brief_id=brief_id,
        data=body.to_input(),
        base_url=state.settings.base_url,
        clock=state.clock,
    )
    return actions.brief_detail(session, member.workspace.id, brief_id)


@router.post(
    "/briefs/{brief_id}/status",
    summary="Send for review, approve, request changes, schedule, reopen",
)
def status(
    brief_id: str,
    body: StatusIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.REVIEW)),
) -> Brief:
    detail = actions.visible_detail(session, member, brief_id)
    blocking = sum(1 for v in detail.variants for p in v.problems if p.blocking)
    return workflow.transition(
        session,
        actor=member,
        brief_id=brief_id,
        to=body.to,
        note=body.note,
        blocking_problems=blocking,
        base_url=state.settings.base_url,
        clock=state.clock,
    )


@router.post(
    "/briefs/{brief_id}/comments", status_code=201, summary="Comment on a post"
)
def comment(
    brief_id: str,
    body: CommentIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.REVIEW)),
) -> Comment:
    actions.visible_detail(session, member, brief_id)
    return workflow.add_comment(
        session,
        actor=member,
        brief_id=brief_id,
        body=body.body,
        base_url=state.settings.base_url,
        clock=state.clock,
    )


@router.patch(
    "/variants/{variant_id}", summary="Edit one variant by hand, or move it in time"
)
def patch_variant(
    variant_id: str,
    body: VariantIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Variant:
    variant: Variant | None = None
    if body.parts is not None or body.first_comment is not None:
        current = checks.variant(session, member.workspace.id, variant_id)
        variant = actions.edit_variant(
            session,
            actor=member,
            variant_id=variant_id,
            parts=body.parts if body.parts is not None else current.parts,
            first_comment=body.first_comment
            if body.first_comment is not None
            else current.first_comment,
            clock=state.clock,
        )
    if "scheduled_at" in body.model_fields_set:
        variant = actions.reschedule_variant(
            session,
            actor=member,
            variant_id=variant_id,
            when=body.scheduled_at,
            clock=state.clock,
        )
    return variant or checks.variant(session, member.workspace.id, variant_id)


@router.post(
    "/variants/{variant_id}/retailor",
    summary="Discard hand edits and tailor again from the brief",
)
def retailor(
    variant_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Variant:
    return actions.retailor_variant(
        session,
        actor=member,
        variant_id=variant_id,
        base_url=state.settings.base_url,
        clock=state.clock,
    )
