"""Download one feed over HTTP with every limit that protects the user.

:func:`fetch` never raises for a network or server problem: it returns a
:class:`FetchResult` whose ``error`` is one sentence. The limits come from
:class:`~briefterm.config.PollConfig`:

* one **total deadline** (``timeout``) around connect, every redirect and the
  whole body, so a server that trickles one byte per second is cut off;
* a cap on the body **after decompression** (``max_bytes``), enforced while
  streaming. Decompression is done here, not by an HTTP library (httpx
  inflated each network chunk in one go: a 64 KiB chunk of a gzip bomb
  becomes 64 MiB before anyone can count it). Here zlib is driven with
  ``max_length`` so at most :data:`_DECODE_STEP` bytes exist uncounted at
  any time;
* redirects followed by hand: at most ``max_redirects``, http(s) targets only,
  loops detected, and a permanent move reported only when every hop was a
  301/308 (a 302 anywhere means "ask the old URL again next time");
* a redirect from a feed on a public host into a private or local address
  (loopback, link-local 169.254/16 where cloud metadata lives, RFC 1918,
  fc00::/7, 0.0.0.0) is refused unless ``allow_private_redirects``: a feed
  must not make the reader probe the user's own network
  (:func:`private_redirect_refused`);
* conditional GET (If-None-Match / If-Modified-Since) so unchanged feeds cost
  one small 304.

Content-Length is never trusted: not for allocation and not for the cap.
The HTTP/1.1 exchange itself is :mod:`briefterm.http11` (h11 on asyncio
streams; why not httpx is said there).
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from briefterm import __version__
from briefterm.config import MIB, PollConfig
from briefterm.http11 import (
    Client,
    ConnectError,
    HTTPError,
    IncompleteBody,
    InvalidURL,
    NetworkError,
    Response,
)
from briefterm.redirects import private_redirect_refused
from briefterm.sanitize import clean_line
from briefterm.server_headers import (
    parse_retry_after,
    sane_validator,
    validator_headers,
)
from briefterm.urls import is_http_url

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# No "br": Brotli is not a dependency, and its decoder would need the same
# bounded-output API as zlib to keep the decompressed-size cap honest.
ACCEPT_ENCODING = "gzip, deflate"
DEFAULT_USER_AGENT = f"briefterm/{__version__} (+https://pypi.org/project/briefterm/)"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_DECODE_STEP = 256 * 1024  # most bytes zlib may produce per call
MAX_STORED_URL = 4096
_REFUSED_VALIDATORS = frozenset({400, 431})  # 431: request header fields too large
_DEFAULT_LIMITS = PollConfig()


@dataclass(slots=True)
class FetchResult:
    """What one fetch produced; ``error`` is None on success or 304."""

    url: str
    """The URL asked for."""
    status: int | None = None
    """HTTP status of the final response (None if none arrived)."""
    final_url: str = ""
    """The URL of the final response, after redirects."""
    body: bytes = b""
    """Decompressed body of a 2xx response (empty otherwise)."""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect_url: str | None = None
    """Set when every redirect hop was 301/308: fetch this URL from now on."""
    retry_after: float | None = None
    """Seconds the server asked us to wait (429/503), capped."""
    not_modified: bool = False
    """True on 304: the cached copy is current; nothing to parse."""
    error: str | None = None
    """One sentence saying what went wrong, or None."""
    seconds: float = 0.0
    """Wall time the fetch took."""

    @property
    def ok(self) -> bool:
        """True when a body arrived that should be parsed."""
        return self.error is None and not self.not_modified


class _FetchError(Exception):
    """Internal: stops a fetch with a user-facing message."""


def default_headers(user_agent: str = "") -> dict[str, str]:
    """Request headers sent with every fetch."""
    return {
        "Accept": ACCEPT,
        "Accept-Encoding": ACCEPT_ENCODING,
        "User-Agent": user_agent or DEFAULT_USER_AGENT,
    }


def make_client(limits: PollConfig = _DEFAULT_LIMITS) -> Client:
    """A keep-alive :class:`~briefterm.http11.Client` configured for :func:`fetch`.

    One client is shared by a whole poll so connections are reused (HTTP/1.1
    keep-alive, per host); TLS is set up only once an https URL is fetched.
    """
    return Client(
        default_headers(limits.user_agent),
        connect_timeout=min(limits.connect_timeout, limits.timeout),
        pool=max(1, limits.concurrency),
    )


def _seconds(value: float) -> str:
    return f"{value:g}"


def _show_url(url: str) -> str:
    return clean_line(url, max_length=200)


def _size(n: int) -> str:
    if n % MIB == 0:
        return f"{n // MIB} MiB"
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    return f"{n} bytes"


def validators_refused(result: FetchResult, sent: dict[str, str]) -> bool:
    """True when a failed fetch's 400/431 may be the server refusing the validators sent."""
    return bool(sent) and result.error is not None and result.status in _REFUSED_VALIDATORS


