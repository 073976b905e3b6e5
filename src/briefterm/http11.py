"""A small HTTP/1.1 GET client on asyncio streams and h11, for polling feeds.

Why not httpx here: an all-304 re-poll is nothing but small conditional GETs,
and httpx with httpcore and anyio spent about 1.6 ms of Python on each
(connection-pool bookkeeping that polls every pooled socket per request,
anyio's typed attributes, cookies, event hooks), against about 0.14 ms for
the same GET driven through h11 directly; importing httpx also cost ~40 ms
of a 0.3 s poll. aiohttp is as quick per request but takes ~0.2 s to import.
h11 is the HTTP/1.1 state machine httpcore itself uses (python-hyper, kept
up to date): it does the parsing and framing (Content-Length, chunked,
keep-alive, header syntax and size limits); this module only adds what a
feed poller needs around it:

* one keep-alive pool per (scheme, host, port), at most ``pool`` idle
  connections each; a pooled connection the server has closed is detected
  on reuse and the GET retried once on a fresh one (GET is idempotent);
* TLS only for https, with a verifying context built on first use (certifi's
  bundle when installed, as httpx used);
* no redirects, cookies, proxies or decompression: :mod:`briefterm.fetch`
  follows redirects itself and inflates bodies within its size cap.

Deadlines are the caller's (``asyncio.timeout``); connecting has its own
``connect_timeout``. The sync client (:mod:`briefterm.sync.transport`)
still uses httpx: it posts forms and JSON, and is not on the poll path.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from types import TracebackType
from urllib.parse import quote, unquote, urlsplit

import h11

# Headers above this size (all of them together) are refused by h11; the
# same limit httpcore sets.
MAX_HEADER_BYTES = 100 * 1024
_READ_SIZE = 64 * 1024
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"  # reserved characters and existing %-escapes stay


class HTTPError(Exception):
    """Base of every error this client raises (besides ``TimeoutError``)."""


class InvalidURL(HTTPError):
    """The URL cannot be requested (not http(s), no host, a bad port, control characters)."""


class ConnectError(HTTPError):
    """No connection could be made; ``__cause__`` holds the ``OSError``."""


class ProtocolError(HTTPError):
    """The server sent something that is not valid HTTP/1.1."""


class IncompleteBody(ProtocolError):
    """The connection closed before the end of the response."""


class NetworkError(HTTPError):
    """The connection broke while sending or receiving."""


_Key = tuple[str, str, int]


class _Connection:
    __slots__ = ("h11", "key", "reader", "writer")

    def __init__(self, key: _Key, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.key = key
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)

    def usable(self) -> bool:
        return not (self.reader.at_eof() or self.writer.transport.is_closing())

    def close(self) -> None:
        self.writer.close()


class Response:
    """Status and headers of a response whose body is read with :meth:`iter_raw`.

    Header names are lower-cased; repeated headers are joined with ", "
    (as httpx did). :meth:`aclose` must be called: it returns the connection
    to its pool when the body was read to its end, and closes it otherwise.
    """

    def __init__(self, client: Client, conn: _Connection, event: h11.Response) -> None:
        self._client = client
        self._conn: _Connection | None = conn
        self.status_code = event.status_code
        self.reason_phrase = event.reason.decode("latin-1")
        headers: dict[str, str] = {}
        for name, value in event.headers:
            key = name.decode("latin-1")
            text = _decode(value)
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        self.headers = headers
        self.is_stream_consumed = False

    async def iter_raw(self) -> AsyncIterator[bytes]:
        """The body as it arrives (still content-encoded), in pieces."""
        conn = self._conn
        if conn is None or self.is_stream_consumed:
            return
        while True:
            event = await _next_event(conn)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self.is_stream_consumed = True
                return

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` ran."""
        return self._conn is None

    async def aclose(self) -> None:
        """Give the connection back (body complete) or close it."""
        conn, self._conn = self._conn, None
        if conn is not None:
            self._client._release(conn, reusable=self.is_stream_consumed)


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


async def _next_event(conn: _Connection) -> h11.Event:
    while True:
        try:
            event = conn.h11.next_event()
        except h11.RemoteProtocolError as exc:
            if conn.h11.their_state is h11.ERROR and conn.reader.at_eof():
                # Whatever h11 calls it, the server hung up mid-response.
                raise IncompleteBody(str(exc)) from exc
            raise ProtocolError(str(exc)) from exc
        if event is h11.NEED_DATA:
            try:
                data = await conn.reader.read(_READ_SIZE)
            except OSError as exc:
                raise NetworkError(str(exc)) from exc
            conn.h11.receive_data(data)
            continue
        if isinstance(event, h11.ConnectionClosed):
            raise IncompleteBody("the server closed the connection")
        return event  # type: ignore[return-value]


