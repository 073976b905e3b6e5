"""The server's subscriptions, read and changed there: ``feeds``, ``add``, ``remove`` with [sync].

Each function asks the server, then records its list in the cache at once
(the same links a sync makes), so the config's feeds
(:func:`briefterm.sync.feeds.with_server_feeds`) follow.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from briefterm.config.sync import SyncConfig
from briefterm.errors import SyncError
from briefterm.store import Store
from briefterm.store._sync import RemoteFeedRow, SyncedFeed
from briefterm.sync.account import account_key, describe, open_service, server_url
from briefterm.sync.models import RemoteCounters, RemoteFeed, SyncService


@dataclass(frozen=True, slots=True)
class ServerFeeds:
    """The subscriptions as ``briefterm feeds`` shows them."""

    feeds: list[SyncedFeed]
    unread: dict[str, int] | None
    """The server's unread count by remote feed id (None: it has no counters, or was not asked)."""
    live: bool
    """False: the server could not be asked; this is the list of the last sync."""
    error: str = ""


def _rows(feeds: list[RemoteFeed]) -> list[RemoteFeedRow]:
    return [RemoteFeedRow(f.id, f.url, f.title, f.category) for f in feeds]


async def _record(store: Store, config: SyncConfig, client: SyncService) -> None:
    """Ask the server for its subscriptions and link them in the cache."""
    rows = _rows(await client.subscriptions())
    await asyncio.to_thread(store.begin_sync_account, account_key(config))
    await asyncio.to_thread(store.sync_remote_feeds, rows, server_url(config))


def server_feeds(store: Store, config: SyncConfig) -> ServerFeeds:
    """The server's subscriptions now, or those of the last sync when it cannot be reached."""

    async def ask() -> RemoteCounters | None:
        client = open_service(config)
        try:
            await _record(store, config, client)
            return await client.counters()
        finally:
            await client.aclose()

    try:
        counters = asyncio.run(ask())
    except SyncError as exc:
        if exc.reason != "unreachable":
            raise
        return ServerFeeds(store.synced_feeds(), None, live=False, error=str(exc))
    return ServerFeeds(store.synced_feeds(), dict(counters.unread) if counters else None, True)


def subscribe(store: Store, config: SyncConfig, url: str, category: str = "") -> RemoteFeed:
    """Subscribe to ``url`` on the server (in ``category``) and record the subscription."""

    async def run() -> RemoteFeed:
        client = open_service(config)
        try:
            feed = await client.subscribe(url, category)
            await _record(store, config, client)
            return feed
        finally:
            await client.aclose()

    return asyncio.run(run())


def find_feed(store: Store, url: str) -> SyncedFeed | None:
    """The recorded subscription whose feed URL (or the cache's row URL) is ``url``."""
    for feed in store.synced_feeds():
        if feed.url == url:
            return feed
    return None


def unsubscribe(store: Store, config: SyncConfig, url: str) -> SyncedFeed:
    """Unsubscribe from the feed at ``url`` on the server; drop it and its entries here."""

    async def run() -> SyncedFeed:
        client = open_service(config)
        try:
            await _record(store, config, client)
            found = find_feed(store, url)
            if found is None:
                raise SyncError(
                    f"{describe(config)} has no subscription {url} (see `briefterm feeds`).",
                    "refused",
                )
            await client.unsubscribe(found.remote_id)
            return found
        finally:
            await client.aclose()

    found = asyncio.run(run())
    store.remove_feed(found.url)
    return found
