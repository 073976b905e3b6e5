"""What ``briefterm config check`` asks the reader: is this a theme it has, a keymap it takes?

The tables are the reader's (Textual's built-in themes, the bindings table),
so the question lives here, inside the only package that imports Textual;
``config check`` imports this module when it runs, never the core at import.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from textual.theme import BUILTIN_THEMES

from briefterm.config import show
from briefterm.tui.bindings import keymap_problems


def reader_problems(theme: str, keymap: Mapping[str, str]) -> list[str]:
    """What the reader would refuse: an unknown theme, unknown ``[keymap]`` ids, keys twice."""
    problems: list[str] = []
    themes = sorted(BUILTIN_THEMES)
    if theme not in themes:
        close = difflib.get_close_matches(theme, themes, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else "themes: " + ", ".join(themes)
        problems.append(f"ui.theme {show(theme)} is not a theme the reader knows ({hint})")
    problems += [f"keymap: {problem}" for problem in keymap_problems(keymap)]
    return problems
