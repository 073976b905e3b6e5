"""One poll run: concurrent fetches, parse offload, a single writer thread.

:class:`_Poll` holds what one run shares: the HTTP client, the overall and
per-host semaphores, the parsers and the writer thread that owns every store
write. :func:`poll_async` drives it and bridges a ``threading.Event`` to
cancellation; :func:`poll` is the blocking wrapper.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, ParamSpec, TypedDict, TypeVar, Unpack

from briefterm.config import Config
from briefterm.fetch import FetchResult, fetch, make_client
from briefterm.models import ParsedFeed
from briefterm.poller._parsers import Parsers, Prepared, worker_count
from briefterm.poller.report import FeedResult, PollReport
from briefterm.poller.schedule import (
    DueFeed,
    backoff_delay,
    gone_message,
    interval_seconds,
    select_feeds,
)
from briefterm.sanitize import clean_line
from briefterm.store import Store, StoreError, describe_store_error
from briefterm.store._feeds import stored_warnings
from briefterm.urls import host_and_port, safe_url

if TYPE_CHECKING:
    from briefterm.http11 import Client

_P = ParamSpec("_P")
_T = TypeVar("_T")

Progress = Callable[[FeedResult], None]
"""Called with each fetched feed's result, on the polling thread."""


class _Poll:
    """State of one poll run: shared client, semaphores, executors."""

    def __init__(
        self,
        store: Store,
        config: Config,
        now: float,
        progress: Progress | None,
        parsers: Parsers,
        client: Client,
    ) -> None:
        self.store = store
        self.config = config
        self.now = now
        self.progress = progress
        self.parsers = parsers
        self.client = client
        limits = config.poll
        self.net = asyncio.Semaphore(max(1, limits.concurrency))
        # Bounds bodies held in memory between download and storage.
        self.inflight = asyncio.Semaphore(max(1, limits.concurrency) + 4)
        self.per_host = max(1, limits.per_host)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        # SQLite releases the GIL while it works, so a writer thread overlaps
        # storage with downloads and parsing; one thread keeps writes ordered.
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="briefterm-store")
        # A deque: append (event loop) and popleft (writer thread) are atomic,
        # so no update can slip between a swap and a drain.
        self.pending: deque[tuple[int, dict[str, object]]] = deque()
        self.flushing: asyncio.Future[None] | None = None
        self.flushes: list[asyncio.Future[None]] = []

    # -- the writer thread -----------------------------------------------------

    def update_feed(self, feed_id: int, fields: dict[str, object]) -> None:
        """Queue a small feed-row update (304s, errors) for the writer thread.

        Handing each of a thousand tiny updates to the thread costs a GIL
        hand-off apiece, which measured as the largest cost of an all-304
        re-poll; queued updates are applied in batches instead, and
        :meth:`flush` waits for all of them before the poll returns.
        """
        self.pending.append((feed_id, fields))
        if self.flushing is None or self.flushing.done():
            loop = asyncio.get_running_loop()
            self.flushing = loop.run_in_executor(self.writer, self._apply_pending)
            self.flushes.append(self.flushing)

    def _apply_pending(self) -> None:
        # Everything queued so far goes in one transaction: an all-304
        # re-poll of 200 feeds measured 200 commits otherwise.
        while self.pending:
            batch: list[tuple[int, dict[str, object]]] = []
            while True:
                try:
                    batch.append(self.pending.popleft())
                except IndexError:
                    break
            self.store.update_feeds(batch)

    async def flush(self) -> None:
        """Apply queued updates; re-raises a store failure."""
        loop = asyncio.get_running_loop()
        self.flushes.append(loop.run_in_executor(self.writer, self._apply_pending))
        await asyncio.gather(*self.flushes)

    async def write(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Run ``fn`` on the writer thread and wait for its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.writer, functools.partial(fn, *args, **kwargs))

    # -- one feed ----------------------------------------------------------------

    async def run(self, job: DueFeed) -> FeedResult:
        """Poll one feed; only a broken cache raises."""
        async with self.inflight:
            started = time.monotonic()
            try:
                result = await self._poll_one(job)
            except StoreError:
                raise
            except sqlite3.Error as exc:
                # This feed's write failed (disk full, a lock held too long): the
                # feed fails and the poll goes on, so the summary says what was kept.
                error = f"not saved: {describe_store_error(exc, self.store.path)}"
                result = FeedResult(job.feed.url, self._name(job), "error", error=error)
            except Exception as exc:  # a bug must cost one feed, not the poll
                error = f"internal error while polling ({type(exc).__name__})"
                result = FeedResult(job.feed.url, self._name(job), "error", error=error)
                await self._record_error(job, error, None, None)
            result.seconds = time.monotonic() - started
        if self.progress is not None:
            self.progress(result)
        return result

    def _name(self, job: DueFeed, parsed_title: str = "") -> str:
        return clean_line(job.feed.name) or parsed_title or job.state.title or job.feed.url

    async def _poll_one(self, job: DueFeed) -> FeedResult:
        state = job.state
        url = state.effective_url
        host = host_and_port(url)
        sem = self.hosts.setdefault(host, asyncio.Semaphore(self.per_host))
        async with sem, self.net:
            fetched = await fetch(
                self.client,
                url,
                etag=state.etag,
                last_modified=state.last_modified,
                limits=self.config.poll,
            )
        if fetched.error is not None:
            return await self._failed(job, fetched)
        if fetched.not_modified:
            return await self._not_modified(job, fetched)
        body, fetched.body = fetched.body, b""  # not held while the entries wait for the writer
        parsed, message, prepared = await self.parsers.parse(
            body, fetched.final_url, fetched.content_type
        )
        del body
        if parsed is None:
            fetched.error = message
            return await self._failed(job, fetched)
        return await self._stored(job, fetched, parsed, prepared)

    def _common_fields(self, job: DueFeed, fetched: FetchResult) -> dict[str, object]:
        fields: dict[str, object] = {
            "last_attempt": self.now,
            "last_success": self.now,
            "last_status": fetched.status,
            "last_error": None,
            "error_count": 0,
            "next_due": self.now + interval_seconds(job.feed, self.config),
            "gone": 0,
        }
        if fetched.permanent_redirect_url:
            fields["fetch_url"] = fetched.permanent_redirect_url
        return fields

    async def _stored(
        self,
        job: DueFeed,
        fetched: FetchResult,
        parsed: ParsedFeed,
        prepared: Prepared | None,
    ) -> FeedResult:
        fields = self._common_fields(job, fetched)
        name = self._name(job, clean_line(parsed.title))
        fields["title"] = clean_line(job.feed.name) or clean_line(parsed.title) or job.state.title
        fields["site_link"] = safe_url(parsed.link)
        fields["etag"] = fetched.etag
        fields["last_modified"] = fetched.last_modified
        warnings = stored_warnings(parsed.warnings)
        fields["parse_warnings"] = "\n".join(warnings)
        entries, version = prepared if prepared is not None else (None, None)
        upserted = await self.write(
            self.store.upsert_entries,
            job.state.id,
            parsed.entries,
            now=self.now,
            feed_fields=fields,
            prepared=entries,
            features_version=version,
        )
        await self.write(self._missing_features, job.state.id, version)
        return FeedResult(
            job.feed.url,
            name,
            "ok",
            new=upserted.new,
            updated=upserted.updated,
            http_status=fetched.status,
            warnings=warnings,
        )

    def _missing_features(self, feed_id: int, version: int | None) -> None:
        """Features for the feed's entries that still lack them (older caches, unchanged entries).

        Entries stored just now came with theirs; the brief package (~20 ms
        to import) is loaded only when some are missing.
        """
        if version is not None and not self.store.entries_without_features(feed_id, version):
            return
        from briefterm.brief.features import store_features

        store_features(self.store, feed_id)

    async def _not_modified(self, job: DueFeed, fetched: FetchResult) -> FeedResult:
        fields = self._common_fields(job, fetched)
        # A 304 may carry fresher validators; otherwise keep the ones we sent.
        if fetched.etag:
            fields["etag"] = fetched.etag
        if fetched.last_modified:
            fields["last_modified"] = fetched.last_modified
        if job.feed.name:
            fields["title"] = clean_line(job.feed.name)
        self.update_feed(job.state.id, fields)
        return FeedResult(job.feed.url, self._name(job), "not_modified", http_status=304)

    async def _failed(self, job: DueFeed, fetched: FetchResult) -> FeedResult:
        error = fetched.error or "unknown error"
        if fetched.status == 410:
            error = gone_message(job.feed.url)
        await self._record_error(job, error, fetched.status, fetched.retry_after)
        return FeedResult(
            job.feed.url, self._name(job), "error", error=error, http_status=fetched.status
        )

    async def _record_error(
        self, job: DueFeed, error: str, status: int | None, retry_after: float | None
    ) -> None:
        errors = job.state.error_count + 1
        interval = interval_seconds(job.feed, self.config)
        if status in (429, 503) and retry_after is not None:
            next_due: float | None = self.now + retry_after
        else:
            next_due = self.now + backoff_delay(interval, errors)
        fields: dict[str, object] = {
            "last_attempt": self.now,
            "last_status": status,
            "last_error": error,
            "error_count": errors,
            "next_due": next_due,
        }
        if status == 410:
            fields["gone"] = 1
        if job.feed.name:
            fields["title"] = clean_line(job.feed.name)
        self.update_feed(job.state.id, fields)

    # -- the whole run -------------------------------------------------------------

    async def run_all(self, due: list[DueFeed]) -> list[FeedResult]:
        """Poll every due feed, then wait for the queued feed updates."""
        try:
            results = list(await asyncio.gather(*(self.run(job) for job in due)))
            await self.flush()
            return results
        finally:
            self.writer.shutdown(wait=True)


