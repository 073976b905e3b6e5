"""briefterm.http11 against raw asyncio servers on 127.0.0.1: keep-alive and its failure modes."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from briefterm.config import PollConfig
from briefterm.fetch import FetchResult, fetch, make_client

FAST = PollConfig(timeout=3.0, connect_timeout=1.0)
RSS = b"<rss version='2.0'><channel><title>T</title></channel></rss>"

Answer = Callable[[bytes, int], bytes]
"""(request head, connection number) -> raw response bytes."""


class RawServer:
    """Answers each request head with scripted raw bytes; counts connections."""

    def __init__(self, answer: Answer, *, close_after: int | None = None) -> None:
        self.answer = answer
        self.close_after = close_after  # requests per connection before the server hangs up
        self.connections = 0
        self.heads: list[bytes] = []
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                writer.write(self.answer(head, number))
                await writer.drain()
                served += 1
                if self.close_after is not None and served >= self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@asynccontextmanager
async def serving(server: RawServer) -> AsyncIterator[RawServer]:
    srv = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = srv.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        srv.close()


def ok(body: bytes = RSS, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


async def _get(server: RawServer, url: str) -> FetchResult:
    async with make_client(FAST) as client:
        return await fetch(client, url, limits=FAST)


async def _twice(server: RawServer, wait: Callable[[], Awaitable[None]] | None = None) -> None:
    async with make_client(FAST) as client:
        first = await fetch(client, server.url("/a"), limits=FAST)
        assert first.ok and first.body == RSS, first
        if wait is not None:
            await wait()
        second = await fetch(client, server.url("/b"), limits=FAST)
        assert second.ok and second.body == RSS, second


async def test_keep_alive_reuses_one_connection_per_host() -> None:
    async with serving(RawServer(lambda head, n: ok())) as server:
        await _twice(server)
    assert server.connections == 1 and len(server.heads) == 2


async def test_a_connection_the_server_closed_is_replaced() -> None:
    # The server hangs up after each answer while the client holds the
    # connection idle: the next GET must go out on a fresh connection.
    server = RawServer(lambda head, n: ok(), close_after=1)
    async with serving(server):
        await _twice(server, wait=lambda: asyncio.sleep(0))
    assert server.connections == 2


async def test_a_connection_dropped_just_as_it_is_reused_is_retried_once() -> None:
    # Connection 1 answers, then closes without a word when the second
    # request arrives (the idle-timeout race): that GET is sent again.
    def answer(head: bytes, n: int) -> bytes:
        return ok() if head.startswith(b"GET /a ") or n > 1 else b""

    server = RawServer(answer)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.connections += 1
        number = server.connections
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                server.heads.append(head)
                data = answer(head, number)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server.handle = handle  # type: ignore[method-assign]
    async with serving(server):
        await _twice(server)
    assert server.connections == 2 and len(server.heads) == 3


async def test_bytes_beyond_a_lying_content_length_never_reach_the_next_response() -> None:
    # Content-Length says 10, the server sends the whole body: the first feed
    # is cut at 10 bytes, and the rest must not be read as the next answer.
    lying = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + RSS
    server = RawServer(lambda head, n: lying if n == 1 else ok())
    async with serving(server), make_client(FAST) as client:
        first = await fetch(client, server.url("/a"), limits=FAST)
        second = await fetch(client, server.url("/b"), limits=FAST)
    assert first.ok and first.body == RSS[:10]
    assert second.ok and second.body == RSS
    assert server.connections == 2


async def test_huge_response_headers_are_refused() -> None:
    answer = ok(extra="X-Junk: " + "j" * (200 * 1024) + "\r\n")
    async with serving(RawServer(lambda head, n: answer)) as server:
        result = await _get(server, server.url("/a"))
    assert result.error == "the server sent an invalid HTTP response"


async def test_garbage_instead_of_http_is_an_error() -> None:
    async with serving(RawServer(lambda head, n: b"SSH-2.0-OpenSSH\r\n\r\n")) as server:
        result = await _get(server, server.url("/a"))
    assert result.error == "the server sent an invalid HTTP response"


async def test_credentials_in_the_url_go_as_basic_auth_and_the_target_is_encoded() -> None:
    async with serving(RawServer(lambda head, n: ok())) as server:
        url = server.url("/päth/a%20b?q=ü").replace("127.0.0.1", "user:p%40ss@127.0.0.1")
        result = await _get(server, url)
    assert result.ok
    head = server.heads[0].decode("latin-1")
    assert head.startswith("GET /p%C3%A4th/a%20b?q=%C3%BC HTTP/1.1\r\n")
    token = base64.b64encode(b"user:p@ss").decode()
    assert f"Authorization: Basic {token}\r\n" in head
    assert f"Host: 127.0.0.1:{server.port}\r\n" in head


async def test_repeated_headers_are_joined_and_interim_responses_skipped() -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\n" + ok(extra='ETag: "a"\r\nETag: "b"\r\n')
    async with serving(RawServer(lambda head, n: answer)) as server:
        result = await _get(server, server.url("/a"))
    assert result.ok and result.etag == '"a", "b"'
