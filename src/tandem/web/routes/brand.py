"""Brand kit: the settings page, its "try it" box, and the REST API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tandem.accounts import Member, Permission, allows
from tandem.brand import (
    BannedPhrase,
    BrandKit,
    DisclosurePosition,
    EmojiPolicy,
    HashtagGroup,
    RequiredPhrase,
    UtmDefaults,
    actions,
    check,
    get_brand_kit,
    notation,
)
from tandem.core import InvalidInput, Problem, Severity, TandemError
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import TEMPLATES, html, page, wants_json

router = APIRouter()
MAX_TEXT = 100_000  # a long landing page; far beyond any post
_DEFAULTS = BrandKit()


class _Strict(BaseModel):
    # PUT replaces the whole kit: a misspelt field must fail, not silently empty a list.
    model_config = ConfigDict(extra="forbid")


class BannedIn(_Strict):
    phrase: str
    replacement: str = ""
    reason: str = ""
    platforms: list[str] = Field(
        default_factory=list, description="Empty: everywhere. E.g. linkedin, x."
    )


class RequiredIn(_Strict):
    phrases: list[str] = Field(description="Any one of these satisfies the rule.")
    reason: str = ""
    platforms: list[str] = Field(default_factory=list)


class HashtagGroupIn(_Strict):
    name: str
    hashtags: list[str]


class UtmIn(_Strict):
    source: str = ""
    medium: str = ""
    campaign_prefix: str = ""


class BrandKitIn(_Strict):
    """The whole kit; omitted fields take their defaults."""

    banned: list[BannedIn] = Field(default_factory=list)
    required: list[RequiredIn] = Field(default_factory=list)
    disclosures: list[str] = Field(default_factory=lambda: list(_DEFAULTS.disclosures))
    disclosure_position: DisclosurePosition = _DEFAULTS.disclosure_position
    disclosure_within: int = _DEFAULTS.disclosure_within
    brand_names: list[str] = Field(default_factory=list)
    names_skip_handles: bool = _DEFAULTS.names_skip_handles
    emoji: EmojiPolicy = _DEFAULTS.emoji
    max_emoji: int = _DEFAULTS.max_emoji
    max_exclamations: int | None = None
    no_double_exclamation: bool = False
    hashtag_groups: list[HashtagGroupIn] = Field(default_factory=list)
    utm: UtmIn = Field(default_factory=UtmIn)

    def to_kit(self) -> BrandKit:
        return BrandKit(
            banned=tuple(
                BannedPhrase(b.phrase, b.replacement, b.reason, tuple(b.platforms))
                for b in self.banned
            ),
            required=tuple(
                RequiredPhrase(tuple(r.phrases), r.reason, tuple(r.platforms))
                for r in self.required
            ),
            disclosures=tuple(self.disclosures),
            disclosure_position=self.disclosure_position,
            disclosure_within=self.disclosure_within,
            brand_names=tuple(self.brand_names),
            names_skip_handles=self.names_skip_handles,
            emoji=self.emoji,
            max_emoji=self.max_emoji,
            max_exclamations=self.max_exclamations,
            no_double_exclamation=self.no_double_exclamation,
            hashtag_groups=tuple(
                HashtagGroup(g.name, tuple(g.hashtags)) for g in self.hashtag_groups
            ),
            utm=UtmDefaults(self.utm.source, self.utm.medium, self.utm.campaign_prefix),
        )


class CheckIn(BaseModel):
    text: str = Field(max_length=MAX_TEXT)
    sponsored: bool = False
    platform: str | None = Field(
        None, max_length=32, description="Applies rules scoped to this platform."
    )


class ProblemOut(BaseModel):
    severity: Severity
    code: str
    message: str
    start: int | None = Field(description="Code-point offset, as Array.from(text).")
    end: int | None = Field(description="Exclusive.")
    blocking: bool


class CheckOut(BaseModel):
    problems: list[ProblemOut]
    blocking: bool


class KitFormIn(BaseModel):
    """The settings form as posted (see tandem.brand.notation)."""

    banned: str = ""
    required: str = ""
    disclosures: str = ""
    disclosure_position: str = _DEFAULTS.disclosure_position.value
    disclosure_within: str = ""
    brand_names: str = ""
    names_skip_handles: bool = False
    emoji: str = _DEFAULTS.emoji.value
    max_emoji: str = ""
    max_exclamations: str = ""
    no_double_exclamation: bool = False
    hashtag_groups: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign_prefix: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    problem: Problem | None


async def check_input(request: Request) -> CheckIn:
    """The "try it" box posts a form; the composer posts JSON. Both mean the same."""
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            raw: Any = await request.json()
        else:
            form = await request.form()
            raw = {k: v for k, v in form.items() if isinstance(v, str)}
        return CheckIn.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    except ValueError:
        raise InvalidInput('Send JSON like {"text": "..."}.', field="text") from None


def _report(problems: list[Problem]) -> CheckOut:
    return CheckOut(
        problems=[
            ProblemOut(
                severity=p.severity,
                code=p.code,
                message=p.message,
                start=p.start,
                end=p.end,
                blocking=p.blocking,
            )
            for p in problems
        ],
        blocking=any(p.blocking for p in problems),
    )


def _check(kit: BrandKit, body: CheckIn) -> list[Problem]:
    return check(
        body.text, kit, sponsored=body.sponsored, platform=body.platform or None
    )


def highlight(text: str, problems: list[Problem]) -> list[Segment]:
    """The text cut at every problem edge; each piece carries its most severe problem."""
    spans = [p for p in problems if p.start is not None and p.end is not None]
    cuts = sorted(
        {0, len(text), *(p.start or 0 for p in spans), *(p.end or 0 for p in spans)}
    )
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [p for p in spans if (p.start or 0) <= a and b <= (p.end or 0)]
        worst = min(covering, key=lambda p: rank[p.severity], default=None)
        segments.append(Segment(text[a:b], worst))
    return segments


def _settings(
    request: Request,
    member: Member,
    kit: BrandKit,
    *,
    form: notation.KitForm | None = None,
    errors: list[notation.LineError] | None = None,
    tried: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "kit": kit,
        "can_manage": allows(member.role, Permission.BRAND_MANAGE),
        "form": form or notation.form_from_kit(kit),
        "errors": errors or [],
        "tried": tried,
        "member": member,
        "title": "Brand kit",
    }
    return html(request, "brand/settings.html", context, status=status)


@router.get("/w/{ws}/settings/brand", include_in_schema=False)
def brand_settings(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    kit = get_brand_kit(session, member.workspace.id)
    if not wants_json(request):
        return _settings(request, member, kit)
    data = {"kit": kit, "can_manage": allows(member.role, Permission.BRAND_MANAGE)}
    return page(request, "brand/settings.html", data, member=member)


@router.post("/w/{ws}/settings/brand", include_in_schema=False)
def save_brand_settings(
    request: Request,
    session: SessionDep,
    state: StateDep,
    posted: Annotated[KitFormIn, Form()],
    member: Member = Depends(permit(Permission.BRAND_MANAGE)),
) -> Response:
    form = notation.KitForm(**posted.model_dump())
    try:
        with session.begin_nested():
            kit = notation.kit_from_form(form)
            actions.save_brand_kit(session, actor=member, kit=kit, clock=state.clock)
    except notation.NotationError as exc:
        current = get_brand_kit(session, member.workspace.id)
        return _settings(
            request, member, current, form=form, errors=exc.errors, status=422
        )
    except TandemError as exc:
        current = get_brand_kit(session, member.workspace.id)
        error = notation.LineError(exc.field or "", None, exc.message)
        return _settings(
            request, member, current, form=form, errors=[error], status=exc.status
        )
    url = f"/w/{member.workspace.slug}/settings/brand?notice=saved"
    return RedirectResponse(url, status_code=303)


@router.post("/w/{ws}/settings/brand/check", include_in_schema=False)
def try_brand_kit(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
    body: CheckIn = Depends(check_input),
) -> Response:
    kit = get_brand_kit(session, member.workspace.id)
    problems = _check(kit, body)
    if wants_json(request):
        return JSONResponse(jsonable_encoder(_report(problems)))
    segments = highlight(body.text, problems)
    tried = {"input": body, "problems": problems, "segments": segments}
    if request.headers.get("hx-request"):
        return TEMPLATES.TemplateResponse(
            request, "brand/_check.html", {"tried": tried}
        )
    return _settings(request, member, kit, tried=tried)


@router.get(
    "/api/v1/workspaces/{ws}/brand-kit", tags=["brand kit"], summary="The brand kit"
)
def api_brand_kit(
    session: SessionDep, member: Member = Depends(permit(Permission.CONTENT_VIEW))
) -> BrandKit:
    return get_brand_kit(session, member.workspace.id)


@router.put(
    "/api/v1/workspaces/{ws}/brand-kit",
    tags=["brand kit"],
    summary="Replace the brand kit (omitted fields take their defaults)",
)
def api_replace_brand_kit(
    body: BrandKitIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.BRAND_MANAGE)),
) -> BrandKit:
    return actions.save_brand_kit(
        session, actor=member, kit=body.to_kit(), clock=state.clock
    )


@router.post(
    "/api/v1/workspaces/{ws}/brand-kit/check",
    tags=["brand kit"],
    summary="Check a text against the brand kit",
)
def api_check(
    body: CheckIn,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> CheckOut:
    return _report(_check(get_brand_kit(session, member.workspace.id), body))
