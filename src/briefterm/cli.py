"""The ``briefterm`` command line: argument parsing and thin calls into the core.

Every user-facing failure becomes one line on stderr, ``briefterm: <message>``,
with exit status 2 for configuration and usage problems and 1 otherwise;
Ctrl-C exits with 130 quietly. Heavy imports (httpx, rich, lxml, textual)
happen inside the subcommands so ``briefterm --help`` and ``list`` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from briefterm import __version__, paths
from briefterm.errors import BrieftermError, UsageError
from briefterm.sanitize import clean_line
from briefterm.timefmt import age_label, due_label, iso_utc

if TYPE_CHECKING:
    from briefterm.config_types import Config
    from briefterm.models import Brief, Entry, FeedState
    from briefterm.store import Store

NO_FEEDS = "no feeds yet; subscribe with `briefterm add URL` or `briefterm import-opml FILE`"
DEBUG_ENV = "BRIEFTERM_DEBUG"
"""Set to 1 to see a traceback for unexpected errors (bug reports)."""


# -- argument parsing ------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors in briefterm's format."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"briefterm: {message} (see `{self.prog} --help`)\n")


def _config_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default: $BRIEFTERM_CONFIG, else the platform config dir)",
    )


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
    common = argparse.ArgumentParser(add_help=False)
    _config_option(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    p = command("demo", "open the reader on bundled sample feeds (offline, throwaway cache)")
    p.add_argument(
        "--no-app", action="store_true", help="poll the samples, print a summary, do not open"
    )

    p = command("poll", "fetch due feeds once, then print a summary")
    p.add_argument("--all", action="store_true", help="fetch every feed, due or not")
    p.add_argument(
        "--feed", action="append", metavar="URL", help="fetch only this feed (repeatable)"
    )

    p = command("add", "subscribe to a feed (finds the feed on an HTML page)")
    p.add_argument("url", metavar="URL")
    p.add_argument("--section", metavar="S", default="", help="section for the feed's entries")
    p.add_argument("--name", metavar="N", default="", help="display name (default: feed title)")
    p.add_argument("--no-poll", action="store_true", help="do not fetch entries now")

    p = command("remove", "unsubscribe from a feed and drop its cached entries")
    p.add_argument("url", metavar="URL")

    p = command("feeds", "list subscriptions with status, errors and counts")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("list", "list cached entries, newest first")
    p.add_argument("--unread", action="store_true", help="only unread entries")
    p.add_argument("--starred", action="store_true", help="only starred entries")
    p.add_argument("--feed", action="append", metavar="URL", help="only this feed (repeatable)")
    p.add_argument("--limit", type=_positive_int, default=None, metavar="N")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("search", "search entry titles, summaries and authors")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=_positive_int, default=100, metavar="N")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("mark", "mark entries read/unread or star/unstar them")
    p.add_argument("ids", nargs="+", type=_entry_id, metavar="ID")
    how = p.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        how.add_argument(f"--{flag}", dest="action", action="store_const", const=flag)

    p = command("import-opml", "subscribe to the feeds in an OPML file")
    p.add_argument("file", metavar="FILE", help='OPML file ("-" for stdin)')

    p = command("export-opml", "write subscriptions as OPML")
    p.add_argument("file", metavar="FILE", nargs="?", help="output file (default: stdout)")

    p = command("brief", "print a brief: key stories and sections")
    p.add_argument("--format", choices=("md", "text", "json"), default=None)
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="D", help="edition of a day: YYYY-MM-DD, today, yesterday")
    when.add_argument(
        "--since", metavar="T", help="since a time: YYYY-MM-DD[THH:MM] or 12h, 3d, 90m"
    )
    p.add_argument("--section", metavar="S", help="only this section")

    p = command("export", "export entries as Markdown, text, links or JSON")
    sel = p.add_mutually_exclusive_group()
    sel.add_argument("--starred", action="store_true", help="starred entries")
    sel.add_argument("--unread", action="store_true", help="unread entries")
    sel.add_argument("--section", metavar="S", help="one section of the current brief")
    sel.add_argument("--ids", nargs="+", type=_entry_id, metavar="ID", help="these entries")
    p.add_argument("--format", choices=("md", "text", "links", "json"), default=None)
    dest = p.add_mutually_exclusive_group()
    dest.add_argument("--clipboard", action="store_true", help="copy instead of printing")
    dest.add_argument("-o", "--output", metavar="FILE", help="write to FILE")

    p = command("config", "show, create or check the configuration")
    config_sub = p.add_subparsers(dest="config_command", metavar="ACTION", parser_class=_Parser)
    config_sub.required = True
    config_sub.add_parser("path", help="print config, data and cache locations", parents=[common])
    init = config_sub.add_parser(
        "init", help="write the annotated example config", parents=[common]
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    config_sub.add_parser("check", help="validate the configuration", parents=[common])
    return parser


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


# -- entry point ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run briefterm with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args)
    except SystemExit as exc:  # argparse --help / usage errors
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `briefterm list | head`: stop quietly; point stdout at devnull so the
        # interpreter's final flush does not raise again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141
    except BrieftermError as exc:
        return _fail(str(exc), exc.exit_code)
    except Exception as exc:
        return _unexpected(exc)


def _fail(message: str, code: int = 1) -> int:
    print(f"briefterm: {clean_line(message, max_length=2000)}", file=sys.stderr)
    return code


def _unexpected(exc: Exception) -> int:
    from briefterm.store import StoreError

    if isinstance(exc, StoreError):
        return _fail(str(exc), 1)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", 1)
    if os.environ.get(DEBUG_ENV):
        raise exc
    return _fail(
        f"internal error ({type(exc).__name__}: {exc}); please report it, "
        f"and run with {DEBUG_ENV}=1 to see the details",
        1,
    )


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command is None:
        return cmd_reader(args)
    if command == "config":
        return {"path": cmd_config_path, "init": cmd_config_init, "check": cmd_config_check}[
            args.config_command
        ](args)
    handler = {
        "demo": cmd_demo,
        "poll": cmd_poll,
        "add": cmd_add,
        "remove": cmd_remove,
        "feeds": cmd_feeds,
        "list": cmd_list,
        "search": cmd_search,
        "mark": cmd_mark,
        "import-opml": cmd_import_opml,
        "export-opml": cmd_export_opml,
        "brief": cmd_brief,
        "export": cmd_export,
    }[command]
    return handler(args)


# -- shared helpers ---------------------------------------------------------------------


def _config_file(args: argparse.Namespace) -> Path:
    return paths.config_path(args.config)


def _load(args: argparse.Namespace) -> Config:
    from briefterm.config import load_config

    return load_config(Path(args.config) if args.config else None)


def _open_store(config: Config | None = None) -> Store:
    """The cache, with a row for every subscribed feed."""
    from briefterm.store import Store

    store = Store(paths.database_path())
    if config is not None and config.feeds:
        store.sync_feeds(feed.url for feed in config.feeds)
    return store


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _json_dump(value: object) -> None:
    _out(json.dumps(value, ensure_ascii=False, indent=2))


# -- reader and demo --------------------------------------------------------------------


def _require_terminal(hint: str) -> None:
    """Refuse to start the full-screen reader without a terminal on both ends.

    Without one, Textual would write its escape sequences into a pipe and
    wait for keys that never come.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BrieftermError(f"the reader needs a terminal; {hint}")


