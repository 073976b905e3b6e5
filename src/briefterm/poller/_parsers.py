"""Parse feed bodies off the event loop: a helper thread, then a process pool."""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext

from briefterm.models import ParsedFeed
from briefterm.sanitize import clean_line

# Parsing in worker processes pays a fixed price (starting the pool, pickling
# bytes in and ParsedFeed objects out); for a handful of changed feeds the
# in-process path is faster. Beyond this many bodies in one poll the pool is
# started. Measured with bench/bench_poll.py: see Parsers.
PROCESS_POOL_AFTER = 6

ParseOutcome = tuple[ParsedFeed | None, str]
"""``(ParsedFeed, "")`` or ``(None, error message)``."""


def _parse_job(data: bytes, url: str, content_type: str | None) -> ParseOutcome:
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


@functools.cache
def _mp_context() -> BaseContext:
    """The start method for parser processes, chosen once per process.

    Not "fork": the poller runs beside threads (the loopback/Textual worker,
    the SQLite writer, asyncio's executor) and forking a threaded process can
    copy a held lock into the child. "forkserver" forks from a clean
    single-threaded server that has already imported the parser, so each
    worker starts in milliseconds instead of re-importing feedparser and lxml
    as "spawn" would. The preload list is process-wide state of
    ``multiprocessing``, so it is set here, the first time a pool is needed,
    and never again (two polls racing to the first call would set the same
    list, which is harmless).
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["briefterm.parse"])
        return ctx
    return multiprocessing.get_context("spawn")


class Parsers:
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
        self._pool_ready: asyncio.Future[ProcessPoolExecutor | None] | None = None
        self.in_processes = 0
        """Bodies parsed in worker processes so far."""

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

    async def parse(self, data: bytes, url: str, content_type: str | None) -> ParseOutcome:
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
