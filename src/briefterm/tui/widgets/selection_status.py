"""The footer's left end: "12 selected", shown only while something is selected."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class SelectionStatus(Widget):
    """ "12 selected" (and "· range" while a range is drawn); the class ``-active`` shows it."""

    # layout=True: the widget is as wide as its text (width: auto).
    count: reactive[int] = reactive(0, layout=True)
    """Selected entries."""
    drawing_range: reactive[bool] = reactive(False, layout=True)
    """True while a range (``V``, shift+arrows) is being drawn."""

    def render(self) -> Text:
        """The count, as plain text."""
        text = f"{self.count} selected"
        if self.drawing_range:
            text += " · range"
        return Text(text)

    def watch_count(self) -> None:
        self._show()

    def watch_drawing_range(self) -> None:
        self._show()

    def _show(self) -> None:
        self.set_class(bool(self.count) or self.drawing_range, "-active")
