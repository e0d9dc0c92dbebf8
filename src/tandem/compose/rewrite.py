"""Optional AI rewrite through any OpenAI-compatible chat completions endpoint.

Off unless TANDEM_AI_BASE_URL is set. Tandem is complete without it; the result is only ever a
suggestion the person edits and checks like any other text (counters and brand kit apply).
"""

from __future__ import annotations

from typing import Any

import httpx

from tandem.compose import rules
from tandem.core import InvalidInput, TandemError
from tandem.core.http import http_client
from tandem.settings import Settings

MAX_INSTRUCTION = 500


class RewriteUnavailable(TandemError):
    status = 503
    title = "AI rewrite unavailable"


def enabled(settings: Settings) -> bool:
    return bool(settings.ai_base_url)


def _messages(
    text: str, platform: str, tone: str, instruction: str
) -> list[dict[str, str]]:
    r = rules.rules_for(platform)
    system = (
        "You rewrite social media posts for a brand. Keep facts, links, @mentions and hashtags "
        f"exactly as given. Write for {r.label}: at most {r.text_limit} characters "
        f"({r.unit_description}). Tone: {tone}. Answer with the post text only."
    )
    user = text if not instruction else f"{instruction.strip()}\n\n---\n{text}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def rewrite(
    settings: Settings,
    *,
    text: str,
    platform: str,
    tone: str = "neutral",
    instruction: str = "",
    client: httpx.Client | None = None,
) -> str:
    if not enabled(settings):
        raise RewriteUnavailable(
            "AI rewrite is off on this server: an admin can set TANDEM_AI_BASE_URL."
        )
    if not text.strip():
        raise InvalidInput("Write something to rewrite first.", field="text")
    if len(instruction) > MAX_INSTRUCTION:
        raise InvalidInput(
            f"Keep the instruction under {MAX_INSTRUCTION} characters.",
            field="instruction",
        )
    body: dict[str, Any] = {
        "model": settings.ai_model,
        "messages": _messages(text, platform, tone, instruction),
        "temperature": 0.7,
    }
    key = settings.ai_api_key.get_secret_value() if settings.ai_api_key else ""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    # The endpoint is the operator's choice (often a local model), so private addresses are allowed.
    own = client is None
    http = client or http_client(
        allow_private=True, timeout=httpx.Timeout(60.0, connect=5.0)
    )
    try:
        response = http.post(
            (settings.ai_base_url or "").rstrip("/") + "/chat/completions",
            json=body,
            headers=headers,
        )
    except httpx.HTTPError as exc:
        raise RewriteUnavailable(
            f"The AI endpoint did not answer ({type(exc).__name__}); try again later."
        ) from exc
    finally:
        if own:
            http.close()
    if response.status_code != 200:
        raise RewriteUnavailable(
            f"The AI endpoint answered {response.status_code}: {response.text[:200]}"
        )
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise RewriteUnavailable(
            "The AI endpoint answered something that is not a chat completion."
        ) from exc
    return str(content).strip()
