"""The help screen: every key, its action id (for ``[keymap]``) and what it does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _display_keys(keys: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "escape": "esc",
        "asterisk": "*",
    }
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


def help_table(groups: Iterable[tuple[str, Iterable[Binding]]], keymap: dict[str, str]) -> Table:
    """A table of bindings per area, with keys from ``keymap`` where overridden."""
    table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Keys", style="bold", no_wrap=True)
    table.add_column("Action id", style="italic", no_wrap=True)
    table.add_column("What it does")
    seen: set[str] = set()
    for title, bindings in groups:
        table.add_row(Text(title, style="bold underline"), "", "")
        for binding in bindings:
            if not binding.id or (title, binding.id) in seen:
                continue
            seen.add((title, binding.id))  # type: ignore[arg-type]
            keys = keymap.get(binding.id, binding.key)
            table.add_row(_display_keys(keys), binding.id, binding.tooltip or binding.description)
        table.add_row("", "", "")
    return table


class HelpScreen(ModalScreen[None]):
    """Modal list of keys; any of esc, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close_help"),
        Binding("j,down", "scroll('down')", show=False),
        Binding("k,up", "scroll('up')", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $accent; background: $panel; padding: 0 2;
    }
    HelpScreen #help-intro { color: $text-muted; margin: 1 0; }
    """

    def __init__(self, table: Table) -> None:
        super().__init__()
        self._table = table

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
            yield Static(self._table, id="help-table")

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one(VerticalScroll)
        if direction == "down":
            scroller.scroll_down(animate=False)
        else:
            scroller.scroll_up(animate=False)
