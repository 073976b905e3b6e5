"""The ``/reader/api/0/*`` endpoints of :mod:`tests.support.greader_server`.

Runs with the server's lock held; see that module for the documented
FreshRSS/Miniflux differences each branch below reproduces.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.greader_server import GReaderServer, Item, _Handler

Form = list[tuple[str, str]]


class _Api:
    def __init__(
        self, handler: _Handler, server: GReaderServer, method: str, query: Form, body: Form
    ) -> None:
        self.h = handler
        self.s = server
        self.method = method
        self.query = query
        self.body = body
        self.form = query + body

    def get(self, key: str, default: str = "") -> str:
        for name, value in self.form:
            if name == key:
                return value
        return default

    def all(self, key: str, form: Form | None = None) -> list[str]:
        return [v for k, v in (self.form if form is None else form) if k == key]

    # -- authentication ------------------------------------------------------------

    def _header_ok(self) -> bool:
        return self.h.headers.get("Authorization", "") == f"GoogleLogin auth={self.s.auth}"

    def _authorised(self) -> bool:
        if self.method == "POST":
            if self.get("T") != self.s.token:
                headers = {"X-Reader-Google-Bad-Token": "true"}
                self.h.reply(401, "Unauthorized!", headers if self.s.like == "miniflux" else None)
                return False
            if self.s.like == "miniflux":
                return True  # Miniflux authenticates POSTs by T alone
        if not self._header_ok():
            self.h.reply(401, "Unauthorized!")
            return False
        return True

    # -- routing -------------------------------------------------------------------

    def route(self, path: str) -> None:
        if not self._authorised():
            return
        routes = {
            ("GET", "token"): self.token,
            ("GET", "user-info"): self.user_info,
            ("GET", "subscription/list"): self.subscription_list,
            ("POST", "subscription/edit"): self.subscription_edit,
            ("POST", "subscription/quickadd"): self.quickadd,
            ("GET", "tag/list"): self.tag_list,
            ("GET", "stream/items/ids"): self.item_ids,
            ("POST", "stream/items/contents"): self.contents,
            ("GET", "stream/items/contents"): self.contents,
            ("POST", "edit-tag"): self.edit_tag,
            ("POST", "mark-all-as-read"): self.mark_all_as_read,
        }
        if self.s.like == "freshrss":
            routes[("GET", "unread-count")] = self.unread_count
            if path.startswith("stream/contents/"):
                self.stream_contents(path.removeprefix("stream/contents/"))
                return
        handler = routes.get((self.method, path))
        if handler is not None:
            handler()
        elif self.s.like == "miniflux":
            self.h.reply(200, [])  # Miniflux's fallback for every unknown path
        else:
            self.h.reply(400, "Bad Request!")

    # -- endpoints -----------------------------------------------------------------

    def token(self) -> None:
        self.h.reply(200, self.s.token + "\n")

    def user_info(self) -> None:
        self.h.reply(
            200,
            {
                "userId": "1",
                "userName": self.s.user,
                "userProfileId": "1",
                "userEmail": "",
            },
        )

    def _label_id(self, label: str) -> str:
        return f"{self.s.state_prefix()}/label/{label}"

    def subscription_list(self) -> None:
        subs = [
            {
                "id": feed.stream,
                "title": feed.title,
                "categories": [{"id": self._label_id(x), "label": x} for x in feed.labels],
                "url": feed.url,
                "htmlUrl": feed.html_url,
                "iconUrl": "",
            }
            for feed in self.s.feeds.values()
        ]
        self.h.reply(200, {"subscriptions": subs})

    def _find_feed(self, stream: str) -> int | None:
        tail = stream.removeprefix("feed/")
        for num, feed in self.s.feeds.items():
            if tail in (str(num), feed.url):
                return num
        return None

    def subscription_edit(self) -> None:
        action, stream = self.get("ac"), self.get("s")
        labels = [a.rsplit("/label/", 1)[1] for a in self.all("a") if "/label/" in a]
        if action == "subscribe":
            url = stream.removeprefix("feed/")
            if not url.startswith(("http://", "https://")):
                self.h.reply(400, "Bad Request!")
                return
            if self._find_feed(stream) is None:
                self.s.add_feed(url, self.get("t") or url, labels)
            self.h.reply(200, "OK")
            return
        num = self._find_feed(stream)
        if num is None or (self.s.like == "miniflux" and not stream[5:].isdigit()):
            self.h.reply(400 if self.s.like == "freshrss" else 500, "Bad Request!")
            return
        if action == "unsubscribe":
            del self.s.feeds[num]
            for key in [k for k, item in self.s.items.items() if item.feed.num == num]:
                del self.s.items[key]
        elif action == "edit":
            feed = self.s.feeds[num]
            feed.title = self.get("t") or feed.title
            gone = {r.rsplit("/label/", 1)[1] for r in self.all("r") if "/label/" in r}
            feed.labels = [x for x in feed.labels if x not in gone] + labels
        else:
            self.h.reply(400, "Bad Request!")
            return
        self.h.reply(200, "OK")

    def quickadd(self) -> None:
        url = self.get("quickadd").removeprefix("feed/")
        if not url.startswith(("http://", "https://")):
            self.h.reply(400, "Bad Request!")
            return
        num = self._find_feed(url)
        feed = self.s.feeds[num] if num is not None else self.s.add_feed(url, url)
        self.h.reply(
            200,
            {"numResults": 1, "query": url, "streamId": feed.stream, "streamName": feed.title},
        )

    def tag_list(self) -> None:
        prefix = self.s.state_prefix()
        tags: list[dict[str, str]] = [{"id": f"{prefix}/state/com.google/starred"}]
        labels = sorted({x for feed in self.s.feeds.values() for x in feed.labels})
        tags += [{"id": self._label_id(x), "type": "folder"} for x in labels]
        self.h.reply(200, {"tags": tags})

    def unread_count(self) -> None:
        counts: dict[str, list[int]] = {}
        for item in self.s.items.values():
            if not item.read:
                entry = counts.setdefault(item.feed.stream, [0, 0])
                entry[0] += 1
                entry[1] = max(entry[1], item.crawled_us)
        rows = [
            {"id": k, "count": c, "newestItemTimestampUsec": str(t)} for k, (c, t) in counts.items()
        ]
        self.h.reply(200, {"max": sum(r["count"] for r in rows), "unreadcounts": rows})

    def _select(self, stream: str) -> list[Item]:
        """Items of ``stream`` after xt/it/ot/nt, newest first unless ``r=o``."""
        items = [i for i in self.s.items.values() if self.s.in_stream(i, stream)]
        for excluded in self.all("xt"):
            items = [i for i in items if not self.s.in_stream(i, excluded)]
        if self.s.like == "freshrss":
            for included in self.all("it"):  # Miniflux ignores it
                items = [i for i in items if self.s.in_stream(i, included)]
        older, newer = self.get("ot"), self.get("nt")

        def key(item: Item) -> int:
            # FreshRSS compares ot/nt with the crawl time, Miniflux with the date.
            return item.crawled_us // 1_000_000 if self.s.like == "freshrss" else item.published

        if older.isdigit():
            items = [i for i in items if key(i) >= int(older)]
        if newer.isdigit():
            items = [i for i in items if key(i) <= int(newer)]
        items.sort(key=lambda i: i.num, reverse=self.get("r") != "o")
        return items

    def _page(self, items: list[Item]) -> tuple[list[Item], str | None]:
        """One page by ``n`` and ``c``; the next continuation, in this flavour's style."""
        if self.s.like == "freshrss":
            n = int(self.get("n") or 20) if self.get("n").isdigit() else 20
            after = self.get("c")
            if after.isdigit():
                descending = self.get("r") != "o"
                items = [
                    i for i in items if (i.num < int(after) if descending else i.num > int(after))
                ]
            page = items[:n]
            more = len(items) > n
            return page, (str(page[-1].num) if more and page else None)
        n = min(int(self.get("n")) if self.get("n").isdigit() else 10000, 10000) or 10000
        offset = int(self.get("c")) if self.get("c").isdigit() else 0
        page = items[offset : offset + n]
        return page, (str(offset + n) if offset + n < len(items) else None)

    def item_ids(self) -> None:
        stream = self.get("s")
        if not stream:
            self.h.reply(400, "Bad Request!")
            return
        page, continuation = self._page(self._select(stream))
        refs = [
            {"id": self.s.short_id(i), "directStreamIds": [], "timestampUsec": str(i.crawled_us)}
            for i in page
        ]
        answer: dict[str, Any] = {"itemRefs": refs}
        if continuation is not None:
            answer["continuation"] = continuation
        self.h.reply(200, answer)

    def contents(self) -> None:
        nums = [self.s.parse_id(v) for v in self.all("i")]
        found = [self.s.items[n] for n in nums if n is not None and n in self.s.items]
        self.h.reply(
            200,
            {
                "id": "user/-/state/com.google/reading-list",
                "updated": int(time.time()),
                "items": [self.s.item_json(i) for i in found],
            },
        )

    def stream_contents(self, stream: str) -> None:
        page, continuation = self._page(self._select(stream))
        answer: dict[str, Any] = {"id": stream, "items": [self.s.item_json(i) for i in page]}
        if continuation is not None:
            answer["continuation"] = continuation
        self.h.reply(200, answer)

    def edit_tag(self) -> None:
        # Miniflux reads a and r from the body only.
        source = self.body if self.s.like == "miniflux" else self.form
        nums = [self.s.parse_id(v) for v in self.all("i")]
        if not nums or None in nums:
            self.h.reply(400, "Bad Request!")
            return
        for num in nums:
            item = self.s.items.get(num) if num is not None else None
            if item is None:
                continue
            for tag in self.all("a", source):
                self._set(item, tag, True)
            for tag in self.all("r", source):
                self._set(item, tag, False)
        self.h.reply(200, "OK")

    def _set(self, item: Item, tag: str, on: bool) -> None:
        if tag.endswith("/state/com.google/read"):
            item.read = on
        elif tag.endswith("/state/com.google/starred"):
            item.starred = on
        elif tag.endswith("/state/com.google/kept-unread") and on:
            item.read = False

    def mark_all_as_read(self) -> None:
        stream, ts = self.get("s"), self.get("ts")
        if self.s.like == "freshrss":
            # Without ts: everything up to the start of the current second,
            # so items inserted during this second stay unread.
            limit = int(ts) if ts.isdigit() else int(time.time()) * 1_000_000
            chosen = [i for i in self.s.items.values() if i.crawled_us <= limit]
        else:
            if ts.isdigit():
                seconds = int(ts) // 1_000_000 if len(ts) >= 16 else int(ts)
            else:
                seconds = int(time.time())
            chosen = [i for i in self.s.items.values() if i.published <= seconds]
        for item in chosen:
            if self.s.in_stream(item, stream):
                item.read = True
        self.h.reply(200, "OK")
