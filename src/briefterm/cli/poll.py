"""``briefterm poll``: fetch due feeds once, show progress, then a summary table."""

from __future__ import annotations

import argparse

from rich.text import Text

from briefterm.cli._common import NO_FEEDS, load, open_store
from briefterm.cli._output import PollProgress, console, err, out, plain_table
from briefterm.config import Config
from briefterm.errors import UsageError
from briefterm.poller import FeedResult, PollReport, poll, select_feeds
from briefterm.sanitize import clean_line
from briefterm.store import Store

_STATUS_STYLES = {"error": "red", "ok": "green", "not_modified": "dim"}


def cmd_poll(args: argparse.Namespace) -> int:
    """``briefterm poll``: fetch due feeds once, print a summary, exit 0 unless fatal."""
    config = load(args)
    if config.sync is not None:  # the server fetches the feeds: sync with it (cli/sync.py)
        from briefterm.cli.sync import sync_poll

        return sync_poll(args, config)
    feeds = None
    if args.feed:
        known = {feed.url for feed in config.feeds}
        unknown = [url for url in args.feed if url not in known]
        if unknown:
            raise UsageError(
                f"not subscribed: {', '.join(unknown)}; add it first with `briefterm add URL`"
            )
        feeds = list(args.feed)
    if not config.feeds:
        err(f"briefterm: {NO_FEEDS}")
        return 0
    with open_store(config) as store:
        # Sizing the bar needs the due feeds; select_feeds is cheap (no I/O but SQLite).
        jobs, _skipped = select_feeds(store, config, feeds=feeds, force=args.all)
        with PollProgress(len(jobs)) as progress:
            report = poll(store, config, feeds=feeds, force=args.all, progress=progress)
        _print_report(report, config)
    return 0


def poll_one(store: Store, config: Config, url: str) -> None:
    """Fetch a newly added feed's entries now (failures are reported, not fatal)."""
    report = poll(store, config, feeds=[url], force=True)
    for res in report.results:
        if res.status == "error":
            err(f"briefterm: first poll failed: {res.error}")
        else:
            out(f"{res.new} entries fetched")


def _error_text(res: FeedResult) -> str:
    error = res.error or ""
    # The status says something only when the server refused: "HTTP 200: not
    # a feed" would blame a server that answered fine.
    refused = res.http_status is not None and res.http_status >= 400
    if error and refused and str(res.http_status) not in error:
        error = f"HTTP {res.http_status}: {error}"
    return error


def _print_report(report: PollReport, config: Config) -> None:
    table = plain_table()
    table.add_column("feed", overflow="ellipsis", max_width=40, no_wrap=True)
    table.add_column("status")
    table.add_column("new", justify="right")
    table.add_column("updated", justify="right")
    table.add_column("error", overflow="fold")
    totals = {"new": 0, "updated": 0, "errors": 0, "polled": 0, "skipped": 0, "unchanged": 0}
    feeds_by_url = {feed.url: feed for feed in config.feeds}
    for res in report.results:
        if res.status == "skipped":
            totals["skipped"] += 1
            if not res.error:
                continue  # not due: only worth a count
        else:
            totals["polled"] += 1
        if res.status in ("ok", "not_modified") and not res.new and not res.updated:
            # With hundreds of feeds, a row per quiet feed would bury the
            # ones that changed or failed; they are counted in the total.
            totals["unchanged"] += 1
            continue
        feed = feeds_by_url.get(res.url)
        name = (feed.name if feed and feed.name else "") or res.name or res.url
        totals["new"] += res.new or 0
        totals["updated"] += res.updated or 0
        totals["errors"] += res.status == "error"
        table.add_row(
            Text(clean_line(name)),
            Text(res.status.replace("_", " "), style=_STATUS_STYLES.get(res.status, "")),
            str(res.new or 0),
            str(res.updated or 0),
            Text(clean_line(_error_text(res))),
        )
    screen = console()
    if table.row_count:
        screen.print(table)
    for res in report.results:
        # A feed cut to its newest 10,000 items, or entries skipped, is said.
        feed = feeds_by_url.get(res.url)
        name = (feed.name if feed and feed.name else "") or res.name or res.url
        for warning in res.warnings:
            screen.print(
                Text(f"warning: {clean_line(name)}: {clean_line(warning)}", style="yellow")
            )
    not_due = f" ({totals['skipped']} not due)" if totals["skipped"] else ""
    errors = f"{totals['errors']} error" + ("" if totals["errors"] == 1 else "s")
    unchanged = f"{totals['unchanged']} feeds unchanged, " if totals["unchanged"] else ""
    screen.print(
        Text(
            f"{totals['polled']} feeds polled in {report.seconds:.1f} s{not_due}: "
            f"{totals['new']} new, {totals['updated']} updated, {unchanged}{errors}"
        )
    )
