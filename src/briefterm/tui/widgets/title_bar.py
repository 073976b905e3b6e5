"""The top line: view, edition, counts and poll progress, drawn from reactives."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TitleBar(Widget):
    """``◆ briefterm │ Brief · Morning brief · Sunday …  11 unread / 42  ⟳ polling 3/9``.

    The reader sets the reactives; every change repaints the line. Counts
    stay hidden until they are known (``None``).
    """

    view_name: reactive[str] = reactive("")
    """The view's name ("Brief", "By feed")."""
    heading: reactive[str] = reactive("")
    """The brief's title; empty for the other views."""
    label: reactive[str] = reactive("")
    """The edition's day, a search's query, "3 feeds"."""
    unread: reactive[int | None] = reactive(None)
    """Unread entries in the whole cache."""
    total: reactive[int | None] = reactive(None)
    """Entries in the whole cache."""
    poll_status: reactive[str] = reactive("")
    """The running refresh ("polling 3/9 · 2 new"); empty when none runs."""

    def render(self) -> Text:
        """The line, with feed-derived parts as plain text (never markup).

        The counts and the poll progress stand at the right and are never cut;
        when the line is too narrow the edition's label goes first, then the
        heading, so the line never ends in the middle of a number.
        """
        right = Text(end="")
        if self.unread is not None and self.total is not None:
            right.append(f"{self.unread} unread / {self.total}", style="bold")
        if self.poll_status:
            right.append(f"  ⟳ {self.poll_status}", style="italic")
        width = self.content_region.width or self.size.width
        room = width - right.cell_len - 2
        for heading, label in ((self.heading, self.label), (self.heading, ""), ("", "")):
            left = self._left(heading, label)
            if left.cell_len <= room:
                break
        left.truncate(max(0, room), overflow="ellipsis")
        gap = max(1, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right, end="")

    def _left(self, heading: str, label: str) -> Text:
        # Each part carries the space after it rather than before: some SVG
        # renderers drop leading spaces, which glued "briefterm" and the view
        # name together in screenshots.
        parts = [("◆ briefterm", "bold"), ("│", "dim"), (self.view_name, "bold")]
        if heading:
            parts += [("·", ""), (heading, "")]
        if label:
            parts += [("·", ""), (label, "italic")]
        text = Text(end="")
        for index, (part, style) in enumerate(parts):
            text.append(part if index == len(parts) - 1 else f"{part} ", style=style)
        return text

    def adjust_counts(self, unread: int, total: int = 0) -> None:
        """Add to the counts (once they are known): marks and new entries the reader saw."""
        if self.unread is not None and self.total is not None:
            self.unread += unread
            self.total += total
