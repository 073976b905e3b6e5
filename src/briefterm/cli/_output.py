"""What commands print: plain lines, JSON, rich tables and the poll progress bar.

rich is imported only by the commands that draw with it (``poll``,
``feeds``, a brief on a terminal), so ``list``, ``search`` and ``mark``
start without it. Text from feeds and servers goes into ``rich.text.Text``
or through :func:`briefterm.sanitize.clean_line`, never into markup.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from briefterm.sanitize import clean_line, escape_json_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from briefterm.poller import FeedResult


def out(text: str = "") -> None:
    """One line on stdout."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """One line on stderr."""
    sys.stderr.write(text + "\n")


def fail(message: str, code: int = 1) -> int:
    """Print ``briefterm: message`` on stderr, made safe; returns the exit status ``code``.

    A message of several lines (a config file with several problems) gives
    one ``briefterm: ...`` line each.
    """
    lines = [line for line in message.splitlines() if line.strip()] or [message]
    for line in lines[:200]:
        print(f"briefterm: {clean_line(line, max_length=2000)}", file=sys.stderr)
    if len(lines) > 200:
        print(f"briefterm: … and {len(lines) - 200} more", file=sys.stderr)
    return code


def json_dump(value: object) -> None:
    """``value`` as indented JSON on stdout: non-ASCII text kept as is, unsafe characters escaped.

    See :func:`~briefterm.sanitize.escape_json_text`: every JSON the CLI
    prints can go to a terminal.
    """
    out(escape_json_text(json.dumps(value, ensure_ascii=False, indent=2)))


def console(stderr: bool = False) -> Console:
    """A rich console without highlighting or soft wrapping."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def plain_table() -> Table:
    """A borderless rich table, the style of every table the CLI prints."""
    from rich.table import Table

    return Table(box=None, pad_edge=False, show_edge=False)


class PollProgress:
    """Progress callback for the poller: a rich bar on a TTY, plain lines otherwise.

    The poller calls it with each :class:`FeedResult` as a feed finishes.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> PollProgress:
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
                console=console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, result: FeedResult) -> None:
        self.done += 1
        name = clean_line(result.name or result.url, max_length=60)
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self.done, description=name)
        else:
            status = str(result.status).replace("_", " ")
            err(f"[{self.done}/{self.total}] {status:<12} {name}")