def cmd_reader(args: argparse.Namespace) -> int:
    """``briefterm``: open the reader."""
    _require_terminal("in scripts use `briefterm list`, `briefterm brief` or `briefterm poll`")
    config = _load(args)
    store = _open_store(config)
    try:
        from briefterm.tui.app import run_app  # Textual is imported only here
    except ImportError as exc:
        raise BrieftermError(f"the reader is not available in this build ({exc})") from None
    try:
        result = run_app(config, store)
    finally:
        store.close()
    return int(result or 0)


def cmd_demo(args: argparse.Namespace) -> int:
    """``briefterm demo``: the reader on bundled sample feeds."""
    from briefterm.demo import run_demo

    if not args.no_app:
        _require_terminal("`briefterm demo --no-app` polls the sample feeds without it")
    return int(run_demo(["--no-app"] if args.no_app else []) or 0)


# -- poll -------------------------------------------------------------------------------


def cmd_poll(args: argparse.Namespace) -> int:
    """``briefterm poll``: fetch due feeds once, print a summary, exit 0 unless fatal."""
    from briefterm.poller import poll, select_feeds

    config = _load(args)
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
        _err(f"briefterm: {NO_FEEDS}")
        return 0
    store = _open_store(config)
    try:
        # Sizing the bar needs the due feeds; select_feeds is cheap (no I/O but SQLite).
        jobs, _skipped = select_feeds(store, config, feeds=feeds, force=args.all)
        with _PollProgress(len(jobs)) as progress:
            report = poll(store, config, feeds=feeds, force=args.all, progress=progress)
        _print_poll_report(report, config)
    finally:
        store.close()
    return 0


