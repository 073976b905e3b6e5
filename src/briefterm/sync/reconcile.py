"""Read and starred state from the server onto the cache, and the conflict rule.

Neither tt-rss nor the Google Reader API can say what changed since a given
time, and listing ids is what costs (tt-rss: ~2 ms an article on the
server). So the state step works like this:

* **Counters first.** ``counters()`` is one call: the server's unread count
  of every feed and (tt-rss) its starred counts, by feed and in all. The cache counts the same
  over the entries it has from the server (those the server no longer has
  left out). Where a feed's two counts agree, the feed is taken to agree; only
  the other feeds' unread ids are listed, together with the starred ids.
  When everything agrees nothing is listed: that is the quick sync. (A swap
  inside one feed, one article read and another marked unread, leaves the
  count as it was; the full reconciliation finds it.)
* **A full reconciliation** lists every unread and starred id: once every
  :data:`FULL_EVERY`, on ``briefterm sync --full``, and always where the
  server has no counters (Miniflux). A first sync, which fetched every entry
  with its flags, counts as one.
* **Missing from a list is not proof.** An id in the unread list is unread
  on the server; an id missing from it is read there, or gone (the
  server's retention, a deleted feed). So the entries whose flag would change
  because their id is missing are fetched by id, and the server's own answer
  sets their flags. An entry the server no longer returns is marked gone and
  keeps its local flags; it is neither counted nor checked again until the
  server lists it once more.
* **Ids the server lists that the cache lacks** (an article that arrived
  while the sync ran) are fetched and stored.

**The conflict rule** (for each entry and each flag, read and starred
separately): when both sides changed a flag since the last sync, the more
recent change wins. A local change is queued with its time. Neither API
tells when a flag changed on the server, so a server change is dated at the
start of the last sync that pushed the queue: that is the one moment known
to come before it. Every change still queued was made after that moment
(whatever was queued before it was pushed by it), so it is the more recent
change, and it wins. In practice: a flag with a queued local change keeps
the local value, because the queue is pushed first and
:meth:`~briefterm.store.Store.apply_remote_flags` never overwrites a flag
with a queued change (a mark made while the sync runs included). A flag
without a queued change takes the server's value, also when it was changed
here before and already pushed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from briefterm.store import Store
from briefterm.store._sync import SyncedCounts, SyncedEntry, SyncFlag
from briefterm.sync.models import RemoteCounters, RemoteEntry, RemoteState, SyncService

FULL_EVERY = 24 * 3600.0
"""Seconds between full reconciliations (every id listed)."""
LAST_FULL = "sync:last_full"


class Report(Protocol):
    """The counts this step adds to (``engine.SyncReport``)."""

    from_server: int
    gone: int
    quick: bool
    full: bool


class EntrySink(Protocol):
    """Stores articles the way the entries step does (``engine._Run``)."""

    async def store_entries(self, entries: Sequence[RemoteEntry], *, watermark: str | None) -> None:
        """Store ``entries`` with the server's flags."""


async def reconcile(
    store: Store,
    client: SyncService,
    report: Report,
    sink: EntrySink,
    *,
    counters: RemoteCounters | None,
    first: bool = False,
    full: bool = False,
) -> None:
    """Bring the cache's flags to the server's; see the module docstring.

    ``counters`` are the server's, fetched by the caller (with the entries).
    """
    now = time.time()
    if first:  # every entry just came with its flags
        await asyncio.to_thread(store.set_meta, LAST_FULL, str(now))
    last_full = _seconds(await asyncio.to_thread(store.get_meta, LAST_FULL))
    full = full or counters is None or now - last_full >= FULL_EVERY
    if full or counters is None:
        state = await client.state()
    else:
        lists = plan(counters, await asyncio.to_thread(store.synced_counts))
        if lists is None:
            report.quick = True
            return
        state = await client.state(*lists)
    await _apply(store, client, report, sink, state)
    if full:
        report.full = True
        await asyncio.to_thread(store.set_meta, LAST_FULL, str(now))


