"""A real Tiny Tiny RSS for the sync tests: one server per session, one user per test.

:func:`start` runs ``tests/servers/ttrss_up.py`` (which installs the Debian
packages when missing) with a watchdog on this process, so even a killed
test run leaves no server behind; :meth:`TtrssServer.stop` runs
``ttrss_down.py``. When the server cannot be had (not root, no apt, the
install failed, ``BRIEFTERM_NO_SERVER_TESTS=1``) :func:`start` returns the
reason instead, and the fixtures skip with it.

Test set-up talks to tt-rss through its own tiny stdlib JSON caller
(:class:`AdminSession`), never through the client under test, and creates
users and categories by SQL (tt-rss's API cannot).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tests.support import REPO

SERVERS = REPO / "tests" / "servers"
PSQL = "/usr/lib/postgresql/15/bin/psql"
_users = itertools.count(1)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a test feed (RSS 2.0)."""

    guid: str
    title: str
    link: str = ""
    description: str = ""
    author: str = ""
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class TtrssUser:
    """A tt-rss account made for one test."""

    login: str
    password: str
    uid: int


@dataclass(slots=True)
class TtrssServer:
    """A running instance; ``facts`` are the ``KEY=VALUE`` lines ttrss_up printed."""

    facts: dict[str, str]
    stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        """The base URL (the client appends ``api/``)."""
        return self.facts["TTRSS_URL"]

    @property
    def base(self) -> Path:
        """The instance directory."""
        return Path(self.facts["TTRSS_BASE"])

    def psql(self, sql: str) -> list[list[str]]:
        """Run SQL on tt-rss's database; rows of the last statement, fields as text."""
        done = subprocess.run(
            [
                PSQL,
                "-X",
                "-q",
                "-A",
                "-t",
                "-F",
                "\t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.facts["TTRSS_PGHOST"],
                "-p",
                self.facts["TTRSS_PGPORT"],
                "-U",
                "postgres",
                "-d",
                self.facts["TTRSS_DB"],
            ],
            input=sql,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"psql: {done.stderr.strip()}")
        return [line.split("\t") for line in done.stdout.splitlines() if line]

    def create_user(self, *, api: bool = True) -> TtrssUser:
        """A new user (MODE2 password hash, as tt-rss stores it) with the API enabled."""
        login = f"u{os.getpid()}x{next(_users)}"
        password = secrets.token_urlsafe(12)
        salt = secrets.token_hex(32)
        pwd_hash = "MODE2:" + hashlib.sha256((salt + password).encode()).hexdigest()
        uid = int(
            self.psql(
                "INSERT INTO ttrss_users (login, pwd_hash, salt, access_level, created)"
                f" VALUES ('{login}', '{pwd_hash}', '{salt}', 0, NOW()) RETURNING id;"
            )[0][0]
        )
        if api:
            self.psql(
                "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value)"
                f" VALUES ({uid}, 'ENABLE_API_ACCESS', NULL, 'true');"
            )
        return TtrssUser(login, password, uid)

    def create_category(self, user: TtrssUser, title: str) -> int:
        """A feed category of ``user`` (the level-15 API has no call for it)."""
        quoted = title.replace("'", "''")
        return int(
            self.psql(
                "INSERT INTO ttrss_feed_categories (owner_uid, title)"
                f" VALUES ({user.uid}, '{quoted}') RETURNING id;"
            )[0][0]
        )

    def drop_sessions(self, user: TtrssUser) -> None:
        """Forget every session of ``user``, as an expiry or a server restart would."""
        # PHP session data, base64-encoded, starts with "uid|i:<uid>;".
        self.psql(
            "DELETE FROM ttrss_sessions WHERE"
            f" convert_from(decode(data, 'base64'), 'UTF8') LIKE 'uid|i:{user.uid};%';"
        )

    def write_feed(self, name: str, title: str, items: Iterable[FeedItem]) -> str:
        """Write ``NAME.xml`` into the served directory; return the URL tt-rss uses."""
        path = Path(self.facts["TTRSS_FEED_DIR"]) / f"{name}.xml"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(rss(title, items), encoding="utf-8")
        tmp.chmod(0o644)
        tmp.replace(path)
        return f"{self.facts['TTRSS_FEED_URL']}{name}.xml"

    def stop_php(self) -> None:
        """Stop only the web server: the API becomes unreachable, the data stays."""
        subprocess.run(
            [sys.executable, str(SERVERS / "ttrss_down.py"), "--php-only", str(self.base)],
            check=True,
        )

    def start_php(self) -> None:
        """Start the web server again on the same port (sessions live in the database)."""
        subprocess.run(
            [sys.executable, str(SERVERS / "ttrss_up.py"), "--php-only", str(self.base)],
            check=True,
        )

    def stop(self) -> None:
        """Stop the instance and remove its directory (idempotent)."""
        if not self.stopped:
            self.stopped = True
            subprocess.run(
                [sys.executable, str(SERVERS / "ttrss_down.py"), str(self.base)], check=False
            )


