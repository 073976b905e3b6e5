"""The ``briefterm`` command line: argument parsing and thin calls into the core.

Every user-facing failure becomes one line on stderr, ``briefterm: <message>``,
with exit status 2 for configuration and usage problems and 1 otherwise;
Ctrl-C exits with 130 quietly. Each command group lives in its own module
(``reader``, ``poll``, ``feeds``, ``entries``, ``brief``, ``opml``,
``config``), imported only when one of its commands runs, so
``briefterm --help`` starts without httpx, rich, lxml, SQLite or Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from briefterm.cli._output import fail
from briefterm.cli._parser import build_parser
from briefterm.errors import BrieftermError

__all__ = ["DEBUG_ENV", "build_parser", "main"]

DEBUG_ENV = "BRIEFTERM_DEBUG"
"""Set to 1 to see a traceback for unexpected errors (bug reports)."""

Handler = Callable[[argparse.Namespace], int]

# Command → (module in briefterm.cli, function). The module is imported when
# the command runs, and the function looked up then (tests replace it).
_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("reader", "cmd_demo"),
    "poll": ("poll", "cmd_poll"),
    "add": ("feeds", "cmd_add"),
    "remove": ("feeds", "cmd_remove"),
    "feeds": ("feeds", "cmd_feeds"),
    "list": ("entries", "cmd_list"),
    "search": ("entries", "cmd_search"),
    "mark": ("entries", "cmd_mark"),
    "import-opml": ("opml", "cmd_import_opml"),
    "export-opml": ("opml", "cmd_export_opml"),
    "brief": ("brief", "cmd_brief"),
    "export": ("brief", "cmd_export"),
    "sync": ("sync", "cmd_sync"),
}
_READER = ("reader", "cmd_reader")
_CONFIG_COMMANDS: dict[str, tuple[str, str]] = {
    "path": ("config", "cmd_config_path"),
    "init": ("config", "cmd_config_init"),
    "check": ("config", "cmd_config_check"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run briefterm with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _handler(args)(args)
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
        return fail(str(exc), exc.exit_code)
    except Exception as exc:
        return _unexpected(exc)


def _handler(args: argparse.Namespace) -> Handler:
    if args.command is None:
        where = _READER
    elif args.command == "config":
        where = _CONFIG_COMMANDS[args.config_command]
    else:
        where = _COMMANDS[args.command]
    module, name = where
    handler: Handler = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return handler


def _unexpected(exc: Exception) -> int:
    """Exit status 1 with one line; a traceback only with ``BRIEFTERM_DEBUG`` set."""
    # Only a command that opened the cache has imported sqlite3 (``--help`` must not).
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        # A full disk, a lock held too long, a read-only or damaged file:
        # the cache's fault, not a bug, so one sentence that says what to do.
        from briefterm import paths
        from briefterm.store import describe_store_error

        return fail(describe_store_error(exc, paths.database_path()), 1)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return fail(f"{where}{exc.strerror or exc}", 1)
    if os.environ.get(DEBUG_ENV):
        raise exc
    return fail(
        f"internal error ({type(exc).__name__}: {exc}); please report it, "
        f"and run with {DEBUG_ENV}=1 to see the details",
        1,
    )
