"""App-wide messages of the reader (widget messages are nested in their widgets)."""

from __future__ import annotations

from textual.message import Message

from briefterm.tui.rows import RowModel


class ViewLoaded(Message):
    """A worker finished building the rows of a view."""

    def __init__(self, model: RowModel, token: int, keep_entry: int | None) -> None:
        super().__init__()
        self.model = model
        self.token = token
        self.keep_entry = keep_entry


class ViewFailed(Message):
    """Building a view failed; ``error`` is one sentence for the user."""

    def __init__(self, error: str, token: int) -> None:
        super().__init__()
        self.error = error
        self.token = token


class PollProgress(Message):
    """One feed of a running poll finished."""

    def __init__(self, done: int, total: int, new: int, name: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.new = new
        self.name = name


class PollFinished(Message):
    """A poll finished; ``report`` is a poller.PollReport (None when it failed)."""

    def __init__(self, report: object | None, error: str | None = None) -> None:
        super().__init__()
        self.report = report
        self.error = error
