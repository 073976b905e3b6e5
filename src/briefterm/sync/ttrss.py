"""Tiny Tiny RSS JSON API client (``POST <base>/api/``), API level 1 and up.

What this client relies on, from the API reference and a real tt-rss
(Debian 21, API level 15):

* One session id per login; tt-rss binds it to the User-Agent, so the
  :class:`~briefterm.sync.transport.Transport` keeps one for its life, and
  every call that answers ``NOT_LOGGED_IN`` logs in again once and retries.
* Article ids are integers that grow with insertion, across all feeds; they
  are the keys (a headline's ``guid`` is tt-rss's own hash, not the feed's).
* New entries: ``getHeadlines feed_id=-4 since_id=<max stored id>`` paged
  with ``skip`` (200 a page; 60 before level 6) in tt-rss's default order,
  newest first, so an article arriving mid-sync only pushes others to a
  later page (a duplicate, dropped) and never hides one.
* There is no "changed since": :meth:`TtrssClient.state` lists the unread
  (``view_mode=unread``) and starred (``feed_id=-1``) ids, which costs the
  server ~2 ms an article; :meth:`TtrssClient.counters` (one call) says which
  feeds' unread counts changed, so a quick sync lists only those.
* ``updateArticle`` answers ``{"status": "OK", "updated": n}``; ids the
  server does not know simply do not count in ``n``.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Any

from briefterm.errors import SyncError
from briefterm.sync import clean
from briefterm.sync._ttrss_rows import SUBSCRIBE_CODES, api_error, article, error_code
from briefterm.sync.models import (
    EntryBatch,
    Flag,
    PushResult,
    RemoteCategory,
    RemoteCounters,
    RemoteEntry,
    RemoteFeed,
    RemoteState,
)
from briefterm.sync.transport import DEFAULT_LIMITS, ClientBase, Limits, Transport

PAGE = 200
"""Headlines per page since API level 6 (the server's cap)."""
OLD_PAGE = 60
PUSH_BATCH = 500
ARTICLE_BATCH = 200
PROBE = 50
"""Headlines fetched first to find the newest id (fewer: the sweep is not worth it)."""
SPARSE_AFTER = 1600
SPARSE_SHARE = 0.1
"""Below this share of ids being this account's, ``getArticle`` costs more than paging."""
# updateArticle field and mode for each flag.
_FLAG_CALL = {
    Flag.READ: (2, 0),
    Flag.UNREAD: (2, 1),
    Flag.STAR: (0, 1),
    Flag.UNSTAR: (0, 0),
}


class _SessionCallFailed(SyncError):
    """A call on a session answered HTTP 5xx (see :meth:`TtrssClient.call`)."""


class TtrssClient(ClientBase):
    """One tt-rss account; use as ``async with TtrssClient(url, user, password) as c``."""

    name = "tt-rss"

    def __init__(
        self, url: str, username: str, password: str, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        base = url if url.endswith("/") else url + "/"
        self._api = base + "api/"
        self._user = username
        self._password = password
        self._http = Transport(base, limits)
        self._where = f"tt-rss at {self._http.where}"
        self._sid: str | None = None
        # A session resumed from an earlier process, until a call succeeds on it.
        self._unproven: str | None = None
        self._login_lock = asyncio.Lock()
        self.api_level = 0
        """The server's API level, known after :meth:`login`."""

    # -- transport and session --------------------------------------------------

    async def _post(self, body: dict[str, Any]) -> tuple[int, Any]:
        reply = await self._http.request("POST", self._api, json_body=body)
        if reply.status >= 500 and "sid" in body:
            raise _SessionCallFailed(
                f"{self._where} answered HTTP {reply.status}; is {self._api} a tt-rss API?",
                "reply",
            )
        if reply.status != 200:
            raise SyncError(
                f"{self._where} answered HTTP {reply.status}; is {self._api} a tt-rss API?",
                "reply",
            )
        answer = clean.need_dict(
            self._http.decode_json(reply, body.get("op", "a call")), self._where, "a reply"
        )
        status = answer.get("status")
        if status not in (0, 1):
            raise SyncError(f"{self._where} sent a reply without a status.", "reply")
        return int(status), answer.get("content")

    async def login(self) -> None:
        """Log in (unless a session was resumed) and learn the API level."""
        await self._login(stale=None)

    @property
    def session(self) -> tuple[str, int] | None:
        """The session id and API level, to resume in this process (never stored)."""
        return (self._sid, self.api_level) if self._sid is not None else None

    def resume(self, session: tuple[str, int]) -> None:
        """Use a session of an earlier client of this process (a stale one logs in again)."""
        self._sid, self.api_level = session
        self._unproven = self._sid

    async def _login(self, stale: str | None) -> str:
        async with self._login_lock:
            if self._sid is not None and self._sid != stale:
                return self._sid  # another task logged in meanwhile
            status, content = await self._post(
                {"op": "login", "user": self._user, "password": self._password}
            )
            if status != 0:
                raise self._error(content, "login")
            content = clean.need_dict(content, self._where, "a login reply")
            sid = content.get("session_id")
            if not isinstance(sid, str) or not sid or len(sid) > 200:
                raise SyncError(f"{self._where} sent a login reply without a session.", "reply")
            level = clean.decimal_id(content.get("api_level"))
            self.api_level = int(level) if level else await self._probe_level(sid)
            self._sid = sid
            return sid

    async def _probe_level(self, sid: str) -> int:
        # Servers before level 1 lack api_level in the login reply and
        # answer getApiLevel with an error: that means level 0.
        status, content = await self._post({"op": "getApiLevel", "sid": sid})
        if status == 0 and isinstance(content, dict):
            return int(clean.decimal_id(content.get("level")) or 0)
        return 0

    async def call(self, op: str, **params: object) -> Any:
        """Call ``op`` with ``params`` (sent as strings); return ``content``."""
        body: dict[str, Any] = {"op": op}
        # The API reference asks for numbers and booleans as strings.
        for key, value in params.items():
            body[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        sid = self._sid or await self._login(stale=None)
        for attempt in range(2):
            try:
                status, content = await self._post({**body, "sid": sid})
            except _SessionCallFailed:
                # A session tt-rss forgot (expired, dropped, or resumed from an
                # earlier process) can fail as HTTP 500 instead of NOT_LOGGED_IN
                # when calls race to restart it (seen on the real server): log
                # in again, once; a server that fails again is reported.
                if attempt == 0:
                    sid = await self._login(stale=sid)
                    continue
                raise
            if status == 0:
                if sid == self._unproven:
                    self._unproven = None
                return content
            if attempt == 0 and error_code(content) == "NOT_LOGGED_IN":
                sid = await self._login(stale=sid)
                continue
            raise self._error(content, op)
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, content: object, op: str) -> SyncError:
        return api_error(content, op, where=self._where, user=self._user, level=self.api_level)

    # -- subscriptions -------------------------------------------------------------

    async def categories(self) -> list[RemoteCategory]:
        """Real categories (tt-rss's virtual ones, ids ≤ 0, are left out)."""
        content = await self.call("getCategories", include_empty=True)
        out = []
        for raw in clean.need_list(content, self._where, "categories"):
            if not isinstance(raw, dict):
                continue
            cat_id = clean.decimal_id(raw.get("id"))
            if cat_id is not None and cat_id != "0":
                out.append(RemoteCategory(cat_id, clean.line(raw.get("title"), clean.MAX_CATEGORY)))
        return out

    async def subscriptions(self) -> list[RemoteFeed]:
        """Every real feed, with its category title."""
        if self._sid is None:
            await self.login()
        if self.api_level >= 2:
            categories, content = await asyncio.gather(
                self.categories(), self.call("getFeeds", cat_id=-3)
            )
            titles = {c.id: c.title for c in categories}
            raws = clean.need_list(content, self._where, "feeds")
        else:  # cat_id -3 (all real feeds) came in level 2
            titles = {c.id: c.title for c in await self.categories()}
            raws = []
            for cat_id in ["0", *titles]:
                content = await self.call("getFeeds", cat_id=cat_id)
                raws.extend(clean.need_list(content, self._where, "feeds"))
        feeds: dict[str, RemoteFeed] = {}
        for raw in raws:
            if not isinstance(raw, dict):
                continue
            feed_id = clean.decimal_id(raw.get("id"))
            if feed_id is None or feed_id == "0":
                continue
            cat = clean.decimal_id(raw.get("cat_id")) or "0"
            feeds[feed_id] = RemoteFeed(
                id=feed_id,
                url=clean.url(raw.get("feed_url")),
                title=clean.line(raw.get("title")),
                category=titles.get(cat, ""),
            )
        return list(feeds.values())

    async def subscribe(self, url: str, category: str = "") -> RemoteFeed:
        """``subscribeToFeed`` (level 5+), in the category titled ``category``."""
        await self._need_level(5, "subscribing")
        cat_id = "0"
        if category:
            found = [c.id for c in await self.categories() if c.title == category]
            if not found:
                raise SyncError(
                    f"{self._where} has no category {category!r}; create it there first"
                    " (its API cannot).",
                    "refused",
                )
            cat_id = found[0]
        content = clean.need_dict(
            await self.call("subscribeToFeed", feed_url=url, category_id=cat_id),
            self._where,
            "a subscribe reply",
        )
        status = content.get("status")
        code = clean.decimal_id(status.get("code")) if isinstance(status, dict) else None
        if code not in ("0", "1"):
            message = status.get("message") if isinstance(status, dict) else None
            detail = clean.line(message, 200) or SUBSCRIBE_CODES.get(code or "", "no reason")
            raise SyncError(f"{self._where} could not subscribe to {url}: {detail}.", "refused")
        for feed in await self.subscriptions():
            new_id = str(status.get("feed_id")) if isinstance(status, dict) else ""
            if feed.url == url or feed.id == new_id:
                return feed
        raise SyncError(f"{self._where} accepted {url} but does not list it.", "reply")

    async def unsubscribe(self, feed_id: str) -> None:
        """``unsubscribeFeed`` (level 5+); an unknown feed is an error."""
        await self._need_level(5, "unsubscribing")
        await self.call("unsubscribeFeed", feed_id=clean.need_id(feed_id, "the caller", "a feed"))

    async def _need_level(self, level: int, what: str) -> None:
        if self._sid is None:
            await self.login()
        if self.api_level < level:
            raise SyncError(
                f"{self._where} (API level {self.api_level}) is too old for {what}.", "refused"
            )

    # -- entries -------------------------------------------------------------------

    async def entries_since(
        self, watermark: str | None, known: Collection[str] = ()
    ) -> AsyncIterator[EntryBatch]:
        """Articles with ids above ``watermark`` (the largest id stored), in batches.

        ``getHeadlines`` costs the server ~2 ms an article whatever is asked
        (it parses every body for an image), ``getArticle`` a third of that;
        so one small page of headlines finds the newest id, ``getArticle``
        sweeps the ids from there down to the watermark (skipping ``known``
        ones, so a first sync cut short resumes where it was), and
        ``since_id`` paging gets what arrived meanwhile. Where this account's
        ids are sparse (a server shared by many users) the sweep gives way to
        ``since_id`` paging of everything.
        """
        since = int(clean.decimal_id(watermark) or 0)
        seen: set[str] = set()
        skip = set(known)
        probe = await self._headlines_page(since, PROBE)
        fresh = self._fresh(probe, seen, skip)
        yield EntryBatch(tuple(fresh), watermark)
        ids = [int(i) for i in seen]
        if not ids:
            yield EntryBatch((), watermark)
            return
        top = max(ids)
        if len(probe) < PROBE:  # that was all of it
            yield EntryBatch((), str(top))
            return
        swept = False
        async for batch in self._sweep(since, top, seen, skip):
            if batch is None:
                break  # sparse: page through everything instead
            yield EntryBatch(tuple(batch), watermark)
        else:
            swept = True
        after = top if swept else since
        async for page in self._pages("getHeadlines", **self._since(after)):
            yield EntryBatch(tuple(self._fresh(page, seen, skip)), watermark)
        yield EntryBatch((), str(max(int(i) for i in seen)))

    def _since(self, since: int) -> dict[str, object]:
        return {
            "feed_id": -4,
            "view_mode": "all_articles",
            "since_id": since,
            "show_content": True,
            "include_attachments": True,
            # briefterm treats the HTML as untrusted and converts it when shown
            # (as it does a feed's); tt-rss's own pass costs a third of a page.
            "sanitize": False,
        }

    async def _headlines_page(self, since: int, limit: int) -> list[Any]:
        content = await self.call("getHeadlines", limit=limit, skip=0, **self._since(since))
        return clean.need_list(content, self._where, "headlines")

    def _fresh(self, raws: list[Any], seen: set[str], known: set[str]) -> list[RemoteEntry]:
        """Entries of ``raws`` not delivered yet (recorded in ``seen``) and not ``known``."""
        out = []
        for raw in raws:
            entry = article(raw)
            if entry is None or entry.id in seen:
                continue
            seen.add(entry.id)
            if entry.id not in known:
                out.append(entry)
        return out

    async def _sweep(
        self, since: int, top: int, seen: set[str], known: set[str]
    ) -> AsyncIterator[list[RemoteEntry] | None]:
        """``getArticle`` over the ids from ``top`` down to ``since`` + 1; None: too sparse.

        A sliding window keeps ``concurrency`` calls in flight (no waiting
        for the slowest of a wave), and they keep running while the caller
        stores a batch.
        """
        candidates = (
            i for i in map(str, range(top, since, -1)) if i not in seen and i not in known
        )

        def start() -> tuple[list[str], asyncio.Task[Any]] | None:
            chunk = list(itertools.islice(candidates, ARTICLE_BATCH))
            if not chunk:
                return None
            call = self.call("getArticle", article_id=",".join(chunk), sanitize=False)
            return chunk, asyncio.ensure_future(call)

        window: collections.deque[tuple[list[str], asyncio.Task[Any]]] = collections.deque()
        asked = found = 0
        try:
            while True:
                while len(window) < max(1, self._http.limits.concurrency):
                    started = start()
                    if started is None:
                        break
                    window.append(started)
                if not window:
                    return
                chunk, task = window.popleft()
                page = clean.need_list(await task, self._where, "articles")
                asked += len(chunk)
                found += len(page)
                yield self._fresh(page, seen, known)
                if asked >= SPARSE_AFTER and found < asked * SPARSE_SHARE:
                    yield None
                    return
        finally:
            for _, task in window:
                task.cancel()

    async def entries_by_id(self, ids: Sequence[str]) -> list[RemoteEntry]:
        """``getArticle`` in batches (its dates are only minute-precise)."""
        wanted = [clean.need_id(i, "the caller", "an article") for i in ids]
        batches = [wanted[i : i + ARTICLE_BATCH] for i in range(0, len(wanted), ARTICLE_BATCH)]
        replies = await asyncio.gather(
            *(self.call("getArticle", article_id=",".join(b), sanitize=False) for b in batches)
        )
        out = []
        for content in replies:
            for raw in clean.need_list(content, self._where, "articles"):
                entry = article(raw)
                if entry is not None:
                    out.append(entry)
        return out

    async def state(
        self, feeds: Collection[str] | None = None, starred_feeds: Collection[str] | None = None
    ) -> RemoteState:
        """Ids unread now (of ``feeds``, or all) and starred now (of ``starred_feeds``, or all).

        Paged id lists, one per feed asked for (``view_mode=unread`` and
        ``marked``), or of virtual feeds -4 (all) and -1 (starred).
        """
        if feeds is None:
            unread_lists = [self._ids(feed_id=-4, view_mode="unread")]
        else:
            wanted = [clean.need_id(f, "the caller", "a feed") for f in feeds]
            unread_lists = [self._ids(feed_id=f, view_mode="unread") for f in wanted]
        if starred_feeds is None:
            starred_lists = [self._ids(feed_id=-1, view_mode="all_articles")]
        else:
            starred_wanted = [clean.need_id(f, "the caller", "a feed") for f in starred_feeds]
            starred_lists = [self._ids(feed_id=f, view_mode="marked") for f in starred_wanted]
        found = await asyncio.gather(*unread_lists, *starred_lists)
        unread, starred = found[: len(unread_lists)], found[len(unread_lists) :]
        return RemoteState(
            frozenset().union(*unread),
            frozenset().union(*starred),
            None if feeds is None else frozenset(wanted),
            None if starred_feeds is None else frozenset(starred_wanted),
        )

    async def counters(self) -> RemoteCounters | None:
        """``getCounters``: unread by feed, and the starred total (virtual feed -1)."""
        content = await self.call("getCounters", output_mode="flc")
        unread: dict[str, int] = {}
        marked: dict[str, int] = {}
        starred = None
        for row in content if isinstance(content, list) else []:
            if not isinstance(row, dict) or row.get("kind") == "cat":
                continue
            count = clean.decimal_id(row.get("counter"))
            if row.get("id") == -1:
                starred = int(clean.decimal_id(row.get("auxcounter")) or 0)
            elif (feed := clean.decimal_id(row.get("id"))) not in (None, "0"):
                if count and count != "0":
                    unread[str(feed)] = int(count)
                # A real feed's row also counts its starred articles.
                stars = clean.decimal_id(row.get("markedcounter"))
                if stars and stars != "0":
                    marked[str(feed)] = int(stars)
        return RemoteCounters(unread, starred, marked if starred is not None else None)

    async def _ids(self, **params: object) -> set[str]:
        out: set[str] = set()
        async for page in self._pages("getHeadlines", show_content=False, **params):
            for raw in page:
                found = clean.decimal_id(raw.get("id")) if isinstance(raw, dict) else None
                if found is not None:
                    out.add(found)
        return out

    async def _pages(self, op: str, **params: object) -> AsyncIterator[list[Any]]:
        """Every page of ``op``, fetched ``concurrency`` pages at a time, in order."""
        if self._sid is None:
            await self.login()
        size = PAGE if self.api_level >= 6 else OLD_PAGE
        # One page first (most lists fit in it), then as many as may run at once.
        wave = 1
        skip = 0
        while True:
            pages = await asyncio.gather(
                *(self.call(op, limit=size, skip=skip + k * size, **params) for k in range(wave))
            )
            for content in pages:
                page = clean.need_list(content, self._where, "headlines")
                if page:
                    yield page
                if len(page) < size:
                    return
            skip += wave * size
            wave = max(1, self._http.limits.concurrency)

    # -- state -----------------------------------------------------------------

    async def push(self, flag: Flag, ids: Sequence[str]) -> PushResult:
        """``updateArticle`` in batches; the server's ``updated`` count is checked."""
        wanted = list(dict.fromkeys(clean.need_id(i, "the caller", "an article") for i in ids))
        field, mode = _FLAG_CALL[flag]
        batches = [wanted[i : i + PUSH_BATCH] for i in range(0, len(wanted), PUSH_BATCH)]
        replies = await asyncio.gather(
            *(
                self.call("updateArticle", article_ids=",".join(b), field=field, mode=mode)
                for b in batches
            )
        )
        missing = 0
        for batch, content in zip(batches, replies, strict=True):
            if not isinstance(content, dict) or content.get("status") != "OK":
                raise SyncError(f"{self._where} did not confirm marking articles.", "reply")
            updated = clean.decimal_id(content.get("updated"))
            missing += max(0, len(batch) - int(updated or 0))
        return PushResult(frozenset(wanted), missing)
