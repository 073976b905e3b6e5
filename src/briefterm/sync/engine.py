"""One sync with the ``[sync]`` account: push, subscriptions, new entries, state.

:func:`sync` (blocking) and :func:`sync_async` do, in this order:

1. **push** the queued local changes (``store/_sync.py``), grouped by flag;
   only the ids the server confirmed are dequeued, so an unreachable server
   or a sync cut short leaves the rest queued for the next one;
2. **subscriptions**: the server's feeds and their categories become feed
   rows (the category is the feed's section, see :mod:`.feeds`);
3. **new entries** since the stored watermark, stored batch by batch with
   the server's flags (the watermark is stored with the batch that ends a
   run, so a sync cut short resumes without gaps);
4. **state**: :func:`briefterm.sync.reconcile.reconcile` compares the
   server's counters with the cache and lists ids only where they differ,
   then applies the server's flags to every entry without a queued change.

Every failure is a :class:`~briefterm.errors.SyncError` (one sentence,
``reason``); the cache is only ever written in whole transactions, and the
HTTP work runs on the event loop while SQLite work runs in a thread, so
fetching the next page overlaps storing the last one.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from briefterm.config.sync import SyncConfig
from briefterm.store import Store
from briefterm.store._sync import IncomingEntry, QueuedChange, RemoteFeedRow
from briefterm.sync.account import (
    account_key,
    describe,
    keep_session,
    open_service,
    server_url,
)
from briefterm.sync.models import Flag, RemoteEntry, SyncService
from briefterm.sync.reconcile import reconcile

WATERMARK = "sync:watermark"
LAST_SYNC = "sync:last_sync"
_T = TypeVar("_T")
ARCHIVE_TITLE = "Archived articles"
"""tt-rss keeps starred articles of feeds you left in feed 0, its archive."""


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """How far a sync got: for a progress line or the reader's title bar."""

    stage: str
    """"push", "subscriptions", "entries" or "state"."""
    text: str
    """A short phrase: "12 changes pushed", "1,200 new entries"."""
    new: int = 0
    """New entries stored so far."""


ProgressFn = Callable[[SyncProgress], None]


