"""The optional AI rewrite against a real HTTP server on 127.0.0.1 speaking the chat completions API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tandem.accounts import Role
from tandem.web import create_app
from tests.support.world import PERSONAS
from tests.web.conftest import TestClient, csrf_of, make_settings, sign_in


class FakeCompletions(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeCompletions.seen.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        reply = {
            "choices": [
                {
                    "message": {
                        "role": "assistant",
                        "content": "  Three new colours. Same cold drinks.  ",
                    }
                }
            ]
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def ai_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCompletions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeCompletions.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def _client(db, world, tmp_path, **settings):
    app = create_app(
        make_settings(tmp_path, **settings), database=db, clock=world.clock
    )
    return sign_in(
        TestClient(app, base_url="http://tandem.test"), PERSONAS[Role.SOCIAL_MANAGER]
    )


def test_the_rewrite_calls_the_configured_endpoint_with_the_platform_limit(
    db, world, tmp_path, ai_server
):
    c = _client(
        db,
        world,
        tmp_path,
        ai_base_url=ai_server,
        ai_api_key="sk-test",
        ai_model="local-model",
    )
    page = c.get(f"/w/{world.acme.slug}/create/new").text
    assert "Rewrite with AI" in page
    response = c.post(
        f"/api/v1/workspaces/{world.acme.slug}/compose/rewrite",
        headers={"x-csrf-token": csrf_of(page)},
        json={
            "text": "Our bottle is back in new colours!",
            "platform": "x",
            "tone": "playful",
        },
    )
    assert response.status_code == 200 and response.json() == {
        "text": "Three new colours. Same cold drinks."
    }
    (call,) = FakeCompletions.seen
    assert call["path"] == "/v1/chat/completions" and call["auth"] == "Bearer sk-test"
    assert call["body"]["model"] == "local-model"
    assert "at most 280" in call["body"]["messages"][0]["content"]


def test_without_an_endpoint_the_feature_is_hidden_and_the_api_says_why(
    db, world, tmp_path
):
    c = _client(db, world, tmp_path)
    page = c.get(f"/w/{world.acme.slug}/create/new").text
    assert "Rewrite with AI" not in page
    response = c.post(
        f"/api/v1/workspaces/{world.acme.slug}/compose/rewrite",
        headers={"x-csrf-token": csrf_of(page)},
        json={"text": "hello"},
    )
    assert (
        response.status_code == 503
        and "TANDEM_AI_BASE_URL" in response.json()["detail"]
    )


def test_an_endpoint_that_is_down_gives_a_clear_error_not_a_500(db, world, tmp_path):
    c = _client(db, world, tmp_path, ai_base_url="http://127.0.0.1:9/v1")
    page = c.get(f"/w/{world.acme.slug}/create/new").text
    response = c.post(
        f"/api/v1/workspaces/{world.acme.slug}/compose/rewrite",
        headers={"x-csrf-token": csrf_of(page)},
        json={"text": "hello"},
    )
    assert response.status_code == 503 and "did not answer" in response.json()["detail"]
