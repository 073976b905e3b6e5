"""The briefterm reader app: styles, theme, keymap, command palette and the reader screen.

What the reader shows and does is :class:`ReaderScreen`
(``tui/screens/reader.py``); its keys are the table in ``tui/bindings.py``.
"""

from __future__ import annotations

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
