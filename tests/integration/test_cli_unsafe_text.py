"""Text that could control a terminal, in every CLI output: JSON escapes it, text drops it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from briefterm import paths
from briefterm.cli import main
from briefterm.models import ParsedEntry
from briefterm.store import Store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_unsafe_characters_are_escaped_in_json_and_dropped_in_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A title with a C1 control (8-bit CSI), a bidi override and a line separator.

    The parser strips them, but a cache written by another tool or an older
    version may hold them. JSON is data: every character comes back, the
    unsafe ones as ASCII escapes, so the text itself cannot control a
    terminal or reorder it. The one-line list and the exports drop them.
    """
    title = "Rates \x9b31m cut \u202egnikaerb\u202c today\u2028now"
    db = paths.database_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:
        feed = store.ensure_feed("https://unsafe.example/rss", "Unsafe \u202eFeed")
        store.upsert_entries(
            feed,
            [
                ParsedEntry(
                    entry_id="u1",
                    title=title,
                    link="https://unsafe.example/1",
                    published=datetime.now(UTC),
                )
            ],
        )
    unsafe = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    assert not unsafe.search(out)
    assert "\\u009b31m" in out and "\\u202e" in out and "\\u2028" in out
    [entry] = json.loads(out)
    assert entry["title"] == title  # nothing lost
    assert entry["feed"] == "Unsafe \u202eFeed"

    code, out, _ = run(capsys, "list")
    assert code == 0 and not unsafe.search(out)
    assert "Rates cut gnikaerb todaynow" in out  # the whole 8-bit CSI sequence goes

    for fmt in ("json", "md", "text"):
        code, out, _ = run(capsys, "export", "--unread", "--format", fmt)
        assert code == 0 and not unsafe.search(out), fmt
