"""REST API: watched RSS/Atom feeds (auto-posting)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.compose import autopost
from tandem.compose.autopost import DEFAULT_TEMPLATE, TEMPLATE_FIELDS, FeedInput
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.routes.autopost import poll_now

router = APIRouter(prefix="/api/v1/workspaces/{ws}/feeds", tags=["feeds"])


class FeedIn(BaseModel):
    url: str = Field(description="The RSS 2.0, RSS 1.0 (RDF) or Atom feed's address.")
    account_ids: list[str] = Field(
        description="Accounts that new entries are posted to."
    )
    name: str = Field("", description="Shown in Tandem; the feed's host when empty.")
    template: str = Field(
        DEFAULT_TEMPLATE,
        description="Post text; variables: "
        + ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
        + " ({hashtags} = the entry's categories as hashtags).",
    )
    mode: str = Field(
        "draft",
        description="draft: a draft for review; queue: approved, in each account's next "
        "free queue slot (falls back to a draft where an account has no slots).",
    )
    include_keywords: list[str] = Field(default_factory=list)
    exclude_keywords: list[str] = Field(default_factory=list)
    only_new: bool = Field(
        True, description="Only entries published after the feed was added."
    )
    campaign_key: str = Field("", description="utm_campaign of the tracked links.")
    interval_minutes: int = Field(30, description="How often to poll (5-1440).")
    active: bool = True

    def to_input(self) -> FeedInput:
        return FeedInput(
            url=self.url,
            account_ids=tuple(self.account_ids),
            name=self.name,
            template=self.template,
            mode=autopost.parse_mode(self.mode),
            include_keywords=tuple(self.include_keywords),
            exclude_keywords=tuple(self.exclude_keywords),
            only_new=self.only_new,
            campaign_key=self.campaign_key,
            interval_minutes=self.interval_minutes,
            active=self.active,
        )


@dataclass(frozen=True)
class FeedList:
    feeds: list[autopost.Feed]


@router.get("", summary="List the workspace's watched feeds")
def list_feeds(
    session: SessionDep, member: Member = Depends(permit(Permission.CONTENT_VIEW))
) -> FeedList:
    return FeedList(autopost.feeds_in(session, member.workspace.id))


@router.post("", status_code=201, summary="Watch a feed")
def create_feed(
    body: FeedIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> autopost.Feed:
    return autopost.add_feed(
        session, actor=member, data=body.to_input(), clock=state.clock
    )


@router.get("/{feed_id}", summary="A feed, its last error and the entries seen in it")
def get_feed(
    feed_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> autopost.FeedDetail:
    return autopost.feed_detail(session, member.workspace.id, feed_id)


@router.put("/{feed_id}", summary="Change a feed (the caller becomes who it posts as)")
def put_feed(
    feed_id: str,
    body: FeedIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> autopost.Feed:
    return autopost.update_feed(
        session, actor=member, feed_id=feed_id, data=body.to_input(), clock=state.clock
    )


@router.delete("/{feed_id}", status_code=204, summary="Stop watching a feed")
def delete_feed(
    feed_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    autopost.delete_feed(session, actor=member, feed_id=feed_id, clock=state.clock)
    return Response(status_code=204)


@router.post("/{feed_id}/poll", summary="Poll the feed now")
def poll(
    feed_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> autopost.PollResult:
    return poll_now(session, state, member.workspace.id, feed_id)
