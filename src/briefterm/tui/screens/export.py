"""The "Copy as…" chooser (``Y``): pick an export format for the clipboard.

A small modal list: j/k or arrows move, enter picks, 1-4 pick directly,
esc cancels. It dismisses with the format name ("md", "text", "links",
"json") or ``None``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from briefterm.export import Format, format_info
from briefterm.tui.keys import bindings_for


class ExportChooser(ModalScreen[str | None]):
    """Modal list of export formats; dismisses with the chosen format or None."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("export")

    DEFAULT_CSS = """
    ExportChooser { align: center middle; }
    ExportChooser > Vertical {
        width: 64; max-width: 95%; height: auto;
        border: round $accent; background: $panel; padding: 0 1;
    }
    ExportChooser #export-title { text-style: bold; margin: 0 0 1 0; }
    ExportChooser OptionList { height: auto; border: none; background: $panel; }
    ExportChooser #export-hint { color: $brief-muted; margin: 1 0 0 0; }
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Copy {self._what} as…"), id="export-title", markup=False)
            options = []
            for number, fmt in enumerate(Format, 1):
                info = format_info(fmt)
                label = Text(f"{number}  ")
                label.append(f"{info.title}  ", style="bold")
                label.append(info.hint, style="dim")
                options.append(Option(label, id=fmt.value))
            yield OptionList(*options, id="export-formats")
            yield Static(
                Text("1-4 or enter to copy · j/k to move · esc to cancel"),
                id="export-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def action_move(self, step: int) -> None:
        """Move the highlight up or down."""
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_pick(self, index: int) -> None:
        """Choose the ``index``-th format."""
        formats = list(Format)
        if 0 <= index < len(formats):
            self.dismiss(formats[index].value)

    @on(OptionList.OptionSelected)
    def _on_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
