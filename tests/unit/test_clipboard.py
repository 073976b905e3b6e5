"""Clipboard delivery: OSC 52 bytes, size cap, sanitizing, the native fallback, one outcome."""

from __future__ import annotations

import base64
import io
import re

import pyperclip
import pytest

from briefterm.clipboard import (
    NO_TOOL,
    OSC52_MAX_BASE64,
    CopyOutcome,
    copy,
    osc52_fits,
    osc52_sequence,
    osc52_size,
    send_native,
)

OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def decode(written: str) -> str:
    match = OSC52.fullmatch(written)
    assert match, written
    return base64.b64decode(match.group(1)).decode("utf-8")


@pytest.fixture
def no_native(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str) -> None:
        raise pyperclip.PyperclipException("no mechanism")

    monkeypatch.setattr(pyperclip, "copy", fail)


def test_osc52_to_a_stream_decodes_back_to_the_text(no_native: None) -> None:
    stream = io.StringIO()
    text = "Brief — 新闻 ✓\nline two\ttabbed"
    result = copy(text, "osc52", stream=stream)
    assert result.ok and result.method == "osc52"
    assert decode(stream.getvalue()) == text


def test_osc52_works_on_binary_streams_too(no_native: None) -> None:
    stream = io.BytesIO()
    assert copy("hello", "osc52", stream=stream).ok
    assert decode(stream.getvalue().decode("ascii")) == "hello"


def test_text_is_sanitized_before_copying(no_native: None) -> None:
    stream = io.StringIO()
    copy("a\x1b[201~b\x1b]52;c;eHh4\x07c\x00d\u202ee\nf", "osc52", stream=stream)
    assert decode(stream.getvalue()) == "abcde\nf"
    # Only one OSC 52 sequence was written: nothing from the text got through raw.
    assert stream.getvalue().count("\x1b") == 1


def test_oversized_payload_is_not_sent_by_osc52(no_native: None) -> None:
    big = "x" * (OSC52_MAX_BASE64 * 3 // 4 + 10)
    stream = io.StringIO()
    result = copy(big, "osc52", stream=stream)
    assert not result.ok and stream.getvalue() == ""
    assert "too large for OSC 52" in result.message
    assert result.message.startswith("Could not copy")


def test_oversized_payload_goes_native_when_available(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    big = "y" * (OSC52_MAX_BASE64)
    result = copy(big, "auto", stream=io.StringIO())
    assert result.ok and result.method == "native"
    assert copied == [big]


def test_auto_uses_both_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    stream = io.StringIO()
    result = copy("both\x07", stream=stream)
    assert result.ok and result.method == "native+osc52"
    assert copied == ["both"] and decode(stream.getvalue()) == "both"
    assert "set-clipboard on" in result.message


def test_missing_clipboard_mechanism_is_reported_not_raised(no_native: None) -> None:
    result = copy("text", "native")
    assert not result.ok and result.method == ""
    assert "no clipboard tool was found" in result.message
    assert send_native("text") == NO_TOOL


def test_no_terminal_and_no_native(no_native: None, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = open

    def no_tty(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path == "/dev/tty":
            raise OSError("no tty")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_tty)
    monkeypatch.setattr("briefterm.clipboard.sys.stderr", io.StringIO())
    result = copy("text")
    assert not result.ok
    assert "no terminal" in result.message and "no clipboard tool" in result.message


def test_unknown_mode_and_sequence_shape() -> None:
    assert not copy("x", "fax").ok
    assert osc52_sequence("hi") == "\x1b]52;c;aGk=\x07"


def test_osc52_limit_is_counted_in_base64_bytes() -> None:
    fits = "a" * (OSC52_MAX_BASE64 // 4 * 3)
    assert osc52_size(fits) == OSC52_MAX_BASE64 and osc52_fits(fits)
    assert not osc52_fits(fits + "aaa")
    wide = "芯" * (OSC52_MAX_BASE64 // 4)  # 3 bytes each: exactly the limit
    assert len(base64.b64encode(wide.encode())) == OSC52_MAX_BASE64 and osc52_fits(wide)
    assert not osc52_fits(wide + "芯")


def test_copy_outcome_messages() -> None:
    both = CopyOutcome(5000, "10 stories", "Markdown", osc52=True, native="xclip")
    assert both.message == "Copied 10 stories as Markdown to the clipboard (OSC 52 + xclip)."
    big = CopyOutcome(120_000, "1 story", "JSON", osc52_too_large=True, native="wl-copy")
    assert big.ok and "(wl-copy)" in big.message and "too large for OSC 52" in big.message
    tmux = CopyOutcome(80, "2 stories", "links", osc52=True, native_failure=NO_TOOL, in_tmux=True)
    assert "set -g set-clipboard on" in tmux.message
    failed = CopyOutcome(
        120_000, "3 stories", "plain text", osc52_too_large=True, native_failure=NO_TOOL
    )
    assert not failed.ok
    assert failed.message.startswith("Could not copy 3 stories: at 120 KB it is too large")
    assert "xclip" in failed.message
