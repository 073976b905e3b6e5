"""``briefterm sync``, and ``poll``, ``add``, ``remove`` and ``feeds`` when ``[sync]`` is set.

With ``[sync]`` the server is where feeds are fetched and subscribed:
``poll`` syncs instead of fetching, ``add``/``remove`` subscribe and
unsubscribe there, and ``feeds`` lists its subscriptions. A server that
cannot be reached or refuses the login is exit status 1 with one sentence;
local changes then stay queued for the next sync.
"""

from __future__ import annotations

import argparse
import sys

from rich.text import Text

from briefterm.cli._common import load, open_store
from briefterm.cli._output import console, json_dump, out, plain_table
from briefterm.config import Config
from briefterm.config.sync import SyncConfig
from briefterm.errors import SyncError, UsageError
from briefterm.sanitize import clean_line
from briefterm.sync.account import describe
from briefterm.sync.engine import SyncProgress, SyncReport, sync
from briefterm.sync.subscriptions import server_feeds, subscribe, unsubscribe
from briefterm.urls import is_http_url


def _account(config: Config) -> SyncConfig:
    if config.sync is None:
        raise UsageError(
            f"no [sync] table in {config.path or 'config.toml'}; add one with service,"
            " url, username and password (see docs/sync.md)"
        )
    return config.sync


class SyncLine:
    """A progress line on stderr when it is a terminal, rewritten in place; nothing otherwise."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.tty = sys.stderr.isatty()
        self._shown = False

    def __call__(self, step: SyncProgress) -> None:
        if self.tty:
            sys.stderr.write(f"\r\x1b[Ksyncing with {self.server}: {step.text}")
            sys.stderr.flush()
            self._shown = True

    def __enter__(self) -> SyncLine:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def run_sync(config: Config, *, full: bool = False) -> int:
    """Sync once with a progress line, then print the summary; 0 on success."""
    account = _account(config)
    with open_store() as store:
        try:
            with SyncLine(describe(account)) as progress:
                report = sync(store, account, progress=progress, full=full)
        except SyncError as exc:
            queued = store.sync_queue_size()
            raise SyncError(_with_queue(str(exc), queued), exc.reason) from None
    _print_report(report)
    return 0


def _with_queue(message: str, queued: int) -> str:
    if not queued:
        return message
    changes = "1 local change stays" if queued == 1 else f"{queued:,} local changes stay"
    return f"{message.rstrip('.')}; {changes} queued for the next sync."


def _print_report(report: SyncReport) -> None:
    out(report.summary())
    if report.dropped_queue:
        out(
            f"note: {report.dropped_queue:,} changes queued for the previous [sync] account"
            " were not pushed (the flags stay set here)"
        )


def cmd_sync(args: argparse.Namespace) -> int:
    """``briefterm sync [--full]``: push local changes, pull subscriptions, entries and state."""
    return run_sync(load(args), full=bool(getattr(args, "full", False)))


def sync_poll(args: argparse.Namespace, config: Config) -> int:
    """``briefterm poll`` with [sync]: the server fetches the feeds, so this syncs."""
    if getattr(args, "feed", None):
        raise UsageError(
            "with [sync] the server fetches the feeds; `briefterm poll` syncs them all"
        )
    return run_sync(config)


def sync_add(args: argparse.Namespace, config: Config) -> int:
    """``briefterm add URL`` with [sync]: subscribe on the server, then sync its entries."""
    account = _account(config)
    url = args.url.strip()
    if not is_http_url(url):
        raise UsageError(f"{url!r} is not an http(s) URL")
    if args.name:
        raise UsageError(
            "with [sync] a feed's name is the server's; rename it there, or name it in a"
            " [[feeds]] block of config.toml with the same url"
        )
    with open_store() as store:
        feed = subscribe(store, account, url, clean_line(args.section))
    section = f" in {feed.category}" if feed.category else ""
    out(f"subscribed on {describe(account)}: {feed.title or feed.url} ({feed.url}){section}")
    return 0 if args.no_poll else run_sync(config)


def sync_remove(args: argparse.Namespace, config: Config) -> int:
    """``briefterm remove URL`` with [sync]: unsubscribe on the server, drop it here."""
    account = _account(config)
    with open_store() as store:
        feed = unsubscribe(store, account, args.url.strip())
    out(f"unsubscribed on {describe(account)}: {feed.title or feed.url} ({feed.url})")
    return 0


def sync_feeds(args: argparse.Namespace, config: Config) -> int:
    """``briefterm feeds`` with [sync]: the server's subscriptions with their counts."""
    account = _account(config)
    with open_store() as store:
        found = server_feeds(store, account)
        counts = {state.id: state for state in store.feeds()}
    if not found.live:
        sys.stderr.write(
            f"briefterm: {clean_line(found.error, max_length=300)} Showing the subscriptions"
            " of the last sync.\n"
        )
    rows = []
    for feed in found.feeds:
        state = counts.get(feed.feed_id)
        rows.append(
            {
                "url": feed.url,
                "title": feed.title,
                "section": feed.category,
                "remote_id": feed.remote_id,
                "entries": state.entry_count if state else 0,
                "unread": state.unread_count if state else 0,
                "starred": state.starred_count if state else 0,
                "server_unread": None
                if found.unread is None
                else found.unread.get(feed.remote_id, 0),
            }
        )
    if args.json:
        json_dump(rows)
    elif not rows:
        out(f"no subscriptions on {describe(account)} yet; add one with `briefterm add URL`")
    else:
        _print_feeds(rows, describe(account))
    return 0


def _print_feeds(rows: list[dict[str, object]], server: str) -> None:
    table = plain_table()
    table.add_column("feed", max_width=40, no_wrap=True, overflow="ellipsis")
    table.add_column("section", max_width=20, no_wrap=True, overflow="ellipsis")
    for name in ("entries", "unread", "starred", "unread there"):
        table.add_column(name, justify="right")
    for row in rows:
        there = row["server_unread"]
        table.add_row(
            Text(clean_line(str(row["title"] or row["url"]))),
            Text(clean_line(str(row["section"]))),
            str(row["entries"]),
            str(row["unread"]),
            str(row["starred"]),
            "?" if there is None else str(there),
        )
    screen = console()
    screen.print(table)
    screen.print(Text(f"{len(rows)} subscriptions on {server}"))