class _PollProgress:
    """Progress callback for the poller: a rich bar on a TTY, plain lines otherwise.

    The poller calls it with each FeedResult as a feed finishes.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty()
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _PollProgress:
        if self.tty and self.total:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("polling"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}", markup=False),
                console=_console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, result: Any) -> None:
        self.done += 1
        name = clean_line(getattr(result, "name", "") or getattr(result, "url", ""), max_length=60)
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done, description=name)
        else:
            status = str(getattr(result, "status", "")).replace("_", " ")
            _err(f"[{self.done}/{self.total}] {status:<12} {name}")


def _print_poll_report(report: Any, config: Config) -> None:
    from rich.table import Table
    from rich.text import Text

    results = list(report.results)
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("feed", overflow="ellipsis", max_width=40, no_wrap=True)
    table.add_column("status")
    table.add_column("new", justify="right")
    table.add_column("updated", justify="right")
    table.add_column("error", overflow="fold")
    totals = {"new": 0, "updated": 0, "errors": 0, "polled": 0, "skipped": 0, "unchanged": 0}
    feeds_by_url = {feed.url: feed for feed in config.feeds}
    for res in results:
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
        name = (feed.name if feed and feed.name else "") or getattr(res, "name", "") or res.url
        status = res.status
        error = res.error or ""
        http = getattr(res, "http_status", None)
        if error and http and str(http) not in error:
            error = f"HTTP {http}: {error}"
        totals["new"] += res.new or 0
        totals["updated"] += res.updated or 0
        totals["errors"] += status == "error"
        style = {"error": "red", "ok": "green", "not_modified": "dim"}.get(status, "")
        table.add_row(
            Text(clean_line(name)),
            Text(status.replace("_", " "), style=style),
            str(res.new or 0),
            str(res.updated or 0),
            Text(clean_line(error)),
        )
    console = _console()
    if table.row_count:
        console.print(table)
    seconds = getattr(report, "seconds", None)
    took = f" in {seconds:.1f} s" if isinstance(seconds, int | float) else ""
    not_due = f" ({totals['skipped']} not due)" if totals["skipped"] else ""
    errors = f"{totals['errors']} error" + ("" if totals["errors"] == 1 else "s")
    unchanged = f"{totals['unchanged']} feeds unchanged, " if totals["unchanged"] else ""
    console.print(
        Text(
            f"{totals['polled']} feeds polled{took}{not_due}: {totals['new']} new, "
            f"{totals['updated']} updated, {unchanged}{errors}"
        )
    )


# -- add / remove -----------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    """``briefterm add URL``: subscribe, discovering the feed on an HTML page."""
    from briefterm.config import add_subscription
    from briefterm.config_types import FeedConfig
    from briefterm.urls import is_http_url

    url = args.url.strip()
    if not is_http_url(url):
        raise UsageError(f"{url!r} is not an http(s) URL")
    config = _load(args)
    if config.feed(url):
        _out(f"already subscribed: {url}")
        return 0
    feed_url, title = _find_feed(url, config)
    if feed_url != url:
        if config.feed(feed_url):
            _out(f"already subscribed: {feed_url} (found on {url})")
            return 0
        _out(f"found feed {feed_url} on {url}")
    feed = FeedConfig(url=feed_url, name=clean_line(args.name), section=clean_line(args.section))
    config_file = _config_file(args)
    add_subscription(config_file, feed)
    store = _open_store()
    try:
        store.ensure_feed(feed_url, feed.name or title)
        label = feed.name or title or feed_url
        _out(f"subscribed: {clean_line(label)} ({feed_url})")
        if not args.no_poll:
            _poll_one(store, args, feed_url)
    finally:
        store.close()
    return 0


def _fetch_once(url: str, config: Config) -> Any:
    import asyncio

    from briefterm.fetch import fetch, make_client

    async def run() -> Any:
        async with make_client(config.poll) as client:
            return await fetch(client, url, limits=config.poll)

    return asyncio.run(run())


def _looks_like_html(body: bytes, content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _find_feed(url: str, config: Config) -> tuple[str, str]:
    """The feed URL for ``url`` (itself, or the first feed an HTML page links to) and its title."""
    from briefterm import parse

    result = _fetch_once(url, config)
    if result.error:
        raise BrieftermError(f"cannot subscribe to {url}: {result.error}")
    if not parse.looks_like_feed(result.body) and _looks_like_html(
        result.body, result.content_type
    ):
        links = parse.discover_feed_links(result.body, result.final_url or url)
        if not links:
            raise BrieftermError(
                f"{url} is a web page that does not link to a feed; "
                "look for an RSS or Atom link on the page and add that URL"
            )
        feed_url = links[0]
        result = _fetch_once(feed_url, config)
        if result.error:
            raise BrieftermError(f"found feed {feed_url} on {url}, but {result.error}")
    else:
        feed_url = url
    try:
        parsed = parse.parse_feed(result.body, url=feed_url, content_type=result.content_type)
    except parse.FeedParseError as exc:
        raise BrieftermError(f"{feed_url} is not a feed briefterm can read: {exc}") from None
    return feed_url, parsed.title


def _poll_one(store: Store, args: argparse.Namespace, url: str) -> None:
    """Fetch a newly added feed's entries now (failures are reported, not fatal)."""
    from briefterm.poller import poll

    config = _load(args)  # now includes the new subscription
    report = poll(store, config, feeds=[url], force=True)
    for res in report.results:
        if res.status == "error":
            _err(f"briefterm: first poll failed: {res.error}")
        else:
            _out(f"{res.new} entries fetched")


