"""The project's own Google Reader API conformance server (stdlib, 127.0.0.1 only).

No real Google Reader API server installs here (FreshRSS and Miniflux are in
no registry CI reaches), so the client is tested against this one, written
only from the documented behaviour summarised in shared/reviews/sync.md §3.2
(no code or responses of FreshRSS or Miniflux were used). One flag switches
between the two servers' documented differences:

===============================  ==============================  ==============================
                                 ``flavour="freshrss"``          ``flavour="miniflux"``
===============================  ==============================  ==============================
API base                         ``/api/greader.php``            the root
item ids                         16-digit insertion µs (grow)    database ids 1, 2, 3 …
state in ``categories``          ``user/-/state/com.google/…``   ``user/1/state/com.google/…``
``n`` of ``stream/items/ids``    default 20                      default and maximum 10000
continuation                     the last id of the page         a numeric offset
``stream/contents``              exists                          ``200 []`` (as every unknown
``unread-count``                 exists                          ``reader/api/0/*`` path)
POST authentication              header **and** ``T``            ``T`` only
``edit-tag`` ``a``/``r``          query or body                   body only
``mark-all-as-read`` ``ts``      µs; compares insertion ids;     ≥ 16 digits µs else seconds;
                                 without it: ids up to the       compares published dates
                                 start of the current second
``ot``                           compared with the insertion     compared with the published
                                 time                            date
===============================  ==============================  ==============================

Two more flags are the hosted services, FreshRSS-like otherwise (the API at
the root, ``unread-count``, header and ``T`` on POSTs):

* ``flavour="inoreader"`` wants ``AppId`` and ``AppKey`` headers
  (:attr:`GReaderServer.app`) on every request, ClientLogin included, and
  answers ``403`` without them;
* ``flavour="oldreader"`` has The Old Reader's 24-hex item ids (MongoDB
  object ids): bare in ``stream/items/ids``, in the long form
  (``tag:google.com,2005:reader/item/<24 hex>``) in contents, either in ``i=``.

Both refuse a wrong password at ClientLogin (``401 Error=BadAuthentication``),
a missing or wrong ``Authorization: GoogleLogin auth=…`` header (401; Miniflux
adds ``X-Reader-Google-Bad-Token: true`` for a bad ``T``), and a POST without
the current ``T``; both take item ids in the long form
(``tag:google.com,2005:reader/item/<16 hex>``) and in decimal. Unlike real
FreshRSS (which also takes ``T=''`` and ``T='x'``) this server always wants
the real token, so a client that forgets it fails here.

Usage::

    with GReaderServer("miniflux") as server:
        feed = server.add_feed("http://site.test/feed.xml", "Site", labels=["Tech"])
        item = server.add_item(feed, "Title", read=False)
        client = GReaderClient(server.url, server.user, server.password)
"""

from __future__ import annotations

import contextlib
import itertools
import json
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

# The endpoints live in their own module; this one is the transport and data.
from tests.support._greader_api import _Api

Flavour = Literal["freshrss", "miniflux", "inoreader", "oldreader"]
FLAVOURS: tuple[Flavour, ...] = ("freshrss", "miniflux", "inoreader", "oldreader")
LONG = "tag:google.com,2005:reader/item/"
STATE = "/state/com.google/"


@dataclass(slots=True)
class Subscription:
    """A feed the account is subscribed to."""

    num: int
    url: str
    title: str
    labels: list[str] = field(default_factory=list)
    html_url: str = "http://site.test/"

    @property
    def stream(self) -> str:
        """The stream id, ``feed/<num>``."""
        return f"feed/{self.num}"


@dataclass(slots=True)
class Item:
    """An article with its user state."""

    num: int
    feed: Subscription
    title: str
    link: str
    content: str
    author: str
    published: int
    """Seconds since the epoch."""
    crawled_us: int
    read: bool = False
    starred: bool = False


Fault = Callable[["_Handler"], bool]
"""A hook run before each request; returning True means it answered itself."""


