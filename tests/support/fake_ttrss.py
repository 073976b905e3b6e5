"""A scripted stand-in for a misbehaving tt-rss (127.0.0.1 only).

The real tt-rss (tests/support/ttrss.py) behaves; this one answers each API
``op`` with whatever a test scripts, so the client can be shown a hostile or
broken server: escape sequences in titles, a reply that is not JSON, a
reply too large, one that never comes. Ops not scripted answer like
tt-rss's level-15 API (``login`` succeeds, anything else is an empty list).
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = bytes | dict[str, Any] | list[Any] | Callable[[dict[str, Any]], Any]


@dataclass(slots=True)
class Script:
    """How to answer one op: a body (raw bytes or JSON ``content``), after ``delay`` s."""

    answer: Answer
    delay: float = 0.0
    status: int | Callable[[dict[str, Any]], int] = 200
    """The HTTP status, or a function of the request body that gives it."""
    error: bool = False
    """Send ``status: 1`` (an API error) with ``answer`` as content."""


@dataclass
class FakeTtrss:
    """``with FakeTtrss() as fake: fake.script["getFeeds"] = Script([...])``."""

    script: dict[str, Script] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._http = _QuietServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.fake = self  # type: ignore[attr-defined]
        # A short poll interval: shutdown() waits for the loop to notice.
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL a client is given (``api/`` is appended by the client)."""
        return f"http://127.0.0.1:{self._http.server_address[1]}/"

    def ops(self) -> list[str]:
        """The ops called so far, in order."""
        return [str(call.get("op")) for call in self.calls]

    def __enter__(self) -> FakeTtrss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()  # releases delayed handlers
        self._http.shutdown()
        self._http.server_close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (a refused huge reply, a timeout) resets the
        # connection; that is the test working, not a server error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle and
        # delayed ACKs add 40 ms to every POST reply.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        fake: FakeTtrss = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        fake.calls.append(body)
        op = str(body.get("op"))
        script = fake.script.get(op)
        if script is None:
            default: Any = {"session_id": "fake-sid", "api_level": 15} if op == "login" else []
            script = Script(default)
        if script.delay and fake.closing.wait(script.delay):
            return
        answer = script.answer(body) if callable(script.answer) else script.answer
        if isinstance(answer, bytes):
            data = answer
        else:
            status = 1 if script.error else 0
            data = json.dumps({"seq": 0, "status": status, "content": answer}).encode()
        self.send_response(script.status(body) if callable(script.status) else script.status)
        self.send_header("Content-Type", "text/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        # The client may have given up already (a timeout test).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)


def headline(article_id: object, **fields: Any) -> dict[str, Any]:
    """A getHeadlines row shaped like tt-rss 21's, with ``fields`` overriding."""
    row: dict[str, Any] = {
        "id": article_id,
        "guid": '{"ver":2,"uid":1,"hash":"SHA1:00"}',
        "unread": True,
        "marked": False,
        "published": False,
        "updated": int(time.time()),
        "is_updated": False,
        "title": f"Article {article_id}",
        "link": f"http://site.test/{article_id}",
        "feed_id": 1,
        "tags": [""],
        "content": "<p>text</p>",
        "labels": [],
        "feed_title": "Site",
        "author": "",
    }
    row.update(fields)
    return row
