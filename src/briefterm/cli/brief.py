"""``briefterm brief`` and ``export``: an edition or a selection, rendered."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefterm import clipboard
from briefterm.brief import brief_from_entries, build_brief, resolve_section_name, window_for
from briefterm.cli._common import load, open_store
from briefterm.cli._output import console, err
from briefterm.config import Config
from briefterm.errors import BrieftermError
from briefterm.export import Format, render
from briefterm.fsutil import atomic_write_text
from briefterm.models import Brief
from briefterm.sanitize import clean_line
from briefterm.store import EntryFilter, Store


def cmd_brief(args: argparse.Namespace) -> int:
    """``briefterm brief``: print an edition (since the last brief by default)."""
    config = load(args)
    fmt = Format(args.format) if args.format else config.export.format
    if fmt is Format.LINKS:
        fmt = Format.MD  # a default of links suits `export`; a brief is for reading
    section = resolve_section_name(config, args.section) if args.section else None
    with open_store(config) as store:
        window = window_for(store, day=args.date, since=args.since)
        brief = build_brief(store, config, window=window, section=section)
    text = render(brief, fmt)
    if fmt is Format.MD and sys.stdout.isatty():
        # On a terminal, show the brief formatted; piped, it stays Markdown
        # source for newsletters and files. Feed text in it is already
        # Markdown-escaped by the exporter, so it cannot inject formatting.
        # Imported here: rich.markdown costs ~0.1 s, which `export` and a
        # piped brief need not pay.
        from rich.markdown import Markdown

        console().print(Markdown(text, hyperlinks=True))
        return 0
    _write_output(text, None)
    return 0


def _write_output(text: str, output: str | None) -> None:
    """``text`` to the file ``output`` (atomically), else to stdout; ends with a newline."""
    text = text if text.endswith("\n") else text + "\n"
    if output and output != "-":
        atomic_write_text(Path(output).expanduser(), text)
        err(f"wrote {output}")
        return
    sys.stdout.write(text)


def _selection(args: argparse.Namespace, store: Store, config: Config) -> Brief:
    """The brief ``export`` renders: chosen entries, or a section of the live edition."""
    if args.ids:
        entries = store.entries_by_ids(args.ids)
        found = {e.id for e in entries}
        missing = [i for i in args.ids if i not in found]
        if missing:
            raise BrieftermError(f"no entry with id {', '.join(map(str, missing))}")
        label = f"{len(entries)} selected entries"
    elif args.starred:
        entries = store.list_entries(EntryFilter(starred=True))
        label = "starred"
    elif args.unread:
        entries = store.list_entries(EntryFilter(unread=True))
        label = "unread"
    else:
        section = resolve_section_name(config, args.section) if args.section else None
        return build_brief(store, config, window=window_for(store), section=section)
    return brief_from_entries(entries, config, title=config.brief.title, label=label)


def cmd_export(args: argparse.Namespace) -> int:
    """``briefterm export``: a selection rendered for sharing (stdout, file or clipboard)."""
    config = load(args)
    fmt = Format(args.format) if args.format else config.export.format
    with open_store(config) as store:
        brief = _selection(args, store, config)
    text = render(brief, fmt)
    if args.clipboard:
        outcome = clipboard.copy(text, config.export.clipboard)
        err(clean_line(outcome.message) or "copied")
        return 0 if outcome.ok else 1
    _write_output(text, args.output)
    return 0
