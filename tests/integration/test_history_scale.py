"""A few hundred real-shaped feeds with years of history: the first brief is still a brief.

`config init`, `import-opml`, `poll` (the real poller, over loopback HTTP),
then `brief --format md` and `export --ids`, on the generated subscription
list of tests/support/history_feeds.py: ~300 feeds, ~8,700 entries back to
2014, same sites subscribed twice, wires copying subscribed publishers,
sites without dates.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefterm import paths
from briefterm.cli import main
from briefterm.store import Store
from briefterm.urls import host_of
from tests.support.history_feeds import Corpus, make_corpus
from tests.support.loopback import LoopbackServer, Reply

Json = dict[str, Any]
NOW = time.time()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def site(url: str) -> str:
    return host_of(url).removeprefix("www.")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return make_corpus(feeds=300, items=30, now=NOW)


@pytest.fixture
def polled(
    capsys: pytest.CaptureFixture[str], corpus: Corpus, tmp_path: Path
) -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        for path, body in corpus.feeds.items():
            server.route(path, Reply(body=body, content_type="application/xml"))
        opml = tmp_path / "subs.opml"
        opml.write_text(corpus.opml.replace("{server}", server.url("").rstrip("/")))
        assert run(capsys, "config", "init")[0] == 0
        code, out, _ = run(capsys, "import-opml", str(opml))
        assert code == 0 and out.startswith(f"{len(corpus.feeds)} feeds added")
        code, out, err = run(capsys, "poll")
        assert code == 0, err
        assert f"{len(corpus.feeds)} feeds polled" in out and "0 errors" in out
        yield server


def test_first_brief_of_years_of_history(
    capsys: pytest.CaptureFixture[str], corpus: Corpus, polled: LoopbackServer
) -> None:
    with Store(paths.database_path()) as store:
        assert store.entry_count() == corpus.entries
    code, out, err = run(capsys, "brief", "--format", "json")
    assert code == 0, err
    data: Json = json.loads(out)
    clusters = [c for s in data["sections"] for c in s["clusters"]]
    entries = {e["id"]: e for c in clusters for e in c["entries"]}
    assert 0 < len(entries) < corpus.entries // 8
    # Only the last day's stories (undated items: first seen by this poll).
    for entry in entries.values():
        assert entry["time"] >= time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - 86460))
    # A feed without dates shows three stories; its backlog waits in "N more".
    undated_shown: dict[str, int] = {}
    for cluster in clusters:
        lead = entries[cluster["lead"]]
        if lead["undated"]:
            undated_shown[lead["feed_url"]] = undated_shown.get(lead["feed_url"], 0) + 1
    assert len(undated_shown) == len(corpus.undated)
    assert set(undated_shown.values()) == {3}
    hidden = sum(s["hidden_count"] for s in data["sections"])
    assert hidden >= len(corpus.undated) * 20
    # No undated key story.
    assert data["key_stories"] and not any(entries[i]["undated"] for i in data["key_stories"])
    # No story lists its own outlet; no outlet is listed twice.
    for cluster in clusters:
        lead = entries[cluster["lead"]]
        also = [entries[i] for i in cluster["also_reported_by"]]
        outlets = [site(lead["source_url"] or lead["link"])]
        outlets += [site(e["source_url"] or e["link"]) for e in also]
        assert len(set(outlets)) == len(outlets), cluster["ids"]
    # A site subscribed twice counts once.
    pair_urls = {polled.url(path) for pair in corpus.pairs for path in pair}
    paired = [c for c in clusters if {entries[i]["feed_url"] for i in c["ids"]} <= pair_urls]
    assert paired and all(c["source_count"] == 1 for c in paired if len(c["ids"]) == 2)
    assert any(c["source_count"] >= 3 for c in clusters)  # events told by several outlets

    code, md, _ = run(capsys, "brief", "--format", "md")
    assert (
        code == 0 and md.startswith("# Morning brief — ") and "last 24 hours" in md.splitlines()[0]
    )
    key = md.split("## Key stories", 1)[1].split("\n## ", 1)[0]
    assert "· seen " not in key
    # Every date that is not this year's shows its year (the brief has none older).
    this_year = time.localtime().tm_year
    for stamp in re.findall(r"· (\d{1,2} [A-Z][a-z]{2}(?: \d{4})?) \d\d:\d\d", md):
        assert re.search(r" \d{4}$", stamp) or time.localtime(NOW).tm_year == this_year

    # `export --ids` of a multi-report story is that one story.
    story = next(c for c in clusters if c["source_count"] >= 2)
    code, text, err = run(capsys, "export", "--ids", *map(str, story["ids"]), "--format", "text")
    assert code == 0, err
    assert text.startswith("1 story from the Morning brief, ")
    assert f"({story['source_count']} sources)" in text and "KEY STORIES" not in text


def test_the_history_stays_reachable_with_years(
    capsys: pytest.CaptureFixture[str], polled: LoopbackServer
) -> None:
    code, out, _ = run(capsys, "list", "--limit", "20000")
    assert code == 0
    years = {int(m) for m in re.findall(r"^\s*\d+ .. (\d{4})-", out, flags=re.MULTILINE)}
    assert min(years) <= time.localtime(NOW).tm_year - 10
    code, md, _ = run(capsys, "export", "--unread", "--format", "md")
    assert code == 0
    this_year = time.localtime(NOW).tm_year
    dated = re.findall(r"· \d{1,2} [A-Z][a-z]{2}( \d{4})? \d\d:\d\d", md)
    with_year = [y for y in dated if y]
    assert with_year and all(int(y) != this_year for y in with_year)