def _status_error(status: int, reason: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = clean_line(reason, max_length=80)
    return f"HTTP {status} {phrase}".rstrip()


def _causes(exc: BaseException) -> Iterator[BaseException]:
    cause: BaseException | None = exc
    for _ in range(8):  # our error → the OSError → what asyncio wrapped
        if cause is None:
            return
        yield cause
        cause = cause.__cause__ or cause.__context__


def _network_error(exc: Exception, url: str, limits: PollConfig) -> str:
    """Translate an :mod:`briefterm.http11` exception into one sentence."""
    text = str(exc)
    host = urlsplit(url).hostname or url
    if isinstance(exc, ConnectError):
        causes = list(_causes(exc))
        low = " ".join(str(c).lower() for c in causes)
        errnos = {getattr(c, "errno", None) for c in causes}
        if any(isinstance(c, TimeoutError) for c in causes[1:]):
            return f"could not connect to {host} within {_seconds(limits.connect_timeout)} s"
        # asyncio reports "Multiple exceptions: [Errno 111] ..." when every
        # address of a host refused, with no errno of its own.
        if (
            errno.ECONNREFUSED in errnos
            or "refused" in low
            or f"[errno {errno.ECONNREFUSED}]" in low
        ):
            return "connection refused"
        if any(isinstance(c, ssl.SSLCertVerificationError) for c in causes) or "certificate" in low:
            return f"the TLS certificate of {host} could not be verified"
        if any(isinstance(c, ssl.SSLError) for c in causes) or "ssl" in low or "tls" in low:
            return f"the TLS handshake with {host} failed"
        resolving = ("name or service", "nodename", "name resolution", "gaierror")
        if any(w in low for w in resolving) or any(isinstance(c, socket.gaierror) for c in causes):
            return f"could not resolve host {host}"
        detail = clean_line(str(causes[-1]), max_length=120) or "unknown error"
        return f"could not connect to {host}: {detail}"
    if isinstance(exc, IncompleteBody):
        return "the server closed the connection before the feed was complete"
    if isinstance(exc, NetworkError):
        return "the connection broke while downloading the feed"
    if isinstance(exc, InvalidURL):
        return f"not a valid http(s) URL: {_show_url(url)}"
    if isinstance(exc, HTTPError):
        return "the server sent an invalid HTTP response"
    return f"the download failed ({type(exc).__name__}: {clean_line(text, max_length=80)})"


class _Decoder:
    """Bounded incremental decoding of a Content-Encoding."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = None
        self._started = False
        self.finished = False
        """True once the compressed stream ended: what follows is ignored."""
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise _FetchError(
                f"the server used a compression briefterm does not support ({clean_line(encoding)})"
            )

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield decoded pieces of at most ``_DECODE_STEP`` bytes each."""
        if self._zlib is None:
            if data:
                yield data
            return
        if self.finished:
            return
        if self.encoding == "deflate" and not self._started:
            # "deflate" is meant to be zlib-wrapped, but some servers send raw
            # deflate: decide from the first bytes, as browsers do.
            self._started = True
            if data and (data[0] & 0x0F) != 8:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        buf = data
        while True:
            try:
                out = self._zlib.decompress(buf, _DECODE_STEP)
            except zlib.error as exc:
                raise _FetchError("the feed's compressed data is corrupt") from exc
            buf = self._zlib.unconsumed_tail
            if out:
                yield out
            if self._zlib.eof:
                rest = self._zlib.unused_data
                if self.encoding != "deflate" and rest[:2] == b"\x1f\x8b":
                    # a multi-member gzip stream: go on with the next member
                    self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    buf = rest
                    continue
                # Trailing garbage after the stream is ignored, and must not
                # be fed on: zlib would pile it up in unused_data, uncounted.
                self.finished = True
                return
            if not buf and len(out) < _DECODE_STEP:
                return

    def flush(self) -> bytes:
        """Whatever the decoder still holds (small: input is fully consumed)."""
        if self._zlib is None or self._zlib.eof:
            return b""
        try:
            return self._zlib.flush()
        except zlib.error as exc:
            raise _FetchError("the feed's compressed data is corrupt") from exc


def _too_big(limits: PollConfig) -> str:
    return (
        f"the feed is larger than {_size(limits.max_bytes)} after decompression; "
        "raise poll.max_bytes if you trust it"
    )


async def _read_body(response: Response, limits: PollConfig) -> bytes:
    encoding = response.headers.get("content-encoding", "").strip().lower()
    decoder = _Decoder(encoding)
    parts: list[bytes] = []
    total = 0
    async for raw in response.iter_raw():
        for piece in decoder.feed(raw):
            total += len(piece)
            if total > limits.max_bytes:
                raise _FetchError(_too_big(limits))
            parts.append(piece)
        if decoder.finished:
            break  # the compressed document is complete; stop downloading junk
    tail = decoder.flush()
    total += len(tail)
    if total > limits.max_bytes:
        raise _FetchError(_too_big(limits))
    parts.append(tail)
    return b"".join(parts)


async def _drain(response: Response, limit: int = 64 * 1024) -> None:
    """Read a small unwanted body (304, redirect, error page) to its end.

    Closing a response whose body was not read closes its connection too;
    reading the few bytes of a 304 lets the next feed on the same host reuse
    it (an all-304 re-poll otherwise opens one TCP connection per feed).
    Bodies larger than ``limit`` are dropped with their connection.
    """
    total = 0
    try:
        async for chunk in response.iter_raw():
            total += len(chunk)
            if total > limit:
                return
    except HTTPError:
        return


async def _fetch(
    client: Client,
    result: FetchResult,
    headers: dict[str, str],
    limits: PollConfig,
) -> None:
    url = result.url
    if not is_http_url(url):
        raise _FetchError(f"not an http(s) URL: {_show_url(url)}")
    seen = {url}
    hops: list[int] = []
    while True:
        try:
            response = await client.get(url, headers)
        except InvalidURL as exc:
            if hops:
                raise _FetchError("the server redirected to an invalid URL") from exc
            raise _FetchError(f"not a valid http(s) URL: {_show_url(url)}") from exc
        try:
            status = response.status_code
            result.status = status
            result.final_url = url
            location = response.headers.get("location")
            if status in _REDIRECTS and location:
                try:
                    target = urljoin(url, location.strip())
                except ValueError as exc:  # e.g. "http://[bad/"
                    raise _FetchError("the server redirected to an invalid URL") from exc
                if len(hops) >= limits.max_redirects:
                    raise _FetchError(f"too many redirects (more than {limits.max_redirects})")
                if not is_http_url(target):
                    raise _FetchError(
                        f"redirect to a non-http(s) URL was refused: {_show_url(target)}"
                    )
                if target in seen:
                    raise _FetchError(f"redirect loop at {_show_url(target)}")
                if refused := await private_redirect_refused(result.url, target, limits):
                    raise _FetchError(refused)
                seen.add(target)
                hops.append(status)
                url = target
                continue
            if (
                hops
                and all(h in _PERMANENT for h in hops)
                and (status == 304 or 200 <= status < 300)
                and len(url) <= MAX_STORED_URL
            ):
                # Only a move that leads somewhere working is worth remembering.
                result.permanent_redirect_url = url
            result.etag = sane_validator(response.headers.get("etag"))
            result.last_modified = sane_validator(response.headers.get("last-modified"))
            if status == 304:
                result.not_modified = True
                return
            if 200 <= status < 300:
                result.content_type = response.headers.get("content-type")
                result.body = await _read_body(response, limits)
                return
            if status in (429, 503):
                result.retry_after = parse_retry_after(
                    response.headers.get("retry-after"), limits.max_retry_after
                )
            raise _FetchError(_status_error(status, response.reason_phrase))
        except (asyncio.CancelledError, TimeoutError):
            # Past the deadline nothing bounds a drain any more (a trickling
            # server would hold the poll): drop the connection instead.
            await response.aclose()
            raise
        finally:
            if not response.is_stream_consumed and not response.closed:
                await _drain(response)
            await response.aclose()


async def fetch(
    client: Client,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: PollConfig = _DEFAULT_LIMITS,
) -> FetchResult:
    """Fetch ``url`` within every limit of ``limits``; never raises for HTTP trouble.

    ``client`` should come from :func:`make_client` (redirects must be off:
    they are followed here). ``etag`` and ``last_modified`` come from the
    previous successful fetch and make the request conditional; overlong or
    malformed ones are not sent (:func:`sane_validator`). When the server
    answers 400/431 to a conditional request, it is asked once more without
    them, and validators equal to the refused ones are not returned (so the
    caller forgets them).
    """
    started = time.monotonic()
    result = FetchResult(url=url, final_url=url)
    headers = validator_headers(etag, last_modified)
    try:
        async with asyncio.timeout(limits.timeout):
            try:
                await _fetch(client, result, headers, limits)
            except _FetchError as exc:
                if not validators_refused(replace(result, error=str(exc)), headers):
                    raise
                result = FetchResult(url=url, final_url=url)
                await _fetch(client, result, {}, limits)
                if result.etag == headers.get("If-None-Match"):
                    result.etag = None
                if result.last_modified == headers.get("If-Modified-Since"):
                    result.last_modified = None
    except _FetchError as exc:
        result.error = str(exc)
    except TimeoutError:
        result.error = f"timed out after {_seconds(limits.timeout)} s"
    except HTTPError as exc:
        result.error = _network_error(exc, result.final_url or url, limits)
    except OSError as exc:  # anything the transport did not wrap
        result.error = f"the download failed: {clean_line(exc.strerror or str(exc))}"
    except ValueError as exc:  # a malformed header or URL no check above caught
        result.error = f"the server's response could not be read ({clean_line(str(exc))})"
    if result.error is not None:
        # Validators of a failed response must not replace the good ones.
        result.body = b""
        result.not_modified = False
        result.etag = result.last_modified = None
        result.permanent_redirect_url = None
    result.seconds = time.monotonic() - started
    return result
