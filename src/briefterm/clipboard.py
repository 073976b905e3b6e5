"""Clipboard delivery: OSC 52 and the system's copy tool, and the one sentence that reports it.

Two ways to reach a clipboard, with different reach:

* **OSC 52** — ``ESC ] 52 ; c ; <base64> BEL`` written to the terminal; the
  terminal emulator (on the user's own machine, even over SSH) puts the text
  on its clipboard. Supported by most modern terminals (kitty, WezTerm,
  iTerm2, Alacritty, foot, Windows Terminal, xterm when allowed).
  Inside tmux it works when tmux has ``set -g set-clipboard on``: tmux then
  takes the sequence from the application and forwards it to the outer
  terminal itself. We send the bare sequence, not the ``ESC Ptmux;`` DCS
  passthrough wrapper: the wrapper needs ``allow-passthrough`` (off by
  default since tmux 3.3) and is only useful for nested multiplexers.
  Terminals cap the sequence length, so payloads over
  :data:`OSC52_MAX_BASE64` bytes of base64 are not sent.
* **native** — pyperclip, which finds wl-copy, xclip, xsel, pbcopy or
  clip.exe. That copies on the machine briefterm runs on, which over SSH is
  the wrong one — hence ``auto`` uses both.

:func:`deliver` runs the routes a mode names and returns a
:class:`CopyOutcome`, the one owner of the sentence the user reads. The CLI
calls :func:`copy` (routes that write to the terminal here); the reader
passes its own OSC 52 route (``App.copy_to_clipboard``, through Textual's
output). Nothing here imports Textual.
"""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import IO, Any, Literal

from briefterm.sanitize import strip_controls

OSC52_MAX_BASE64 = 100_000
"""Largest base64 payload sent by OSC 52 (~75 KB of text); many terminals cap near this."""

Mode = Literal["auto", "osc52", "native"]
MODES: tuple[Mode, ...] = ("auto", "osc52", "native")

NO_TOOL = "no clipboard tool was found (install wl-clipboard, xclip or xsel)"
"""Why the native route failed when pyperclip finds no copy tool."""

Sender = Callable[[str], str]
"""One delivery route: takes the text, returns "" when delivered, else why not (a clause)."""

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


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    """What happened to one copy: which routes delivered it and why the others did not."""

    chars: int
    what: str = ""  # "3 stories"; "" names the text by its length
    format_name: str = ""  # "Markdown": said when the copy worked
    osc52: bool = False  # sent through the terminal
    osc52_too_large: bool = False  # skipped: over the OSC 52 limit
    osc52_failure: str = ""  # why OSC 52 could not be written (no terminal, …)
    native: str = ""  # name of the local tool that took it ("" if none)
    native_failure: str = ""  # why the local tool did not
    in_tmux: bool = False
    unknown_mode: str = ""  # a mode that is none of MODES (nothing was tried)
    fallback: str = ""  # what the user can do instead when nothing worked

    @property
    def ok(self) -> bool:
        """True when at least one route delivered the text."""
        return self.osc52 or bool(self.native)

    @property
    def method(self) -> str:
        """The routes that worked: "native", "osc52", "native+osc52" or ""."""
        return "+".join(
            name for name, used in (("native", self.native), ("osc52", self.osc52)) if used
        )

    @property
    def message(self) -> str:
        """One sentence for the user, e.g. "Copied 3 stories as Markdown … (OSC 52 + xclip)."."""
        subject = self.what or f"{self.chars:,} characters"
        size = f"{self.chars / 1000:.0f} KB" if self.chars >= 1000 else f"{self.chars} characters"
        if self.ok:
            routes = [r for r in ("OSC 52" if self.osc52 else "", self.native) if r]
            as_format = f" as {self.format_name}" if self.format_name else ""
            text = f"Copied {subject}{as_format} to the clipboard ({' + '.join(routes)})"
            if self.osc52_too_large:
                text += f"; at {size} it was too large for OSC 52"
            elif self.osc52 and self.in_tmux:
                text += "; inside tmux this needs `set -g set-clipboard on`"
            return text + "."
        if self.unknown_mode:
            reasons = [f"unknown clipboard mode {self.unknown_mode!r}; use auto, osc52 or native"]
        else:
            too_large = f"at {size} it is too large for OSC 52" if self.osc52_too_large else ""
            reasons = [r for r in (too_large, self.osc52_failure, self.native_failure) if r]
        reason = " and ".join(reasons) or "clipboard delivery is switched off"
        tail = f"; {self.fallback}" if self.fallback else ""
        return f"Could not copy {subject}: {reason}{tail}."


