"""What every command needs: the configuration ``--config`` names, and the cache."""

from __future__ import annotations

import argparse
from pathlib import Path

from briefterm import paths
from briefterm.config import Config, load_config
from briefterm.store import Store

NO_FEEDS = "no feeds yet; subscribe with `briefterm add URL` or `briefterm import-opml FILE`"


def config_file(args: argparse.Namespace) -> Path:
    """The config file: ``--config``, ``$BRIEFTERM_CONFIG`` or the default."""
    return paths.config_path(args.config)


def load(args: argparse.Namespace) -> Config:
    """The validated configuration (a :class:`ConfigError` explains any problem)."""
    config = load_config(Path(args.config) if args.config else None)
    if config.sync is not None:
        # With [sync] the feeds are the server's subscriptions of the last sync.
        from briefterm.sync.feeds import with_server_feeds

        config = with_server_feeds(config)
    return config


def open_store(config: Config | None = None) -> Store:
    """The cache, with a row for every subscribed feed of ``config``."""
    store = Store(paths.database_path())
    if config is not None and config.feeds:
        store.sync_feeds(feed.url for feed in config.feeds)
    return store
