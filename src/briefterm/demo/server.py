"""The demo's loopback HTTP server: the bundled sample feeds, with dates made fresh.

Static files cannot carry dates "relative to now", so the feed files in
``feeds/`` hold placeholders that the server fills in when it serves them:

* ``{{ago:2h30m}}`` becomes an RFC 822 date (RSS ``pubDate``) that long before
  the server started; ``{{ago-iso:2h30m}}`` the same as RFC 3339 (Atom).
* A block between ``<!--{{later}}-->`` and ``<!--{{/later}}-->`` is left out
  of the first response for a feed and included afterwards, so pressing
  ``r`` (poll now) in the demo finds a late-breaking story.

Dates are computed from one anchor time, fixed when the server starts, so
repeated fetches return identical bytes and conditional GETs get 304s.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType

FEED_SUFFIXES = {".xml": "application/rss+xml", ".atom": "application/atom+xml"}
"""Files served as feeds, with their Content-Type (no charset: the XML declaration decides)."""

_AGO = re.compile(rb"\{\{ago(-iso)?:(?:(\d+)h)?(?:(\d+)m)?\}\}")
_LATER = re.compile(rb"<!--\{\{later\}\}-->.*?<!--\{\{/later\}\}-->\n?", re.DOTALL)
_LATER_MARKS = re.compile(rb"<!--\{\{/?later\}\}-->\n?")
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

_HOST = "127.0.0.1"  # loopback only: the demo never listens beyond this machine


def demo_files() -> Traversable:
    """The packaged ``demo/feeds`` directory."""
    return resources.files("briefterm.demo").joinpath("feeds")


def feed_files() -> dict[str, bytes]:
    """File name → raw bytes of every bundled sample feed."""
    out = {}
    for item in sorted(demo_files().iterdir(), key=lambda t: t.name):
        if Path(item.name).suffix in FEED_SUFFIXES:
            out[item.name] = item.read_bytes()
    return out


def _declared_encoding(data: bytes) -> str:
    """The encoding named in the XML declaration, else UTF-8."""
    match = _XML_ENCODING.match(data[:200])
    return match.group(1).decode("ascii") if match else "utf-8"


def render_feed(data: bytes, *, anchor: float, include_later: bool = True) -> bytes:
    """Fill the date placeholders of a sample feed relative to ``anchor`` (POSIX seconds).

    The text is decoded with the encoding its XML declaration names and
    encoded back with it, so a GB18030 feed stays GB18030 (a byte-level
    substitution could match inside a multi-byte character).
    """
    encoding = _declared_encoding(data)
    text = data.decode(encoding).encode("utf-8")
    base = datetime.fromtimestamp(anchor, UTC).replace(microsecond=0)

    def date(match: re.Match[bytes]) -> bytes:
        hours, minutes = int(match.group(2) or 0), int(match.group(3) or 0)
        when = base - timedelta(hours=hours, minutes=minutes)
        if match.group(1):
            return when.isoformat().replace("+00:00", "Z").encode("ascii")
        return format_datetime(when, usegmt=True).encode("ascii")

    text = _AGO.sub(date, text)
    text = _LATER_MARKS.sub(b"", text) if include_later else _LATER.sub(b"", text)
    return text.decode("utf-8").encode(encoding)


def _index_page(names: Sequence[str]) -> bytes:
    """An HTML page that links every feed (so feed discovery works on the server root)."""
    links = "\n".join(
        f'<link rel="alternate" type="{FEED_SUFFIXES[Path(n).suffix]}" href="/feeds/{escape(n)}">'
        for n in names
    )
    items = "\n".join(f'<li><a href="/feeds/{escape(n)}">{escape(n)}</a></li>' for n in names)
    page = (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>briefterm demo feeds</title>\n'
        f"{links}\n</head><body><h1>briefterm demo feeds</h1><ul>\n{items}\n</ul></body></html>\n"
    )
    return page.encode("utf-8")


class DemoServer:
    """A loopback HTTP server for the sample feeds, on an ephemeral port.

    Serves ``/feeds/NAME`` with dates filled in, ETag/Last-Modified and
    304 answers to conditional requests, and ``/`` as an HTML page linking
    the feeds. Runs in a daemon thread; use as a context manager or call
    :meth:`close`.
    """

    def __init__(self, anchor: float | None = None) -> None:
        self.anchor = datetime.now(UTC).timestamp() if anchor is None else anchor
        self.files = feed_files()
        self.requests: dict[str, int] = {}
        """Requests answered so far, by path (the first decides the ``later`` blocks)."""
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((_HOST, 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="briefterm-demo-server", daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{_HOST}:{self._httpd.server_port}"

    def feed_url(self, name: str) -> str:
        """The URL of one sample feed file."""
        return f"{self.base_url}/feeds/{name}"

    def close(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _count(self, path: str) -> int:
        """Record a request for ``path``; returns how many came before it."""
        with self._lock:
            seen = self.requests.get(path, 0)
            self.requests[path] = seen + 1
            return seen

    def respond(self, path: str, if_none_match: str | None) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of ``path`` (the handler's logic, testable)."""
        if path in ("/", "/index.html"):
            body = _index_page(list(self.files))
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body
        name = path.removeprefix("/feeds/")
        if not path.startswith("/feeds/") or name not in self.files:
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found\n"
        earlier = self._count(path)
        body = render_feed(self.files[name], anchor=self.anchor, include_later=earlier > 0)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": FEED_SUFFIXES[Path(name).suffix],
            "ETag": etag,
            "Last-Modified": format_datetime(datetime.fromtimestamp(self.anchor, UTC), usegmt=True),
            "Cache-Control": "no-cache",
        }
        if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
            return 304, headers, b""
        return 200, headers, body

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, send_body: bool) -> None:
                path = self.path.split("?", 1)[0]
                status, headers, body = server.respond(path, self.headers.get("If-None-Match"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body and status != 304:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(send_body=True)

            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def log_message(self, format: str, *args: object) -> None:
                # The app owns the terminal; request logs would scribble over it.
                pass

        return Handler
