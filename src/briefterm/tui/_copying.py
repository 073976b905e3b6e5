"""Copying stories: render the selection as a brief and route it to the clipboards.

The reader runs :meth:`Copying.copy` in a thread worker (clustering a large
selection and a slow copy tool both take time). OSC 52 goes out through the
terminal Textual drives (the host posts it to the UI thread); the native
tool runs here. What happened is said once, by ``clipboard.CopyOutcome``.
A failure inside (a broken cache, an export error) raises into the worker
and is reported by the reader's one worker-failure handler. Nothing here
imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from briefterm import clipboard
from briefterm.config import Config
from briefterm.export import format_info
from briefterm.models import Brief
from briefterm.store import Store
from briefterm.wording import stories

Severity = Literal["information", "warning", "error"]
NativeCopier = Callable[[str], str]
"""The local copy tool: "" when it took the text, else why not (``clipboard.send_native``)."""


class CopyHost(Protocol):
    """What copying needs from the reader; all are safe to call from a worker thread."""

    def clock(self) -> float:
        """The reader's "now" (POSIX seconds): the day a copy is dated."""

    def send_to_terminal(self, text: str) -> None:
        """Copy ``text`` with OSC 52 through the app's terminal."""

    def tell(self, text: str, severity: Severity, timeout: float) -> None:
        """Show one plain-text notification."""


class Copying:
    """Copies entries in an export format; see the module docstring."""

    def __init__(
        self, reads: Store, config: Config, host: CopyHost, native_copier: NativeCopier
    ) -> None:
        self._reads = reads
        self.config = config
        """The configuration copies follow (the reader replaces it when ``r`` reads it again)."""
        self._host = host
        self._native_copier = native_copier

    def copy(self, ids: Sequence[int], fmt: str, shown: Brief | None = None) -> None:
        """Copy the entries ``ids`` as ``fmt`` (md, text, links, json); blocks: run in a worker.

        ``shown`` is the brief on screen: a story it shows as one item is
        copied as that one story ("(3 sources)"), titled "3 stories from the
        Morning brief" and dated by its edition (``selection_brief``).
        Outside the Brief view the live edition stands in for it.
        """
        from briefterm import export
        from briefterm.brief import build_brief, live_window, selection_brief, with_content

        config = self.config
        entries = self._reads.entries_by_ids(ids)
        if not entries:
            self._host.tell("Those stories are no longer in the cache.", "warning", 4)
            return
        now = self._host.clock()
        if shown is None:  # picked in All, By feed or a search: the live edition's stories
            shown = build_brief(self._reads, config, live_window(self._reads, config, now))
        # The rest (picked in other views) are clustered among themselves and
        # dated by the day of the copy, never by a range of their own dates.
        brief = selection_brief(config, [e.id for e in entries], [shown], extra=entries, now=now)
        if fmt == "json":
            brief = with_content(brief, self._reads)
        text = export.render(brief, fmt)
        outcome = clipboard.deliver(
            text,
            config.export.clipboard,
            osc52=self._osc52,
            native=self._native,
            what=stories(len(brief.clusters)),
            format_name=format_info(fmt).noun,
            fallback="try `briefterm export` to write it to a file",
        )
        if outcome.ok:
            self._host.tell(outcome.message, "information", 4)
        else:
            self._host.tell(outcome.message, "error", 8)

    def _osc52(self, text: str) -> str:
        self._host.send_to_terminal(text)
        return ""

    def _native(self, text: str) -> str:
        try:
            return self._native_copier(text)
        except Exception:  # a broken copy tool is reported as missing, never raised
            return clipboard.NO_TOOL