def _host_bytes(host: str) -> str:
    if host.isascii():
        return host
    try:
        import idna  # httpx's IDNA 2008 encoder, when installed

        return idna.encode(host, uts46=True).decode("ascii")
    except ImportError:
        return host.encode("idna").decode("ascii")
    except Exception as exc:  # idna.IDNAError and friends
        raise InvalidURL(f"invalid host name: {host!r}") from exc


def _request_parts(url: str) -> tuple[_Key, str, str, str | None]:
    """``((scheme, host, port), Host header, request target, Authorization or None)``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(str(exc)) from exc
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("http", "https") or not host:
        raise InvalidURL(f"not an http(s) URL: {url}")
    try:
        ascii_host = _host_bytes(host)
    except UnicodeError as exc:
        raise InvalidURL(f"invalid host name: {host!r}") from exc
    default = 443 if scheme == "https" else 80
    port = port or default
    shown = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    host_header = shown if port == default else f"{shown}:{port}"
    target = quote(parts.path or "/", safe=_TARGET_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_TARGET_SAFE)
    auth = None
    if parts.username is not None or parts.password is not None:
        # Credentials in a feed URL (private feeds) go as Basic auth, as httpx sent them.
        pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return (scheme, ascii_host, port), host_header, target, auth


class Client:
    """Keep-alive GETs; one client per poll (``async with``)."""

    def __init__(
        self, headers: dict[str, str], *, connect_timeout: float = 10.0, pool: int = 8
    ) -> None:
        self.headers = dict(headers)
        """Sent with every request (a request's own headers win)."""
        self.connect_timeout = connect_timeout
        self._pool = max(1, pool)
        self._idle: dict[_Key, list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every pooled connection."""
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            try:
                import certifi

                context = ssl.create_default_context(cafile=certifi.where())
            except ImportError:
                context = ssl.create_default_context()
            context.set_alpn_protocols(["http/1.1"])
            self._tls = context
        return self._tls

    async def _connect(self, key: _Key) -> _Connection:
        scheme, host, port = key
        tls = self._tls_context() if scheme == "https" else None
        try:
            async with asyncio.timeout(self.connect_timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=tls, server_hostname=host if tls else None, limit=_READ_SIZE
                )
        except TimeoutError as exc:
            raise ConnectError(f"could not connect within {self.connect_timeout:g} s") from exc
        except OSError as exc:  # refused, unresolvable, TLS (ssl.SSLError is an OSError)
            raise ConnectError(str(exc)) from exc
        return _Connection(key, reader, writer)

    def _release(self, conn: _Connection, *, reusable: bool) -> None:
        state = conn.h11
        idle = self._idle.setdefault(conn.key, [])
        if (
            reusable
            and state.our_state is h11.DONE
            and state.their_state is h11.DONE
            and not state.trailing_data[0]  # bytes past the message: the framing lied
            and len(idle) < self._pool
        ):
            state.start_next_cycle()
            idle.append(conn)
        else:
            conn.close()

    async def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """Send a GET for ``url`` and return once the response headers are in.

        Raises :class:`InvalidURL`, :class:`ConnectError`, :class:`ProtocolError`
        or :class:`NetworkError`; the caller bounds the time.
        """
        key, host_header, target, auth = _request_parts(url)
        merged = {**self.headers, **(headers or {})}
        fields = [("Host", host_header)]
        if auth is not None:
            fields.append(("Authorization", auth))
        fields.extend(merged.items())
        try:
            request = h11.Request(method="GET", target=target, headers=fields)
        except h11.LocalProtocolError as exc:  # control characters in the URL or a header
            raise InvalidURL(str(exc)) from exc
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            if not conn.usable():
                conn.close()
                continue
            try:
                return await self._exchange(conn, request)
            except (IncompleteBody, NetworkError):
                # The server dropped the idle connection before our request
                # reached it: try once more on a new one.
                conn.close()
                break
            except BaseException:
                conn.close()
                raise
        conn = await self._connect(key)
        try:
            return await self._exchange(conn, request)
        except BaseException:
            conn.close()
            raise

    async def _exchange(self, conn: _Connection, request: h11.Request) -> Response:
        try:
            data = conn.h11.send(request) or b""
            data += conn.h11.send(h11.EndOfMessage()) or b""
            conn.writer.write(data)
        except OSError as exc:
            raise NetworkError(str(exc)) from exc
        while True:
            event = await _next_event(conn)
            if isinstance(event, h11.InformationalResponse):
                continue  # 100 Continue and friends: the real answer follows
            if isinstance(event, h11.Response):
                return Response(self, conn, event)
            raise ProtocolError(f"unexpected {type(event).__name__} before the response")
