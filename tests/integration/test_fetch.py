"""fetch.py against a real loopback HTTP server: limits, redirects, validators."""

from __future__ import annotations

import email.utils
import gzip
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from briefterm.config import MIB, PollConfig
from briefterm.fetch import FetchResult, fetch, make_client
from briefterm.server_headers import parse_retry_after
from tests.support.loopback import (
    LoopbackServer,
    Reply,
    free_port_refusing,
    gzip_zeros,
    redirect,
    trickle,
    zeros,
)

BODY = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"
FAST = PollConfig(timeout=2.0, connect_timeout=1.0, max_bytes=1 * MIB)

GZIP = {"Content-Encoding": "gzip"}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


async def get(url: str, limits: PollConfig = FAST, **kw: Any) -> FetchResult:
    async with make_client(limits) as client:
        return await fetch(client, url, limits=limits, **kw)


async def test_ok_sends_accept_user_agent_and_returns_validators(server: LoopbackServer) -> None:
    url = server.route(
        "/f", Reply(body=BODY, headers={"ETag": '"v1"', "Last-Modified": "Sun, 01 Mar 2026"})
    )
    result = await get(url)
    assert result.ok and result.status == 200 and result.error is None
    assert result.body == BODY
    assert (result.content_type or "").startswith("application/rss+xml")
    assert (result.etag, result.last_modified) == ('"v1"', "Sun, 01 Mar 2026")
    headers = server.requests_for("/f")[0].headers
    assert headers["accept"].startswith("application/rss+xml, application/atom+xml")
    assert headers["accept-encoding"] == "gzip, deflate"
    assert headers["user-agent"].startswith("briefterm/")
    assert "if-none-match" not in headers


async def test_conditional_get_and_304(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(status=304, content_type=None))
    result = await get(url, etag='"v1"', last_modified="Sun, 01 Mar 2026 10:00:00 GMT")
    assert result.not_modified and not result.ok and result.error is None
    assert result.body == b""
    headers = server.requests_for("/f")[0].headers
    assert headers["if-none-match"] == '"v1"'
    assert headers["if-modified-since"] == "Sun, 01 Mar 2026 10:00:00 GMT"


async def test_custom_user_agent(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(body=BODY))
    await get(url, PollConfig(timeout=2, user_agent="my-reader/1"))
    assert server.requests_for("/f")[0].headers["user-agent"] == "my-reader/1"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_compressed_bodies_are_decoded(server: LoopbackServer, encoding: str) -> None:
    if encoding == "gzip":
        data = gzip.compress(BODY)
    elif encoding == "deflate":
        data = zlib.compress(BODY)
    else:
        c = zlib.compressobj(wbits=-15)
        data = c.compress(BODY) + c.flush()
    header = "gzip" if encoding == "gzip" else "deflate"
    url = server.route("/f", Reply(body=data, headers={"Content-Encoding": header}))
    assert (await get(url)).body == BODY


async def test_multi_member_gzip(server: LoopbackServer) -> None:
    data = gzip.compress(BODY[:20]) + gzip.compress(BODY[20:])
    url = server.route("/f", Reply(body=data, headers={"Content-Encoding": "gzip"}))
    assert (await get(url)).body == BODY


async def test_corrupt_gzip_is_an_error(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(body=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"}))
    assert (await get(url)).error == "the feed's compressed data is corrupt"


async def test_unknown_encoding_is_an_error(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(body=b"xx", headers={"Content-Encoding": "br"}))
    assert "does not support (br)" in ((await get(url)).error or "")


@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (410, "HTTP 410 Gone")],
)
async def test_http_errors(server: LoopbackServer, status: int, message: str) -> None:
    url = server.route("/f", Reply(status=status, body=b"oops", headers={"ETag": '"x"'}))
    result = await get(url)
    assert result.error == message and result.status == status
    assert result.body == b"" and result.etag is None


