"""The sync package's rules for untrusted server values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefterm.errors import SyncError
from briefterm.sync import RemoteCounters, RemoteEntry, clean


def test_strings_links_and_html() -> None:
    assert clean.line("  a\x1b[31m\tb\n c ") == "a b c"
    assert clean.line(42) == ""
    assert clean.line("x" * 600).endswith("…") and len(clean.line("x" * 600)) == 500
    assert clean.url("javascript:alert(1)") == "" and clean.url(["http://a.test/"]) == ""
    assert clean.url("https://a.test/x y") == "https://a.test/x%20y"
    assert clean.html("<p>a\x07</p>\x1b[2J") == "<p>a</p>"
    assert len(clean.html("y" * 300_000)) == clean.MAX_CONTENT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (1, True),
        ("t", True),
        ("true", True),
        ("1", True),
        ("f", False),
        ("false", False),
        ("", False),
        (0, False),
        (None, False),
        ([1], False),
    ],
)
def test_php_booleans(value: object, expected: bool) -> None:
    assert clean.flag(value) is expected


def test_ids_and_timestamps() -> None:
    assert clean.decimal_id("007") == "7" and clean.decimal_id(12) == "12"
    for bad in (-1, "1e3", "12; DROP", True, None, 1.5, "9" * 21):
        assert clean.decimal_id(bad) is None
    with pytest.raises(SyncError, match="without a valid id"):
        clean.need_id("x", "tt-rss at host", "an article")
    assert clean.timestamp("1764583200") == datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
    assert clean.timestamp(1764583200123, scale=1000) == datetime(
        2025, 12, 1, 10, 0, 0, 123000, tzinfo=UTC
    )
    for junk in (0, -5, "soon", 10**15, True, None):
        assert clean.timestamp(junk) is None


def test_entry_becomes_a_parsed_entry_keyed_by_its_remote_id() -> None:
    entry = RemoteEntry(
        id="42",
        feed_id="3",
        title="T",
        link="http://a.test/",
        author="A",
        content_html="<script>x()</script><p>Hello <b>there</b></p>",
        published=None,
        updated=None,
        read=True,
        starred=False,
    )
    parsed = entry.to_parsed()
    assert (parsed.entry_id, parsed.title, parsed.summary) == ("42", "T", "Hello there")
    assert parsed.content_html == entry.content_html


def test_counters_say_which_feeds_changed() -> None:
    before = RemoteCounters({"1": 3, "2": 1}, 4)
    after = RemoteCounters({"1": 3, "3": 2}, 4)
    assert after.changed_feeds(before) == {"2", "3"}
    assert after.changed_feeds(after) == frozenset()
