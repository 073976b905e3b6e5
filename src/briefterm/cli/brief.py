"""``briefterm brief`` and ``export``: an edition or a selection, rendered."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefterm import clipboard
from briefterm.brief import (
    EditionWindow,
    build_brief,
    last_finish,
    live_window,
    resolve_section_name,
    selection_brief,
    sources_for,
    window_for,
    with_content,
)
from briefterm.brief.features import stored_features
from briefterm.cli._common import load, open_store
from briefterm.cli._output import console, err
from briefterm.config import Config
from briefterm.errors import BrieftermError
from briefterm.export import Format, iter_render, render
from briefterm.fsutil import atomic_write_text
from briefterm.models import Brief, Entry
from briefterm.sanitize import clean_line
from briefterm.store import EntryFilter, Store
from briefterm.timefmt import short_time_label


def cmd_brief(args: argparse.Namespace) -> int:
    """``briefterm brief``: print an edition (since the last finished brief by default).

    ``--previous`` prints the edition finished last (``F`` in the reader),
    as it stood when it was finished.
    """
    config = load(args)
    fmt = Format(args.format) if args.format else config.export.format
    if fmt is Format.LINKS:
        fmt = Format.MD  # a default of links suits `export`; a brief is for reading
    section = resolve_section_name(config, args.section) if args.section else None
    with open_store(config) as store:
        window = window_for(
            store,
            day=args.date,
            since=args.since,
            previous=args.previous,
            hours=config.brief.first_edition_hours,
        )
        brief = build_brief(store, config, window=window, section=section)
        note = _new_edition_note(store, config, window)
    if note:
        err(note)
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


def _new_edition_note(store: Store, config: Config, window: EditionWindow) -> str:
    """On stderr, after a recent finish: this edition is new; how to print the finished one."""
    finished = last_finish(store)
    if window.kind != "since-last" or finished is None or window.start != finished:
        return ""
    if window.end - finished > config.brief.first_edition_hours * 3600:
        return ""
    return (
        f"briefterm: a new edition began when you finished the last brief "
        f"({short_time_label(finished)}); `briefterm brief --previous` prints the finished one"
    )


def _write_output(text: str | Iterable[str], output: str | None) -> None:
    """``text`` (or its pieces) to the file ``output`` (atomically), else to stdout.

    A string gets a newline at its end when it has none; pieces are written
    as they come (an export of 100,000 entries is never held whole).
    """
    if isinstance(text, str) and not text.endswith("\n"):
        text += "\n"
    if output and output != "-":
        atomic_write_text(Path(output).expanduser(), text)
        err(f"wrote {output}")
        return
    if isinstance(text, str):
        sys.stdout.write(text)
    else:
        sys.stdout.writelines(text)


def _selection(args: argparse.Namespace, store: Store, config: Config) -> Brief:
    """The brief ``export`` renders: chosen entries, or a section of the live edition.

    Chosen entries keep the stories the briefs show (:func:`selection_brief`):
    ``--ids`` of a story's reports is that one story.
    """
    if args.section:
        section = resolve_section_name(config, args.section)
        return build_brief(store, config, window=live_window(store, config), section=section)
    live = build_brief(store, config)
    if args.ids:
        entries = store.entries_by_ids(args.ids)
        found = {e.id for e in entries}
        missing = [i for i in args.ids if i not in found]
        if missing:
            raise BrieftermError(f"no entry with id {', '.join(map(str, missing))}")
        sources = sources_for(store, config, entries, live)
        return selection_brief(config, args.ids, sources, extra=entries)
    kind = "starred" if args.starred else "unread"
    entries = store.list_entries(
        EntryFilter(starred=True) if args.starred else EntryFilter(unread=True)
    )
    return selection_brief(
        config,
        [e.id for e in entries],
        [live],
        extra=entries,
        what=kind,
        # Loaded chunk by chunk, as the entries are clustered: what the
        # poller stored, so that 100,000 entries need not be tokenized again.
        features=lambda chunk: stored_features(store, chunk),
    )


def cmd_export(args: argparse.Namespace) -> int:
    """``briefterm export``: a selection rendered for sharing (stdout, file or clipboard)."""
    config = load(args)
    fmt = Format(args.format) if args.format else config.export.format
    with open_store(config) as store:
        brief = _selection(args, store, config)
        if args.clipboard:
            if fmt is Format.JSON:
                brief = with_content(brief, store)
            text = render(brief, fmt)
        else:
            # Written as it is made, JSON content a batch at a time: the
            # store stays open until the last piece.
            def content(ids: Sequence[int]) -> dict[int, Entry]:
                return {e.id: e for e in store.entries_by_ids(ids, with_content=True)}

            if fmt is Format.LINKS:  # short, and may be empty: one newline then
                _write_output(render(brief, fmt), args.output)
            else:
                _write_output(iter_render(brief, fmt, content=content), args.output)
            return 0
    outcome = clipboard.copy(text, config.export.clipboard)
    err(clean_line(outcome.message) or "copied")
    return 0 if outcome.ok else 1