async def test_connection_refused() -> None:
    result = await get(free_port_refusing())
    assert result.error == "connection refused" and result.status is None


async def test_non_http_url_refused() -> None:
    assert (await get("file:///etc/passwd")).error == "not an http(s) URL: file:///etc/passwd"


async def test_retry_after_seconds_capped(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(status=429, headers={"Retry-After": "120"}))
    result = await get(url)
    assert result.error == "HTTP 429 Too Many Requests" and result.retry_after == 120
    server.route("/f", Reply(status=503, headers={"Retry-After": "999999"}))
    result = await get(url, PollConfig(timeout=2, max_retry_after=3600))
    assert result.retry_after == 3600


def test_parse_retry_after_http_date() -> None:
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 90, usegmt=True)
    assert parse_retry_after(date, cap=3600, now=now) == pytest.approx(90, abs=1)
    assert parse_retry_after(email.utils.formatdate(now - 50, usegmt=True), 3600, now) == 0
    assert parse_retry_after(email.utils.formatdate(now + 10**6, usegmt=True), 600, now) == 600
    assert parse_retry_after("soon", 3600, now) is None
    assert parse_retry_after(None, 3600, now) is None


# -- redirects ---------------------------------------------------------------


async def test_permanent_chain_is_reported(server: LoopbackServer) -> None:
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect(server.url("/c"), 308))
    server.route("/c", Reply(body=BODY))
    result = await get(server.url("/a"))
    assert result.ok and result.final_url == server.url("/c")
    assert result.permanent_redirect_url == server.url("/c")


async def test_any_temporary_hop_means_no_permanent_move(server: LoopbackServer) -> None:
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect("/c", 302))
    server.route("/c", Reply(body=BODY))
    result = await get(server.url("/a"))
    assert result.ok and result.permanent_redirect_url is None


async def test_permanent_move_to_a_broken_target_is_not_reported(server: LoopbackServer) -> None:
    server.route("/a", redirect("/b", 301))
    result = await get(server.url("/a"))
    assert result.error == "HTTP 404 Not Found" and result.permanent_redirect_url is None


async def test_conditional_headers_follow_redirects(server: LoopbackServer) -> None:
    server.route("/a", redirect("/b", 307))
    server.route("/b", Reply(status=304, content_type=None))
    result = await get(server.url("/a"), etag='"e"')
    assert result.not_modified
    assert server.requests_for("/b")[0].headers["if-none-match"] == '"e"'


async def test_too_many_redirects(server: LoopbackServer) -> None:
    for i in range(7):
        server.route(f"/r{i}", redirect(f"/r{i + 1}", 302))
    result = await get(server.url("/r0"), PollConfig(timeout=2, max_redirects=5))
    assert result.error == "too many redirects (more than 5)"
    assert server.hits("/r5") == 1 and server.hits("/r6") == 0


async def test_redirect_loop(server: LoopbackServer) -> None:
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect("/a", 301))
    result = await get(server.url("/a"))
    assert result.error == f"redirect loop at {server.url('/a')}"


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.org/feed.xml", "javascript:alert(1)"]
)
async def test_redirect_to_other_schemes_refused(server: LoopbackServer, target: str) -> None:
    url = server.route("/a", redirect(target, 302))
    result = await get(url)
    assert result.error == f"redirect to a non-http(s) URL was refused: {target}"


# -- deadlines and size caps ---------------------------------------------------


async def test_hanging_server_hits_the_deadline(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(hang=True))
    started = time.monotonic()
    result = await get(url, PollConfig(timeout=1.0))
    assert result.error == "timed out after 1 s"
    assert time.monotonic() - started < 2.5


async def test_trickling_server_is_cut_at_the_total_deadline(server: LoopbackServer) -> None:
    # 1 byte every 0.2 s: each read succeeds, only a total deadline stops it.
    body = trickle(BODY * 10)
    url = server.route("/f", Reply(body=body, content_length=None, chunk_delay=0.2))
    started = time.monotonic()
    result = await get(url, PollConfig(timeout=1.5))
    assert result.error == "timed out after 1.5 s" and result.body == b""
    assert time.monotonic() - started < 3


