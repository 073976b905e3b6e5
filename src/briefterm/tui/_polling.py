"""Refreshing every feed from the reader (``r``): the poll worker, its progress, its summary.

A refresh first reads the configuration again (``config_loader``), so a
feed subscribed with ``briefterm add`` while the reader is open is polled
and filed in its section; the reader adopts the configuration read.

The reader runs :meth:`Polling.run` in a thread worker. Progress reaches the
UI as posted :class:`PollProgress` messages (running totals, so they may
coalesce); the title bar counts grow by the new entries the poll reports,
so no feed finishing ever makes the UI thread query the cache. A poll that
raises is reported by the reader's one worker-failure handler.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

from briefterm.config import Config
from briefterm.store import Store
from briefterm.tui.messages import PollFinished, PollProgress
from briefterm.wording import counted

if TYPE_CHECKING:
    from textual.message import Message

    from briefterm.poller import FeedResult, PollReport

Severity = Literal["information", "warning", "error"]
ConfigLoader = Callable[[Config], Config]
"""Reads the configuration again (``config.reload_config``); raises ``ConfigError``."""


class PollFn(Protocol):
    """``briefterm.poller.poll``, or a stand-in for tests."""

    def __call__(
        self,
        store: Store,
        config: Config,
        /,
        *,
        progress: Callable[[FeedResult], None] | None = ...,
        force: bool = ...,
        cancel: threading.Event | None = ...,
    ) -> PollReport:
        """Poll ``config``'s feeds into ``store``; per-feed failures are in the report."""


class PollHost(Protocol):
    """What polling needs from the reader."""

    def post_message(self, message: Message) -> bool:
        """Queue ``message`` for the UI thread (safe from any thread)."""


class Polling:
    """One refresh at a time; :attr:`cancel` stops it (quitting must not wait for slow feeds)."""

    def __init__(
        self,
        store: Store,
        config: Config,
        host: PollHost,
        poller: PollFn | None = None,
        config_loader: ConfigLoader | None = None,
    ) -> None:
        self._store = store
        self._config = config
        self._host = host
        self._poller = poller
        self._config_loader = config_loader
        self._reload_error = ""
        self.cancel = threading.Event()
        self.running = False
        self._new_seen = 0  # new entries already added to the title bar counts

    def begin(self) -> bool:
        """Mark a refresh as started; False if one is running already."""
        if self.running:
            return False
        self.running = True
        self._new_seen = 0
        return True

    @property
    def config(self) -> Config:
        """The configuration the last refresh read (the reader adopts it when it ends)."""
        return self._config

    def _reload(self) -> Config:
        """The configuration read again, so a feed ``briefterm add`` subscribed is polled.

        A file that no longer loads keeps the configuration in use; the
        summary says why (:meth:`finished`).
        """
        self._reload_error = ""
        if self._config_loader is None:
            return self._config
        from briefterm.errors import ConfigError

        try:
            self._config = self._config_loader(self._config)
        except ConfigError as exc:
            self._reload_error = str(exc)
        return self._config

    def run(self) -> None:
        """Reload the subscriptions, poll every feed (blocks: run in a worker), post the result."""
        config = self._reload()
        poll: PollFn
        if self._poller is not None:
            poll = self._poller
        elif config.sync is not None:  # [sync]: the server fetches; sync with it
            from briefterm.sync.background import sync_as_poll as poll
        else:  # imported here: the poller pulls in the HTTP stack
            from briefterm.poller import poll
        total = len(config.feeds)
        done = new = 0

        def progress(result: FeedResult) -> None:
            nonlocal done, new
            done += 1
            new += result.new
            self._host.post_message(PollProgress(done, total, new, result.name))

        # Everything, not just the due feeds: `r` means "refresh now" (as in
        # newsboat); conditional GET keeps unchanged feeds cheap.
        report = poll(self._store, config, progress=progress, force=True, cancel=self.cancel)
        self._host.post_message(PollFinished(report))

    def progressed(self, message: PollProgress) -> tuple[str, int]:
        """The status line for ``message`` and how many new entries it adds to the counts."""
        added, self._new_seen = message.new - self._new_seen, message.new
        if self._config.sync is not None:  # a sync's steps have no total: say what it does
            return f"syncing · {message.name}", added
        return f"polling {message.done}/{message.total} · {message.new} new", added

    def finished(self, report: PollReport | None, error: str = "") -> tuple[str, Severity]:
        """The refresh ended (``report`` None: it failed with ``error``); the sentence to show."""
        self.running = False
        summary, severity = self._summary(report, error)
        if self._reload_error:  # the poll used the subscriptions read before
            return f"{summary}; the config was not read again: {self._reload_error}", "warning"
        return summary, severity

    def _summary(self, report: PollReport | None, error: str) -> tuple[str, Severity]:
        if report is None:
            return error or "Refresh failed.", "error"
        new = report.new
        summary = f"{counted(new, 'new story', 'new stories')}"
        failed = report.failed
        if failed and self._config.sync is not None:  # the one sentence of a failed sync
            return f"Sync failed: {failed[0].error}", "warning"
        if failed:
            first = failed[0]
            summary += f"; {counted(len(failed), 'feed')} failed — {first.name}: {first.error}"
            return summary, "warning"
        return summary, "information"

    @property
    def every(self) -> float | None:
        """Seconds between background syncs while the reader is open ([sync] interval), or None."""
        sync = self._config.sync
        return sync.interval * 60.0 if sync is not None and sync.interval else None

    def stop(self) -> None:
        """Stop a running refresh; what it stored so far stays."""
        self.cancel.set()
