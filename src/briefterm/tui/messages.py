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


class Notice(Message):
    """A notification from a worker thread (posted: never blocks the worker).

    ``App.call_from_thread`` waits for the UI loop to run the call, so a
    worker finishing while the app quits could wait forever and keep the
    process alive; a posted message is simply dropped.
    """

    def __init__(self, text: str, severity: str = "information", timeout: float = 4) -> None:
        super().__init__()
        self.text = text
        self.severity = severity
        self.timeout = timeout


class SendToTerminalClipboard(Message):
    """Text a worker wants copied with OSC 52 (``App.copy_to_clipboard``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