def cmd_remove(args: argparse.Namespace) -> int:
    """``briefterm remove URL``: unsubscribe and drop the feed's cached entries."""
    from briefterm.config import remove_subscription

    url = args.url.strip()
    removed = remove_subscription(_config_file(args), url)
    if not removed:
        raise BrieftermError(f"not subscribed: {url} (see `briefterm feeds`)")
    store = _open_store()
    try:
        store.remove_feed(url)
    finally:
        store.close()
    _out(f"removed {url}")
    return 0


# -- feeds ------------------------------------------------------------------------------


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


def cmd_feeds(args: argparse.Namespace) -> int:
    """``briefterm feeds``: subscriptions with status, errors and counts."""
    config = _load(args)
    store = _open_store(config)
    try:
        states = {state.url: state for state in store.feeds()}
    finally:
        store.close()
    now = time.time()
    rows = []
    for feed in config.feeds:
        state = states.get(feed.url)
        rows.append(
            {
                "url": feed.url,
                "name": feed.name or (state.title if state else "") or "",
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
        )
    if args.json:
        _json_dump(rows)
        return 0
    if not rows:
        _out(NO_FEEDS)
        return 0
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_edge=False)
    for name, kwargs in (
        ("feed", {"max_width": 32, "no_wrap": True, "overflow": "ellipsis"}),
        ("section", {"max_width": 16, "no_wrap": True, "overflow": "ellipsis"}),
        ("status", {}),
        ("last ok", {"justify": "right"}),
        ("next", {"justify": "right"}),
        ("entries", {"justify": "right"}),
        ("unread", {"justify": "right"}),
        ("starred", {"justify": "right"}),
        ("error", {"no_wrap": True, "overflow": "ellipsis"}),
    ):
        table.add_column(name, **kwargs)
    for feed, row in zip(config.feeds, rows, strict=True):
        state = states.get(feed.url)
        style = {"ok": "green", "error": "red", "gone": "magenta", "new": "dim"}[row["status"]]
        table.add_row(
            Text(clean_line(row["name"] or feed.url)),
            Text(clean_line(feed.section)),
            Text(row["status"], style=style),
            age_label(state.last_success if state else None, now),
            due_label(state.next_due if state else None, now),
            str(row["entries"]),
            str(row["unread"]),
            str(row["starred"]),
            Text(_feed_error(state)),
        )
    _console().print(table)
    return 0


# -- list / search / mark ---------------------------------------------------------------


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.title,
        "link": entry.link,
        "feed": entry.feed_title,
        "feed_url": entry.feed_url,
        "read": entry.read,
        "starred": entry.starred,
        "published": iso_utc(entry.published),
        "first_seen": iso_utc(entry.first_seen),
        "author": entry.author,
        "categories": list(entry.categories),
        "summary": entry.summary,
    }


def _entry_line(entry: Entry) -> str:
    """One safe line per entry: id, flags, time, feed, title."""
    flags = ("N" if not entry.read else " ") + ("*" if entry.starred else " ")
    when = datetime.fromtimestamp(entry.time).strftime("%Y-%m-%d %H:%M")
    feed = clean_line(entry.feed_title, max_length=20)
    title = clean_line(entry.title, max_length=200) or "(untitled)"
    return f"{entry.id:>7} {flags} {when}  {feed:<20}  {title}"


