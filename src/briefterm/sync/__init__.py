"""Sync with the aggregators people already run: tt-rss and the Google Reader API.

Each client implements :class:`~briefterm.sync.models.SyncService` and returns
the plain, sanitized dataclasses of :mod:`briefterm.sync.models`; nothing here
touches the cache (the sync engine does) or imports Textual.

How a sync engine drives a :class:`~briefterm.sync.models.SyncService`
(``async with`` the client, every error a one-sentence ``SyncError``):

1. ``push`` each queued local change (``Flag`` + ids); dequeue the ids in
   ``PushResult.confirmed`` only. A ``SyncError`` with reason
   ``unreachable`` leaves the queue as it is for the next sync.
2. ``subscriptions()`` (+ ``categories()``): feeds and sections.
3. ``entries_since(stored watermark, known=stored ids)``: store each
   ``EntryBatch`` (``RemoteEntry.to_parsed()`` is what the store takes),
   then its ``watermark``; new entries carry the server's flags.
4. ``counters()``; where it is not None and equals the last stored one,
   stop (a quick sync); else ``state(changed feeds)`` (or ``state()`` for
   a full reconciliation, and whenever ``counters()`` is None) and set the
   local flags of entries the queue does not hold to what the server says:
   read = not in ``unread`` (only for the feeds ``RemoteState.feeds``
   covers), starred = in ``starred``.
"""

from __future__ import annotations

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
