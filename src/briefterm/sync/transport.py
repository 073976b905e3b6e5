"""HTTP for the aggregator clients: one session, bounded, capped, one-sentence errors.

A :class:`Transport` owns one ``httpx.AsyncClient`` with one User-Agent for
its whole life (tt-rss binds a session to the User-Agent), a timeout on
every request, a cap on concurrent requests and on the size of each reply,
and turns every network failure into a :class:`~briefterm.errors.SyncError`
that names the server and says what happened.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

# httpx imports its command-line tool (click, rich, pygments: ~40 ms) whenever
# click happens to be installed; briefterm never uses it. A None entry makes
# that import fail fast, and httpx then installs its "pip install httpx[cli]"
# stub in its place. (The poller no longer uses httpx: briefterm.http11.)
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402

from briefterm import __version__  # noqa: E402
from briefterm.errors import SyncError  # noqa: E402
from briefterm.urls import host_and_port  # noqa: E402

USER_AGENT = f"briefterm/{__version__} (sync)"
MAX_REPLY = 64 * 1024 * 1024
"""Bytes one reply may have (a page of 200 tt-rss articles with content is ~1-5 MB)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Network limits of one sync session."""

    timeout: float = 30.0
    """Seconds for the whole of one request (connect, send, answer)."""
    connect_timeout: float = 10.0
    concurrency: int = 4
    """Requests in flight at once (tt-rss under php-fpm has a few workers)."""
    max_reply: int = MAX_REPLY


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete reply."""

    status: int
    body: bytes
    headers: Mapping[str, str]

    def text(self) -> str:
        """The body as UTF-8 (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


DEFAULT_LIMITS = Limits()
FormData = Sequence[tuple[str, str]]


class Transport:
    """Requests to one server; ``where`` names it in error messages."""

    def __init__(self, base_url: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.base_url = base_url
        # "host:port", or "host" for the default port (not "host:").
        self.where = host_and_port(base_url).rstrip(":") or base_url
        self.limits = limits
        self._gate = asyncio.Semaphore(max(1, limits.concurrency))
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                limits.timeout, connect=min(limits.connect_timeout, limits.timeout)
            ),
            limits=httpx.Limits(
                max_connections=max(1, limits.concurrency),
                max_keepalive_connections=max(1, limits.concurrency),
            ),
            trust_env=False,
        )

    async def aclose(self) -> None:
        """Close every connection."""
        await self._client.aclose()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: FormData | None = None,
        data: FormData | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request and read the whole reply (capped); network errors → SyncError."""
        content: bytes | None = None
        send_headers = dict(headers or {})
        if json_body is not None:
            content = json.dumps(json_body).encode()
            send_headers["Content-Type"] = "application/json"
        elif data is not None:
            content = _form(data)
            send_headers["Content-Type"] = "application/x-www-form-urlencoded"
        async with self._gate:
            try:
                async with asyncio.timeout(self.limits.timeout):
                    return await self._send(method, url, params, content, send_headers)
            except (TimeoutError, httpx.TimeoutException):
                raise SyncError(
                    f"{self.where} did not answer within {self.limits.timeout:g} s.",
                    "unreachable",
                ) from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise SyncError(
                    f"Cannot reach the sync server at {self.where} ({_why(exc)}).", "unreachable"
                ) from None

    async def _send(
        self,
        method: str,
        url: str,
        params: FormData | None,
        content: bytes | None,
        headers: dict[str, str],
    ) -> Reply:
        request = self._client.build_request(
            method, url, params=list(params) if params else None, content=content, headers=headers
        )
        response = await self._client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.limits.max_reply:
                    raise SyncError(
                        f"{self.where} sent a reply larger than "
                        f"{self.limits.max_reply // (1024 * 1024)} MB.",
                        "reply",
                    )
                chunks.append(chunk)
        finally:
            await response.aclose()
        return Reply(response.status_code, b"".join(chunks), response.headers)

    def decode_json(self, reply: Reply, what: str) -> Any:
        """The reply's JSON, or a SyncError saying the server's answer is not JSON."""
        try:
            return json.loads(reply.body)
        except ValueError:
            raise SyncError(
                f"{self.where} answered {what} with something that is not JSON"
                f" (HTTP {reply.status}); is the URL right?",
                "reply",
            ) from None


def _form(data: FormData) -> bytes:
    # Repeated keys (i=1&i=2) matter for Google Reader; keep the order given.
    return str(httpx.QueryParams(list(data))).encode()


def _why(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or no route"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "the connection was dropped"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "not an http(s) URL"
    return type(exc).__name__


class ClientBase:
    """What both clients share: one :class:`Transport`, closed on ``async with`` exit."""

    _http: Transport

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections (a server session is left to expire)."""
        await self._http.aclose()
