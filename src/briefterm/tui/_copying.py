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
from briefterm.store import Store
from briefterm.tui.selection import selection_label

Severity = Literal["information", "warning", "error"]
NativeCopier = Callable[[str], str]
"""The local copy tool: "" when it took the text, else why not (``clipboard.send_native``)."""


class CopyHost(Protocol):
    """What copying needs from the reader; both are safe to call from a worker thread."""

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
        self._config = config
        self._host = host
        self._native_copier = native_copier

    def copy(self, ids: Sequence[int], fmt: str) -> None:
        """Copy the entries ``ids`` as ``fmt`` (md, text, links, json); blocks: run in a worker."""
        from briefterm import export
        from briefterm.brief import brief_from_entries

        config = self._config
        entries = self._reads.entries_by_ids(ids, with_content=fmt == "json")
        if not entries:
            self._host.tell("Those stories are no longer in the cache.", "warning", 4)
            return
        label = selection_label(entries)
        brief = brief_from_entries(entries, config, title=config.brief.title, label=label)
        text = export.render(brief, fmt)
        stories = len(brief.clusters)
        outcome = clipboard.deliver(
            text,
            config.export.clipboard,
            osc52=self._osc52,
            native=self._native,
            what=f"{stories} {'story' if stories == 1 else 'stories'}",
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
