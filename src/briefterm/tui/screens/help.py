"""The help screen: every key, its action id (for ``[keymap]``) and what it does."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from briefterm.tui.bindings import HELP_GROUPS, help_rows
from briefterm.tui.keys import bindings_for


def help_table(keymap: Mapping[str, str], key_display: Callable[[Binding], str]) -> Table:
    """Every key per area, with keys from ``keymap`` where overridden.

    ``key_display`` is ``App.get_key_display``: keys read as the footer
    shows them ("?", "esc", "^d").
    """
    table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Keys", style="bold", no_wrap=True)
    table.add_column("Action id", style="italic", no_wrap=True)
    table.add_column("What it does")
    for title, scopes in HELP_GROUPS:
        table.add_row(Text(title, style="bold underline"), "", "")
        for keys, row in help_rows(scopes, keymap):
            shown = ", ".join(key_display(Binding(k.strip(), row.action)) for k in keys.split(","))
            table.add_row(shown, row.id, row.tooltip)
        table.add_row("", "", "")
    return table


class HelpScreen(ModalScreen[None]):
    """Modal list of keys; any of esc, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("help")

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $accent; background: $panel; padding: 0 2;
    }
    HelpScreen #help-intro { color: $brief-muted; margin: 1 0; }
    """

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table = table
        """The table of keys shown (see :func:`help_table`)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                Text(
                    "Remap any key in config.toml under [keymap], e.g. "
                    'next_unread = "n,ctrl+n".\n'
                    "ctrl+p opens the command palette with every action."
                ),
                id="help-intro",
            )
            yield Static(self.table, id="help-table")

    def action_scroll(self, direction: str) -> None:
        """Scroll the list of keys: "down", "up", "top", "bottom", "page_down" or "page_up"."""
        scroller = self.query_one(VerticalScroll)
        moves = {
            "down": scroller.scroll_down,
            "up": scroller.scroll_up,
            "top": scroller.scroll_home,
            "bottom": scroller.scroll_end,
            "page_down": scroller.scroll_page_down,
            "page_up": scroller.scroll_page_up,
        }
        move = moves.get(direction)
        if move is not None:
            move(animate=False)
