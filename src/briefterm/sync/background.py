"""The sync with the poller's shape, for the reader's refresh worker (``tui/_polling.py``).

:func:`sync_as_poll` has the signature of :func:`briefterm.poller.poll`, so
the reader runs it in the same background worker, with the same progress
messages and the same end-of-refresh report: each step of the sync is one
:class:`~briefterm.poller.FeedResult` whose ``name`` is the step's phrase
("1,200 new entries") and whose ``new`` is the new entries it added. A sync
that fails is one result with ``status="error"`` and the sentence to show;
the reader keeps working on the cache meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from briefterm.config import Config
from briefterm.errors import SyncError
from briefterm.poller import FeedResult, PollReport
from briefterm.store import Store
from briefterm.sync.account import describe
from briefterm.sync.engine import SyncProgress, sync


def sync_as_poll(
    store: Store,
    config: Config,
    /,
    *,
    progress: Callable[[FeedResult], None] | None = None,
    force: bool = False,
    cancel: threading.Event | None = None,
) -> PollReport:
    """Sync with ``config.sync`` (required); what it did as a :class:`PollReport`.

    ``force`` is accepted for the poller's signature: a sync always asks
    the server for everything new.
    """
    account = config.sync
    if account is None:
        raise ValueError("sync_as_poll needs a [sync] account")
    server = describe(account)
    results: list[FeedResult] = []
    seen = 0

    def step(done: SyncProgress) -> None:
        nonlocal seen
        result = FeedResult(server, done.text, "ok", new=done.new - seen)
        seen = done.new
        results.append(result)
        if progress is not None:
            progress(result)

    try:
        # The reader owns the terminal: password_command may not prompt on it.
        report = sync(store, account, progress=step, cancel=cancel, interactive=False)
    except SyncError as exc:
        queued = store.sync_queue_size()
        kept = f" {queued:,} local change(s) stay queued." if queued else ""
        failed = FeedResult(server, server, "error", error=f"{exc}{kept}")
        return PollReport(results=[*results, failed])
    summary = FeedResult(server, report.summary(), "ok", new=report.new - seen)
    return PollReport(results=[*results, summary], seconds=report.seconds)
