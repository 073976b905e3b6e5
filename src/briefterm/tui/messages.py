"""App-wide messages of the reader (widget messages are nested in their widgets).

Workers post these rather than calling into the UI: ``App.call_from_thread``
waits for the UI loop, so a worker finishing while the app quits could wait
forever; a posted message is simply dropped. Failures need no message: a
worker that raises is reported once, by the reader's ``Worker.StateChanged``
handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from briefterm.tui.view_model import RowModel

if TYPE_CHECKING:
    from briefterm.poller import PollReport


class ViewLoaded(Message):
    """A worker finished building the rows of a view (``token``: which request).

    ``keep_cursor``: the rows replace a quick first version of the same view
    (a saved brief): keep the cursor on the story it is on now. ``quick``:
    these rows are that quick first version (the worker waits for their paint).
    """

    def __init__(
        self,
        model: RowModel,
        token: int,
        keep_entry: int | None,
        *,
        keep_cursor: bool = False,
        quick: bool = False,
    ) -> None:
        super().__init__()
        self.model = model
        self.token = token
        self.keep_entry = keep_entry
        self.keep_cursor = keep_cursor
        self.quick = quick


class Counted(Message):
    """A worker counted the cache; ``generation`` says which local changes it includes."""

    def __init__(self, unread: int, total: int, generation: int) -> None:
        super().__init__()
        self.unread = unread
        self.total = total
        self.generation = generation


class PollProgress(Message):
    """Feeds of a running poll finished: ``done`` of ``total``, ``new`` entries so far.

    The figures are running totals, so a newer message can replace one still
    waiting in the queue: a thousand-feed refresh repaints the title bar as
    often as the UI keeps up, not once per feed.
    """

    def __init__(self, done: int, total: int, new: int, name: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.new = new
        self.name = name

    def can_replace(self, message: Message) -> bool:
        """A pending progress message is superseded by this one."""
        return isinstance(message, PollProgress)


class PollFinished(Message):
    """A poll finished; what it did is in ``report``."""

    def __init__(self, report: PollReport) -> None:
        super().__init__()
        self.report = report


class SendToTerminalClipboard(Message):
    """Text a worker wants copied with OSC 52 (``App.copy_to_clipboard``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
