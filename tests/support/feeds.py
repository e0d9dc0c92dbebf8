"""A real HTTP feed server on 127.0.0.1 for auto-posting tests: serves whatever body the test
sets, with an ETag, and answers 304 to a matching If-None-Match (as real feed servers do)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FeedServer:
    url: str = ""
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (to widen race windows)
    requests: list[dict[str, str]] = field(default_factory=list)
    not_modified: int = 0

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


def _handler(feed: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            feed.requests.append({k.lower(): v for k, v in self.headers.items()})
            if feed.delay:
                threading.Event().wait(feed.delay)
            if feed.status != 200:
                self.send_response(feed.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == feed.etag:
                feed.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", feed.etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", feed.content_type)
            self.send_header("Content-Length", str(len(feed.body)))
            self.send_header("ETag", feed.etag)
            self.send_header("Last-Modified", "Mon, 02 Nov 2026 08:00:00 GMT")
            self.end_headers()
            self.wfile.write(feed.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return  # keep test output clean

    return Handler


@contextmanager
def serve_feed(path: str = "/feed.xml") -> Iterator[FeedServer]:
    feed = FeedServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(feed))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    feed.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield feed
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def rss(*items: dict[str, str], title: str = "Acme blog") -> bytes:
    """An RSS 2.0 document; each item's keys become its elements (guid, title, link, ...)."""
    parts = []
    for item in items:
        fields = "".join(
            f"<category>{v}</category>"
            if k.startswith("category")
            else f"<{k}>{v}</{k}>"
            for k, v in item.items()
        )
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://blog.acme.test/</link>"
        f"{''.join(parts)}</channel></rss>"
    ).encode()


def atom(*entries: dict[str, str]) -> bytes:
    parts = []
    for e in entries:
        parts.append(
            "<entry>"
            f"<id>{e['id']}</id><title>{e['title']}</title>"
            f'<link href="{e["link"]}"/><updated>{e["updated"]}</updated>'
            f"<summary>{e.get('summary', '')}</summary>"
            "<author><name>Ada</name></author></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Acme</title>'
        "<id>urn:acme</id><updated>2026-11-02T09:00:00Z</updated>"
        f"{''.join(parts)}</feed>"
    ).encode()


def rdf(*items: dict[str, str]) -> bytes:
    """RSS 1.0 (RDF)."""
    parts = "".join(
        f'<item rdf:about="{i["link"]}"><title>{i["title"]}</title>'
        f"<link>{i['link']}</link><dc:date>{i['date']}</dc:date></item>"
        for i in items
    )
    return (
        '<?xml version="1.0"?><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://acme.test/"><title>Acme</title>'
        "<link>https://acme.test/</link><description>d</description></channel>"
        f"{parts}</rdf:RDF>"
    ).encode()
