"""``briefterm add``, ``remove`` and ``feeds``: subscriptions and their health."""

from __future__ import annotations

import argparse
import time

from briefterm.cli._common import NO_FEEDS, config_file, load, open_store
from briefterm.cli._feed_table import FeedRow, render_feed_table
from briefterm.cli._output import console, fail, json_dump, out
from briefterm.cli.poll import poll_one
from briefterm.config import (
    Config,
    ConfigError,
    FeedConfig,
    add_subscription,
    remove_subscription,
    update_subscription,
)
from briefterm.errors import BrieftermError, UsageError
from briefterm.models import FeedState
from briefterm.sanitize import clean_line
from briefterm.subscribe import FetchFailed, RateLimited, find_feed
from briefterm.timefmt import age_label, due_label, iso_utc
from briefterm.urls import display_host_url, is_http_url


def _update_existing(args: argparse.Namespace, url: str, found_on: str = "") -> int:
    """``add`` of a feed already subscribed: apply ``--name``/``--section``, or say why not."""
    where = f" (found on {found_on})" if found_on else ""
    name = clean_line(args.name) if args.name else None
    section = clean_line(args.section) if args.section else None
    if name is None and section is None:
        out(f"already subscribed: {url}{where}")
        return 0
    try:
        updated = update_subscription(config_file(args), url, name=name, section=section)
    except ConfigError as exc:
        return fail(f"already subscribed, not changed: {exc}", 1)
    if updated is None:
        out(f"already subscribed: {url}{where}; its name and section are already those")
        return 0
    changes = [
        f"{what} {value!r}" for what, value in (("name", name), ("section", section)) if value
    ]
    out(f"already subscribed: {url}{where}; updated its {' and '.join(changes)}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """``briefterm add URL``: subscribe, discovering the feed on an HTML page.

    A page's feed links are tried in order until one can be read (those
    passed over are listed). For a feed already subscribed, ``--name`` and
    ``--section`` update the subscription.
    """
    url = args.url.strip()
    if not is_http_url(url):
        raise UsageError(f"{url!r} is not an http(s) URL")
    config = load(args)
    if config.sync is not None:  # subscribe on the server (cli/sync.py)
        from briefterm.cli.sync import sync_add

        return sync_add(args, config)
    if config.feed(url):
        return _update_existing(args, url)
    try:
        found = find_feed(url, config.poll)
    except RateLimited as limited:  # temporary: subscribe, and wait as asked
        return _subscribe_unfetched(args, url, limited)
    except FetchFailed as failed:
        if not args.no_poll:
            raise
        # --no-poll: the user wants the subscription whatever the feed does now.
        return _subscribe_unfetched(args, url, failed)
    for skipped, why in found.skipped:
        out(f"skipped {clean_line(skipped, max_length=300)}: {clean_line(why, max_length=300)}")
    if found.url != url:
        if config.feed(found.url):
            return _update_existing(args, found.url, found_on=url)
        out(f"found feed {found.url} on {url}")
    feed = FeedConfig(url=found.url, name=clean_line(args.name), section=clean_line(args.section))
    add_subscription(config_file(args), feed)
    with open_store() as store:
        store.ensure_feed(found.url, feed.name or found.title)
        label = feed.name or found.title or found.url
        out(f"subscribed: {clean_line(label)} ({found.url})")
        if not args.no_poll:
            poll_one(store, load(args), found.url)  # reloaded: now with the new feed
    return 0


def _subscribe_unfetched(args: argparse.Namespace, url: str, failed: FetchFailed) -> int:
    """Subscribe ``url`` as given although it cannot be fetched now; honour a Retry-After."""
    name = clean_line(args.name)
    add_subscription(
        config_file(args), FeedConfig(url=url, name=name, section=clean_line(args.section))
    )
    with open_store() as store:
        feed_id = store.ensure_feed(url, name)
        label = clean_line(name or display_host_url(url))
        now = time.time()
        wait = failed.retry_after if isinstance(failed, RateLimited) else None
        next_due = now + wait if wait is not None else None
        store.update_feed(
            feed_id,
            last_attempt=now,
            last_status=failed.status,
            last_error=failed.error,
            error_count=1,
            next_due=next_due,
        )
    when = (
        f"it will be tried {due_label(next_due, now)}, as the server asked"
        if next_due is not None
        else "it will be tried at the next poll"
    )
    why = "the server is rate-limiting" if isinstance(failed, RateLimited) else "it failed now"
    out(f"subscribed: {label}; {why} ({clean_line(failed.error)}), {when}")
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
        "status": state.status if state else "new",
        "gone": bool(state and state.gone),
        "last_error": (state.last_error if state and state.error_count else None),
        "error": (state.error_text or None) if state else None,
        "warnings": state.warnings if state else [],
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


def _print_table(config: Config, states: dict[str, FeedState]) -> None:
    now = time.time()
    rows = []
    for feed in config.feeds:
        state = states.get(feed.url)
        rows.append(
            FeedRow(
                feed=clean_line(_name(feed, state) or display_host_url(feed.url)),
                section=clean_line(feed.section),
                status=state.status if state else "new",
                last_ok=age_label(state.last_success if state else None, now),
                next=due_label(state.next_due if state else None, now),
                entries=str(state.entry_count if state else 0),
                unread=str(state.unread_count if state else 0),
                starred=str(state.starred_count if state else 0),
                error=clean_line(state.error_text if state else "", max_length=500),
                warning=clean_line("; ".join(state.warnings) if state else "", max_length=500),
            )
        )
    screen = console()
    for line in render_feed_table(rows, screen):
        screen.print(line, overflow="ignore", crop=False)


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
