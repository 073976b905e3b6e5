"""``briefterm add``, ``remove`` and ``feeds``: subscriptions and their health."""

from __future__ import annotations

import argparse
import time

from rich.text import Text

from briefterm.cli._common import NO_FEEDS, config_file, load, open_store
from briefterm.cli._output import console, json_dump, out, plain_table
from briefterm.cli.poll import poll_one
from briefterm.config import Config, FeedConfig, add_subscription, remove_subscription
from briefterm.errors import BrieftermError, UsageError
from briefterm.models import FeedState
from briefterm.sanitize import clean_line
from briefterm.subscribe import find_feed
from briefterm.timefmt import age_label, due_label, iso_utc
from briefterm.urls import is_http_url


def cmd_add(args: argparse.Namespace) -> int:
    """``briefterm add URL``: subscribe, discovering the feed on an HTML page."""
    url = args.url.strip()
    if not is_http_url(url):
        raise UsageError(f"{url!r} is not an http(s) URL")
    config = load(args)
    if config.sync is not None:  # subscribe on the server (cli/sync.py)
        from briefterm.cli.sync import sync_add

        return sync_add(args, config)
    if config.feed(url):
        out(f"already subscribed: {url}")
        return 0
    feed_url, title = find_feed(url, config.poll)
    if feed_url != url:
        if config.feed(feed_url):
            out(f"already subscribed: {feed_url} (found on {url})")
            return 0
        out(f"found feed {feed_url} on {url}")
    feed = FeedConfig(url=feed_url, name=clean_line(args.name), section=clean_line(args.section))
    add_subscription(config_file(args), feed)
    with open_store() as store:
        store.ensure_feed(feed_url, feed.name or title)
        label = feed.name or title or feed_url
        out(f"subscribed: {clean_line(label)} ({feed_url})")
        if not args.no_poll:
            poll_one(store, load(args), feed_url)  # reloaded: now with the new feed
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """``briefterm remove URL``: unsubscribe and drop the feed's cached entries."""
    url = args.url.strip()
    config = load(args)
    if config.sync is not None:  # unsubscribe on the server (cli/sync.py)
        from briefterm.cli.sync import sync_remove

        return sync_remove(args, config)
    removed = remove_subscription(config_file(args), url)
    if not removed:
        raise BrieftermError(f"not subscribed: {url} (see `briefterm feeds`)")
    with open_store() as store:
        store.remove_feed(url)
    out(f"removed {url}")
    return 0


def _feed_status(state: FeedState | None) -> str:
    if state is None or (state.last_attempt is None and state.last_success is None):
        return "new"
    if state.gone:
        return "gone"
    if state.error_count > 0:
        return "error"
    return "ok"


def _feed_error(state: FeedState | None) -> str:
    if state is None or not state.last_error or state.error_count <= 0:
        return ""
    error = clean_line(state.last_error, max_length=300)
    if state.last_status and str(state.last_status) not in error:
        error = f"HTTP {state.last_status}: {error}"
    return error


def _name(feed: FeedConfig, state: FeedState | None) -> str:
    return feed.name or (state.title if state else "") or ""


def _feed_to_dict(feed: FeedConfig, state: FeedState | None, config: Config) -> dict[str, object]:
    """One subscription as ``feeds --json`` shows it (times as ISO 8601 UTC)."""
    return {
        "url": feed.url,
        "name": _name(feed, state),
        "title": state.title if state else "",
        "section": feed.section,
        "interval": feed.interval or config.poll.default_interval,
        "priority": feed.priority,
        "status": _feed_status(state),
        "gone": bool(state and state.gone),
        "last_error": (state.last_error if state and state.error_count else None),
        "last_status": state.last_status if state else None,
        "error_count": state.error_count if state else 0,
        "last_success": iso_utc(state.last_success if state else None),
        "last_attempt": iso_utc(state.last_attempt if state else None),
        "next_due": iso_utc(state.next_due if state else None),
        "fetch_url": (state.fetch_url or None) if state else None,
        "site_link": (state.site_link or None) if state else None,
        "entries": state.entry_count if state else 0,
        "unread": state.unread_count if state else 0,
        "starred": state.starred_count if state else 0,
    }


_STATUS_STYLES = {"ok": "green", "error": "red", "gone": "magenta", "new": "dim"}


def _print_table(config: Config, states: dict[str, FeedState]) -> None:
    table = plain_table()
    table.add_column("feed", max_width=32, no_wrap=True, overflow="ellipsis")
    table.add_column("section", max_width=16, no_wrap=True, overflow="ellipsis")
    table.add_column("status")
    table.add_column("last ok", justify="right")
    table.add_column("next", justify="right")
    for name in ("entries", "unread", "starred"):
        table.add_column(name, justify="right")
    table.add_column("error", no_wrap=True, overflow="ellipsis")
    now = time.time()
    for feed in config.feeds:
        state = states.get(feed.url)
        status = _feed_status(state)
        table.add_row(
            Text(clean_line(_name(feed, state) or feed.url)),
            Text(clean_line(feed.section)),
            Text(status, style=_STATUS_STYLES[status]),
            age_label(state.last_success if state else None, now),
            due_label(state.next_due if state else None, now),
            str(state.entry_count if state else 0),
            str(state.unread_count if state else 0),
            str(state.starred_count if state else 0),
            Text(_feed_error(state)),
        )
    console().print(table)


def cmd_feeds(args: argparse.Namespace) -> int:
    """``briefterm feeds``: subscriptions with status, errors and counts."""
    config = load(args)
    if config.sync is not None:  # the server's subscriptions (cli/sync.py)
        from briefterm.cli.sync import sync_feeds

        return sync_feeds(args, config)
    with open_store(config) as store:
        states = {state.url: state for state in store.feeds()}
    if args.json:
        json_dump([_feed_to_dict(feed, states.get(feed.url), config) for feed in config.feeds])
    elif not config.feeds:
        out(NO_FEEDS)
    else:
        _print_table(config, states)
    return 0
