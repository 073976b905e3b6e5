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
        """The line, with feed-derived parts as plain text (never markup)."""
        # Spaces end the part before a style change rather than start the next
        # one: some SVG renderers drop leading spaces, which glued "briefterm"
        # and the view name together in screenshots.
        text = Text("◆ briefterm ", style="bold")
        text.append("│ ", style="dim")
        text.append(f"{self.view_name} ", style="bold")
        if self.heading:
            text.append(f"· {self.heading} ")
        if self.label:
            text.append("· ")
            text.append(f"{self.label} ", style="italic")
        text.append("  ")
        if self.unread is not None and self.total is not None:
            text.append(f"{self.unread} unread / {self.total}  ", style="bold")
        if self.poll_status:
            text.append(f"⟳ {self.poll_status}", style="italic")
        return text

    def adjust_counts(self, unread: int, total: int = 0) -> None:
        """Add to the counts (once they are known): marks and new entries the reader saw."""
        if self.unread is not None and self.total is not None:
            self.unread += unread
            self.total += total