async def test_deadline_covers_redirect_hops(server: LoopbackServer) -> None:
    server.route("/a", Reply(status=301, headers={"Location": "/b"}, delay=0.6, content_type=None))
    server.route("/b", Reply(body=BODY, delay=0.6))
    result = await get(server.url("/a"), PollConfig(timeout=1.0))
    assert result.error == "timed out after 1 s"


async def test_huge_body_is_capped_quickly(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(body=zeros(64 * MIB), content_length=None))
    started = time.monotonic()
    result = await get(url)
    assert result.error == (
        "the feed is larger than 1 MiB after decompression; raise poll.max_bytes if you trust it"
    )
    assert time.monotonic() - started < 2


async def test_gzip_bomb_stops_at_cap_with_bounded_memory(server: LoopbackServer) -> None:
    # 1 GiB of zeros, about 1 MB on the wire, compressed on the fly.
    url = server.route(
        "/f",
        Reply(
            body=gzip_zeros(1024 * MIB), headers={"Content-Encoding": "gzip"}, content_length=None
        ),
    )
    tracemalloc.start()
    try:
        result = await get(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than 1 MiB after decompression" in (result.error or "")
    # One 64 KiB network chunk of this stream inflates to ~64 MiB in a naive
    # decoder; ours never holds more than the cap plus one decode step.
    assert peak < 8 * MIB, peak


async def test_lying_content_length_too_small_truncates_safely(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(body=BODY, content_length=10))
    result = await get(url)
    assert result.ok and result.body == BODY[:10]


async def test_lying_content_length_too_large_is_an_error(server: LoopbackServer) -> None:
    url = server.route("/f", Reply(body=BODY, content_length=10**12, close_early=True))
    result = await get(url)
    assert result.error == "the server closed the connection before the feed was complete"


async def test_huge_content_length_claim_with_bigger_stream_still_capped(
    server: LoopbackServer,
) -> None:
    url = server.route("/f", Reply(body=zeros(8 * MIB), content_length=10**12))
    result = await get(url)
    assert "larger than 1 MiB" in (result.error or "")


async def test_junk_after_a_gzip_stream_is_not_downloaded(server: LoopbackServer) -> None:
    # A complete gzip document followed by 256 MiB of junk: the document is
    # used and the junk is neither buffered (zlib's unused_data) nor awaited.
    def body() -> Iterator[bytes]:
        yield gzip.compress(BODY)
        yield from zeros(256 * MIB)()

    url = server.route("/f", Reply(body=body, headers=GZIP, content_length=None))
    started = time.monotonic()
    result = await get(url)
    assert result.ok and result.body == BODY
    assert time.monotonic() - started < 1.5


async def test_redirect_to_a_malformed_url_is_an_error(server: LoopbackServer) -> None:
    url = server.route("/a", redirect("http://[bad/", 301))
    result = await get(url)
    assert result.error == "the server redirected to an invalid URL"


def test_retry_after_with_non_ascii_or_huge_digits() -> None:
    assert parse_retry_after("²", cap=100) is None
    assert parse_retry_after("9" * 5000, cap=100) == 100.0


async def test_https_after_plain_http_still_speaks_tls(server: LoopbackServer) -> None:
    # TLS is set up only when the first https URL is fetched: an http feed
    # redirecting to https must then get a real (verifying) TLS client, which
    # fails here against a plain-HTTP port instead of reading it in clear.
    plain = server.route("/plain.xml", Reply(body=b"<rss/>"))
    secure = server.url("/plain.xml").replace("http://", "https://")
    moved = server.route("/moved.xml", redirect(secure))
    async with make_client() as client:
        assert (await fetch(client, plain)).ok
        result = await fetch(client, moved)
    assert result.error is not None and "TLS" in result.error
