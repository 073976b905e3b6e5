"""The command palette's reader commands (ctrl+p), built from the bindings table.

Every row of ``tui/bindings.py`` with a palette title is offered, but only
when it applies now (``ReaderScreen.check_action``): no "Undo" with nothing
to undo, no "Next edition" on the latest one. Each runs the same action as
its key, so nothing is reachable only by keyboard.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand

from briefterm.tui.bindings import palette_keys
from briefterm.tui.screens.reader import ReaderScreen


def reader_commands(screen: ReaderScreen) -> Iterator[SystemCommand]:
    """The palette entries for ``screen`` as it is now."""
    for key in palette_keys():
        if screen.applies(key.action):
            yield SystemCommand(key.palette, key.tooltip, partial(screen.run_action, key.action))