class GReaderServer:
    """An in-process server; state is changed through the methods below or the API."""

    def __init__(self, flavour: Flavour = "freshrss", user: str = "alice") -> None:
        self.flavour: Flavour = flavour
        self.like = "miniflux" if flavour == "miniflux" else "freshrss"
        """Whose documented behaviour the API follows where the servers differ."""
        self.app = ("1000001234", secrets.token_hex(16)) if flavour == "inoreader" else None
        """Inoreader's (AppId, AppKey) every request must carry; None: not asked for."""
        self._object_ids: dict[int, str] = {}
        self._by_object_id: dict[str, int] = {}
        self.user = user
        self.password = secrets.token_urlsafe(9)
        self.auth = f"{user}/{secrets.token_hex(20)}"
        self.token = secrets.token_hex(28) + "Z"  # 57 characters, as FreshRSS's
        self.feeds: dict[int, Subscription] = {}
        self.items: dict[int, Item] = {}
        self.requests: list[tuple[str, str]] = []
        self.fault: Fault | None = None
        self.lock = threading.RLock()
        self._feed_nums = itertools.count(1)
        self._item_nums = itertools.count(1)
        self._last_us = 0
        self._http = _QuietServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.owner = self  # type: ignore[attr-defined]
        # A short poll interval: shutdown() waits for the loop to notice.
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- life --------------------------------------------------------------------

    def __enter__(self) -> GReaderServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and release the port."""
        self._http.shutdown()
        self._http.server_close()

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def url(self) -> str:
        """The API base a client is configured with."""
        return self.root + ("/api/greader.php" if self.flavour == "freshrss" else "")

    # -- state -------------------------------------------------------------------

    def add_feed(self, url: str, title: str, labels: list[str] | None = None) -> Subscription:
        """Subscribe the account to ``url``."""
        with self.lock:
            feed = Subscription(next(self._feed_nums), url, title, list(labels or []))
            self.feeds[feed.num] = feed
            return feed

    def add_item(
        self,
        feed: Subscription,
        title: str,
        *,
        link: str = "",
        content: str = "",
        author: str = "",
        published: int | None = None,
        read: bool = False,
        starred: bool = False,
    ) -> str:
        """Insert an article; return its id in decimal (as ``stream/items/ids`` gives it)."""
        with self.lock:
            now_us = max(self._last_us + 1, time.time_ns() // 1000)
            self._last_us = now_us
            num = now_us if self.flavour == "freshrss" else next(self._item_nums)
            if self.flavour == "oldreader":
                # An object id: 4 bytes of time, 5 random, a 3-byte counter.
                oid = f"{now_us // 1_000_000:08x}{secrets.token_hex(5)}{num % (1 << 24):06x}"
                self._object_ids[num] = oid
                self._by_object_id[oid] = num
            self.items[num] = Item(
                num,
                feed,
                title,
                link or f"http://site.test/{num}",
                content,
                author,
                published if published is not None else now_us // 1_000_000,
                now_us,
                read,
                starred,
            )
            return self.short_id(self.items[num])

    def short_id(self, item: Item) -> str:
        """The id as ``stream/items/ids`` gives it: decimal, or The Old Reader's 24 hex."""
        return self._object_ids.get(item.num, str(item.num))

    def long_id(self, item: Item) -> str:
        """The id as contents give it: ``tag:google.com,2005:reader/item/<hex>``."""
        oid = self._object_ids.get(item.num)
        return LONG + (oid if oid is not None else f"{item.num:016x}")

    def rotate_token(self) -> None:
        """Invalidate the current ``T`` (a client must fetch a new one)."""
        self.token = secrets.token_hex(28) + "Y"

    def rotate_auth(self) -> None:
        """Invalidate ``Auth`` (as a password change does); a client must log in again."""
        self.auth = f"{self.user}/{secrets.token_hex(20)}"

    def state_prefix(self) -> str:
        """How this flavour writes state tags in replies."""
        return "user/-" if self.flavour == "freshrss" else "user/1"

    # -- protocol helpers used by the handler ---------------------------------------

    def parse_id(self, value: str) -> int | None:
        """An item id in either form, or None."""
        bare = value.removeprefix(LONG)
        if self.flavour == "oldreader":
            return self._by_object_id.get(bare.lower())
        try:
            if value.startswith(LONG):
                return int(bare, 16)
            return int(value)
        except ValueError:
            return None

    def in_stream(self, item: Item, stream: str) -> bool:
        """Whether ``item`` belongs to the stream id ``stream``."""
        if stream.startswith("feed/"):
            tail = stream.removeprefix("feed/")
            return tail == str(item.feed.num) or tail == item.feed.url
        if "/label/" in stream:
            return stream.rsplit("/label/", 1)[1] in item.feed.labels
        if STATE in stream:
            state = stream.rsplit(STATE, 1)[1]
            return {
                "reading-list": True,
                "read": item.read,
                "starred": item.starred,
                "kept-unread": not item.read,
            }.get(state, False)
        return False

    def item_json(self, item: Item) -> dict[str, Any]:
        """An item as ``stream/items/contents`` shows it."""
        prefix = self.state_prefix()
        categories = [f"{prefix}/state/com.google/reading-list"]
        if item.read:
            categories.append(f"{prefix}/state/com.google/read")
        if item.starred:
            categories.append(f"{prefix}/state/com.google/starred")
        categories += [f"{prefix}/label/{label}" for label in item.feed.labels]
        return {
            "id": self.long_id(item),
            "crawlTimeMsec": str(item.crawled_us // 1000),
            "timestampUsec": str(item.crawled_us),
            "published": item.published,
            "title": item.title,
            "canonical": [{"href": item.link}],
            "alternate": [{"href": item.link, "type": "text/html"}],
            "categories": categories,
            "origin": {
                "streamId": item.feed.stream,
                "title": item.feed.title,
                "htmlUrl": item.feed.html_url,
            },
            "summary": {"content": item.content},
            "author": item.author,
        }


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (a refused huge reply, a timeout) resets the
        # connection; that is the test working, not a server error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    @property
    def owner(self) -> GReaderServer:
        return self.server.owner  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: object) -> None:
        pass  # tests read GReaderServer.requests instead

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle and
        # delayed ACKs add 40 ms to every POST reply.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # -- plumbing ----------------------------------------------------------------

    def reply(
        self, status: int, body: bytes | str | Any, headers: dict[str, str] | None = None
    ) -> None:
        """Answer with text (str/bytes) or JSON (anything else)."""
        if isinstance(body, str):
            data, kind = body.encode(), "text/plain; charset=utf-8"
        elif isinstance(body, bytes):
            data, kind = body, "text/plain; charset=utf-8"
        else:
            data, kind = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        # The client may have given up already (a timeout test).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def _read(self) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
        parts = urlsplit(self.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True) if length else []
        return parts.path, query, body

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path, query, body = self._read()
        server = self.owner
        with server.lock:
            server.requests.append((method, self.path))
        if server.fault is not None and server.fault(self):
            return
        if server.app is not None and (
            self.headers.get("AppId") != server.app[0]
            or self.headers.get("AppKey") != server.app[1]
        ):
            self.reply(403, "Error=AppIdRequired\n")  # refused before anything else
            return
        base = "/api/greader.php" if server.flavour == "freshrss" else ""
        if not path.startswith(base):
            self.reply(404, "not found")
            return
        path = path.removeprefix(base)
        with server.lock:
            if path == "/accounts/ClientLogin":
                self._client_login(query + body)
                return
            if path.startswith("/reader/api/0/"):
                _Api(self, server, method, query, body).route(path.removeprefix("/reader/api/0/"))
                return
        self.reply(404, "not found")

    def _client_login(self, form: list[tuple[str, str]]) -> None:
        server = self.owner
        values = dict(form)
        if values.get("Email") != server.user or values.get("Passwd") != server.password:
            self.reply(401, "Error=BadAuthentication\n")
            return
        if server.like == "miniflux" and values.get("output") == "json":
            self.reply(200, {"SID": server.auth, "LSID": server.auth, "Auth": server.auth})
            return
        self.reply(200, f"SID={server.auth}\nLSID=null\nAuth={server.auth}\n")
