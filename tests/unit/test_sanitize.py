"""The sanitizer: nothing from a feed may control the terminal."""

from __future__ import annotations

import pytest

from briefterm.sanitize import clean_line, clean_text, strip_controls, truncate
from briefterm.urls import safe_url
from tests.support import is_safe

HOSTILE = [
    ("osc0 title", "a\x1b]0;pwned\x07b", "ab"),
    ("osc2 st", "a\x1b]2;pwned\x1b\\b", "ab"),
    ("osc8 link", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),
    ("osc52 clipboard", "x\x1b]52;c;cm0gLXJmIH4=\x07y", "xy"),
    ("csi clear", "a\x1b[2J\x1b[31mred\x1b[0m", "ared"),
    ("8-bit csi", "a\x9b31mb", "ab"),
    ("8-bit osc", "a\x9d0;t\x07b", "ab"),
    ("c0", "a\x00b\x07c\x08d", "abcd"),
    ("c1", "a\x85b\x90c", "abc"),
    ("bidi", "safe\u202etxt.exe\u202c", "safetxt.exe"),
    ("isolates", "\u2066x\u2069", "x"),
    ("dcs", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
    ("lone esc", "ab\x1b", "ab"),
    ("two-byte escape", "a\x1bcb", "ab"),  # ESC c (reset) is one sequence
]


@pytest.mark.parametrize(("raw", "expected"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_controls_and_escapes_are_removed(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected
    assert is_safe(clean_text(raw))


def test_markup_is_left_as_text() -> None:
    assert clean_line("[/] [@click=app.quit]x[/] [link=file:///etc]") == (
        "[/] [@click=app.quit]x[/] [link=file:///etc]"
    )


def test_newlines_tabs_and_whitespace() -> None:
    assert strip_controls("a\r\nb\rc\td") == "a\nb\nc\td"
    assert clean_text("  one \n\n\n\n two  ") == "one\n\ntwo"
    assert clean_line("one\ntwo\tthree") == "one two three"


def test_zero_width_runs_squeezed_but_emoji_zwj_kept() -> None:
    family = "👨\u200d👩\u200d👧"
    assert clean_line(family) == family
    assert clean_line("a\u200b\u200b\u200b\u200bb") == "a\u200bb"


def test_cjk_and_emoji_survive() -> None:
    assert clean_line("国产芯片 🚀 出货") == "国产芯片 🚀 出货"


def test_truncation() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert len(clean_line("x" * 20_000, max_length=500)) == 500


def test_surrogates_removed() -> None:
    assert clean_line("a\ud800b") == "ab"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("HTTP://EXAMPLE.com", "HTTP://EXAMPLE.com"),
        ("javascript:alert(1)", ""),
        ("file:///etc/passwd", ""),
        ("|rm -rf ~", ""),
        ("data:text/html,x", ""),
        ("mailto:a@example.com", ""),
        ("", ""),
    ],
)
def test_safe_url(url: str, expected: str) -> None:
    assert safe_url(url) == expected


def test_safe_url_mailto_when_allowed() -> None:
    assert safe_url("mailto:a@example.com", allow_mailto=True) == "mailto:a@example.com"


@pytest.mark.parametrize(
    "sample",
    ["plain title", "  spaced   out ", "[/] [@click=app.quit]", "x" * 700, " https://e.com/x "],
)
def test_ascii_fast_path_matches_general_path(sample: str) -> None:
    # The general path, forced by a non-ASCII character that it then drops.
    assert clean_line(sample, max_length=500) == clean_line(sample + "\x85", max_length=500)


def test_unterminated_8bit_osc_drops_only_the_control() -> None:
    # "Ý" in cp1252 text mis-read as Latin-1 is a lone 0x9D.
    assert clean_line("Caf\x9d and the rest of the title") == "Caf and the rest of the title"
    assert clean_line("a\x9d0;title\x07b") == "ab"  # a terminated one goes whole


@pytest.mark.parametrize("url", ["http://[oops/", "https://", "http:///path-only"])
def test_safe_url_refuses_urls_without_a_usable_host(url: str) -> None:
    assert safe_url(url) == ""


def test_combining_table_matches_unicodedata() -> None:
    import re
    import unicodedata

    from briefterm._combining import COMBINING_CLASS, UNICODE_VERSION

    marks = re.compile(f"[{COMBINING_CLASS}]")
    in_table = {c for c in range(0x110000) if marks.match(chr(c))}
    combining = {c for c in range(0x110000) if unicodedata.combining(chr(c))}
    # Every character in the table is still a reordering mark; on the Unicode
    # version it was made from, the table is exactly those marks.
    assert in_table <= combining
    if unicodedata.unidata_version == UNICODE_VERSION:
        assert in_table == combining


@pytest.mark.parametrize(
    "text",
    [
        "word " * 3000,
        "\x1b]0;" + "x" * 2500 + "\x07 after the title",  # an OSC across the head's end
        ("e\u0301 \u3000 " * 1200) + "end",
        "a\r\n" * 2000,
        "日本語のテキスト" * 400,
    ],
)
def test_long_text_from_its_head_is_the_same_answer(text: str) -> None:
    # Cleaning a long text's head must give what cleaning all of it gives.
    for max_length in (100, 500):
        assert clean_line(text, max_length=max_length) == truncate(
            clean_line(text, max_length=None), max_length
        )
        assert clean_text(text, max_length=max_length) == truncate(
            clean_text(text, max_length=None), max_length
        )
