"""Poll subscriptions: pick the due feeds, fetch them concurrently, parse, store.

Pipeline per feed: :func:`briefterm.fetch.fetch` on a shared keep-alive
:class:`briefterm.http11.Client` (bounded by ``poll.concurrency`` overall and
``poll.per_host`` per host) → ``parse.parse_feed`` (CPU-bound: see
:class:`~briefterm.poller._parsers.Parsers`) → one ``Store.upsert_entries``
call that writes the entries and the feed's success bookkeeping in the same
transaction.

Per-feed failures never raise: they are recorded on the feed row
(``last_error``, ``error_count``, ``next_due``) and returned in the
:class:`PollReport`; the feed keeps every entry it already had. Only a fatal
problem with the cache itself (``StoreError`` / ``sqlite3.Error``) propagates.
The scheduling rules (intervals, backoff, Retry-After, 410 Gone) are in
:mod:`briefterm.poller.schedule`.

Modules: ``report`` (FeedResult, PollReport), ``schedule`` (when a feed is
due), ``_parsers`` (parse offload to a thread or process pool), ``_run``
(one poll run and the blocking wrapper).
"""

from briefterm.poller._parsers import PROCESS_POOL_AFTER
from briefterm.poller._run import PollOptions, Progress, poll, poll_async
from briefterm.poller.report import FeedResult, PollReport, Status
from briefterm.poller.schedule import (
    JITTER,
    MAX_BACKOFF,
    DueFeed,
    backoff_delay,
    gone_message,
    interval_seconds,
    select_feeds,
)

__all__ = [
    "JITTER",
    "MAX_BACKOFF",
    "PROCESS_POOL_AFTER",
    "DueFeed",
    "FeedResult",
    "PollOptions",
    "PollReport",
    "Progress",
    "Status",
    "backoff_delay",
    "gone_message",
    "interval_seconds",
    "poll",
    "poll_async",
    "select_feeds",
]