def rss(title: str, items: Iterable[FeedItem]) -> str:
    """An RSS 2.0 document with ``items``."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>http://site.test/</link>",
    ]
    for item in items:
        parts.append(f"<item><guid>{escape(item.guid)}</guid><title>{escape(item.title)}</title>")
        if item.link:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.description:
            parts.append(f"<description>{escape(item.description)}</description>")
        if item.author:
            parts.append(f"<author>{escape(item.author)}</author>")
        if item.published:
            parts.append(f"<pubDate>{format_datetime(item.published.astimezone(UTC))}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts)


class AdminSession:
    """Test set-up through tt-rss's API as ``user`` (stdlib; not the client under test)."""

    def __init__(self, server: TtrssServer, user: TtrssUser) -> None:
        self.api_url = server.facts["TTRSS_API_URL"]
        self.sid = str(self.call("login", user=user.login, password=user.password)["session_id"])

    def call(self, op: str, **params: Any) -> Any:
        """Call ``op``; return ``content`` or raise on an error status."""
        body = {"op": op, **params}
        if op != "login":
            body["sid"] = self.sid
        request = urllib.request.Request(
            self.api_url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "User-Agent": "briefterm-test-setup"},
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            answer = json.loads(reply.read())
        if answer.get("status") != 0:
            raise RuntimeError(f"tt-rss {op}: {answer.get('content')}")
        return answer["content"]

    def subscribe(self, feed_url: str, category_id: int = 0) -> int:
        """Subscribe and fetch the feed at once (``updateFeed``); return its id."""
        status = self.call("subscribeToFeed", feed_url=feed_url, category_id=category_id)["status"]
        if status.get("code") != 1:
            raise RuntimeError(f"subscribeToFeed {feed_url}: {status}")
        feed_id = int(status["feed_id"])
        self.update(feed_id)
        return feed_id

    def update(self, feed_id: int) -> None:
        """Fetch the feed now (synchronous, unlike the 60 s daemon)."""
        self.call("updateFeed", feed_id=feed_id)

    def headlines(self, feed_id: int = -4, view_mode: str = "all_articles") -> list[dict[str, Any]]:
        """Every headline of ``feed_id`` (paged by 200), without content."""
        out: list[dict[str, Any]] = []
        while True:
            page = self.call(
                "getHeadlines", feed_id=feed_id, view_mode=view_mode, limit=200, skip=len(out)
            )
            out.extend(page)
            if len(page) < 200:
                return out

    def set_flag(self, ids: Sequence[int], field_code: int, mode: int) -> None:
        """``updateArticle``: field 0 starred / 2 unread, mode 0 false / 1 true."""
        self.call(
            "updateArticle",
            article_ids=",".join(map(str, ids)),
            field=field_code,
            mode=mode,
        )


def start() -> TtrssServer | str:
    """Start a server for this test session, or return why it cannot be."""
    if os.environ.get("BRIEFTERM_NO_SERVER_TESTS") == "1":
        return "BRIEFTERM_NO_SERVER_TESTS=1"
    if os.geteuid() != 0:
        return "a real tt-rss needs root (to install it and to run it as www-data)"
    done = subprocess.run(
        [sys.executable, str(SERVERS / "ttrss_up.py"), "-q", "--watch-pid", str(os.getpid())],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if done.returncode:
        return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "ttrss_up failed"
    facts = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return TtrssServer(facts)
