"""The search box: an Input that reports what to search for once typing pauses."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Search box; posts :class:`SearchBar.Query` 0.15 s after the last keystroke, or on enter.

    The debounce is an exclusive worker: each keystroke cancels the wait of
    the one before, so only the last text is searched.
    """

    DEBOUNCE = 0.15
    """Seconds of no typing before the text is searched."""

    class Query(Message):
        """Search for ``text`` (``submitted``: the user pressed enter)."""

        def __init__(self, search_bar: SearchBar, text: str, *, submitted: bool = False) -> None:
            super().__init__()
            self.search_bar = search_bar
            self.text = text
            self.submitted = submitted

        @property
        def control(self) -> SearchBar:
            """The search bar the query came from."""
            return self.search_bar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search titles, summaries, authors…", id=id)
        self.display = False

    def open(self) -> None:
        """Show the box and put the cursor in it."""
        self.display = True
        self.focus()

    def close(self) -> None:
        """Hide the box; a search still waiting for the pause is dropped."""
        self.display = False
        self.workers.cancel_group(self, "search")

    @on(Input.Changed)
    def _on_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._debounce(event.value)

    @on(Input.Submitted)
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.workers.cancel_group(self, "search")
        self.post_message(self.Query(self, event.value, submitted=True))

    @work(exclusive=True, group="search", exit_on_error=False)
    async def _debounce(self, text: str) -> None:
        await asyncio.sleep(self.DEBOUNCE)
        self.post_message(self.Query(self, text))