async def _run(
    store: Store,
    config: Config,
    now: float,
    progress: Progress | None,
    parsers: Parsers,
    due: list[DueFeed],
) -> list[FeedResult]:
    async with make_client(config.poll) as client:
        return await _Poll(store, config, now, progress, parsers, client).run_all(due)


async def poll_async(
    store: Store,
    config: Config,
    *,
    feeds: Sequence[str] | None = None,
    force: bool = False,
    progress: Progress | None = None,
    now: float | None = None,
    use_processes: bool = True,
    cancel: threading.Event | None = None,
) -> PollReport:
    """Poll the due feeds of ``config`` into ``store``; see :mod:`briefterm.poller`.

    ``feeds`` restricts the poll to these URLs; ``force`` ignores ``next_due``;
    ``progress`` is called (on the polling thread) after each fetched feed;
    ``now`` fixes the clock for scheduling (tests). ``use_processes=False``
    keeps parsing in-process; otherwise a poll expected to download more than
    :data:`~briefterm.poller.PROCESS_POOL_AFTER` bodies parses them in one
    forked worker (see :class:`~briefterm.poller._parsers.Parsers`). Setting ``cancel`` (from any
    thread) stops the poll within a tenth of a second: feeds already stored
    stay stored, the rest are left for the next poll, and the report holds
    only the skipped feeds. Per-feed failures are in the report, never
    raised; a broken cache raises ``StoreError``.
    """
    started = time.monotonic()
    now = time.time() if now is None else now
    due, skipped = select_feeds(store, config, feeds=feeds, force=force, now=now)
    # A feed without validators answers with a body; one with them is likely a 304.
    bodies = sum(1 for job in due if not (job.state.etag or job.state.last_modified))
    parsers = Parsers(worker_count(bodies, use_processes), warm=bodies > 0)
    work = asyncio.ensure_future(_run(store, config, now, progress, parsers, due))
    watcher = asyncio.ensure_future(_cancel_when_set(cancel, work)) if cancel else None
    try:
        results = await work
    except asyncio.CancelledError:
        if cancel is None or not cancel.is_set():
            raise
        results = []  # stopped on request: every write so far was a whole transaction
    finally:
        if watcher is not None:
            watcher.cancel()
        await asyncio.to_thread(parsers.close)
    order = {f.url: i for i, f in enumerate(config.feeds)}
    everything = sorted(results + skipped, key=lambda r: order.get(r.url, len(order)))
    return PollReport(
        results=everything,
        seconds=time.monotonic() - started,
        parsed_in_processes=parsers.in_processes,
    )


async def _cancel_when_set(cancel: threading.Event, work: asyncio.Future[_T]) -> None:
    """Cancel ``work`` once ``cancel`` is set (an Event from another thread)."""
    while not work.done():
        if cancel.is_set():
            work.cancel()
            return
        await asyncio.sleep(0.1)


class PollOptions(TypedDict, total=False):
    """The keyword options of :func:`poll_async`, which :func:`poll` passes on."""

    feeds: Sequence[str] | None
    force: bool
    progress: Progress | None
    now: float | None
    use_processes: bool
    cancel: threading.Event | None


def poll(store: Store, config: Config, **options: Unpack[PollOptions]) -> PollReport:
    """Blocking :func:`poll_async` (same options): runs its own event loop.

    Safe to call from any thread without a running event loop (the Textual
    app calls it from a worker thread). ``progress`` runs on that same
    thread, so a UI hands each result to its own thread with something
    thread-safe: the app posts a message.
    """
    return asyncio.run(poll_async(store, config, **options))
