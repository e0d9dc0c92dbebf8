"""Replay recorded platform responses through `httpx.MockTransport`.

Real platform APIs cannot be reached from the build machines, so connector tests queue
recordings (JSON files in `tests/connectors/<platform>/recordings/`, shaped exactly like the
platform's documented answers) and then assert both the mapping and the requests Tandem sent.

A recording file:

    {
      "source": "https://docs.example.com/the-page-it-was-taken-from",
      "request": {"method": "POST", "host": "api.example.com", "path": "/2/things/{id}"},
      "response": {"status": 201, "headers": {"x-rate-limit-reset": "1700000000"},
                   "json": {...}}            # or "text": "...", or neither for an empty body
    }

`{name}` in a path matches one path segment. `host` is optional. Instead of a response, a
recording (or `Replay.fail`) may raise a transport error: `"raise": "ReadTimeout"` (any
`httpx` exception name), to test "the request left, no answer came".

Each queued exchange answers exactly one request; requests are matched in queue order against
the first pending exchange with the same method, host and path, so a connector that calls the
wrong endpoint fails loudly. `Replay.assert_done()` checks nothing queued was left unused.
"""

from __future__ import annotations

import copy
import json
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


@dataclass
class Exchange:
    method: str
    path: str
    host: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # JSON-able value, or None for an empty body
    text: str | None = None
    raises: str = ""
    name: str = ""

    def matches(self, request: httpx.Request) -> bool:
        if request.method != self.method:
            return False
        if self.host and request.url.host != self.host:
            return False
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path))
        return re.fullmatch(pattern, request.url.path) is not None

    def respond(self, request: httpx.Request) -> httpx.Response:
        if self.raises:
            error = getattr(httpx, self.raises)
            raise error(f"replayed {self.raises}", request=request)
        if self.text is not None:
            return httpx.Response(
                self.status, headers=self.headers, text=self.text, request=request
            )
        if self.body is None:
            return httpx.Response(self.status, headers=self.headers, request=request)
        return httpx.Response(
            self.status, headers=self.headers, json=self.body, request=request
        )


class Replay:
    """A queue of recorded exchanges served by a `MockTransport`; records every request."""

    def __init__(self, recordings: Path) -> None:
        self.recordings = recordings
        self.pending: list[Exchange] = []
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def load(self, name: str) -> dict[str, Any]:
        """The recording `name` (file name without `.json`) as a fresh dict."""
        path = self.recordings / f"{name}.json"
        return copy.deepcopy(json.loads(path.read_text(encoding="utf-8")))

    def expect(
        self,
        name: str,
        *,
        path: str | None = None,
        status: int | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        raises: str | None = None,
    ) -> Exchange:
        """Queue the recording `name`; keyword arguments override parts of it (a thread's
        second part answers with another id, a request goes to a concrete path...)."""
        recorded = self.load(name)
        request, response = recorded["request"], recorded.get("response", {})
        exchange = Exchange(
            method=request["method"],
            path=path or request["path"],
            host=request.get("host", ""),
            status=status or response.get("status", 200),
            headers={**response.get("headers", {}), **(headers or {})},
            body=json_body if json_body is not None else response.get("json"),
            text=response.get("text"),
            raises=raises or recorded.get("raise", ""),
            name=name,
        )
        self.pending.append(exchange)
        return exchange

    def fail(self, method: str, path: str, error: str, *, host: str = "") -> Exchange:
        """Queue a transport failure (`error` is an httpx exception name) for one request."""
        exchange = Exchange(method, path, host=host, raises=error, name=error)
        self.pending.append(exchange)
        return exchange

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        for index, exchange in enumerate(self.pending):
            if exchange.matches(request):
                del self.pending[index]
                return exchange.respond(request)
        waiting = ", ".join(f"{e.method} {e.path} ({e.name})" for e in self.pending)
        raise AssertionError(
            f"Unexpected request {request.method} {request.url}; queued: {waiting or 'none'}"
        )

    def assert_done(self) -> None:
        left = [f"{e.method} {e.path} ({e.name})" for e in self.pending]
        assert not left, f"Queued exchanges never requested: {left}"

    def sent(self, method: str, path_prefix: str = "") -> list[httpx.Request]:
        """The requests sent with `method` whose path starts with `path_prefix`."""
        return [
            r
            for r in self.requests
            if r.method == method and r.url.path.startswith(path_prefix)
        ]


def fake_dns(monkeypatch: Any, addresses: dict[str, str]) -> None:
    """Answer DNS for the platform hosts with their public addresses, so Tandem's
    private-address guard runs as in production without a network (a sandbox's resolver can
    take seconds to fail). Other names still go to the real resolver."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in addresses:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (addresses[host], 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def json_of(request: httpx.Request) -> Any:
    """The JSON body Tandem sent."""
    return json.loads(request.content)


def form_of(request: httpx.Request) -> dict[str, str]:
    """The form-encoded body Tandem sent (single values)."""
    return dict(httpx.QueryParams(request.content.decode()))
