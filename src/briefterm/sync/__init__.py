"""Sync with the aggregators people already run: tt-rss and the Google Reader API.

Each client implements :class:`~briefterm.sync.models.SyncService` and returns
the plain, sanitized dataclasses of :mod:`briefterm.sync.models`; nothing here
touches the cache (the sync engine does) or imports Textual.
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
