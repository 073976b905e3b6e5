"""Clipboard delivery for the reader: what fits in OSC 52 and how to report a copy.

The text itself comes from :mod:`briefterm.export`; the app sends it with
``App.copy_to_clipboard`` (OSC 52, through the terminal, so it reaches the
user's machine even over SSH) and with ``clipboard.native_copy`` (the local
copy tool). This module holds the pure parts: the size rule and the
sentence the user reads afterwards. Nothing here imports Textual.
"""

from __future__ import annotations

import base64
import sys
from dataclasses import dataclass

from briefterm.clipboard import OSC52_MAX_BASE64

# pyperclip names its copy functions copy_<backend>; users know the tool names.
_TOOL_NAMES = {
    "osx_pbcopy": "pbcopy",
    "osx_pyobjc": "pbcopy",
    "xclip": "xclip",
    "xsel": "xsel",
    "wl": "wl-copy",
    "klipper": "Klipper",
    "qt": "Qt clipboard",
    "windows": "Windows clipboard",
    "wsl": "clip.exe",
    "dev_clipboard": "/dev/clipboard",
}


def osc52_size(text: str) -> int:
    """Bytes of base64 an OSC 52 sequence for ``text`` carries."""
    return len(base64.b64encode(text.encode("utf-8")))


def osc52_fits(text: str) -> bool:
    """True when ``text`` is small enough for OSC 52 (see ``clipboard.OSC52_MAX_BASE64``)."""
    # base64 is 4 bytes per 3: skip the encoding when the answer is obvious.
    size = len(text.encode("utf-8"))
    if size * 4 <= OSC52_MAX_BASE64 * 3 - 12:
        return True
    return osc52_size(text) <= OSC52_MAX_BASE64


def native_tool_name() -> str:
    """The copy tool pyperclip picked (after a successful copy), e.g. "xclip"."""
    pyperclip = sys.modules.get("pyperclip")
    name = getattr(getattr(pyperclip, "copy", None), "__name__", "")
    if name.startswith("copy_"):
        backend = name.removeprefix("copy_")
        return _TOOL_NAMES.get(backend, backend)
    return "system clipboard"


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    """What happened to one copy: which routes delivered it and why others did not."""

    stories: int
    format_name: str
    chars: int
    osc52: bool = False  # sent through the terminal
    osc52_too_large: bool = False  # skipped: over the OSC 52 limit
    native: str = ""  # name of the local tool that took it ("" if none)
    native_tried: bool = False
    in_tmux: bool = False

    @property
    def ok(self) -> bool:
        """True when at least one route delivered the text."""
        return self.osc52 or bool(self.native)

    def message(self) -> str:
        """One sentence for the user, e.g. "Copied 3 stories as Markdown … (OSC 52 + xclip)."."""
        what = f"{self.stories} {'story' if self.stories == 1 else 'stories'}"
        size = f"{self.chars / 1000:.0f} KB" if self.chars >= 1000 else f"{self.chars} characters"
        if self.ok:
            routes = [r for r in ("OSC 52" if self.osc52 else "", self.native) if r]
            text = f"Copied {what} as {self.format_name} to the clipboard ({' + '.join(routes)})"
            if self.osc52_too_large:
                text += f"; at {size} it was too large for OSC 52"
            elif self.osc52 and not self.native and self.in_tmux:
                text += "; inside tmux this needs `set -g set-clipboard on`"
            return text + "."
        reasons = []
        if self.osc52_too_large:
            reasons.append(f"at {size} it is too large for OSC 52")
        if self.native_tried:
            reasons.append("no clipboard tool was found (install wl-clipboard, xclip or xsel)")
        reason = " and ".join(reasons) or "clipboard delivery is switched off"
        return f"Could not copy {what}: {reason}; try `briefterm export` to write it to a file."
