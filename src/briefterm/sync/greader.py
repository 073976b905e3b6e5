"""Google Reader API client: FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux.

Written to the part of the protocol these servers share (see
shared/reviews/sync.md §3.2):

* ``POST accounts/ClientLogin`` (``Email``, ``Passwd``) gives ``Auth=``; every
  request carries ``Authorization: GoogleLogin auth=<Auth>``, and every POST
  also the ``T`` token from ``reader/api/0/token`` (Miniflux checks only
  ``T`` on POSTs, FreshRSS both). A refused POST fetches a new token once.
* Item ids come as ``tag:google.com,2005:reader/item/<16 hex>`` or decimal;
  both become one canonical unsigned decimal string.
* Entries: ``stream/items/ids`` (``xt=…/read`` for unread) then ``POST
  stream/items/contents`` in batches. ``stream/contents`` is never used:
  Miniflux answers unknown ``reader/api/0/*`` paths with ``200 []``.
* Read and starred are ``categories`` matched by suffix (Miniflux writes
  ``user/1/state/…``, FreshRSS ``user/-/state/…``).
* Continuations are opaque (FreshRSS: the last id; Miniflux: an offset).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Any

from briefterm.errors import SyncError
from briefterm.sync import clean
from briefterm.sync._greader_ids import canonical_id, wire_id
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
from briefterm.sync.transport import DEFAULT_LIMITS, ClientBase, FormData, Limits, Reply, Transport

API = "/reader/api/0/"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
IDS_PAGE = 1000
CONTENTS_BATCH = 250
EDIT_BATCH = 250
MAX_PAGES = 1000
"""Continuation pages followed at most (a server looping on one is cut off)."""
MARGIN = 7 * 86400
"""Seconds before the watermark still asked for: Miniflux compares ``ot`` with
the published date, not the crawl time, so late-crawled old posts need room."""
_FLAG_TAG = {
    Flag.READ: ("a", READ),
    Flag.UNREAD: ("r", READ),
    Flag.STAR: ("a", STARRED),
    Flag.UNSTAR: ("r", STARRED),
}


class GReaderClient(ClientBase):
    """One account on a Google Reader API server; ``url`` is the API base."""

    name = "Google Reader API"

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        limits: Limits = DEFAULT_LIMITS,
        *,
        app: tuple[str, str] | None = None,
    ) -> None:
        """``app`` is Inoreader's (AppId, AppKey): sent with every request, ClientLogin too."""
        self._base = url.rstrip("/")
        self._user = username
        self._password = password
        # Only this client sends them, and only to its own server: the
        # transport follows no redirects, so they never reach another host.
        self._app = {"AppId": app[0], "AppKey": app[1]} if app else {}
        self._http = Transport(self._base + "/", limits)
        self._where = f"The Google Reader API at {self._http.where}"
        self._auth: str | None = None
        self._token: str | None = None
        self._lock = asyncio.Lock()

    # -- authentication ------------------------------------------------------------

    async def login(self) -> None:
        """ClientLogin, unless a session was resumed: user name and API password for ``Auth``."""
        await self._login(stale=None)

    @property
    def session(self) -> tuple[str, str | None] | None:
        """``Auth`` and the write token, to resume in this process (never stored)."""
        return (self._auth, self._token) if self._auth is not None else None

    def resume(self, session: tuple[str, str | None]) -> None:
        """Use the tokens of an earlier client of this process (refused ones are renewed)."""
        self._auth, self._token = session

    async def _login(self, stale: str | None) -> str:
        async with self._lock:
            if self._auth is not None and self._auth != stale:
                return self._auth
            reply = await self._http.request(
                "POST",
                self._base + "/accounts/ClientLogin",
                data=[("Email", self._user), ("Passwd", self._password)],
                headers=self._app,
            )
            if reply.status in (401, 403):
                if self._app:
                    why = "wrong user name, API password, or sync.app_id/app_key"
                elif reply.status == 403:  # Inoreader refuses a client without its app keys
                    why = (
                        "wrong user name or API password (Inoreader also needs sync.app_id and"
                        " sync.app_key)"
                    )
                else:
                    why = (
                        "wrong user name or API password (the API password is set apart from"
                        " the web one)"
                    )
                raise SyncError(
                    f"{self._where} refused the login for {self._user!r}: {why}.", "login"
                )
            if reply.status != 200:
                raise SyncError(
                    f"{self._where} answered the login with HTTP {reply.status};"
                    " is the URL the API base (FreshRSS: …/api/greader.php)?",
                    "disabled" if reply.status == 404 else "reply",
                )
            fields = dict(line.split("=", 1) for line in reply.text().splitlines() if "=" in line)
            auth = fields.get("Auth", "").strip()
            if not auth or len(auth) > 500 or any(c.isspace() for c in auth):
                raise SyncError(f"{self._where} sent a login reply without Auth.", "reply")
            self._auth = auth
            self._token = None
            return auth

    def _headers(self, auth: str) -> dict[str, str]:
        return {**self._app, "Authorization": f"GoogleLogin auth={auth}"}

    async def _get(self, path: str, params: FormData) -> Any:
        """GET ``reader/api/0/<path>`` as JSON; a refused auth logs in once again."""
        auth = self._auth or await self._login(stale=None)
        for attempt in range(2):
            reply = await self._http.request(
                "GET",
                self._base + API + path,
                params=[("output", "json"), *params],
                headers=self._headers(auth),
            )
            if reply.status == 401 and attempt == 0:
                auth = await self._login(stale=auth)
                continue
            self._check(reply, path)
            return self._http.decode_json(reply, path)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _token_for(self, auth: str, stale: str | None) -> str:
        async with self._lock:
            if self._token is not None and self._token != stale:
                return self._token
            reply = await self._http.request(
                "GET", self._base + API + "token", headers=self._headers(auth)
            )
            self._check(reply, "token")
            token = reply.text().strip()
            if not token or len(token) > 500 or any(c.isspace() for c in token):
                raise SyncError(f"{self._where} sent an empty write token.", "reply")
            self._token = token
            return token

    async def _post(self, path: str, data: FormData) -> str:
        """POST with the header and ``T``; a refused token is fetched anew once."""
        auth = self._auth or await self._login(stale=None)
        token = self._token or await self._token_for(auth, stale=None)
        for attempt in range(2):
            reply = await self._http.request(
                "POST",
                self._base + API + path,
                data=[*data, ("T", token)],
                headers=self._headers(auth),
            )
            if reply.status == 401 and attempt == 0:
                # A new token first; only when that is refused too is Auth stale.
                try:
                    token = await self._token_for(auth, stale=token)
                except SyncError as exc:
                    if exc.reason != "login":
                        raise
                    auth = await self._login(stale=auth)
                    token = await self._token_for(auth, stale=None)
                continue
            self._check(reply, path)
            return reply.text()
        raise AssertionError("unreachable")  # pragma: no cover

    def _check(self, reply: Reply, what: str) -> None:
        if reply.status == 401:
            raise SyncError(
                f"{self._where} refused the credentials of {self._user!r} for {what}.", "login"
            )
        if reply.status == 403 and not self._app:
            raise SyncError(
                f"{self._where} refused {what} (HTTP 403); Inoreader needs sync.app_id and"
                " sync.app_key.",
                "login",
            )
        if reply.status != 200:
            raise SyncError(f"{self._where} answered {what} with HTTP {reply.status}.", "reply")

    # -- subscriptions -------------------------------------------------------------

    async def categories(self) -> list[RemoteCategory]:
        """Labels (``user/…/label/<name>``) from ``tag/list``."""
        content = clean.need_dict(await self._get("tag/list", []), self._where, "tag/list")
        out = []
        for raw in clean.need_list(content.get("tags"), self._where, "tags"):
            tag_id = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(tag_id, str) and "/label/" in tag_id:
                out.append(RemoteCategory(clean.line(tag_id), _label(tag_id)))
        return out

    async def subscriptions(self) -> list[RemoteFeed]:
        """``subscription/list`` with the first label as category."""
        content = clean.need_dict(
            await self._get("subscription/list", []), self._where, "subscription/list"
        )
        out = []
        for raw in clean.need_list(content.get("subscriptions"), self._where, "subscriptions"):
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            cats = raw.get("categories")
            first = cats[0] if isinstance(cats, list) and cats else {}
            category = ""
            if isinstance(first, dict):
                category = clean.line(first.get("label"), clean.MAX_CATEGORY) or _label(
                    first.get("id")
                )
            out.append(
                RemoteFeed(
                    id=clean.line(raw["id"], 300),
                    url=clean.url(raw.get("url")),
                    title=clean.line(raw.get("title")),
                    category=category,
                    site_url=clean.url(raw.get("htmlUrl")),
                )
            )
        return out

    async def subscribe(self, url: str, category: str = "") -> RemoteFeed:
        """``subscription/edit ac=subscribe s=feed/<url>`` (with a label)."""
        data = [("ac", "subscribe"), ("s", f"feed/{url}")]
        if category:
            data.append(("a", f"user/-/label/{category}"))
        answer = await self._post("subscription/edit", data)
        if answer.strip() != "OK":
            raise SyncError(f"{self._where} could not subscribe to {url}.", "refused")
        for feed in await self.subscriptions():
            if feed.url == url:
                return feed
        raise SyncError(f"{self._where} accepted {url} but does not list it.", "reply")

    async def unsubscribe(self, feed_id: str) -> None:
        """``subscription/edit ac=unsubscribe s=feed/<id>``."""
        stream = _stream(feed_id)
        answer = await self._post("subscription/edit", [("ac", "unsubscribe"), ("s", stream)])
        if answer.strip() != "OK":
            raise SyncError(f"{self._where} could not unsubscribe {stream}.", "refused")

    # -- entries -------------------------------------------------------------------

    async def item_ids(self, stream: str, *, exclude: str = "", since: int = 0) -> list[str]:
        """Every item id of ``stream`` (canonical), following continuations."""
        params: list[tuple[str, str]] = [("s", stream), ("n", str(IDS_PAGE))]
        if exclude:
            params.append(("xt", exclude))
        if since:
            params.append(("ot", str(since)))
        out: dict[str, None] = {}
        continuation = ""
        for _ in range(MAX_PAGES):
            page = [*params, ("c", continuation)] if continuation else params
            content = clean.need_dict(
                await self._get("stream/items/ids", page), self._where, "stream/items/ids"
            )
            refs = content.get("itemRefs") or []
            for ref in clean.need_list(refs, self._where, "itemRefs"):
                found = canonical_id(ref.get("id")) if isinstance(ref, dict) else None
                if found is not None:
                    out[found] = None
            following = content.get("continuation")
            if not refs or not isinstance(following, str | int) or not str(following):
                break
            if str(following) == continuation:
                break  # a server repeating itself would loop forever
            continuation = str(following)
        return list(out)

    async def entries_since(
        self, watermark: str | None, known: Collection[str] = ()
    ) -> AsyncIterator[EntryBatch]:
        """Entries of the reading list crawled after ``watermark`` (seconds) not in ``known``."""
        since = int(clean.decimal_id(watermark) or 0)
        ids = await self.item_ids(READING_LIST, since=max(0, since - MARGIN) if since else 0)
        wanted = [i for i in ids if i not in known]
        newest = since
        for start in range(0, len(wanted), CONTENTS_BATCH * self._http.limits.concurrency):
            chunk = wanted[start : start + CONTENTS_BATCH * self._http.limits.concurrency]
            for entries, crawled in await self._contents(chunk):
                newest = max(newest, crawled)
                yield EntryBatch(tuple(entries), watermark)
        yield EntryBatch((), str(newest) if newest else watermark)

    async def entries_by_id(self, ids: Sequence[str]) -> list[RemoteEntry]:
        """``stream/items/contents`` for ``ids`` (either form)."""
        wanted = [c for c in (canonical_id(i) for i in ids) if c is not None]
        out: list[RemoteEntry] = []
        for entries, _ in await self._contents(wanted):
            out.extend(entries)
        return out

    async def _contents(self, ids: list[str]) -> list[tuple[list[RemoteEntry], int]]:
        batches = [ids[i : i + CONTENTS_BATCH] for i in range(0, len(ids), CONTENTS_BATCH)]
        return list(await asyncio.gather(*(self._contents_batch(b) for b in batches)))

    async def _contents_batch(self, ids: list[str]) -> tuple[list[RemoteEntry], int]:
        text = await self._post("stream/items/contents", [("i", wire_id(i)) for i in ids])
        try:
            content = json.loads(text)
        except ValueError:
            raise SyncError(
                f"{self._where} answered stream/items/contents with something that is not JSON.",
                "reply",
            ) from None
        items = clean.need_dict(content, self._where, "stream/items/contents").get("items")
        entries = []
        newest = 0
        for raw in clean.need_list(items or [], self._where, "items"):
            parsed = _entry(raw)
            if parsed is not None:
                entries.append(parsed[0])
                newest = max(newest, parsed[1])
        return entries, newest

    async def state(
        self, feeds: Collection[str] | None = None, starred_feeds: Collection[str] | None = None
    ) -> RemoteState:
        """Unread (reading list, or ``feeds``, minus read) and every starred id.

        ``starred_feeds`` is ignored: the starred stream is one list (cheap here).
        """
        streams = [READING_LIST] if feeds is None else [_stream(f) for f in feeds]
        *unread, starred = await asyncio.gather(
            *(self.item_ids(s, exclude=READ) for s in streams), self.item_ids(STARRED)
        )
        covered = None if feeds is None else frozenset(streams)
        return RemoteState(frozenset().union(*unread), frozenset(starred), covered)

    async def counters(self) -> RemoteCounters | None:
        """``unread-count`` (FreshRSS, Inoreader); None where there is none (Miniflux)."""
        content = await self._get("unread-count", [])
        rows = content.get("unreadcounts") if isinstance(content, dict) else None
        if not isinstance(rows, list):
            return None  # Miniflux: 200 [] for an unknown path
        unread: dict[str, int] = {}
        for row in rows:
            stream = row.get("id") if isinstance(row, dict) else None
            count = clean.decimal_id(row.get("count")) if isinstance(row, dict) else None
            if isinstance(stream, str) and stream.startswith("feed/") and count:
                unread[clean.line(stream, 300)] = int(count)
        return RemoteCounters(unread, None)

    async def push(self, flag: Flag, ids: Sequence[str]) -> PushResult:
        """``edit-tag`` in batches; a batch counts when the server answers ``OK``."""
        wanted = list(dict.fromkeys(c for c in (canonical_id(i) for i in ids) if c))
        key, tag = _FLAG_TAG[flag]
        batches = [wanted[i : i + EDIT_BATCH] for i in range(0, len(wanted), EDIT_BATCH)]
        answers = await asyncio.gather(
            *(
                self._post("edit-tag", [*(("i", wire_id(i)) for i in b), (key, tag)])
                for b in batches
            )
        )
        for answer in answers:
            if answer.strip() != "OK":
                raise SyncError(f"{self._where} did not confirm edit-tag.", "reply")
        return PushResult(frozenset(wanted))


