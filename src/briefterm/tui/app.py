"""The briefterm reader app: styles, theme, keymap, command palette and the reader screen.

What the reader shows and does is :class:`ReaderScreen`
(``tui/screens/reader.py``); its keys are the table in ``tui/bindings.py``.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen

from briefterm import links
from briefterm.clipboard import send_native
from briefterm.config import Config
from briefterm.store import Store
from briefterm.tui._copying import NativeCopier
from briefterm.tui._polling import ConfigLoader, PollFn
from briefterm.tui.commands import reader_commands
from briefterm.tui.keys import bindings_for
from briefterm.tui.screens.reader import ReaderScreen
from briefterm.tui.theme_colors import reader_variables
from briefterm.tui.view_model import BriefLoader, load_brief

EXIT_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP")
"""Signals that end the reader the way ``q`` does, so the terminal is restored.

Python's default for SIGTERM, SIGQUIT and SIGHUP kills the process on the
spot, and a SIGINT (``kill -INT``; ctrl+c is a key in raw mode) raises in
the middle of the event loop: either way the terminal was left in the
alternate screen with mouse reporting on and the cursor hidden.
"""


class BriefApp(App[int]):
    """The reader. ``clock``, ``brief_loader``, ``poller``, ``opener`` and ``native_copier``
    are injectable for tests; ``config_loader`` (None: never) reads the config again on ``r``."""

    TITLE = "briefterm"
    CSS_PATH = "reader.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("panes")
    # A screen under a dialog gets this class: reader.tcss hides its toasts,
    # which would otherwise show through the dialog's backdrop and over its border.
    SUSPENDED_SCREEN_CLASS = "-suspended"

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        brief_loader: BriefLoader = load_brief,
        poller: PollFn | None = None,
        opener: Callable[[str, str], object] = links.open_link,
        native_copier: NativeCopier = send_native,
        config_loader: ConfigLoader | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.reader = ReaderScreen(
            config,
            store,
            clock=clock,
            brief_loader=brief_loader,
            poller=poller,
            opener=opener,
            native_copier=native_copier,
            config_loader=config_loader,
        )
        """The reader screen: everything the app shows under its dialogs."""
        self._handled_signals: list[int] = []  # exit signals handled while running

    def get_css_variables(self) -> dict[str, str]:
        """Textual's theme variables, plus the reader's readable colours (``theme_colors``)."""
        variables = super().get_css_variables()
        variables.update(reader_variables(variables, self.current_theme.dark))
        self.theme_variables = variables
        return variables

    def get_default_screen(self) -> Screen[None]:
        """The reader is the screen at the bottom of the stack."""
        return self.reader

    def on_mount(self) -> None:
        theme = self.config.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.notify(
                f"Unknown theme {theme!r}; using textual-dark. Pick one with ctrl+p → Theme.",
                severity="warning",
                markup=False,
            )
        if self.config.keymap:
            self.set_keymap(dict(self.config.keymap))
        self._handled_signals = self._handle_exit_signals()
        self.app_resume_signal.subscribe(self, self._repaint_after_resume)

    def _repaint_after_resume(self, _app: object) -> None:
        """Back from ctrl+z (``fg``): the shell drew over the screen, so paint all of it."""
        self.refresh(layout=True)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in self._handled_signals:
            loop.remove_signal_handler(number)

    def _handle_exit_signals(self) -> list[int]:
        """Quit cleanly on :data:`EXIT_SIGNALS` (not headless: tests keep their own)."""
        if self.is_headless:
            return []
        loop = asyncio.get_running_loop()
        handled = []
        for name in EXIT_SIGNALS:
            number = getattr(signal, name, None)
            if number is None:  # not on this platform (Windows has no SIGQUIT/SIGHUP)
                continue
            try:
                loop.add_signal_handler(number, self.exit_on_signal, number)
            except (NotImplementedError, RuntimeError, ValueError):
                continue  # no signal handlers on this loop or thread
            handled.append(int(number))
        return handled

    def exit_on_signal(self, number: int) -> None:
        """Quit as ``q`` does (a running refresh stops; what it stored stays): 128 + signal."""
        self.reader.polling.stop()
        self.exit(return_code=128 + number)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands, then the reader's that apply now."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            yield from reader_commands(screen)


def run_app(config: Config, store: Store) -> int:
    """Run the reader until the user quits; returns the exit status.

    ``r`` reads the configuration again first (a feed ``briefterm add``
    subscribed meanwhile is polled and filed in its section).
    """
    from briefterm.config import reload_config

    app = BriefApp(config, store, config_loader=reload_config)
    app.run()
    return app.return_code or 0
