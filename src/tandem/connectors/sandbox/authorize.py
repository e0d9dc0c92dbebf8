"""The Sandbox's OAuth 2 endpoints, shaped like a real platform's:

- `GET /oauth/authorize` (response_type=code, client_id, redirect_uri, state, scope,
  code_challenge, code_challenge_method=S256): a page where the user types the handle to
  act as and presses Authorize (or Deny);
- `POST /oauth/authorize`: the decision; redirects to redirect_uri with `code` and `state`,
  or `error=access_denied` and `error_description`;
- `POST /oauth/token` (form): grant_type=authorization_code (code, redirect_uri, client_id,
  code_verifier) or grant_type=refresh_token (refresh_token, client_id); answers
  `{access_token, token_type, expires_in, refresh_token, scope}` or RFC 6749 errors;
- `GET /api/v1/me`: who the bearer token acts as.

Any client_id is accepted (the Sandbox has no app registry), PKCE S256 is required.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tandem.connectors.sandbox.grants import GrantError, Grants, Issued

HANDLE = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
_REQUIRED = ("client_id", "redirect_uri", "state", "code_challenge")


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Sandbox: authorize an app</title></head><body>"
        f"<main><h1>Sandbox</h1>{body}</main></body></html>",
        status_code=status,
    )


def _problem(params: dict[str, str]) -> str | None:
    missing = [name for name in _REQUIRED if not params.get(name)]
    if missing:
        return f"Missing parameter(s): {', '.join(missing)}."
    if params.get("response_type", "code") != "code":
        return "Only response_type=code is supported."
    if params.get("code_challenge_method") != "S256":
        return "PKCE is required: code_challenge_method must be S256."
    if urlsplit(params["redirect_uri"]).scheme not in ("http", "https"):
        return "redirect_uri must be an http(s) URL."
    return None


def _redirect(redirect_uri: str, values: dict[str, str]) -> Response:
    joiner = "&" if urlsplit(redirect_uri).query else "?"
    return RedirectResponse(redirect_uri + joiner + urlencode(values), status_code=303)


def _token_json(issued: Issued) -> dict[str, object]:
    return {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "refresh_token": issued.refresh_token,
        "scope": issued.scope,
    }


class OAuthRoutes:
    def __init__(self, grants: Grants) -> None:
        self.grants = grants

    async def authorize_page(self, request: Request) -> Response:
        params = dict(request.query_params)
        problem = _problem(params)
        if problem:
            return _page(f"<p role='alert'>{escape(problem)}</p>", 400)
        hidden = "".join(
            f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>"
            for k, v in params.items()
        )
        client = escape(params["client_id"])
        scope = escape(params.get("scope", "") or "read write")
        return _page(
            f"<p>The app <strong>{client}</strong> asks to post and read as you "
            f"(scope: {scope}).</p>"
            "<form method='post' action='/oauth/authorize'>"
            f"{hidden}<label for='handle'>Your Sandbox handle</label> "
            "<input id='handle' name='handle' required pattern='[A-Za-z0-9_.\\-]{1,60}'> "
            "<button type='submit' name='decision' value='allow'>Authorize</button> "
            "<button type='submit' name='decision' value='deny' formnovalidate>Deny</button>"
            "</form>"
        )

    async def authorize_decide(self, request: Request) -> Response:
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        problem = _problem(params)
        if problem:
            return _page(f"<p role='alert'>{escape(problem)}</p>", 400)
        state, redirect_uri = params["state"], params["redirect_uri"]
        if params.get("decision") != "allow":
            return _redirect(
                redirect_uri,
                {
                    "error": "access_denied",
                    "error_description": "The user denied the app access to the account.",
                    "state": state,
                },
            )
        handle = params.get("handle", "").strip().removeprefix("@")
        if not HANDLE.match(handle):
            return _page(
                "<p role='alert'>Enter a handle (letters, digits, _ . -).</p>", 422
            )
        code = await run_in_threadpool(
            lambda: self.grants.issue_code(
                handle=handle,
                client_id=params["client_id"],
                redirect_uri=redirect_uri,
                challenge=params["code_challenge"],
                scope=params.get("scope", "") or "read write",
            )
        )
        return _redirect(redirect_uri, {"code": code, "state": state})

    async def token(self, request: Request) -> Response:
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        grant = params.get("grant_type", "")
        try:
            if grant == "authorization_code":
                issued = await run_in_threadpool(
                    lambda: self.grants.exchange(
                        code=params.get("code", ""),
                        client_id=params.get("client_id", ""),
                        redirect_uri=params.get("redirect_uri", ""),
                        verifier=params.get("code_verifier", ""),
                    )
                )
            elif grant == "refresh_token":
                issued = await run_in_threadpool(
                    lambda: self.grants.refresh(
                        refresh_token=params.get("refresh_token", ""),
                        client_id=params.get("client_id", ""),
                    )
                )
            else:
                raise GrantError(
                    "unsupported_grant_type",
                    "grant_type must be authorization_code or refresh_token.",
                )
        except GrantError as exc:
            return JSONResponse(
                {"error": exc.code, "error_description": exc.description},
                status_code=exc.status,
                headers={"Cache-Control": "no-store"},
            )
        return JSONResponse(_token_json(issued), headers={"Cache-Control": "no-store"})

    async def set_oauth(self, request: Request) -> Response:
        """Control API: {"access_seconds": N} and/or {"expire_access": handle} /
        {"revoke": handle}, for tests of refresh and reconnect."""
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": "The body must be a JSON object."}, 400)
        done: dict[str, object] = {}
        seconds = body.get("access_seconds")
        if seconds is not None:
            if not isinstance(seconds, int) or seconds < 1:
                return JSONResponse({"error": "access_seconds must be >= 1."}, 422)
            await run_in_threadpool(self.grants.set_access_seconds, seconds)
            done["access_seconds"] = seconds
        for key, action in (
            ("expire_access", self.grants.expire_access),
            ("revoke", self.grants.revoke_all),
        ):
            handle = body.get(key)
            if isinstance(handle, str) and handle:
                done[key] = await run_in_threadpool(action, handle)
        return JSONResponse(done)