def plan(
    counters: RemoteCounters, local: SyncedCounts
) -> tuple[frozenset[str], frozenset[str] | None] | None:
    """Which ids to list: (feeds for unread ids, feeds for starred ids or None for all).

    None when every count agrees: nothing needs listing (the quick sync).
    Where the server counts starred articles by feed (tt-rss), only the
    feeds whose count differs are listed, unless the articles of no
    subscribed feed (its archive) differ: then all starred are listed.
    """
    unread = _differ(counters.unread, local.unread) | local.unknown_unread
    starred: frozenset[str] | None
    if counters.starred is None:
        starred = None  # no count at all: list them
    elif counters.starred_by_feed is None:
        same = counters.starred == local.starred_total and not local.unknown_starred
        starred = frozenset() if same else None
    else:
        outside_there = counters.starred - sum(counters.starred_by_feed.values())
        outside_here = local.starred_total - sum(local.starred.values())
        if outside_there != outside_here or "" in local.unknown_starred:
            starred = None
        else:
            starred = _differ(counters.starred_by_feed, local.starred) | local.unknown_starred
    if not unread and starred == frozenset():
        return None
    return frozenset(unread), starred


def _differ(there: Mapping[str, int], here: Mapping[str, int]) -> frozenset[str]:
    return frozenset(f for f in set(there) | set(here) if there.get(f, 0) != here.get(f, 0))


async def _apply(
    store: Store, client: SyncService, report: Report, sink: EntrySink, state: RemoteState
) -> None:
    entries, queued = await asyncio.to_thread(_local, store)
    changes, doubtful = compare(entries, state, queued)
    if doubtful:
        changes += await _check(store, client, report, doubtful)
    local = {entry.remote_id for entry in entries}
    missing = sorted((state.unread | state.starred) - local)
    if missing:
        await sink.store_entries(await client.entries_by_id(missing), watermark=None)
    report.from_server += await asyncio.to_thread(store.apply_remote_flags, changes)


def _local(store: Store) -> tuple[list[SyncedEntry], set[int]]:
    return store.synced_entries(), {change.entry_id for change in store.sync_queue()}


def compare(
    entries: Sequence[SyncedEntry], state: RemoteState, queued: set[int]
) -> tuple[list[tuple[int, SyncFlag, bool]], list[SyncedEntry]]:
    """The flags to set from ``state``, and the entries to ask the server about.

    A listed id is proof (unread, starred); a missing one is not (read and
    unstarred, or gone), so those entries are returned to be fetched by id.
    Entries with a queued change are left alone (the conflict rule).
    """
    changes: list[tuple[int, SyncFlag, bool]] = []
    doubtful: dict[int, SyncedEntry] = {}
    for entry in entries:
        if entry.entry_id in queued:
            continue
        unread_there = entry.remote_id in state.unread
        starred_there = entry.remote_id in state.starred
        if entry.gone:
            if unread_there or starred_there:  # it is back: ask for all of it
                doubtful[entry.entry_id] = entry
            continue
        covered = state.feeds is None or entry.remote_feed_id in state.feeds
        if covered and entry.read == unread_there:
            if unread_there:
                changes.append((entry.entry_id, "read", False))
            else:
                doubtful[entry.entry_id] = entry
        starred_covered = state.starred_feeds is None or entry.remote_feed_id in state.starred_feeds
        if starred_covered and entry.starred != starred_there:
            if starred_there:
                changes.append((entry.entry_id, "starred", True))
            else:
                doubtful[entry.entry_id] = entry
    return changes, list(doubtful.values())


async def _check(
    store: Store, client: SyncService, report: Report, doubtful: list[SyncedEntry]
) -> list[tuple[int, SyncFlag, bool]]:
    """Fetch ``doubtful`` entries by id: their flags as the server has them, or gone."""
    found = {
        entry.id: entry
        for entry in await client.entries_by_id([entry.remote_id for entry in doubtful])
    }
    changes: list[tuple[int, SyncFlag, bool]] = []
    gone: list[int] = []
    back: list[int] = []
    for entry in doubtful:
        there = found.get(entry.remote_id)
        if there is None:
            gone.append(entry.entry_id)
            continue
        if entry.gone:
            back.append(entry.entry_id)
        if there.read != entry.read:
            changes.append((entry.entry_id, "read", there.read))
        if there.starred != entry.starred:
            changes.append((entry.entry_id, "starred", there.starred))
    report.gone += await asyncio.to_thread(store.mark_gone, gone)
    await asyncio.to_thread(store.mark_gone, back, False)
    return changes


def _seconds(stored: str | None) -> float:
    """A stored time (0 when missing or unreadable: then it is simply due)."""
    try:
        return float(stored) if stored else 0.0
    except ValueError:
        return 0.0
