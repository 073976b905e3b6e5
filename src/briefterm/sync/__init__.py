"""Sync with the aggregators people already run: tt-rss and the Google Reader API.

Each client implements :class:`~briefterm.sync.models.SyncService` and returns
the plain, sanitized dataclasses of :mod:`briefterm.sync.models`; the clients
never touch the cache. The engine (:mod:`.engine`) drives one client over
the cache's sync tables (``store/_sync.py``) in this order, every error a
one-sentence ``SyncError``:

1. ``push`` each queued local change (``Flag`` + ids); dequeue the ids in
   ``PushResult.confirmed`` only. A ``SyncError`` with reason
   ``unreachable`` leaves the queue as it is for the next sync.
2. At once: ``subscriptions()`` (feeds and their categories, the sections),
   ``entries_since(stored watermark, known=stored ids)`` (each
   ``EntryBatch`` stored with the server's flags, then its ``watermark``)
   and ``counters()``.
3. State (:mod:`.reconcile`): the counters against the cache's own counts;
   ``state()`` only of the feeds that differ (all now and then, and where
   there are no counters); the server's flags then go to every entry
   without a queued change, and an entry missing from a list is fetched by
   id before its flag changes (it may be gone: it keeps its flags).

Modules: ``models`` (the interface), ``ttrss`` and ``greader`` (the
clients; ``_ttrss_rows``, ``clean``, ``transport`` under them), ``account``
([sync] to a client), ``engine`` and ``reconcile`` (one sync),
``feeds`` (the server's subscriptions in the config, subscribe and
unsubscribe), ``background`` (the sync in the reader's refresh worker).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefterm.sync.models import (
        EntryBatch,
        Flag,
        PushResult,
        RemoteCategory,
        RemoteCounters,
        RemoteEntry,
        RemoteFeed,
        RemoteState,
        SyncService,
    )
    from briefterm.sync.transport import Limits

__all__ = [
    "EntryBatch",
    "Flag",
    "Limits",
    "PushResult",
    "RemoteCategory",
    "RemoteCounters",
    "RemoteEntry",
    "RemoteFeed",
    "RemoteState",
    "SyncService",
]


def __getattr__(name: str) -> Any:
    # Imported on first use: `briefterm list` with [sync] reads only the
    # cache (sync/feeds.py) and must not pay for httpx and the HTML tools.
    if name == "Limits":
        return import_module("briefterm.sync.transport").Limits
    if name in __all__:
        return getattr(import_module("briefterm.sync.models"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
