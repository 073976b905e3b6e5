"""Poll subscriptions: pick the due feeds, fetch them concurrently, parse, store.

Pipeline per feed: :func:`briefterm.fetch.fetch` on a shared
``httpx.AsyncClient`` (bounded by ``poll.concurrency`` overall and
``poll.per_host`` per host) → ``parse.parse_feed`` (CPU-bound: see
:class:`_Parsers`) → one ``Store.upsert_entries`` call that writes the entries
and the feed's success bookkeeping in the same transaction.

Per-feed failures never raise: they are recorded on the feed row
(``last_error``, ``error_count``, ``next_due``) and returned in the
:class:`PollReport`; the feed keeps every entry it already had. Only a fatal
problem with the cache itself (``StoreError`` / ``sqlite3.Error``) propagates.

Scheduling rules:

* a feed is due when ``next_due`` is empty or has passed; ``force`` ignores it;
* success: ``next_due = now + interval`` and ``error_count`` resets to 0;
* 429/503 with Retry-After: ``next_due = now + Retry-After`` (capped by
  ``poll.max_retry_after``); without the header they back off like any error;
* any other failure: ``next_due = now + min(interval * 2**(errors-1), 24 h)``
  with ±10 % jitter, so a dead host is asked less and less often and many
  feeds that failed together do not retry in lockstep;
* 410 Gone marks the feed ``gone``. A gone feed is skipped by every poll,
  including ``force`` (``briefterm poll --all``): the server said it will never
  come back, so asking again is rude and pointless. It is polled again only
  when named explicitly in ``feeds`` *and* ``force`` is set, which is what
  re-adding a subscription should do (and a successful fetch clears the mark).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import sqlite3
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Literal

from briefterm.config_types import Config, FeedConfig
from briefterm.fetch import FetchResult, fetch, make_client
from briefterm.models import FeedState, ParsedFeed
from briefterm.sanitize import clean_line
from briefterm.store import Store, StoreError
from briefterm.urls import host_and_port, safe_url

MAX_BACKOFF = 24 * 3600
"""Longest wait between attempts of a failing feed, in seconds."""
JITTER = 0.10
"""Backoff delays vary by this fraction either way."""

# Parsing in worker processes pays a fixed price (starting the pool, pickling
# bytes in and ParsedFeed objects out); for a handful of changed feeds the
# in-process path is faster. Beyond this many bodies in one poll the pool is
# started. Measured with bench/bench_poll.py: see _Parsers.
PROCESS_POOL_AFTER = 6

Status = Literal["ok", "not_modified", "error", "skipped"]


@dataclass(slots=True)
class FeedResult:
    """The outcome of one feed in a poll."""

    url: str
    name: str
    status: Status
    new: int = 0
    updated: int = 0
    error: str | None = None
    http_status: int | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class PollReport:
    """Every feed's outcome plus totals; nothing in here was raised."""

    results: list[FeedResult] = field(default_factory=list)
    seconds: float = 0.0
    parsed_in_processes: int = 0
    """Feeds parsed in worker processes rather than in this process."""

    def _count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def polled(self) -> int:
        """Feeds actually fetched (everything but skipped)."""
        return len(self.results) - self.skipped

    @property
    def ok(self) -> int:
        """Feeds fetched and stored."""
        return self._count("ok")

    @property
    def not_modified(self) -> int:
        """Feeds that answered 304."""
        return self._count("not_modified")

    @property
    def errors(self) -> int:
        """Feeds that failed."""
        return self._count("error")

    @property
    def skipped(self) -> int:
        """Feeds not due (or gone)."""
        return self._count("skipped")

    @property
    def new(self) -> int:
        """New entries across all feeds."""
        return sum(r.new for r in self.results)

    @property
    def updated(self) -> int:
        """Entries whose feed data changed."""
        return sum(r.updated for r in self.results)

    @property
    def failed(self) -> list[FeedResult]:
        """The results with an error."""
        return [r for r in self.results if r.status == "error"]


# -- scheduling -----------------------------------------------------------------


def interval_seconds(feed: FeedConfig, config: Config) -> float:
    """Seconds between polls of ``feed``."""
    minutes = feed.interval if feed.interval else config.poll.default_interval
    return max(1.0, float(minutes) * 60.0)