def _print_entries(entries: Sequence[Entry], as_json: bool) -> None:
    if as_json:
        _json_dump([_entry_json(entry) for entry in entries])
        return
    for entry in entries:
        _out(_entry_line(entry))


def cmd_list(args: argparse.Namespace) -> int:
    """``briefterm list``: cached entries, newest first."""
    from briefterm.store import EntryFilter

    store = _open_store()
    try:
        feed_ids = None
        if args.feed:
            feed_ids = []
            for url in args.feed:
                state = store.get_feed(url)
                if state is None:
                    raise UsageError(f"no feed {url} in the cache (see `briefterm feeds`)")
                feed_ids.append(state.id)
        flt = EntryFilter(
            unread=True if args.unread else None,
            starred=True if args.starred else None,
            feed_ids=tuple(feed_ids) if feed_ids is not None else None,
            limit=args.limit,
        )
        _print_entries(store.list_entries(flt), args.json)
    finally:
        store.close()
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """``briefterm search QUERY``: entries whose title, summary or author match."""
    store = _open_store()
    try:
        ids = store.search(args.query, limit=args.limit)
        _print_entries(store.entries_by_ids(ids), args.json)
    finally:
        store.close()
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    """``briefterm mark ID... --read|--unread|--star|--unstar``."""
    ids = list(dict.fromkeys(args.ids))
    store = _open_store()
    try:
        known = store.flags(ids)
        present = [i for i in ids if i in known]
        missing = [i for i in ids if i not in known]
        if args.action in ("read", "unread"):
            changed = store.set_read(present, args.action == "read")
        else:
            changed = store.set_starred(present, args.action == "star")
    finally:
        store.close()
    verb = {
        "read": "marked read",
        "unread": "marked unread",
        "star": "starred",
        "unstar": "unstarred",
    }
    _out(f"{verb[args.action]}: {changed} of {len(present)} entries changed")
    if missing:
        plural = "entry" if len(missing) == 1 else "entries"
        return _fail(f"no {plural} with id {', '.join(map(str, missing))}", 1)
    return 0


# -- OPML -------------------------------------------------------------------------------


def cmd_import_opml(args: argparse.Namespace) -> int:
    """``briefterm import-opml FILE``: subscribe to every usable feed in the file."""
    from briefterm.config import add_subscriptions
    from briefterm.opml import parse_opml

    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        data = Path(args.file).expanduser().read_bytes()
    result = parse_opml(data)
    config = _load(args)
    config_file = _config_file(args)
    already = [feed for feed in result.feeds if config.feed(feed.url)]
    added = add_subscriptions(config_file, result.feeds)
    store = _open_store()
    try:
        store.sync_feeds(feed.url for feed in added)
        for feed in added:
            if feed.name:
                state = store.get_feed(feed.url)
                if state is not None and not state.title:
                    store.update_feed(state.id, title=feed.name)
    finally:
        store.close()
    skipped = [(feed.url, "already subscribed") for feed in already] + result.skipped
    _out(f"{len(added)} feeds added, {len(skipped)} skipped")
    for what, why in skipped:
        _out(f"  skipped {clean_line(what, max_length=200)}: {why}")
    if added:
        _out("run `briefterm poll` to fetch them")
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    """``briefterm export-opml [FILE]``: subscriptions as OPML (stdout without FILE)."""
    from dataclasses import replace

    from briefterm.fsutil import atomic_write_text
    from briefterm.opml import render_opml

    config = _load(args)
    store = _open_store()
    try:
        states = {state.url: state for state in store.feeds(with_counts=False)}
    finally:
        store.close()
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
        _err(f"wrote {len(feeds)} feeds to {args.file}")
    else:
        sys.stdout.write(text)
    return 0


# -- brief / export ---------------------------------------------------------------------


def parse_since(text: str, now: float | None = None) -> float:
    """A ``--since`` value: ``12h``/``3d``/``90m``/``2w`` ago, or an ISO date/time (local)."""
    now = time.time() if now is None else now
    value = text.strip().lower()
    units = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    if len(value) >= 2 and value[-1] in units and value[:-1].isdigit():
        return now - int(value[:-1]) * units[value[-1]]
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--since {text!r} is not a time; use e.g. 12h, 3d, 2026-11-21 or 2026-11-21T08:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is local time
    return moment.timestamp()