@dataclass(slots=True)
class SyncReport:
    """What one sync did; nothing in here was raised."""

    server: str
    """"tt-rss at rss.example.com"."""
    pushed: int = 0
    """Local changes the server confirmed (and that left the queue)."""
    push_missing: int = 0
    """Of those, how many the server no longer had (deleted there)."""
    feeds: int = 0
    new: int = 0
    updated: int = 0
    from_server: int = 0
    """Local flags set to what the server says (read or starred elsewhere)."""
    gone: int = 0
    """Entries the server no longer has: kept here with their flags."""
    kept_local: int = 0
    """Flags changed here while the sync ran (or before an entry was linked): kept and queued."""
    queued: int = 0
    """Local changes still waiting for the server after this sync."""
    dropped_queue: int = 0
    """Changes queued for a previous [sync] account, which this one cannot take."""
    quick: bool = False
    """The server's counters matched the cache: no id lists were needed."""
    full: bool = False
    """Every unread and starred id was listed (now and then, or without counters)."""
    cancelled: bool = False
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage."""

    def summary(self) -> str:
        """One line for the CLI and the reader, e.g. ``3 changes pushed, 12 new entries``."""
        parts = []
        if self.pushed:
            parts.append(_count(self.pushed, "change") + " pushed")
        parts.append(_count(self.new, "new entry", "new entries"))
        if self.from_server:
            parts.append(_count(self.from_server, "flag") + " from the server")
        if self.gone:
            parts.append(_count(self.gone, "entry", "entries") + " gone from the server (kept)")
        if self.queued:
            parts.append(_count(self.queued, "change") + " still queued")
        verb = "stopped" if self.cancelled else "synced"
        return f"{verb} with {self.server}: {', '.join(parts)} ({self.seconds:.1f} s)"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


class SyncCancelled(Exception):
    """Raised inside a sync when its ``cancel`` event is set."""


def sync(
    store: Store,
    config: SyncConfig,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    full: bool = False,
    interactive: bool = True,
    service: SyncService | None = None,
) -> SyncReport:
    """Blocking :func:`sync_async`: runs its own event loop (safe from a worker thread)."""
    return asyncio.run(
        sync_async(
            store,
            config,
            progress=progress,
            cancel=cancel,
            full=full,
            interactive=interactive,
            service=service,
        )
    )


async def sync_async(
    store: Store,
    config: SyncConfig,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    full: bool = False,
    interactive: bool = True,
    service: SyncService | None = None,
) -> SyncReport:
    """Sync ``store`` with the account of ``config``; see the module docstring.

    ``progress`` is called on this thread after each step and batch;
    setting ``cancel`` stops within a tenth of a second (whatever was
    stored stays, the rest waits for the next sync); ``full`` lists every
    id whatever the counters say; ``interactive`` lets ``password_command``
    read the terminal; ``service`` replaces the client (tests).
    """
    started = time.monotonic()
    report = SyncReport(describe(config))
    client = service if service is not None else open_service(config, interactive=interactive)
    report.dropped_queue = await asyncio.to_thread(store.begin_sync_account, account_key(config))
    run = _Run(store, config, client, report, progress or (lambda _: None))
    work = asyncio.ensure_future(run.all(full))
    watcher = asyncio.ensure_future(_cancel_when_set(cancel, work)) if cancel else None
    try:
        await work
    except asyncio.CancelledError:
        if cancel is None or not cancel.is_set():
            raise
        report.cancelled = True
    finally:
        if watcher is not None:
            watcher.cancel()
        if service is None:
            keep_session(config, client)
        await client.aclose()
        report.queued = await asyncio.to_thread(store.sync_queue_size)
        report.seconds = time.monotonic() - started
    return report


async def _cancel_when_set(cancel: threading.Event, work: asyncio.Future[None]) -> None:
    """Cancel ``work`` once ``cancel`` is set (an Event set from another thread)."""
    while not work.done():
        if cancel.is_set():
            work.cancel()
            return
        await asyncio.sleep(0.1)


class _Run:
    """The steps of one sync over one client."""

    def __init__(
        self,
        store: Store,
        config: SyncConfig,
        client: SyncService,
        report: SyncReport,
        progress: ProgressFn,
    ) -> None:
        self.store = store
        self.client = client
        self.report = report
        self.progress = progress
        self.base = server_url(config)
        self.feed_ids: dict[str, int] = {}

    async def all(self, full: bool) -> None:
        await self._timed("login", self.client.login())
        await self._timed("push", self.push())
        # After the push, three things at once: the counters (one call),
        # the subscriptions and the new entries (stored once the feeds are
        # linked). Counters taken while entries arrive are safe: any
        # difference between them and the cache only means listing a feed.
        counters = asyncio.ensure_future(self.client.counters())
        feeds = asyncio.ensure_future(self._timed("subscriptions", self.subscriptions()))
        try:
            first = await self._timed("entries", self.entries(feeds))
            await feeds
            found = await counters
        finally:
            for task in (counters, feeds):
                task.cancel()
        await self._timed(
            "state",
            reconcile(
                self.store, self.client, self.report, self, counters=found, first=first, full=full
            ),
        )
        await asyncio.to_thread(self.store.set_meta, LAST_SYNC, str(time.time()))

    async def _timed(self, stage: str, step: Awaitable[_T]) -> _T:
        started = time.monotonic()
        try:
            return await step
        finally:
            self.report.stages[stage] = time.monotonic() - started

    async def push(self) -> None:
        """Push the queue, one call per flag; dequeue only what the server confirmed."""
        queued = await asyncio.to_thread(self.store.sync_queue)
        groups: dict[Flag, list[QueuedChange]] = defaultdict(list)
        for change in queued:
            if change.flag == "read":
                groups[Flag.READ if change.value else Flag.UNREAD].append(change)
            else:
                groups[Flag.STAR if change.value else Flag.UNSTAR].append(change)
        for flag, changes in groups.items():
            result = await self.client.push(flag, [c.remote_id for c in changes])
            done = [c.seq for c in changes if c.remote_id in result.confirmed]
            await asyncio.to_thread(self.store.sync_dequeue, done)
            self.report.pushed += len(done)
            self.report.push_missing += result.missing
        if queued:
            self.progress(SyncProgress("push", _count(self.report.pushed, "change") + " pushed"))

    async def subscriptions(self) -> None:
        """The server's subscriptions as linked feed rows."""
        feeds = await self.client.subscriptions()
        rows = [RemoteFeedRow(f.id, f.url, f.title, f.category) for f in feeds]
        self.feed_ids = await asyncio.to_thread(self.store.sync_remote_feeds, rows, self.base)
        self.report.feeds = len(rows)
        self.progress(SyncProgress("subscriptions", _count(len(rows), "feed")))

    async def entries(self, feeds: asyncio.Future[None]) -> bool:
        """New entries since the watermark; True when this was a complete first fetch.

        Storing runs beside fetching: while one batch is being stored, the
        batches that arrive are gathered, and stored together next (fewer,
        larger transactions when SQLite is the slower side). It waits for
        ``feeds`` first (entries are stored in their linked feed), and a
        watermark is stored with the entries that came before it.
        """
        watermark, known = await asyncio.to_thread(self._start_entries)
        last = watermark
        pending: list[RemoteEntry] = []
        mark: str | None = None
        storing: asyncio.Task[None] | None = None
        try:
            async for batch in self.client.entries_since(watermark, known):
                pending.extend(batch.entries)
                if batch.watermark != last:
                    mark = last = batch.watermark
                if storing is None or storing.done():
                    await (storing if storing is not None else feeds)
                    storing = asyncio.ensure_future(self.store_entries(pending, watermark=mark))
                    pending, mark = [], None
            if storing is not None:
                await storing
            await feeds
            await self.store_entries(pending, watermark=mark)
        finally:
            if storing is not None and not storing.done():
                storing.cancel()
        return watermark is None and not known

    def _start_entries(self) -> tuple[str | None, set[str]]:
        return self.store.get_meta(WATERMARK), self.store.synced_remote_ids()

    async def store_entries(self, entries: Sequence[RemoteEntry], *, watermark: str | None) -> None:
        """Store entries from the server (and ``watermark`` with them) in the SQLite thread."""
        if not entries and watermark is None:
            return
        items = []
        for entry in entries:
            feed_id = self.feed_ids.get(entry.feed_id)
            if feed_id is None:
                feed_id = await asyncio.to_thread(self._other_feed, entry)
            items.append(
                IncomingEntry(entry.id, feed_id, entry.to_parsed(), entry.read, entry.starred)
            )
        stored = await asyncio.to_thread(
            self.store.store_remote_entries, items, watermark=watermark
        )
        self.report.new += stored.new
        self.report.updated += stored.updated
        self.report.kept_local += stored.kept_local
        if entries:
            text = _count(self.report.new, "new entry", "new entries")
            self.progress(SyncProgress("entries", text, self.report.new))

    def _other_feed(self, entry: RemoteEntry) -> int:
        """A feed row for an article whose feed is no subscription (tt-rss's archive)."""
        title = entry.feed_title or (ARCHIVE_TITLE if entry.feed_id in ("", "0") else "")
        row = RemoteFeedRow(entry.feed_id or "0", "", title or f"Feed {entry.feed_id}")
        feed_id = self.store.ensure_remote_feed(row, self.base)
        self.feed_ids[entry.feed_id] = feed_id
        return feed_id
