"""``briefterm demo``: the reader on bundled sample feeds, offline, in a throwaway cache.

The sample feeds in ``demo_feeds/`` are served by a loopback HTTP server and
polled through the real poller into a temporary SQLite cache, then the app
opens. Nothing touches the user's own config or cache, and no outside
network is used.

Static files cannot carry dates "relative to now", so the feed files hold
placeholders that the server fills in when it serves them:

* ``{{ago:2h30m}}`` becomes an RFC 822 date (RSS ``pubDate``) that long before
  the server started; ``{{ago-iso:2h30m}}`` the same as RFC 3339 (Atom).
* A block between ``<!--{{later}}-->`` and ``<!--{{/later}}-->`` is left out
  of the first response for a feed and included afterwards, so pressing
  ``r`` (poll now) in the demo finds a late-breaking story.

Dates are computed from one anchor time, fixed when the server starts, so
repeated fetches return identical bytes and conditional GETs get 304s.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from briefterm.config_types import Config
from briefterm.errors import BrieftermError
from briefterm.store import EntryFilter, Store

if TYPE_CHECKING:
    from briefterm.poller import FeedResult

DEMO_CONFIG = "demo.toml"
"""The demo's config file inside ``demo_feeds/``; ``{server}`` marks the server address."""

FEED_SUFFIXES = {".xml": "application/rss+xml", ".atom": "application/atom+xml"}
"""Files served as feeds, with their Content-Type (no charset: the XML declaration decides)."""

_AGO = re.compile(rb"\{\{ago(-iso)?:(?:(\d+)h)?(?:(\d+)m)?\}\}")
_LATER = re.compile(rb"<!--\{\{later\}\}-->.*?<!--\{\{/later\}\}-->\n?", re.DOTALL)
_LATER_MARKS = re.compile(rb"<!--\{\{/?later\}\}-->\n?")
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

# Entries the demo marks so the reader shows some state: (link substring, read, starred).
_DEMO_FLAGS: tuple[tuple[str, bool, bool], ...] = (
    ("gadgetgazette.example.com/reviews/pomelo-slate-7", False, True),
    ("boardroommoves.example.com/podcast/episode-48", False, True),
    ("labnotes.example.org/notes/azores-deep-sea-species", True, True),
)
_READ_OLDER_THAN_HOURS = 30.0  # entries older than this start out read


def _demo_files() -> Traversable:
    """The packaged ``demo_feeds`` directory."""
    return resources.files("briefterm").joinpath("demo_feeds")


def feed_files() -> dict[str, bytes]:
    """File name → raw bytes of every bundled sample feed."""
    out = {}
    for item in sorted(_demo_files().iterdir(), key=lambda t: t.name):
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
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="briefterm-demo-server", daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

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


def demo_config_text(base_url: str) -> str:
    """The bundled ``demo.toml`` with ``{server}`` replaced by ``base_url``."""
    text = _demo_files().joinpath(DEMO_CONFIG).read_text(encoding="utf-8")
    return text.replace("{server}", base_url)


def _apply_demo_state(store: Store, now: float) -> None:
    """Mark a few entries read and starred so the demo shows what state looks like.

    Also makes every feed due at ``now``, so the app's "poll now" fetches again.
    """
    entries = store.list_entries(EntryFilter())
    read, starred = [], []
    for entry in entries:
        if now - entry.time > _READ_OLDER_THAN_HOURS * 3600:
            read.append(entry.id)
        for fragment, is_read, is_starred in _DEMO_FLAGS:
            if fragment in entry.link:
                if is_read:
                    read.append(entry.id)
                if is_starred:
                    starred.append(entry.id)
    store.set_read(read, True)
    store.set_starred(starred, True)
    # Make every feed due again, so that "r" (poll due feeds) in the demo really
    # polls: six feeds answer 304 and the wire brings its late-breaking story.
    for feed in store.feeds(with_counts=False):
        store.update_feed(feed.id, next_due=now)


def prepare_demo(
    directory: Path,
    *,
    progress: Callable[[FeedResult], None] | None = None,
    anchor: float | None = None,
) -> tuple[Config, Store, DemoServer]:
    """Serve the sample feeds, poll them into a cache in ``directory``, mark some state.

    Everything ``briefterm demo`` does except opening the app; for tests,
    screenshots and benchmarks. ``directory`` receives ``config.toml`` and
    ``cache.sqlite3``. The caller owns the returned store and server and must
    close both (the server keeps running so the app can poll again).
    Raises :class:`BrieftermError` when no sample feed could be polled.
    """
    from briefterm.config import load_config
    from briefterm.poller import poll

    directory = Path(directory)
    server = DemoServer(anchor)
    store: Store | None = None
    try:
        config_file = directory / "config.toml"
        config_file.write_text(demo_config_text(server.base_url), encoding="utf-8")
        config = load_config(config_file)
        store = Store(directory / "cache.sqlite3")
        report = poll(store, config, force=True, progress=progress)
        if report.ok == 0:
            reason = report.failed[0].error if report.failed else "no feeds were polled"
            raise BrieftermError(
                f"the demo could not load its sample feeds ({reason}); allow connections "
                "to 127.0.0.1 if they are blocked, otherwise please report this as a bug"
            )
        _apply_demo_state(store, server.anchor)
    except BaseException:
        if store is not None:
            store.close()
        server.close()
        raise
    return config, store, server


def _progress_printer(total: int) -> Callable[[FeedResult], None]:
    """A progress callback that prints one line per feed on stderr."""
    done = 0
    lock = threading.Lock()

    def report(result: FeedResult) -> None:
        nonlocal done
        with lock:
            done += 1
            detail = f"{result.new} new" if result.status == "ok" else (result.error or "")
            print(
                f"  [{done}/{total}] {result.status:<12} {result.name or result.url}  {detail}",
                file=sys.stderr,
                flush=True,
            )

    return report


def _summary(store: Store) -> str:
    """A short text summary of the demo cache (for ``--no-app``)."""
    feeds = store.feeds()
    lines = [f"{len(feeds)} feeds, {store.entry_count()} entries, {store.unread_count()} unread"]
    lines += [f"  {f.title}: {f.entry_count} entries" for f in feeds]
    return "\n".join(lines)


def run_demo(argv: Sequence[str] | None = None) -> int:
    """``briefterm demo``: poll the sample feeds into a throwaway cache and open the app.

    Returns the process exit status. The cache lives in a temporary
    directory that is removed when the app closes.
    """
    parser = argparse.ArgumentParser(
        prog="briefterm demo",
        description="Open the reader on bundled sample feeds (offline, throwaway cache).",
    )
    parser.add_argument(
        "--no-app",
        action="store_true",
        help="poll the sample feeds, print a summary and exit without opening the reader",
    )
    args = parser.parse_args([] if argv is None else list(argv))

    total = len(feed_files())
    print(f"briefterm demo: polling {total} sample feeds from a local server…", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="briefterm-demo-") as tmp:
        config, store, server = prepare_demo(Path(tmp), progress=_progress_printer(total))
        try:
            if args.no_app:
                print(_summary(store))
                return 0
            from briefterm.tui.app import run_app

            result = run_app(config, store)
            return int(result or 0)
        finally:
            store.close()
            server.close()


if __name__ == "__main__":  # pragma: no cover - manual use: python -m briefterm.demo --no-app
    raise SystemExit(run_demo(sys.argv[1:]))
