"""Building a view's rows in the reader's worker thread: a quick first version, then the whole.

A large view is shown in two steps, so its first screen does not wait for
all of it. The brief: the saved edition first (its stories without the
"N more", entries and flags read now), then the one assembled now. The
Unread, Starred and All views: their newest days first (an index range),
then every row. The second version replaces the first with the cursor kept
on its story (``ViewLoaded.keep_cursor``). Between the two the worker waits
until the first is painted: building holds the GIL for a few hundred
milliseconds, and started at once it delayed that paint by as much
(measured 150-190 ms with 1M cached entries).

Nothing here imports Textual: the reader passes what to post and when.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

from briefterm.config import Config
from briefterm.store import Store, StoreError
from briefterm.tui.view_model import (
    BriefLoader,
    RowModel,
    View,
    build_brief_model,
    build_entry_model,
    saved_edition_key,
)

QUICK_PAINT_WAIT = 0.5
"""Seconds the worker waits for the first version's paint before building the second."""
FIRST_ROWS = 2000
"""Rows of an entry view's first version (whole days, at least this many): a few screens."""
PREFIX_VIEWS = (View.UNREAD, View.STARRED, View.ALL)
"""The entry views shown newest days first (grouped by day, so a prefix is whole groups)."""

Post = Callable[[RowModel, bool, bool], None]
"""Post rows to the screen: ``(model, quick, keep_cursor)``."""


@dataclass(slots=True)
class ViewBuilder:
    """What the worker needs: where to read and write, and how to post and wait."""

    reads: Store
    store: Store
    config: Config
    brief_loader: BriefLoader
    post: Post
    painted: threading.Event
    """Set (by the UI thread) once the last quick version posted is painted."""

    def _post_quick(self, model: RowModel) -> None:
        self.painted.clear()
        self.post(model, True, False)
        self.painted.wait(QUICK_PAINT_WAIT)

    def brief(self, offset: int, now: float) -> None:
        """The brief of edition ``offset``: the saved one when there is one, then the fresh one.

        The fresh one is saved for the next start.
        """
        edition = saved_edition_key(self.reads, self.config, offset)
        quick = False
        if edition is not None:
            try:
                saved = self.reads.saved_brief(edition, hidden=False)
            except (StoreError, sqlite3.Error):
                saved = None  # an optimisation only: build as if none was saved
            if saved is not None:
                model = build_brief_model(saved)
                model.quick = quick = True
                self._post_quick(model)
        brief = self.brief_loader(self.reads, self.config, offset, now)
        self.post(build_brief_model(brief), False, quick)
        if edition is not None:
            # A read-only or full cache: the next start builds it again.
            with contextlib.suppress(StoreError, sqlite3.Error):
                self.store.save_brief(edition, brief)

    def entries(self, view: View, now: float, *, quick: bool) -> None:
        """An entry view; with ``quick``, its newest days first when it has more."""
        if quick and view in PREFIX_VIEWS:
            first = build_entry_model(self.reads, view, now, first=FIRST_ROWS)
            if not first.prefix:  # that was all of it
                self.post(first, False, False)
                return
            self._post_quick(first)
            self.post(build_entry_model(self.reads, view, now), False, True)
            return
        self.post(build_entry_model(self.reads, view, now), False, False)
