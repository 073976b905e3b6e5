"""Clipboard delivery for the headless CLI: OSC 52 and the system's copy tool.

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

Inside the Textual app, the app uses ``App.copy_to_clipboard`` (OSC 52) and
:func:`native_copy`; :func:`copy` is for the CLI.
"""

from __future__ import annotations

import base64
import os
import sys
from dataclasses import dataclass
from typing import IO, Any

from briefterm.sanitize import strip_controls

OSC52_MAX_BASE64 = 100_000
"""Largest base64 payload sent by OSC 52 (~75 KB of text); many terminals cap near this."""

MODES = ("auto", "osc52", "native")


@dataclass(frozen=True, slots=True)
class CopyResult:
    """Outcome of a copy: whether any method worked, which, and a one-line message."""

    ok: bool
    method: str  # "native", "osc52", "native+osc52" or "" when nothing worked
    message: str


def clean_for_clipboard(text: str) -> str:
    """The text as it will be copied: no control characters except newline and tab."""
    return strip_controls(text)


def osc52_sequence(text: str) -> str:
    """The OSC 52 "set clipboard" sequence for ``text`` (BEL-terminated)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\x07"


def _write(stream: IO[Any], data: str) -> None:
    """Write to a text or binary stream and flush."""
    try:
        stream.write(data)
    except TypeError:
        stream.write(data.encode("ascii"))
    stream.flush()


def send_osc52(text: str, stream: IO[Any] | None = None) -> tuple[bool, str]:
    """Send ``text`` by OSC 52; return (ok, reason when not ok).

    Writes to ``stream`` when given, else to ``/dev/tty`` (the terminal even
    when stdout is piped into a file), else to stderr if it is a terminal.
    """
    sequence = osc52_sequence(text)
    if len(sequence) - len("\x1b]52;c;\x07") > OSC52_MAX_BASE64:
        return False, (
            f"the text is too long for OSC 52 ({len(text):,} characters; terminals accept "
            f"about {OSC52_MAX_BASE64 * 3 // 4 // 1000} KB)"
        )
    if stream is not None:
        try:
            _write(stream, sequence)
        except (OSError, ValueError) as exc:
            return False, f"cannot write to the terminal: {exc}"
        return True, ""
    try:
        with open("/dev/tty", "w", encoding="ascii") as tty:
            _write(tty, sequence)
        return True, ""
    except OSError:
        pass
    if sys.stderr is not None and sys.stderr.isatty():
        try:
            _write(sys.stderr, sequence)
            return True, ""
        except (OSError, ValueError) as exc:
            return False, f"cannot write to the terminal: {exc}"
    return False, "there is no terminal to send OSC 52 to"


def _native(text: str) -> tuple[bool, str]:
    """Copy with pyperclip; return (ok, reason when not ok)."""
    try:
        import pyperclip
    except ImportError:
        return False, "pyperclip is not installed"
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        return False, "no clipboard tool found (install wl-clipboard, xclip or xsel)"
    except (OSError, RuntimeError) as exc:  # the tool exists but failed
        return False, f"the clipboard tool failed: {exc}"
    return True, ""


def native_copy(text: str) -> bool:
    """Copy sanitized ``text`` with the system's clipboard tool; False if there is none."""
    ok, _reason = _native(clean_for_clipboard(text))
    return ok


def copy(text: str, mode: str = "auto", *, stream: IO[Any] | None = None) -> CopyResult:
    """Put ``text`` on the clipboard by ``mode``: "auto" (both), "osc52" or "native".

    The text is sanitized first. ``stream`` is where the OSC 52 sequence is
    written (default: the controlling terminal). Never raises for an
    unavailable clipboard; the result's message says what happened.
    """
    if mode not in MODES:
        return CopyResult(False, "", f"unknown clipboard mode {mode!r}; use auto, osc52 or native")
    text = clean_for_clipboard(text)
    size = f"{len(text):,} characters"
    methods: list[str] = []
    reasons: list[str] = []
    if mode in ("auto", "native"):
        ok, reason = _native(text)
        if ok:
            methods.append("native")
        else:
            reasons.append(reason)
    if mode in ("auto", "osc52"):
        ok, reason = send_osc52(text, stream)
        if ok:
            methods.append("osc52")
        else:
            reasons.append(reason)
    if methods:
        how = " and ".join(
            "the system clipboard tool" if m == "native" else "OSC 52" for m in methods
        )
        message = f"Copied {size} with {how}."
        if "osc52" in methods and os.environ.get("TMUX"):
            message += " Inside tmux, OSC 52 needs `set -g set-clipboard on`."
        return CopyResult(True, "+".join(methods), message)
    return CopyResult(False, "", f"Not copied: {'; '.join(reasons)}.")
