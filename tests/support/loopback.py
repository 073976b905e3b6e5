"""A scriptable HTTP server on 127.0.0.1 for tests (never the internet).

Usage::

    from tests.support.loopback import LoopbackServer, Reply, redirect  # tests/ is on sys.path

    with LoopbackServer() as server:
        server.route("/feed.xml", Reply(body=rss_bytes))
        server.route("/old", redirect("/feed.xml", 301))
        server.route("/flaky", [Reply(status=500), Reply(body=rss_bytes)])  # in turn
        server.route("/echo", lambda req: Reply(body=req.path.encode()))
        url = server.url("/feed.xml")
        ...
        assert server.requests_for("/feed.xml")[0].headers["user-agent"]

A route maps a path (query string ignored) to one of:

* a :class:`Reply` — served every time;
* a list of replies — served in turn, the last one repeating;
* a callable ``(Request) -> Reply`` — for anything conditional (ETag checks).

:class:`Reply` scripts the misbehaviours a feed reader must survive:
``hang=True`` (accept, never answer), ``delay`` (wait before the headers),
``chunk_delay`` + a chunked body (trickle), an iterable body (stream of any
size without holding it in memory), a lying ``content_length``, and
``close_early`` (drop the connection mid-body). Helpers build common bodies:
:func:`zeros` (a big stream), :func:`gzip_zeros` (a gzip bomb made on the
fly), :func:`trickle` (one byte at a time).

Every request is recorded in :attr:`LoopbackServer.requests` (method, path,
lower-cased headers). The server uses daemon threads and HTTP/1.1 keep-alive;
``close()`` (or leaving the ``with`` block) releases hanging handlers.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = [
    "LoopbackServer",
    "Reply",
    "Request",
    "free_port_refusing",
    "gzip_bytes",
    "gzip_zeros",
    "redirect",
    "trickle",
    "zeros",
]

Body = bytes | Iterable[bytes] | Callable[[], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class Request:
    """A request the server received."""

    method: str
    path: str
    """Path including any query string."""
    headers: dict[str, str]
    """Header names lower-cased."""
    time: float


@dataclass(slots=True)
class Reply:
    """What the server answers; every field has a harmless default."""

    status: int = 200
    body: Body = b""
    """Bytes, an iterable of chunks, or a zero-argument callable returning one
    (use a callable when the route may be hit more than once: a generator can
    only be consumed once)."""
    content_type: str | None = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | str | None = "auto"
    """"auto": the real length for bytes bodies, none for streams (which then
    end by closing the connection); an int is sent as-is (it may lie); None
    omits the header."""
    delay: float = 0.0
    """Seconds to wait before sending the status line."""
    chunk_delay: float = 0.0
    """Seconds to wait between body chunks (a slow server)."""
    hang: bool = False
    """Accept the request and never answer (until the server closes)."""
    close_early: bool = False
    """Send the headers and the body given, then drop the connection."""


def redirect(location: str, status: int = 301) -> Reply:
    """A redirect reply to ``location`` (absolute or relative)."""
    return Reply(status=status, headers={"Location": location}, content_type=None)


def zeros(total: int, chunk: int = 64 * 1024) -> Callable[[], Iterator[bytes]]:
    """A body of ``total`` zero bytes produced lazily in ``chunk``-sized pieces."""

    def generate() -> Iterator[bytes]:
        block = b"\0" * chunk
        sent = 0
        while sent < total:
            piece = block[: min(chunk, total - sent)]
            sent += len(piece)
            yield piece

    return generate


def gzip_zeros(total: int) -> Callable[[], Iterator[bytes]]:
    """A gzip stream that inflates to ``total`` zero bytes, compressed lazily.

    Use with ``headers={"Content-Encoding": "gzip"}``. One GB of zeros is
    about 1 MB on the wire; the server only compresses what the client reads.
    """

    def generate() -> Iterator[bytes]:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = b"\0" * (1024 * 1024)
        left = total
        while left > 0:
            out = compressor.compress(block[: min(len(block), left)])
            left -= min(len(block), left)
            if out:
                yield out
        yield compressor.flush()

    return generate


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed (for a Content-Encoding: gzip reply)."""
    return gzip.compress(data)


def trickle(data: bytes, step: int = 1) -> Callable[[], Iterator[bytes]]:
    """``data`` as ``step``-byte chunks; combine with ``Reply.chunk_delay``."""

    def generate() -> Iterator[bytes]:
        for i in range(0, len(data), step):
            yield data[i : i + step]

    return generate


Route = Reply | list[Reply] | Callable[[Request], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        owner = self.server.owner
        request = Request(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            time=time.monotonic(),
        )
        reply = owner._reply_for(request)
        if reply.hang:
            owner._stopping.wait()
            self.close_connection = True
            return
        if reply.delay and owner._stopping.wait(reply.delay):
            self.close_connection = True
            return
        body = reply.body
        if callable(body):
            body = body()
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        length = reply.content_length
        if length == "auto":
            length = len(body) if isinstance(body, bytes) else None
        if length is not None:
            self.send_header("Content-Length", str(length))
        if length is None or reply.close_early or not isinstance(body, bytes):
            # A stream without a length ends by closing the connection.
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not send_body:
            return
        chunks = [body] if isinstance(body, bytes) else body
        try:
            for chunk in chunks:
                if owner._stopping.is_set():
                    break
                self.wfile.write(chunk)
                self.wfile.flush()
                if reply.chunk_delay and owner._stopping.wait(reply.chunk_delay):
                    break
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True  # the client gave up: expected in cap tests
        finally:
            if hasattr(chunks, "close"):
                chunks.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512
    owner: LoopbackServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up mid-response is normal in these tests


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with an ephemeral port.

    Unknown paths get 404. Thread-safe: routes may be changed while the
    server runs (e.g. between two polls).
    """

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._turns: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[Request] = []
        """Every request received, in order."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # -- configuration ----------------------------------------------------

    def route(self, path: str, reply: Route) -> str:
        """Serve ``reply`` at ``path`` (replacing any earlier route); returns the URL."""
        with self._lock:
            self._routes[path] = reply
            self._turns[path] = 0
        return self.url(path)

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    # -- inspection ---------------------------------------------------------

    def requests_for(self, path: str) -> list[Request]:
        """Requests whose path (without query) is ``path``."""
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def hits(self, path: str) -> int:
        """How many requests ``path`` received."""
        return len(self.requests_for(path))

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        """Stop serving and release handlers that hang or trickle."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------

    def _reply_for(self, request: Request) -> Reply:
        path = request.path.split("?", 1)[0]
        with self._lock:
            self.requests.append(request)
            route = self._routes.get(path)
            if route is None:
                return Reply(status=404, body=b"not found", content_type="text/plain")
            if isinstance(route, list):
                turn = self._turns[path]
                self._turns[path] = turn + 1
                return route[min(turn, len(route) - 1)]
            if isinstance(route, Reply):
                return route
        return route(request)  # called outside the lock: it may be slow


def free_port_refusing() -> str:
    """A loopback URL on a port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"
