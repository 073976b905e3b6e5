"""The argument parser: every subcommand, its options and their one-line errors."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import NoReturn

from briefterm import __version__
from briefterm.export import FORMATS, Format


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors in briefterm's format."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"briefterm: {message} (see `{self.prog} --help`)\n")


def _config_option(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default: $BRIEFTERM_CONFIG, else the platform config dir)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _entry_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an entry id (ids are the numbers `briefterm list` shows)"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not an entry id")
    return value


@dataclass(frozen=True, slots=True)
class _Commands:
    """Adds subcommands that all accept ``--config`` after the command name too."""

    sub: argparse._SubParsersAction[_Parser]
    common: _Parser

    def add(self, name: str, help_text: str) -> _Parser:
        """A new subcommand ``name``."""
        return self.sub.add_parser(
            name, help=help_text, description=help_text, parents=[self.common]
        )


def _add_reader_commands(commands: _Commands) -> None:
    p = commands.add("demo", "open the reader on bundled sample feeds (offline, throwaway cache)")
    p.add_argument(
        "--no-app", action="store_true", help="poll the samples, print a summary, do not open"
    )
    p = commands.add("poll", "fetch due feeds once, then print a summary")
    p.add_argument("--all", action="store_true", help="fetch every feed, due or not")
    p.add_argument(
        "--feed", action="append", metavar="URL", help="fetch only this feed (repeatable)"
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="a table of every feed that changed"
    )
    p = commands.add("sync", "with [sync]: push local marks, pull feeds, entries, read/starred")
    p.add_argument("--full", action="store_true", help="list every id, whatever the counters say")


def _add_feed_commands(commands: _Commands) -> None:
    p = commands.add("add", "subscribe to a feed (finds the feed on an HTML page)")
    p.add_argument("url", metavar="URL")
    p.add_argument("--section", metavar="S", default="", help="section for the feed's entries")
    p.add_argument("--name", metavar="N", default="", help="display name (default: feed title)")
    p.add_argument(
        "--no-poll",
        action="store_true",
        help="do not fetch entries now; subscribe even if the feed cannot be reached now",
    )

    p = commands.add("remove", "unsubscribe from a feed and drop its cached entries")
    p.add_argument("url", metavar="URL")

    p = commands.add("feeds", "list subscriptions with status, errors and counts")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _add_entry_commands(commands: _Commands) -> None:
    p = commands.add("list", "list cached entries, newest first")
    p.add_argument("--unread", action="store_true", help="only unread entries")
    p.add_argument("--starred", action="store_true", help="only starred entries")
    p.add_argument("--feed", action="append", metavar="URL", help="only this feed (repeatable)")
    p.add_argument("--limit", type=_positive_int, default=None, metavar="N")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = commands.add("search", "search entry titles, summaries and authors")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=_positive_int, default=100, metavar="N")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = commands.add("mark", "mark entries read/unread or star/unstar them")
    p.add_argument("ids", nargs="+", type=_entry_id, metavar="ID")
    how = p.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        how.add_argument(f"--{flag}", dest="action", action="store_const", const=flag)


def _add_opml_commands(commands: _Commands) -> None:
    p = commands.add("import-opml", "subscribe to the feeds in an OPML file")
    p.add_argument("file", metavar="FILE", help='OPML file ("-" for stdin)')
    p = commands.add("export-opml", "write subscriptions as OPML")
    p.add_argument("file", metavar="FILE", nargs="?", help="output file (default: stdout)")


def _add_brief_commands(commands: _Commands) -> None:
    p = commands.add(
        "brief",
        "print a brief: what was published since you last finished one (key stories, sections)",
    )
    # A list of links is no brief to read; `export` offers it.
    p.add_argument("--format", choices=[f for f in FORMATS if f != Format.LINKS], default=None)
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--date", metavar="D", help="what was published on a day: YYYY-MM-DD, today, yesterday"
    )
    when.add_argument(
        "--since", metavar="T", help="published since a time: YYYY-MM-DD[THH:MM] or 12h, 3d, 90m"
    )
    when.add_argument(
        "--previous",
        action="store_true",
        help="the edition finished last (F in the reader), as it stood then",
    )
    p.add_argument("--section", metavar="S", help="only this section")

    p = commands.add("export", "export entries as Markdown, text, links or JSON")
    sel = p.add_mutually_exclusive_group()
    sel.add_argument("--starred", action="store_true", help="starred entries")
    sel.add_argument("--unread", action="store_true", help="unread entries")
    sel.add_argument("--section", metavar="S", help="one section of the current brief")
    sel.add_argument("--ids", nargs="+", type=_entry_id, metavar="ID", help="these entries")
    p.add_argument("--format", choices=FORMATS, default=None)
    dest = p.add_mutually_exclusive_group()
    dest.add_argument("--clipboard", action="store_true", help="copy instead of printing")
    dest.add_argument("-o", "--output", metavar="FILE", help="write to FILE")


def _add_config_commands(commands: _Commands) -> None:
    p = commands.add("config", "show, create or check the configuration")
    config_sub = p.add_subparsers(dest="config_command", metavar="ACTION", parser_class=_Parser)
    config_sub.required = True
    common = [commands.common]
    config_sub.add_parser("path", help="print config, data and cache locations", parents=common)
    init = config_sub.add_parser("init", help="write the annotated example config", parents=common)
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    config_sub.add_parser("check", help="validate the configuration", parents=common)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = _Parser(
        prog="briefterm",
        description="A terminal news reader that presents your feeds as sectioned briefs. "
        "Without a command, opens the reader.",
    )
    parser.add_argument("--version", action="version", version=f"briefterm {__version__}")
    _config_option(parser, None)
    # --config is accepted after the subcommand too; SUPPRESS keeps it from
    # overwriting a value given before the subcommand.
    common = _Parser(add_help=False)
    _config_option(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands = _Commands(sub, common)
    _add_reader_commands(commands)
    _add_feed_commands(commands)
    _add_entry_commands(commands)
    _add_opml_commands(commands)
    _add_brief_commands(commands)
    _add_config_commands(commands)
    return parser
