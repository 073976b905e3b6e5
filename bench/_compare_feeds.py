"""Synthetic feeds and a fast loopback server for the newsboat side-by-side.

Feeds are RSS 2.0 with realistic item bodies (about 1.7 KB of HTML: several
paragraphs, links, emphasis, a list), RFC 822 dates, authors and categories.
Bodies are rendered once and kept in memory (plain and gzip), so the server
only writes bytes: it runs on asyncio in a thread of the benchmark driver,
speaks HTTP/1.1 keep-alive, and answers conditional requests (ETag and
Last-Modified) with 304, which is what the re-poll benchmark measures.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

_WORDS = [
    "market",
    "policy",
    "chip",
    "network",
    "energy",
    "battery",
    "model",
    "launch",
    "quarter",
    "revenue",
    "grid",
    "satellite",
    "regulator",
    "merger",
    "supply",
    "chain",
    "factory",
    "export",
    "tariff",
    "cloud",
    "storage",
    "server",
    "research",
    "vaccine",
    "trial",
    "climate",
    "ministry",
    "budget",
    "election",
    "court",
    "ruling",
    "startup",
    "funding",
    "round",
    "investor",
    "data",
    "privacy",
    "security",
    "patch",
    "outage",
    "platform",
    "semiconductor",
    "wafer",
    "foundry",
    "smartphone",
    "display",
    "sensor",
    "robot",
    "vehicle",
    "charging",
    "port",
    "shipping",
    "freight",
    "rail",
    "airline",
    "airport",
    "pilot",
    "engine",
    "turbine",
    "solar",
    "wind",
]
_AUTHORS = (
    "Ana Ferreira",
    "Kenji Mori",
    "Lena Schultz",
    "Omar Haddad",
    "Priya Nair",
    "Tomás Ruiz",
    "Wei Zhang",
    "Zoe Martin",
    "Ivan Petrov",
    "Maya Cohen",
)
_CATEGORIES = ("Business", "Technology", "Policy", "Science", "Markets", "Energy")
# Items are dated back from the hour before the run: the reader's first brief
# is the last 24 hours, and a fixed date made it an empty edition once that
# date was a day old (the cold start then timed an empty screen). Fixed for
# the whole run, so every round serves the same bytes and validators.
_BASE_TIME = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)


def _last_modified(items: int) -> str:
    # Changes whenever a document gains items: libcurl (newsboat) drops a 200
    # response whose Last-Modified is not newer than its If-Modified-Since.
    return format_datetime(_BASE_TIME + timedelta(minutes=items), usegmt=True)


_SYLLABLES = [
    "ba",
    "ko",
    "ri",
    "mun",
    "tel",
    "sa",
    "vor",
    "pe",
    "lin",
    "dra",
    "chu",
    "ne",
    "os",
    "kai",
    "tam",
    "fi",
    "ren",
    "gu",
    "wes",
    "zo",
]


# A large deterministic vocabulary of made-up proper nouns and terms: real
# headlines share few words, and titles drawn only from the short common list
# above would all look like the same story to the clustering in briefs.
def _rare_words(count: int) -> list[str]:
    rng = random.Random(4242)
    words = {
        "".join(rng.choice(_SYLLABLES) for _ in range(2 + i % 3)).capitalize() for i in range(count)
    }
    return sorted(words)


_RARE = _rare_words(6000)


def _title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 5))]
    words[1:1] = [rng.choice(_RARE) for _ in range(rng.randint(2, 4))]
    return " ".join(words).capitalize()


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _item_html(rng: random.Random, feed: int, item: int) -> str:
    """An item body of about 1.7 KB: paragraphs, links, emphasis and a list."""
    parts = [
        f"<p><strong>{_sentence(rng, 9)}</strong> {_sentence(rng, 14)} "
        f'<a href="https://news{feed}.example.com/related/{item}">{_sentence(rng, 4)}</a></p>',
        f"<p>{_sentence(rng, 18)} <em>{_sentence(rng, 6)}</em> {_sentence(rng, 16)}</p>",
        "<ul>" + "".join(f"<li>{_sentence(rng, 7)}</li>" for _ in range(3)) + "</ul>",
        f"<p>{_sentence(rng, 20)} {_sentence(rng, 15)}</p>",
        f'<p><img src="https://img{feed}.example.com/{item}.jpg" alt="photo"> '
        f"{_sentence(rng, 12)}</p>",
    ]
    return "".join(parts)


def render_feed(feed: int, items: int, *, seed: int = 1) -> bytes:
    """RSS 2.0 document number ``feed`` with ``items`` items (deterministic)."""
    rng = random.Random(seed * 1_000_003 + feed)
    host = f"news{feed}.example.com"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>Newsroom {feed}</title>\n<link>https://{host}/</link>\n"
        f"<description>Synthetic feed {feed} for benchmarks</description>\n"
        "<language>en</language>\n"
    ]
    for i in range(items):
        when = _BASE_TIME - timedelta(minutes=17 * i + feed % 60)
        title = _title(rng)
        out.append(
            "<item>"
            f"<title>{escape(title)}</title>"
            f"<link>https://{host}/story/{feed}-{i}</link>"
            f'<guid isPermaLink="false">bench-{feed}-{i}</guid>'
            f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
            f"<dc:creator>{rng.choice(_AUTHORS)}</dc:creator>"
            f"<category>{rng.choice(_CATEGORIES)}</category>"
            f"<description>{escape(_item_html(rng, feed, i))}</description>"
            "</item>\n"
        )
    out.append("</channel>\n</rss>\n")
    return "".join(out).encode("utf-8")


@dataclass(slots=True)
class _Doc:
    body: bytes
    etag: str
    last_modified: str
    gz: bytes | None = None


@dataclass
class FeedServer:
    """Serves ``/feed/N.xml`` from memory on 127.0.0.1 in a background thread.

    ``requests``, ``not_modified`` and ``bytes_sent`` count traffic so the
    driver can check that a re-poll really was all 304s.
    """

    docs: dict[str, _Doc] = field(default_factory=dict)
    port: int = 0
    requests: int = 0
    not_modified: int = 0
    bytes_sent: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    def set_feeds(self, count: int, items: int, *, seed: int = 1) -> list[str]:
        """Replace the served documents with ``count`` feeds; return their URLs."""
        docs = {}
        for n in range(count):
            body = render_feed(n, items, seed=seed)
            etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
            docs[f"/feed/{n}.xml"] = _Doc(body, etag, _last_modified(items))
        self.docs = docs
        return [self.url(n) for n in range(count)]

    def validators(self) -> dict[str, tuple[str, str]]:
        """URL → (ETag, Last-Modified) of every served document."""
        base = f"http://127.0.0.1:{self.port}"
        return {base + path: (doc.etag, doc.last_modified) for path, doc in self.docs.items()}

    def url(self, n: int) -> str:
        """URL of feed number ``n``."""
        return f"http://127.0.0.1:{self.port}/feed/{n}.xml"

    def reset_counters(self) -> None:
        """Zero the traffic counters."""
        self.requests = self.not_modified = self.bytes_sent = 0

    # -- server -----------------------------------------------------------

    def start(self) -> None:
        """Bind a free port and serve until :meth:`stop`."""
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            server = loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=1024)
            )
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            server.close()
            loop.run_until_complete(server.wait_closed())
            loop.close()

        self._thread = threading.Thread(target=run, name="feed-server", daemon=True)
        self._thread.start()
        ready.wait()

    def stop(self) -> None:
        """Stop the server thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = ([*lines[0].split(" "), "", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                self.requests += 1
                keep_alive = headers.get("connection", "").lower() != "close"
                writer.write(self._response(method, path, headers, keep_alive))
                await writer.drain()
                if not keep_alive:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def _response(self, method: str, path: str, headers: dict[str, str], keep: bool) -> bytes:
        conn = "keep-alive" if keep else "close"
        doc = self.docs.get(path.split("?", 1)[0])
        if doc is None:
            return (
                f"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: {conn}\r\n\r\n"
            ).encode()
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if (inm and doc.etag in inm) or (not inm and ims == doc.last_modified):
            self.not_modified += 1
            return (
                f"HTTP/1.1 304 Not Modified\r\nETag: {doc.etag}\r\n"
                f"Last-Modified: {doc.last_modified}\r\nConnection: {conn}\r\n\r\n"
            ).encode()
        body = doc.body
        encoding = ""
        if "gzip" in headers.get("accept-encoding", ""):
            if doc.gz is None:
                doc.gz = gzip.compress(doc.body, compresslevel=5)
            body = doc.gz
            encoding = "Content-Encoding: gzip\r\n"
        self.bytes_sent += len(body)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
            f"{encoding}Content-Length: {len(body)}\r\nETag: {doc.etag}\r\n"
            f"Last-Modified: {doc.last_modified}\r\nConnection: {conn}\r\n\r\n"
        ).encode()
        return head if method == "HEAD" else head + body
