"""The footer's left end: "12 selected", shown only while something is selected."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class SelectionStatus(Widget):
    """ "3 selected" (and "· range" while a range is drawn); the class ``-active`` shows it."""

    count: reactive[int] = reactive(0)
    """Selected stories."""
    drawing_range: reactive[bool] = reactive(False)
    """True while a range (``V``, shift+arrows) is being drawn."""

    _shown_width = 0  # the width last laid out for (width: auto)

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
        # The widget is as wide as its text: lay the status bar out again only
        # when that changes (the footer beside it is costly to lay out).
        width = self.render().cell_len
        if width != self._shown_width:
            self._shown_width = width
            self.refresh(layout=True)
