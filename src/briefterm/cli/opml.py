"""``briefterm import-opml`` and ``export-opml``: subscriptions in and out as OPML."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from briefterm.cli._common import config_file, load, open_store
from briefterm.cli._output import err, out
from briefterm.config import add_subscriptions
from briefterm.errors import UsageError
from briefterm.fsutil import atomic_write_text
from briefterm.opml import parse_opml, read_opml, render_opml
from briefterm.sanitize import clean_line
from briefterm.wording import counted


def cmd_import_opml(args: argparse.Namespace) -> int:
    """``briefterm import-opml FILE``: subscribe to every usable feed in the file."""
    if args.file == "-":
        data = read_opml(sys.stdin.buffer)
    else:
        with Path(args.file).expanduser().open("rb") as stream:
            data = read_opml(stream)
    result = parse_opml(data)
    config = load(args)
    if config.sync is not None:  # the server holds the subscriptions (cli/sync.py)
        raise UsageError(
            "with [sync] the subscriptions are the server's; import the OPML file there"
            " (its web interface can), then run `briefterm sync`"
        )
    # One set and one write for the whole file: a lookup per feed over every
    # subscription (and a scan of every feed row per feed) made 5,000 feeds
    # take minutes.
    subscribed = {feed.url for feed in config.feeds}
    already = [feed for feed in result.feeds if feed.url in subscribed]
    added = add_subscriptions(config_file(args), result.feeds)
    with open_store() as store:
        store.sync_feeds(feed.url for feed in added)
        store.set_missing_titles({feed.url: feed.name for feed in added if feed.name})
    skipped = [(feed.url, "already subscribed") for feed in already] + result.skipped
    out(f"{counted(len(added), 'feed')} added, {len(skipped)} skipped")
    for what, why in skipped:
        out(f"  skipped {clean_line(what, max_length=200)}: {why}")
    if added:
        out("run `briefterm poll` to fetch them")
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    """``briefterm export-opml [FILE]``: subscriptions as OPML (stdout without FILE)."""
    config = load(args)
    with open_store() as store:
        states = {state.url: state for state in store.feeds(with_counts=False)}
    feeds = []
    links = {}
    for feed in config.feeds:
        state = states.get(feed.url)
        if state is not None:
            if not feed.name and state.title:
                feed = replace(feed, name=state.title)
            if state.site_link:
                links[feed.url] = state.site_link
        feeds.append(feed)
    text = render_opml(feeds, "briefterm subscriptions", site_links=links)
    if args.file and args.file != "-":
        atomic_write_text(Path(args.file).expanduser(), text)
        err(f"wrote {counted(len(feeds), 'feed')} to {args.file}")
    else:
        sys.stdout.write(text)
    return 0
