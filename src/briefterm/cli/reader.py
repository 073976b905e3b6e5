"""``briefterm`` and ``briefterm demo``: the full-screen reader.

The only CLI module that imports the TUI, and only when the reader opens,
so every other command starts without Textual.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from briefterm.cli._common import load, open_store
from briefterm.config import Config
from briefterm.demo import demo_summary, feed_files, prepare_demo
from briefterm.errors import BrieftermError
from briefterm.poller import FeedResult
from briefterm.store import Store


def require_terminal(hint: str) -> None:
    """Refuse to start the full-screen reader without a terminal on both ends.

    Without one, Textual would write its escape sequences into a pipe and
    wait for keys that never come.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BrieftermError(f"the reader needs a terminal; {hint}")


def _run_reader(config: Config, store: Store) -> int:
    try:
        from briefterm.tui.app import run_app  # Textual is imported only here
    except ImportError as exc:
        raise BrieftermError(f"the reader is not available in this build ({exc})") from None
    return int(run_app(config, store) or 0)


def cmd_reader(args: argparse.Namespace) -> int:
    """``briefterm``: open the reader."""
    require_terminal("in scripts use `briefterm list`, `briefterm brief` or `briefterm poll`")
    config = load(args)
    with open_store(config) as store:
        return _run_reader(config, store)


def _demo_progress(total: int) -> Callable[[FeedResult], None]:
    """A progress callback that prints one line per sample feed on stderr."""
    done = 0
    lock = threading.Lock()

    def report(result: FeedResult) -> None:
        nonlocal done
        with lock:
            done += 1
            detail = f"{result.new} new" if result.status == "ok" else (result.error or "")
            print(
                f"  [{done}/{total}] {result.status:<12} {result.name or result.url}  {detail}",
                file=sys.stderr,
                flush=True,
            )

    return report


def cmd_demo(args: argparse.Namespace) -> int:
    """``briefterm demo``: the reader on bundled sample feeds, in a throwaway cache.

    The cache lives in a temporary directory that is removed when the
    reader closes; ``--no-app`` prints a summary of it instead.
    """
    if not args.no_app:
        require_terminal("`briefterm demo --no-app` polls the sample feeds without it")
    total = len(feed_files())
    print(f"briefterm demo: polling {total} sample feeds from a local server…", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="briefterm-demo-") as tmp:
        config, store, server = prepare_demo(Path(tmp), progress=_demo_progress(total))
        try:
            if args.no_app:
                print(demo_summary(store))
                return 0
            return _run_reader(config, store)
        finally:
            store.close()
            server.close()
