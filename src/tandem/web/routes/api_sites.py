"""REST API: the workspace's tracked sites (key, allowed domains, privacy mode, snippet)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from tandem import measure
from tandem.accounts import Member, Permission
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["measure"])
View = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manage = Annotated[Member, Depends(permit(Permission.MEASURE_MANAGE))]


class SiteBody(BaseModel):
    name: str = Field(max_length=100)
    domains: list[str] = Field(
        max_length=20,
        description="Hosts the pages are served from; each also allows its subdomains.",
    )
    privacy: measure.PrivacyMode = Field(
        measure.PrivacyMode.COOKIELESS,
        description="cookieless (daily hash, nothing stored on the device) or consent.",
    )


@dataclass(frozen=True)
class SiteOut:
    site: measure.Site
    snippet: str  # the <script> tag to paste into every page


def _out(site: measure.Site, base_url: str) -> SiteOut:
    tag = f'<script defer src="{base_url}/t.js" data-site="{site.key}"></script>'
    return SiteOut(site, tag)


@router.get("/sites", summary="List tracked sites with their snippets")
def list_sites(member: View, session: SessionDep, state: StateDep) -> list[SiteOut]:
    sites = measure.store.sites_of(session, member.workspace.id)
    return [_out(s, state.settings.base_url) for s in sites]


@router.post("/sites", summary="Add a tracked site", status_code=201)
def create_site(
    body: SiteBody, member: Manage, session: SessionDep, state: StateDep
) -> SiteOut:
    site = measure.create_site(
        session,
        workspace_id=member.workspace.id,
        name=body.name,
        domains=body.domains,
        privacy=body.privacy,
        clock=state.clock,
    )
    return _out(site, state.settings.base_url)
