"""The real-shaped brief fixtures of tests/data/briefs/, served as if polled today.

The fixture feeds are dated around Wednesday 2 December 2026, 06:20 UTC
(:data:`FIXTURE_NOW`). A test that polls them through the real poller
shifts every date by the same amount, so "published an hour ago" stays an
hour ago whenever the test runs; dates before 1990 (the Unix epoch a broken
feed sends) are left alone, as they are on the real web.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from tests import support
from tests.support.loopback import LoopbackServer, Reply

FIXTURES = support.DATA / "briefs"
FIXTURE_NOW = datetime(2026, 12, 2, 6, 20, tzinfo=UTC)
FEED_FILES = (
    "harbor-ledger.xml",
    "capitol-report.xml",
    "correio-regional.xml",
    "fieldnotes.rss",
    "fieldnotes.atom",
    "newsdesk-wire.xml",
)

_RFC822 = re.compile(rb"<pubDate>([^<]+)</pubDate>")
_ISO = re.compile(rb"<(published|updated)>([^<]+)</\1>")


def shifted(data: bytes, delta: timedelta) -> bytes:
    """``data`` with every plausible date moved by ``delta``."""

    def rfc(match: re.Match[bytes]) -> bytes:
        when = parsedate_to_datetime(match.group(1).decode())
        if when.year < 1990:
            return match.group(0)
        return b"<pubDate>" + format_datetime(when + delta, usegmt=True).encode() + b"</pubDate>"

    def iso(match: re.Match[bytes]) -> bytes:
        tag, value = match.group(1), match.group(2).decode()
        when = datetime.fromisoformat(value.replace("Z", "+00:00")) + delta
        stamp = when.astimezone(UTC).isoformat().replace("+00:00", "Z").encode()
        return b"<" + tag + b">" + stamp + b"</" + tag + b">"

    return _ISO.sub(iso, _RFC822.sub(rfc, data))


def serve_fixtures(server: LoopbackServer, now: datetime) -> dict[str, str]:
    """Route every fixture feed (dates shifted to ``now``); returns file → URL."""
    delta = now - FIXTURE_NOW
    urls = {}
    for name in FEED_FILES:
        body = shifted((FIXTURES / name).read_bytes(), delta)
        kind = "application/atom+xml" if name.endswith(".atom") else "application/rss+xml"
        server.route(f"/{name}", Reply(body=body, content_type=kind))
        urls[name] = server.url(f"/{name}")
    return urls


def opml_for(server: LoopbackServer) -> bytes:
    """The fixture OPML with the server's address filled in."""
    text = (FIXTURES / "subscriptions.opml").read_text(encoding="utf-8")
    return text.replace("{server}", server.url("").rstrip("/")).encode("utf-8")
