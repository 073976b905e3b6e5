"""With ``[sync]``, the config's feeds are the server's subscriptions (as of the last sync).

Each feed's section is its category or label; ``[[feeds]]`` in config.toml
with the same URL still give it a name, a section or a priority. Every
command with [sync] runs this, so it reads the cache only and imports
nothing of the HTTP side (:mod:`.subscriptions` talks to the server).
"""

from __future__ import annotations

from dataclasses import replace

from briefterm import paths
from briefterm.config import Config, FeedConfig
from briefterm.store import Store


def with_server_feeds(config: Config, store: Store | None = None) -> Config:
    """``config`` with the server's subscriptions as its feeds (unchanged without [sync]).

    ``store`` defaults to the cache at its usual place.
    """
    if config.sync is None:
        return config
    if store is None:
        with Store(paths.database_path()) as own:
            return with_server_feeds(config, own)
    mine = {feed.url: feed for feed in config.feeds}
    feeds = []
    for synced in store.synced_feeds():
        feed = mine.get(synced.url)
        if feed is None:
            feeds.append(FeedConfig(url=synced.url, section=synced.category))
        else:
            feeds.append(replace(feed, section=feed.section or synced.category))
    return replace(config, feeds=tuple(feeds))
