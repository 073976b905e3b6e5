"""``briefterm list``, ``search`` and ``mark``: cached entries, one line or one JSON object each."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from briefterm.cli._common import open_store
from briefterm.cli._output import fail, out
from briefterm.errors import UsageError
from briefterm.export.json import entry_to_dict
from briefterm.models import Entry
from briefterm.sanitize import clean_line, escape_json_text
from briefterm.store import EntryFilter, Store

_STATES = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}
_VERBS = {
    "read": "marked read",
    "unread": "marked unread",
    "star": "starred",
    "unstar": "unstarred",
}


def _entry_line(entry: Entry) -> str:
    """One safe line per entry: id, flags, time ("seen 2026-12-02" if undated), feed, title."""
    flags = ("N" if not entry.read else " ") + ("*" if entry.starred else " ")
    moment = datetime.fromtimestamp(entry.time)
    when = f"seen {moment:%Y-%m-%d}" if entry.undated else f"{moment:%Y-%m-%d %H:%M}"
    feed = clean_line(entry.feed_title, max_length=20)
    title = clean_line(entry.title, max_length=200) or "(untitled)"
    return f"{entry.id:>7} {flags} {when:<16}  {feed:<20}  {title}"


PAGE = 1000
"""Entries loaded at a time: `list` over a million entries held them all (5.9 GB)."""


def _pages(store: Store, ids: Sequence[int]) -> Iterator[Entry]:
    """The entries for ``ids`` in order, loaded :data:`PAGE` at a time."""
    for start in range(0, len(ids), PAGE):
        yield from store.entries_by_ids(ids[start : start + PAGE])


def _print_entries(entries: Iterable[Entry], as_json: bool) -> None:
    """One line per entry, or one JSON array written as the entries come.

    The JSON is the same text ``json.dumps(list, indent=2)`` gives, built one
    element at a time so memory does not grow with the number of entries;
    characters that could control a terminal or reorder its text (C1
    controls, bidi overrides) are ``\\uXXXX`` escapes, as in every JSON
    output (the one-line form drops them).
    """
    write = sys.stdout.write
    if not as_json:
        for entry in entries:
            write(_entry_line(entry) + "\n")
        return
    first = True
    for entry in entries:
        item = escape_json_text(json.dumps(entry_to_dict(entry), ensure_ascii=False, indent=2))
        write(("[\n  " if first else ",\n  ") + item.replace("\n", "\n  "))
        first = False
    write("[]\n" if first else "\n]\n")


def _feed_ids(store: Store, urls: Sequence[str]) -> tuple[int, ...]:
    """The cache ids of the feeds with these URLs; a usage error for an unknown one."""
    ids = []
    for url in urls:
        state = store.get_feed(url)
        if state is None:
            raise UsageError(f"no feed {url} in the cache (see `briefterm feeds`)")
        ids.append(state.id)
    return tuple(ids)


def cmd_list(args: argparse.Namespace) -> int:
    """``briefterm list``: cached entries, newest first."""
    with open_store() as store:
        flt = EntryFilter(
            unread=True if args.unread else None,
            starred=True if args.starred else None,
            feed_ids=_feed_ids(store, args.feed) if args.feed else None,
            limit=args.limit,
        )
        _print_entries(_pages(store, store.entry_ids(flt)), args.json)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """``briefterm search QUERY``: entries whose title, summary or author match."""
    with open_store() as store:
        ids = store.search(args.query, limit=args.limit)
        _print_entries(_pages(store, ids), args.json)
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    """``briefterm mark ID... --read|--unread|--star|--unstar``."""
    ids = list(dict.fromkeys(args.ids))
    with open_store() as store:
        known = store.flags(ids)
        present = [i for i in ids if i in known]
        missing = [i for i in ids if i not in known]
        if args.action in ("read", "unread"):
            changed = store.set_read(present, args.action == "read")
        else:
            changed = store.set_starred(present, args.action == "star")
    if present:
        noun = "entry" if len(present) == 1 else "entries"
        unchanged = len(present) - changed
        already = f" ({unchanged} already {_STATES[args.action]})" if unchanged else ""
        out(f"{_VERBS[args.action]}: {changed} of {len(present)} {noun}{already}")
    if missing:
        plural = "entry" if len(missing) == 1 else "entries"
        return fail(f"no {plural} with id {', '.join(map(str, missing))}", 1)
    return 0
