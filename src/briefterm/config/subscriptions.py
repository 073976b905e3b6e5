"""Add and remove feeds in the managed ``subscriptions.toml`` beside config.toml.

briefterm never edits the user's config.toml; ``add``, ``remove`` and
``import-opml`` rewrite this file atomically instead, so comments in
config.toml survive every subscription change.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from pathlib import Path

from briefterm import paths
from briefterm.config._load import own_feed_urls, parse_subscriptions
from briefterm.config.types import FeedConfig
from briefterm.errors import ConfigError
from briefterm.fsutil import atomic_write_text
from briefterm.urls import is_http_url

SUBSCRIPTIONS_HEADER = (
    "# Managed by briefterm (`briefterm add`, `remove`, `import-opml`).\n"
    "# Hand-written feeds, sections and settings belong in config.toml beside this file;\n"
    "# this file is rewritten whenever a subscription changes, so comments here are lost.\n\n"
)


def _feed_to_toml(feed: FeedConfig) -> dict[str, object]:
    """Only the non-default fields, so the managed file stays short and readable."""
    out: dict[str, object] = {}
    for f in fields(FeedConfig):
        value = getattr(feed, f.name)
        if f.name == "url" or value != f.default:
            out[f.name] = value
    return out


def _write_subscriptions(path: Path, feeds: list[FeedConfig]) -> None:
    import tomli_w  # only needed when writing

    body = tomli_w.dumps({"feeds": [_feed_to_toml(feed) for feed in feeds]}) if feeds else ""
    atomic_write_text(path, SUBSCRIPTIONS_HEADER + body)


@contextlib.contextmanager
def _locked(subs_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``subscriptions.toml.lock`` beside ``subs_file``.

    Every change is read-modify-write: two ``briefterm add`` at once would
    each read the old file and the second write would drop the first feed.
    The lock is on a separate file because the managed file itself is
    replaced (``os.replace``) on every write, so a lock on it would guard a
    file nobody reads any more. flock is released when the descriptor closes,
    so a killed process never leaves it held.
    """
    subs_file.parent.mkdir(parents=True, exist_ok=True)
    lock_path = subs_file.with_name(subs_file.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ConfigError(
            f"cannot lock {lock_path} to change the subscriptions: {exc.strerror or exc}"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def add_subscriptions(config_file: Path, feeds: Iterable[FeedConfig]) -> list[FeedConfig]:
    """Add feeds to ``subscriptions.toml`` beside ``config_file``; one atomic write.

    Feeds already subscribed (in either file) or repeated in ``feeds`` are
    left out. Returns the feeds actually added, in order.
    """
    subs_file = paths.subscriptions_path(config_file)
    wanted = list(feeds)
    for feed in wanted:
        if not is_http_url(feed.url):
            raise ConfigError(f"{feed.url!r} is not an http(s) URL; only web feeds can be added")
    with _locked(subs_file):
        existing = parse_subscriptions(subs_file)
        known = own_feed_urls(config_file) | {feed.url for feed in existing}
        added: list[FeedConfig] = []
        for feed in wanted:
            if feed.url in known:
                continue
            known.add(feed.url)
            added.append(feed)
        if added:
            _write_subscriptions(subs_file, existing + added)
    return added


def add_subscription(config_file: Path, feed: FeedConfig) -> bool:
    """Subscribe to one feed (written to ``subscriptions.toml``); False if already there."""
    return bool(add_subscriptions(config_file, [feed]))


def update_subscription(
    config_file: Path, url: str, *, name: str | None = None, section: str | None = None
) -> FeedConfig | None:
    """Change the name and/or section of a managed subscription.

    Returns the updated feed, or None when nothing changed (the values were
    already these, or ``url`` is not in ``subscriptions.toml``). A feed
    written in ``config.toml`` is never edited: that raises
    :class:`ConfigError` saying where to change it.
    """
    if url in own_feed_urls(config_file):
        raise ConfigError(
            f"{url} is defined in {config_file}; change its name or section in its "
            "[[feeds]] block there (briefterm does not edit your config.toml)"
        )
    subs_file = paths.subscriptions_path(config_file)
    with _locked(subs_file):
        feeds = parse_subscriptions(subs_file)
        for index, feed in enumerate(feeds):
            if feed.url != url:
                continue
            changed = replace(
                feed,
                name=feed.name if name is None else name,
                section=feed.section if section is None else section,
            )
            if changed == feed:
                return None
            feeds[index] = changed
            _write_subscriptions(subs_file, feeds)
            return changed
    return None


def remove_subscription(config_file: Path, url: str) -> bool:
    """Unsubscribe ``url`` from ``subscriptions.toml``; False if it was not subscribed.

    A feed written in ``config.toml`` is never edited by briefterm: that raises
    :class:`ConfigError` telling the user to remove it there.
    """
    # Checked first: a feed also copied into config.toml stays subscribed
    # whatever happens to subscriptions.toml, so nothing may be removed (the
    # caller would drop its cached entries and their read/starred state).
    if url in own_feed_urls(config_file):
        raise ConfigError(
            f"{url} is defined in {config_file}; remove its [[feeds]] block there "
            "(briefterm does not edit your config.toml)"
        )
    subs_file = paths.subscriptions_path(config_file)
    with _locked(subs_file):
        existing = parse_subscriptions(subs_file)
        remaining = [feed for feed in existing if feed.url != url]
        if len(remaining) != len(existing):
            _write_subscriptions(subs_file, remaining)
            return True
    return False
