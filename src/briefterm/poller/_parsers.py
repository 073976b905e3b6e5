"""Parse feed bodies off the event loop: a helper thread, or one forked worker."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING

from briefterm.models import ParsedFeed
from briefterm.sanitize import clean_line

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from briefterm.store._entries import PreparedEntry

# multiprocessing and concurrent.futures.process are imported only when a
# worker is started: a re-poll of unchanged feeds never needs them (~4 ms).

# A poll expected to download more bodies than this parses them in one forked
# worker process; smaller polls parse in a helper thread. Break-even measured
# with CLI first polls on 2 cores (load ~3.5, interleaved, medians), once the
# HTTP client got cheaper and the store preparation moved to the parser:
# 50 feeds × 20 items, thread 0.59 s vs worker 0.65 s (and 38 vs 49 MB tree
# PSS); 50 × 50 a tie (1.46 vs 1.45 s); 100 × 50 worker 2.80 s vs thread
# 3.43 s; 200 × 50 worker 4.19 vs 4.59 s (but 57 vs 46 MB).
PROCESS_POOL_AFTER = 64

Prepared = tuple[list["PreparedEntry"], int]
"""One :class:`~briefterm.store._entries.PreparedEntry` per parsed entry, and
the version of the cluster features in them."""

ParseOutcome = tuple[ParsedFeed | None, str, Prepared | None]
"""``(ParsedFeed, "", Prepared)`` or ``(None, error message, None)``."""


def prepare(feed: ParsedFeed) -> Prepared:
    """Everything the store computes per entry, and its cluster features, ahead of the write.

    Done where the feed was parsed (the worker process, when there is one),
    so the single writer thread in the main process only runs SQL; before,
    the writer also read every new entry back to compute its features, which
    was half its time on a first poll.
    """
    from briefterm.brief.features import FORMAT_VERSION, SUMMARY_LEAD, encode, features_for
    from briefterm.store._entries import prepare_entry

    # Uncached: each entry is seen once here, and features_for's cache of
    # 65,536 entries grew the worker by ~25 MB over a 10,000-entry poll.
    compute = features_for.__wrapped__
    entries = [
        prepare_entry(e, encode(compute(e.title, e.summary[:SUMMARY_LEAD], e.link)))
        for e in feed.entries
    ]
    return entries, FORMAT_VERSION


def _parse_job(data: bytes, url: str, content_type: str | None) -> ParseOutcome:
    """Parse (and :func:`prepare`) in whichever process runs this; errors come back as a message.

    Exceptions are turned into strings here because a custom exception class
    may not survive pickling back from a worker process.
    """
    from briefterm import parse

    try:
        feed = parse.parse_feed(data, url=url, content_type=content_type)
    except parse.FeedParseError as exc:
        message = clean_line(str(exc), max_length=300)
        return None, message or "the feed could not be parsed", None
    except Exception as exc:  # a parser bug must not stop the poll
        return None, f"the feed could not be parsed ({type(exc).__name__})", None
    try:
        return feed, "", prepare(feed)
    except Exception:  # the writer prepares what is missing itself
        return feed, "", None


def _warm_worker() -> bool:
    # Import costs paid before the first job.
    from briefterm import parse  # noqa: F401
    from briefterm.brief import features  # noqa: F401

    return True


def worker_count(expected_bodies: int, use_processes: bool = True) -> int:
    """0 (parse in a thread) or 1 (one forked worker) for a poll of this size.

    A worker only pays off when there is enough parsing to overlap with the
    main process's HTTP and store work. It is forked, so it starts in a few
    milliseconds and shares this process's pages instead of importing
    everything again; forking is only safe from the main thread before the
    poll starts its own threads (the reader polls from a worker thread, and a
    lock held by another thread at fork time would be copied held).
    """
    if not use_processes or expected_bodies <= PROCESS_POOL_AFTER:
        return 0
    if threading.current_thread() is not threading.main_thread():
        return 0
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return 1


class Parsers:
    """Runs ``parse_feed`` off the event loop, in one worker process when it pays off.

    Parsing and sanitizing are pure-Python CPU work, so a thread cannot use
    the second core; a process can. With ``workers=0`` every body is parsed
    in one helper thread (cheap, keeps the loop serving sockets). With
    ``workers=1`` a single worker is forked at once, before the poll has any
    threads of its own, and every body goes to it; this process then never
    imports the parser (lxml and friends), which keeps the tree's memory near
    the in-process figure: the child shares the parent's pages. No
    forkserver, no resource tracker, no second worker: on 2 cores the main
    process (HTTP and the store) is the bottleneck, and each extra process
    measured about 16 MB. If the worker dies, the rest falls back to the
    thread.

    Measured on 2 cores with ``bench/bench_poll.py --parse thread,worker``
    (first poll, 50 items of ~1.7 KB HTML per feed): see bench/README.md.
    """

    def __init__(self, workers: int = 0, *, warm: bool = False) -> None:
        self._thread: ThreadPoolExecutor | None = None
        self._pool: ProcessPoolExecutor | None = None
        self.in_processes = 0
        """Bodies parsed in the worker process so far."""
        if workers > 0:
            self._pool = self._start_pool()
        if warm and self._pool is None:
            # Bodies are expected: import the parser (and the features code)
            # in the helper thread now, while the first requests are on the
            # wire, instead of when the first body arrives (~40-70 ms).
            self._thread_executor().submit(_warm_worker)

    @staticmethod
    def _start_pool() -> ProcessPoolExecutor | None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            # With "fork" the worker is forked on the first submit, from this
            # thread, before the executor's own threads start; do it now.
            pool.submit(_warm_worker)
        except Exception:
            return None  # e.g. no /dev/shm or a sandbox: parse in a thread
        return pool

    def _thread_executor(self) -> Executor:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="briefterm-parse")
        return self._thread

    async def parse(self, data: bytes, url: str, content_type: str | None) -> ParseOutcome:
        """``(ParsedFeed, "", Prepared)`` or ``(None, error message, None)``."""
        loop = asyncio.get_running_loop()
        if self._pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                result = await loop.run_in_executor(self._pool, _parse_job, data, url, content_type)
                self.in_processes += 1
                return result
            except BrokenProcessPool:
                self._pool = None
        return await loop.run_in_executor(
            self._thread_executor(), _parse_job, data, url, content_type
        )

    def close(self) -> None:
        """Stop the helper thread and the worker process."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