def backoff_delay(interval: float, error_count: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``error_count``-th failure in a row (±10 % jitter)."""
    rng = rng or _RNG
    exponent = min(max(error_count - 1, 0), 32)
    base = min(interval * (2**exponent), MAX_BACKOFF)
    return base * (1.0 + rng.uniform(-JITTER, JITTER))


_RNG = random.Random()


def gone_message(url: str) -> str:
    """What a feed that answered 410 says in ``last_error``."""
    return f"the feed is gone (HTTP 410); remove it with `briefterm remove {url}`"


@dataclass(slots=True)
class _Job:
    feed: FeedConfig
    state: FeedState


def select_feeds(
    store: Store,
    config: Config,
    *,
    feeds: Sequence[str] | None = None,
    force: bool = False,
    now: float | None = None,
) -> tuple[list[_Job], list[FeedResult]]:
    """Ensure feed rows exist and split subscriptions into due jobs and skipped results.

    ``feeds`` restricts the poll to these URLs (a URL not in the config is
    polled with default settings). Used by :func:`poll_async`; the CLI may
    call it to size a progress bar (``len(jobs)``).
    """
    now = time.time() if now is None else now
    if feeds is None:
        targets = list(config.feeds)
    else:
        wanted = list(dict.fromkeys(feeds))
        targets = [config.feed(url) or FeedConfig(url=url) for url in wanted]
    store.sync_feeds([f.url for f in targets])
    states = {s.url: s for s in store.feeds(with_counts=False)}
    explicit = set(feeds or ())
    jobs: list[_Job] = []
    skipped: list[FeedResult] = []
    for feed in targets:
        state = states[feed.url]
        name = feed.name or state.title or feed.url
        if state.gone and not (force and feed.url in explicit):
            skipped.append(
                FeedResult(feed.url, name, "skipped", error=gone_message(feed.url), http_status=410)
            )
        elif not force and state.next_due is not None and state.next_due > now:
            skipped.append(FeedResult(feed.url, name, "skipped"))
        else:
            jobs.append(_Job(feed, state))
    return _interleave_hosts(jobs), skipped


def _interleave_hosts(jobs: list[_Job]) -> list[_Job]:
    """Round-robin over hosts so one big host cannot hold every slot in line."""
    by_host: dict[str, deque[_Job]] = defaultdict(deque)
    for job in jobs:
        by_host[host_and_port(job.state.effective_url)].append(job)
    queues = list(by_host.values())
    out: list[_Job] = []
    while queues:
        queues = [q for q in queues if q]
        for q in queues:
            out.append(q.popleft())
    return out


# -- parsing ---------------------------------------------------------------------


def _parse_job(data: bytes, url: str, content_type: str | None) -> tuple[ParsedFeed | None, str]:
    """Parse in whichever process runs this; errors come back as a message.

    Exceptions are turned into strings here because a custom exception class
    may not survive pickling back from a worker process.
    """
    from briefterm import parse

    try:
        return parse.parse_feed(data, url=url, content_type=content_type), ""
    except parse.FeedParseError as exc:
        message = clean_line(str(exc), max_length=300)
        return None, message or "the feed could not be parsed"
    except Exception as exc:  # a parser bug must not stop the poll
        return None, f"the feed could not be parsed ({type(exc).__name__})"


def _warm_worker(_: int) -> int:
    from briefterm import parse  # noqa: F401  (import cost paid before the first job)

    return os.getpid()


_context_lock = threading.Lock()


def _mp_context() -> multiprocessing.context.BaseContext:
    """The start method for parser processes.

    Not "fork": the poller runs beside threads (the loopback/Textual worker,
    the SQLite writer, asyncio's executor) and forking a threaded process can
    copy a held lock into the child. "forkserver" forks from a clean
    single-threaded server that has already imported the parser, so each
    worker starts in milliseconds instead of re-importing feedparser and lxml
    as "spawn" would.
    """
    with _context_lock:
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["briefterm.parse"])
            return ctx
        return multiprocessing.get_context("spawn")


class _Parsers:
    """Runs ``parse_feed`` off the event loop, in processes when it pays off.

    Parsing and sanitizing are pure-Python CPU work, so threads cannot use a
    second core. The first :data:`PROCESS_POOL_AFTER` bodies of a poll are
    parsed in one helper thread (cheap, keeps the loop serving sockets); the
    next one starts a ``ProcessPoolExecutor`` with ``os.cpu_count()`` workers
    and everything after goes there. A re-poll where everything answers 304
    never starts a process. If a worker dies, the rest falls back to the thread.

    Measured on 2 cores (``bench/bench_poll.py --concurrency 4 --parse
    auto,inprocess``, 50 items of ~1.7 KB HTML per feed): first poll of 200
    feeds 1.56 s with the pool vs 1.86 s in-process; 1,000 feeds 7.6 s vs
    10.0 s. parse_feed is ~5 ms/feed and the store's upsert ~7 ms/feed, which
    needs this process's GIL, so moving parsing out lets both cores work.
    "fork" hung in the benchmark (threads + fork), hence forkserver.
    """

    def __init__(self, pool_after: int | None = None, use_processes: bool = True) -> None:
        self._pool_after = PROCESS_POOL_AFTER if pool_after is None else pool_after
        self._use_processes = use_processes
        self._count = 0
        self._thread: ThreadPoolExecutor | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._pool_ready: asyncio.Task[ProcessPoolExecutor | None] | None = None
        self.in_processes = 0

    def _thread_executor(self) -> Executor:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="briefterm-parse")
        return self._thread

    def _start_pool(self) -> ProcessPoolExecutor | None:
        workers = max(1, os.cpu_count() or 1)
        try:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context())
            # Start every worker now (in this helper thread, not on the loop).
            list(pool.map(_warm_worker, range(workers)))
        except Exception:
            return None  # e.g. no /dev/shm or a sandbox: parse in-process
        self._pool = pool
        return pool

    async def parse(self, data: bytes, url: str, content_type: str | None):
        """``(ParsedFeed, "")`` or ``(None, error message)``."""
        loop = asyncio.get_running_loop()
        self._count += 1
        if self._use_processes and self._count > self._pool_after:
            if self._pool_ready is None:
                self._pool_ready = asyncio.ensure_future(asyncio.to_thread(self._start_pool))
            pool = await self._pool_ready
            if pool is not None:
                try:
                    result = await loop.run_in_executor(pool, _parse_job, data, url, content_type)
                    self.in_processes += 1
                    return result
                except BrokenProcessPool:
                    self._use_processes = False
        return await loop.run_in_executor(
            self._thread_executor(), _parse_job, data, url, content_type
        )

    def close(self) -> None:
        """Stop the helper thread and worker processes."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


# -- polling ---------------------------------------------------------------------


class _Poll:
    """State of one poll run: shared client, semaphores, executors."""

    def __init__(
        self,
        store: Store,
        config: Config,
        now: float,
        progress: Callable[[FeedResult], None] | None,
        parsers: _Parsers,
    ) -> None:
        self.store = store
        self.config = config
        self.now = now
        self.progress = progress
        self.parsers = parsers
        limits = config.poll
        self.net = asyncio.Semaphore(max(1, limits.concurrency))
        # Bounds bodies held in memory between download and storage.
        self.inflight = asyncio.Semaphore(max(1, limits.concurrency) * 4)
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
        while True:
            try:
                feed_id, fields = self.pending.popleft()
            except IndexError:
                return
            self.store.update_feed(feed_id, **fields)

    async def flush(self) -> None:
        """Apply queued updates; re-raises a store failure."""
        loop = asyncio.get_running_loop()
        self.flushes.append(loop.run_in_executor(self.writer, self._apply_pending))
        await asyncio.gather(*self.flushes)

    async def write(self, fn: Callable[..., object], *args: object, **kwargs: object):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.writer, lambda: fn(*args, **kwargs))

    async def run(self, job: _Job) -> FeedResult:
        async with self.inflight:
            started = time.monotonic()
            try:
                result = await self._poll_one(job)
            except (StoreError, sqlite3.Error):
                raise
            except Exception as exc:  # a bug must cost one feed, not the poll
                result = FeedResult(
                    job.feed.url,
                    self._name(job),
                    "error",
                    error=f"internal error while polling ({type(exc).__name__})",
                )
                await self._record_error(job, result.error, None, None)
            result.seconds = time.monotonic() - started
        if self.progress is not None:
            self.progress(result)
        return result

    def _name(self, job: _Job, parsed_title: str = "") -> str:
        return clean_line(job.feed.name) or parsed_title or job.state.title or job.feed.url

    async def _poll_one(self, job: _Job) -> FeedResult:
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
        parsed, message = await self.parsers.parse(
            fetched.body, fetched.final_url, fetched.content_type
        )
        if parsed is None:
            fetched.error = message
            return await self._failed(job, fetched)
        return await self._stored(job, fetched, parsed)

    def _common_fields(self, job: _Job, fetched: FetchResult) -> dict[str, object]:
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

    async def _stored(self, job: _Job, fetched: FetchResult, parsed: ParsedFeed) -> FeedResult:
        fields = self._common_fields(job, fetched)
        name = self._name(job, clean_line(parsed.title))
        fields["title"] = clean_line(job.feed.name) or clean_line(parsed.title) or job.state.title
        fields["site_link"] = safe_url(parsed.link)
        fields["etag"] = fetched.etag
        fields["last_modified"] = fetched.last_modified
        upserted = await self.write(
            self.store.upsert_entries,
            job.state.id,
            parsed.entries,
            now=self.now,
            feed_fields=fields,
        )
        return FeedResult(
            job.feed.url,
            name,
            "ok",
            new=upserted.new,
            updated=upserted.updated,
            http_status=fetched.status,
        )

    async def _not_modified(self, job: _Job, fetched: FetchResult) -> FeedResult:
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

    async def _failed(self, job: _Job, fetched: FetchResult) -> FeedResult:
        error = fetched.error or "unknown error"
        if fetched.status == 410:
            error = gone_message(job.feed.url)
        await self._record_error(job, error, fetched.status, fetched.retry_after)
        return FeedResult(
            job.feed.url, self._name(job), "error", error=error, http_status=fetched.status
        )

    async def _record_error(
        self, job: _Job, error: str, status: int | None, retry_after: float | None
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

    async def run_all(self, jobs: list[_Job]) -> list[FeedResult]:
        async with make_client(self.config.poll) as client:
            self.client = client
            try:
                results = list(await asyncio.gather(*(self.run(job) for job in jobs)))
                await self.flush()
                return results
            finally:
                self.writer.shutdown(wait=True)


async def poll_async(
    store: Store,
    config: Config,
    *,
    feeds: Sequence[str] | None = None,
    force: bool = False,
    progress: Callable[[FeedResult], None] | None = None,
    now: float | None = None,
    use_processes: bool = True,
    cancel: threading.Event | None = None,
) -> PollReport:
    """Poll the due feeds of ``config`` into ``store``; see the module docstring.

    ``feeds`` restricts the poll to these URLs; ``force`` ignores ``next_due``;
    ``progress`` is called (on the polling thread) after each fetched feed;
    ``now`` fixes the clock for scheduling (tests). ``use_processes=False``
    keeps parsing in-process (for measurements). Setting ``cancel`` (from any
    thread) stops the poll within a tenth of a second: feeds already stored
    stay stored, the rest are left for the next poll, and the report holds
    only the skipped feeds. Per-feed failures are in the report, never
    raised; a broken cache raises ``StoreError``.
    """
    started = time.monotonic()
    now = time.time() if now is None else now
    jobs, skipped = select_feeds(store, config, feeds=feeds, force=force, now=now)
    parsers = _Parsers(use_processes=use_processes)
    work = asyncio.ensure_future(_Poll(store, config, now, progress, parsers).run_all(jobs))
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


async def _cancel_when_set(cancel: threading.Event, work: asyncio.Future[object]) -> None:
    """Cancel ``work`` once ``cancel`` is set (an Event from another thread)."""
    while not work.done():
        if cancel.is_set():
            work.cancel()
            return
        await asyncio.sleep(0.1)


def poll(
    store: Store,
    config: Config,
    *,
    feeds: Sequence[str] | None = None,
    force: bool = False,
    progress: Callable[[FeedResult], None] | None = None,
    now: float | None = None,
    use_processes: bool = True,
    cancel: threading.Event | None = None,
) -> PollReport:
    """Blocking :func:`poll_async`: runs its own event loop.

    Safe to call from any thread without a running event loop (the Textual
    app calls it from a worker thread; its ``progress`` callback should use
    ``App.call_from_thread``).
    """
    return asyncio.run(
        poll_async(
            store,
            config,
            feeds=feeds,
            force=force,
            progress=progress,
            now=now,
            use_processes=use_processes,
            cancel=cancel,
        )
    )
