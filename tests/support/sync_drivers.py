"""One way to drive a sync server from the outside, for the engine's shared scenarios.

The same scenarios (tests/integration/sync/_scenarios.py) run against the
real tt-rss and against the Google Reader conformance server in both
flavours; a :class:`Driver` is what they need of a server: make feeds with
articles (known by title), let new ones arrive, read and change flags the
way another device would, delete an article (the server's retention), and
be unreachable for a while. None of it goes through the client under test.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from briefterm.config.sync import SyncConfig
from tests.support.greader_server import GReaderServer, Subscription
from tests.support.ttrss import AdminSession, FeedItem, TtrssServer, TtrssUser

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


class Driver(Protocol):
    """A sync server as the scenarios see it."""

    account: SyncConfig

    def feed(self, name: str, title: str, articles: Sequence[str], category: str = "") -> str:
        """Subscribe to a new feed with ``articles`` (titles), fetched at once; its URL."""

    def more(self, name: str, articles: Sequence[str]) -> None:
        """New ``articles`` arrive in the feed ``name``."""

    def flags(self) -> dict[str, tuple[bool, bool]]:
        """Every article's (read, starred) on the server, by title."""

    def set(self, title: str, *, read: bool | None = None, starred: bool | None = None) -> None:
        """Change an article's flags on the server (another device did)."""

    def delete(self, title: str) -> None:
        """The server drops the article (its retention)."""

    def down(self) -> AbstractContextManager[None]:
        """A context in which the server cannot be reached."""

    def wrong_password(self) -> SyncConfig:
        """The account with a password the server refuses."""


def _item(title: str, k: int) -> FeedItem:
    return FeedItem(
        guid=title,
        title=title,
        link=f"http://site.test/{title.replace(' ', '-')}",
        description=f"<p>The report on {title}, with <b>details</b>.</p>",
        author="Ann Writer",
        published=START + timedelta(minutes=k),
    )


@dataclass
class TtrssDriver:
    """The real tt-rss, one user per test, set up through its API and SQL."""

    server: TtrssServer
    user: TtrssUser
    admin: AdminSession
    account: SyncConfig = field(init=False)
    _feeds: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    _known: dict[str, int] = field(default_factory=dict)
    _count: int = 0

    def __post_init__(self) -> None:
        self.account = SyncConfig("ttrss", self.server.url, self.user.login, self.user.password)

    def _items(self, articles: Sequence[str]) -> list[FeedItem]:
        out = []
        for title in articles:
            self._count += 1
            out.append(_item(title, self._count))
        return out

    def feed(self, name: str, title: str, articles: Sequence[str], category: str = "") -> str:
        file = f"{name}{self.user.uid}"
        url = self.server.write_feed(file, title, self._items(articles))
        cat = self.server.create_category(self.user, category) if category else 0
        self._feeds[name] = (file, self.admin.subscribe(url, cat), title)
        return url

    def more(self, name: str, articles: Sequence[str]) -> None:
        file, feed_id, title = self._feeds[name]
        # tt-rss keeps what it has: the feed need list only the new items.
        self.server.write_feed(file, title, self._items(articles))
        self.admin.update(feed_id)

    def _id(self, title: str) -> int:
        # Article ids never change: one listing serves every later call.
        if title not in self._known:
            self._known.update({h["title"]: int(h["id"]) for h in self.admin.headlines()})
        return self._known[title]

    def flags(self) -> dict[str, tuple[bool, bool]]:
        return {h["title"]: (not h["unread"], bool(h["marked"])) for h in self.admin.headlines()}

    def set(self, title: str, *, read: bool | None = None, starred: bool | None = None) -> None:
        article = self._id(title)
        if read is not None:
            self.admin.set_flag([article], 2, 0 if read else 1)
        if starred is not None:
            self.admin.set_flag([article], 0, 1 if starred else 0)

    def delete(self, title: str) -> None:
        article = self._id(title)
        self.server.psql(
            f"DELETE FROM ttrss_user_entries WHERE ref_id = {article}"
            f" AND owner_uid = {self.user.uid};"
        )

    @contextmanager
    def down(self) -> Iterator[None]:
        self.server.stop_php()
        try:
            yield
        finally:
            self.server.start_php()

    def wrong_password(self) -> SyncConfig:
        return replace(self.account, password=self.account.password + "x")


@dataclass
class GReaderDriver:
    """The conformance server (tests/support/greader_server.py), in process."""

    server: GReaderServer
    account: SyncConfig = field(init=False)
    _feeds: dict[str, Subscription] = field(default_factory=dict)

    def __post_init__(self) -> None:
        app_id, app_key = self.server.app or ("", "")
        self.account = SyncConfig(
            "greader",
            self.server.url,
            self.server.user,
            self.server.password,
            app_id=app_id,
            app_key=app_key,
        )

    def feed(self, name: str, title: str, articles: Sequence[str], category: str = "") -> str:
        url = f"http://{name}.test/feed.xml"
        self._feeds[name] = self.server.add_feed(url, title, labels=[category] if category else [])
        self.more(name, articles)
        return url

    def more(self, name: str, articles: Sequence[str]) -> None:
        for title in articles:
            self.server.add_item(
                self._feeds[name],
                title,
                content=f"<p>The report on {title}, with <b>details</b>.</p>",
                author="Ann Writer",
            )

    def _item(self, title: str) -> int:
        (num,) = [n for n, item in self.server.items.items() if item.title == title]
        return num

    def flags(self) -> dict[str, tuple[bool, bool]]:
        with self.server.lock:
            return {item.title: (item.read, item.starred) for item in self.server.items.values()}

    def set(self, title: str, *, read: bool | None = None, starred: bool | None = None) -> None:
        with self.server.lock:
            item = self.server.items[self._item(title)]
            if read is not None:
                item.read = read
            if starred is not None:
                item.starred = starred

    def delete(self, title: str) -> None:
        with self.server.lock:
            del self.server.items[self._item(title)]

    @contextmanager
    def down(self) -> Iterator[None]:
        def drop(handler: object) -> bool:
            # As a server that went away: the connection closes unanswered.
            sock: socket.socket = handler.connection  # type: ignore[attr-defined]
            handler.close_connection = True  # type: ignore[attr-defined]
            sock.shutdown(socket.SHUT_RDWR)
            return True

        self.server.fault = drop
        try:
            yield
        finally:
            self.server.fault = None

    def wrong_password(self) -> SyncConfig:
        return replace(self.account, password=self.account.password + "x")


class HeldRequests:
    """Holds the first request whose path contains ``path`` until :attr:`release` is set.

    Then the request is answered as usual (to a client that may be gone).
    A test waits for :attr:`arrived` to know a sync is inside that request.
    """

    def __init__(self, server: GReaderServer, path: str) -> None:
        self.path = path
        self.arrived = threading.Event()
        self.release = threading.Event()
        server.fault = self

    def __call__(self, handler: object) -> bool:
        if self.path in str(getattr(handler, "path", "")) and not self.arrived.is_set():
            self.arrived.set()
            self.release.wait(60)
        return False