def parse_day(text: str, today: date | None = None) -> date:
    """A ``--date`` value: YYYY-MM-DD, ``today`` or ``yesterday``."""
    today = today or date.today()
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--date {text!r} is not a day; use YYYY-MM-DD, today or yesterday"
        ) from None


def _check_section(config: Config, name: str) -> str:
    """``name`` if some rule or feed can put entries in it, else a usage error."""
    from briefterm.brief.sections import OTHER

    names = [s.name for s in config.sections] + [f.section for f in config.feeds if f.section]
    names.append(OTHER)
    for known in names:
        if known.casefold() == name.strip().casefold():
            return known
    listed = ", ".join(dict.fromkeys(names))
    raise UsageError(f"no section {name!r} in the configuration (sections: {listed})")


def _window(args: argparse.Namespace, store: Store) -> Any:
    from briefterm.brief import EditionWindow

    if getattr(args, "date", None):
        return EditionWindow.for_date(parse_day(args.date))
    if getattr(args, "since", None):
        return EditionWindow.since(parse_since(args.since))
    return EditionWindow.since_last_brief(store, time.time())


def _render(brief: Brief, fmt: str) -> str:
    from briefterm.export import render

    return render(brief, fmt)


def cmd_brief(args: argparse.Namespace) -> int:
    """``briefterm brief``: print an edition (since the last brief by default)."""
    from briefterm.brief import build_brief

    config = _load(args)
    fmt = args.format or (config.export.format if config.export.format != "links" else "md")
    section = _check_section(config, args.section) if args.section else None
    store = _open_store(config)
    try:
        brief = build_brief(store, config, window=_window(args, store), section=section)
    finally:
        store.close()
    text = _render(brief, fmt)
    if fmt == "md" and sys.stdout.isatty():
        # On a terminal, show the brief formatted; piped, it stays Markdown
        # source for newsletters and files. Feed text in it is already
        # Markdown-escaped by export.py, so it cannot inject formatting.
        from rich.markdown import Markdown

        _console().print(Markdown(text, hyperlinks=True))
        return 0
    _write_output(text, None)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``briefterm export``: a selection rendered for sharing (stdout, file or clipboard)."""
    from briefterm.brief import brief_from_entries, build_brief
    from briefterm.store import EntryFilter

    config = _load(args)
    fmt = args.format or config.export.format
    store = _open_store(config)
    try:
        if args.starred or args.unread or args.ids:
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
            else:
                entries = store.list_entries(EntryFilter(unread=True))
                label = "unread"
            brief = brief_from_entries(entries, config, title=config.brief.title, label=label)
        else:
            section = _check_section(config, args.section) if args.section else None
            window = _window(argparse.Namespace(), store)
            brief = build_brief(store, config, window=window, section=section)
    finally:
        store.close()
    text = _render(brief, fmt)
    if args.clipboard:
        from briefterm.clipboard import copy

        outcome = copy(text, config.export.clipboard)
        _err(clean_line(getattr(outcome, "message", "")) or "copied")
        return 0 if getattr(outcome, "ok", True) else 1
    _write_output(text, args.output)
    return 0


def _write_output(text: str, output: str | None) -> None:
    if output and output != "-":
        from briefterm.fsutil import atomic_write_text

        atomic_write_text(Path(output).expanduser(), text if text.endswith("\n") else text + "\n")
        _err(f"wrote {output}")
        return
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# -- config -----------------------------------------------------------------------------


def cmd_config_path(args: argparse.Namespace) -> int:
    """``briefterm config path``: where briefterm keeps its files."""
    config_file = _config_file(args)
    state = "" if config_file.exists() else "  (not created yet: defaults in use)"
    _out(f"config         {config_file}{state}")
    _out(f"subscriptions  {paths.subscriptions_path(config_file)}")
    _out(f"data           {paths.data_dir()}")
    _out(f"database       {paths.database_path()}")
    _out(f"cache          {paths.cache_dir()}")
    return 0


def cmd_config_init(args: argparse.Namespace) -> int:
    """``briefterm config init [--force]``: write the annotated example config."""
    from briefterm.config import init_config

    written = init_config(_config_file(args), force=args.force)
    _out(f"wrote {written}; edit it, then run `briefterm config check`")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    """``briefterm config check``: validate and summarise."""
    from briefterm.config import config_warnings

    config = _load(args)
    for warning in config_warnings(config):
        _err(f"briefterm: warning: {warning}")
    where = str(config.path) if config.path else "no config file, defaults in use"
    _out(f"ok: {len(config.feeds)} feeds, {len(config.sections)} sections ({where})")
    return 0