def _stream(feed_id: str) -> str:
    return feed_id if feed_id.startswith("feed/") else f"feed/{feed_id}"


def _label(tag_id: object) -> str:
    if not isinstance(tag_id, str) or "/label/" not in tag_id:
        return ""
    return clean.line(tag_id.rsplit("/label/", 1)[1], clean.MAX_CATEGORY)


def _first_href(value: object) -> str:
    if isinstance(value, list):
        for link in value[:5]:
            if isinstance(link, dict) and (found := clean.url(link.get("href"))):
                return found
    return ""


def _entry(raw: object) -> tuple[RemoteEntry, int] | None:
    """An item of ``stream/items/contents`` and its crawl time in seconds."""
    if not isinstance(raw, dict):
        return None
    item_id = canonical_id(raw.get("id"))
    if item_id is None:
        return None
    cats = raw.get("categories")
    states = [c for c in cats if isinstance(c, str)] if isinstance(cats, list) else []
    body = raw.get("content") if isinstance(raw.get("content"), dict) else raw.get("summary")
    found_origin = raw.get("origin")
    origin: dict[str, Any] = found_origin if isinstance(found_origin, dict) else {}
    crawled = clean.timestamp(raw.get("crawlTimeMsec"), scale=1000) or clean.timestamp(
        raw.get("timestampUsec"), scale=1_000_000
    )
    published = clean.timestamp(raw.get("published"))
    enclosure = raw.get("enclosure")
    entry = RemoteEntry(
        id=item_id,
        feed_id=clean.line(origin.get("streamId"), 300),
        title=clean.line(raw.get("title")),
        link=_first_href(raw.get("canonical")) or _first_href(raw.get("alternate")),
        content_html=clean.html(body.get("content") if isinstance(body, dict) else None),
        author=clean.line(raw.get("author"), clean.MAX_AUTHOR),
        published=published,
        updated=clean.timestamp(raw.get("updated")) or published,
        read=any(s.endswith("/state/com.google/read") for s in states),
        starred=any(s.endswith("/state/com.google/starred") for s in states),
        guid=clean.line(raw.get("id"), 100),
        feed_title=clean.line(origin.get("title")),
        enclosures=tuple(
            u
            for u in (
                clean.url(e.get("href"))
                for e in (enclosure if isinstance(enclosure, list) else [])[: clean.MAX_ENCLOSURES]
                if isinstance(e, dict)
            )
            if u
        ),
    )
    stamp = crawled or published
    return entry, int(stamp.timestamp()) if stamp else 0
