"""Full text in the reader: what the cache holds, when to fetch, and the fetch itself.

The story pane (``widgets/detail.py``) asks this controller and renders what
it answers; the fetch (:meth:`FullTexts.fetch`) blocks and runs in a thread
worker, then the pane is told with a message and updates only if the same
story is still shown.

When a feed has ``full_text = true`` the page is fetched when one of its
stories is opened, not in the background after a poll: only stories that
are read cost a request to the publisher (a poll of a 50-item feed would
otherwise send 50 page requests, most for stories never opened, and look
like a scraper to the site), the poller stays as fast as it is, and a story
opened twice is served from the cache. The price is that the first opening
shows the teaser for the second or so the page takes.

Nothing here imports Textual, so the rules can be tested without a screen.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from briefterm.config import Config
from briefterm.errors import StoreError
from briefterm.fulltext import FullTextResult, due, extractor_available, fetch_full_text
from briefterm.models import Entry
from briefterm.store import CachedFullText, Store

AUTO_DELAY = 0.4
"""Seconds a story of a ``full_text`` feed must stay open before its page is
fetched: running down the list with the pane open must not fetch every page."""

Fetcher = Callable[..., FullTextResult]


class FullTexts:
    """The reader's full-text cache and fetches (one per story at a time)."""

    def __init__(
        self,
        store: Store,
        reads: Store,
        config: Config,
        *,
        clock: Callable[[], float] = time.time,
        fetcher: Fetcher = fetch_full_text,
        auto_delay: float = AUTO_DELAY,
    ) -> None:
        self._store = store  # writes the cache
        self._reads = reads  # the reader's read-only connection
        self._config = config
        self._clock = clock
        self._fetcher = fetcher
        self.auto_delay = auto_delay
        self.in_flight: set[int] = set()
        """Entries whose page is being fetched now."""
        self.told_missing = False
        """The "install the extra" hint was shown (once per session for automatic fetches)."""

    def automatic(self, entry: Entry) -> bool:
        """True when the entry's feed asks for full text (``[[feeds]] full_text = true``)."""
        feed = self._config.feed(entry.feed_url)
        return feed is not None and feed.full_text

    def cached(self, entry_id: int) -> CachedFullText | None:
        """What the cache holds for the entry (None also when the cache cannot be read)."""
        try:
            return self._reads.full_text(entry_id)
        except (StoreError, sqlite3.Error):
            return None  # e.g. a read-only connection to an older schema; a fetch still works

    def should_fetch(self, cached: CachedFullText | None) -> bool:
        """Never fetched, or failed long enough ago (``fulltext.RETRY_AFTER``)."""
        if cached is None:
            return True
        return due(cached.fetched_at, not cached.ok, self._clock())

    @staticmethod
    def available() -> bool:
        """True when the extractor (the ``fulltext`` extra) is installed."""
        return extractor_available()

    def begin(self, entry_id: int) -> bool:
        """Claim the fetch of an entry; False when one is already running."""
        if entry_id in self.in_flight:
            return False
        self.in_flight.add(entry_id)
        return True

    def end(self, entry_id: int) -> None:
        """The fetch of an entry is over (its result was handled)."""
        self.in_flight.discard(entry_id)

    def fetch(self, entry: Entry) -> tuple[CachedFullText, str]:
        """Fetch and extract the entry's page, store the outcome; blocking (a worker thread).

        Returns what is now cached (a stored article wins over a new failure)
        and a note: "" or the sentence saying the cache could not be written.
        """
        result = self._fetcher(entry.link, self._config.poll, now=self._clock())
        note = ""
        try:
            self._store.save_full_text(
                entry.id,
                fetched_at=result.fetched_at,
                url=result.final_url or entry.link,
                html=result.html,
                error=result.error,
            )
            stored = self._store.full_text(entry.id)
        except (StoreError, sqlite3.Error) as exc:
            note = f"the full text could not be saved in the cache ({exc})"
            stored = None
        if stored is None:
            stored = CachedFullText(
                entry.id, result.fetched_at, result.final_url, result.html, result.error
            )
        return stored, note