def clean_for_clipboard(text: str) -> str:
    """The text as it will be copied: no control characters except newline and tab."""
    return strip_controls(text)


def osc52_sequence(text: str) -> str:
    """The OSC 52 "set clipboard" sequence for ``text`` (BEL-terminated)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\x07"


def osc52_size(text: str) -> int:
    """Bytes of base64 an OSC 52 sequence for ``text`` carries."""
    return len(base64.b64encode(text.encode("utf-8")))


def osc52_fits(text: str) -> bool:
    """True when ``text`` is small enough for OSC 52 (see :data:`OSC52_MAX_BASE64`)."""
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


def deliver(
    text: str,
    mode: str,
    *,
    osc52: Sender,
    native: Sender,
    what: str = "",
    format_name: str = "",
    fallback: str = "",
) -> CopyOutcome:
    """Copy sanitized ``text`` by the routes ``mode`` names; never raises for a missing clipboard.

    ``osc52`` and ``native`` are the two routes (see :data:`Sender`); text
    over the OSC 52 limit is not offered to ``osc52``. ``what`` and
    ``format_name`` name the text in the message ("3 stories", "Markdown");
    ``fallback`` is the advice added when nothing worked.
    """
    text = clean_for_clipboard(text)
    common: dict[str, Any] = {
        "chars": len(text),
        "what": what,
        "format_name": format_name,
        "fallback": fallback,
        "in_tmux": bool(os.environ.get("TMUX")),
    }
    if mode not in MODES:
        return CopyOutcome(unknown_mode=mode, **common)
    sent = too_large = False
    osc52_failure = ""
    if mode in ("auto", "osc52"):
        too_large = not osc52_fits(text)
        if not too_large:
            osc52_failure = osc52(text)
            sent = not osc52_failure
    tool = native_failure = ""
    if mode in ("auto", "native"):
        native_failure = native(text)
        tool = "" if native_failure else native_tool_name()
    return CopyOutcome(
        osc52=sent,
        osc52_too_large=too_large,
        osc52_failure=osc52_failure,
        native=tool,
        native_failure=native_failure,
        **common,
    )


def _write(stream: IO[Any], data: str) -> None:
    """Write to a text or binary stream and flush."""
    try:
        stream.write(data)
    except TypeError:
        stream.write(data.encode("ascii"))
    stream.flush()


def send_osc52(text: str, stream: IO[Any] | None = None) -> str:
    """Write the OSC 52 sequence for ``text``; "" when written, else why not.

    Writes to ``stream`` when given, else to ``/dev/tty`` (the terminal even
    when stdout is piped into a file), else to stderr if it is a terminal.
    """
    sequence = osc52_sequence(text)
    if stream is not None:
        try:
            _write(stream, sequence)
        except (OSError, ValueError) as exc:
            return f"cannot write to the terminal: {exc}"
        return ""
    try:
        with open("/dev/tty", "w", encoding="ascii") as tty:
            _write(tty, sequence)
        return ""
    except OSError:
        pass
    if sys.stderr is not None and sys.stderr.isatty():
        try:
            _write(sys.stderr, sequence)
            return ""
        except (OSError, ValueError) as exc:
            return f"cannot write to the terminal: {exc}"
    return "there is no terminal to send OSC 52 to"


def send_native(text: str) -> str:
    """Copy ``text`` with the system's clipboard tool (pyperclip); "" when copied, else why not."""
    try:
        import pyperclip
    except ImportError:
        return "pyperclip is not installed"
    try:
        pyperclip.copy(clean_for_clipboard(text))
    except pyperclip.PyperclipException:
        return NO_TOOL
    except (OSError, RuntimeError) as exc:  # the tool exists but failed
        return f"the clipboard tool failed: {exc}"
    return ""


def copy(text: str, mode: str = "auto", *, stream: IO[Any] | None = None) -> CopyOutcome:
    """Put ``text`` on the clipboard by ``mode``: "auto" (both), "osc52" or "native".

    For the CLI: the OSC 52 sequence goes to ``stream`` (default: the
    controlling terminal). Never raises for an unavailable clipboard; the
    outcome's message says what happened.
    """
    return deliver(
        text,
        mode,
        osc52=partial(send_osc52, stream=stream),
        native=send_native,
        fallback="use -o FILE to write it to a file",
    )
