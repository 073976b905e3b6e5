"""A new user's first run on real-shaped feeds, through the CLI and the real poller.

`config init`, `import-opml`, `poll`, `brief`: the first brief is the last
day, not the history; stories count outlets; undated items say so; an
exported cluster stays one story; finishing a brief is explained; `feeds`
shows every column at 80 and 100 columns; `add` tries each feed a page
links; `config check` lists every problem at once.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from briefterm import paths
from briefterm.brief import finish_brief
from briefterm.cli import main
from briefterm.config import load_config
from briefterm.store import Store
from tests.support.briefs_data import opml_for, serve_fixtures
from tests.support.loopback import LoopbackServer, Reply

Json = dict[str, Any]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def polled(
    capsys: pytest.CaptureFixture[str], server: LoopbackServer, tmp_path: Path
) -> dict[str, str]:
    """`config init`, `import-opml` and one `poll` of the fixture feeds (dated today)."""
    urls = serve_fixtures(server, datetime.now(UTC))
    opml = tmp_path / "subs.opml"
    opml.write_bytes(opml_for(server))
    assert run(capsys, "config", "init")[0] == 0
    code, out, err = run(capsys, "import-opml", str(opml))
    assert code == 0 and out.startswith("6 feeds added, 0 skipped"), err
    code, out, err = run(capsys, "poll")
    assert code == 0 and "0 errors" in out, out + err
    return urls


def brief_json(capsys: pytest.CaptureFixture[str], *extra: str) -> Json:
    code, out, err = run(capsys, "brief", "--format", "json", *extra)
    assert code == 0, err
    data: Json = json.loads(out)
    return data


def local_year(iso: str) -> int:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().year


def clusters_of(data: Json) -> list[Json]:
    return [c for s in data["sections"] for c in s["clusters"]]


def test_init_then_poll_contacts_nothing(
    capsys: pytest.CaptureFixture[str], server: LoopbackServer
) -> None:
    server.route("/", Reply(body=b"nothing to see"))
    assert run(capsys, "config", "init")[0] == 0
    code, _, err = run(capsys, "poll")
    assert code == 0 and "no feeds yet" in err
    assert server.requests == []
    assert load_config().feeds == () and load_config().sections == ()


def test_first_brief_is_the_last_day(
    capsys: pytest.CaptureFixture[str], polled: dict[str, str]
) -> None:
    data = brief_json(capsys)
    day_ago = time.time() - 86400 - 600
    entries = [e for c in clusters_of(data) for e in c["entries"]]
    assert entries
    for entry in entries:
        when = datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp()
        assert when >= day_ago, entry["title"]
    with Store(paths.database_path()) as store:
        assert store.entry_count() == 24  # the history is cached, not briefed
    titles = {c["entries"][0]["title"] for c in clusters_of(data)}
    assert "Harbor Ledger launches its daily business page" not in titles
    # Sections come from the OPML folders ("World > Americas" keeps both names).
    assert [s["name"] for s in data["sections"]] == [
        "Business",
        "World / Americas",
        "Blogs",
        "Other",
    ]
    # `--since` counts publication time too: 3 days back adds the dredger story only.
    since = brief_json(capsys, "--since", "3d")
    added = {c["entries"][0]["title"] for c in clusters_of(since)} - titles
    assert added == {"Shipyard in Orrin Bay wins dredger contract"}


def test_outlets_undated_items_and_years(
    capsys: pytest.CaptureFixture[str], polled: dict[str, str]
) -> None:
    data = brief_json(capsys)
    by_id = {e["id"]: e for c in clusters_of(data) for e in c["entries"]}
    key = [by_id[i] for i in data["key_stories"]]
    assert key and not any(e["undated"] for e in key)  # no undated key story
    port = next(c for c in clusters_of(data) if "Port of Calder" in c["entries"][0]["title"])
    assert port["source_count"] == 2 and len(port["ids"]) == 3
    frost = next(c for c in clusters_of(data) if "frost" in c["entries"][0]["title"])
    assert frost["source_count"] == 1 and len(frost["ids"]) == 2  # RSS + Atom: one outlet
    for cluster in clusters_of(data):  # never the story's own outlet
        lead = by_id[cluster["lead"]]
        assert lead["feed"] not in {by_id[i]["feed"] for i in cluster["also_reported_by"]}

    code, md, _ = run(capsys, "brief", "--format", "md")
    assert code == 0
    assert md.count("· seen ") == 3  # the undated items say so
    assert "Also reported by: [Capitol Report]" in md and "Also reported by: [Harbor" not in md
    # Everything cached, exported: every date not in this year shows its year.
    code, everything, _ = run(capsys, "export", "--unread", "--format", "md")
    assert code == 0 and "Ten years of Field Notes" in everything
    assert everything.startswith("# 19 unread stories, ")  # dated by the export, not the items
    code, out, _ = run(capsys, "export", "--unread", "--format", "json")
    leads = [by for c in clusters_of(json.loads(out)) for by in c["entries"][:1]]
    year = datetime.now().year
    old = sum(1 for e in leads if not e["undated"] and local_year(e["time"]) != year)
    stamps = re.findall(r"· \d{1,2} [A-Z][a-z]{2}( \d{4})? \d\d:\d\d", everything)
    assert old >= 8 and sum(1 for y in stamps if y) == old


def test_export_ids_of_a_cluster_is_one_story(
    capsys: pytest.CaptureFixture[str], polled: dict[str, str]
) -> None:
    data = brief_json(capsys)
    port = next(c for c in clusters_of(data) if "Port of Calder" in c["entries"][0]["title"])
    ids = [str(i) for i in port["ids"]]
    code, text, err = run(capsys, "export", "--ids", *ids, "--format", "text")
    assert code == 0, err
    assert text.startswith("1 story from the Morning brief, ")
    assert "KEY STORIES" not in text and text.count("Port of Calder") == 1
    assert "(2 sources)" in text and "utm_" not in text
    code, out, _ = run(capsys, "export", "--ids", *ids, "--format", "json")
    exported = json.loads(out)
    assert [len(c["ids"]) for c in clusters_of(exported)] == [3]
    assert exported["excerpt"] is True


def test_after_finishing_brief_says_the_edition_is_new(
    capsys: pytest.CaptureFixture[str], polled: dict[str, str]
) -> None:
    before = brief_json(capsys)
    with Store(paths.database_path()) as store:
        finish_brief(store)  # what F in the reader does
    code, out, err = run(capsys, "brief", "--format", "md")
    assert code == 0 and "No stories in this edition." in out
    assert "a new edition began when you finished the last brief" in err
    assert "`briefterm brief --previous`" in err
    after = brief_json(capsys, "--previous")
    assert [c["ids"] for c in clusters_of(after)] == [c["ids"] for c in clusters_of(before)]


@pytest.mark.parametrize("columns", [80, 100])
def test_feeds_table_keeps_every_column(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: LoopbackServer,
    polled: dict[str, str],
    columns: int,
) -> None:
    # One feed fails from now on, with a long error.
    server.route("/capitol-report.xml", Reply(status=503, body=b"down for maintenance"))
    assert run(capsys, "poll", "--all")[0] == 0
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = run(capsys, "feeds")
    assert code == 0
    lines = out.splitlines()
    assert all(len(line) <= columns for line in lines), out
    assert lines[0].split()[:9] == [
        "feed",
        *("section", "status", "last", "ok", "next", "entries", "unread", "starred"),
    ]
    ledger = next(line for line in lines if line.startswith("Harbor Ledger "))
    assert re.search(r"\bok\b.* 9 +9 +0\b", ledger), ledger
    failing = next(i for i, line in enumerate(lines) if line.startswith("Capitol Report "))
    assert "error" in lines[failing] and re.search(r" 3 +3 +0\b", lines[failing])
    shown = " ".join(line.strip() for line in lines[failing : failing + 3])
    assert "HTTP 503" in shown


def test_add_tries_each_feed_a_page_links(
    capsys: pytest.CaptureFixture[str], server: LoopbackServer
) -> None:
    urls = serve_fixtures(server, datetime.now(UTC))
    server.route("/comments.rss", Reply(status=404, body=b"no comments feed"))
    server.route(
        "/blog.html",
        Reply(
            body=b'<html><head><link rel="alternate" type="application/rss+xml" '
            b'title="Comments" href="/comments.rss">'
            b'<link rel="alternate" type="application/atom+xml" title="Posts" '
            b'href="/fieldnotes.atom"></head><body>blog</body></html>',
            content_type="text/html",
        ),
    )
    code, out, err = run(capsys, "add", server.url("/blog.html"), "--no-poll")
    assert code == 0, err
    assert f"skipped {server.url('/comments.rss')}: HTTP 404" in out
    assert f"subscribed: Field Notes ({urls['fieldnotes.atom']})" in out
    # Adding it again with --section updates the subscription, and says so.
    code, out, _ = run(capsys, "add", urls["fieldnotes.atom"], "--section", "Blogs")
    assert code == 0 and "updated its section 'Blogs'" in out
    feed = load_config().feed(urls["fieldnotes.atom"])
    assert feed is not None and feed.section == "Blogs"
    code, out, _ = run(capsys, "add", urls["fieldnotes.atom"], "--section", "Blogs")
    assert "already those" in out
    # A feed written in config.toml is not edited: the command says it did not change it.
    cfg = paths.config_path()
    cfg.write_text(f'[[feeds]]\nurl = "{urls["capitol-report.xml"]}"\n', encoding="utf-8")
    code, _, err = run(capsys, "add", urls["capitol-report.xml"], "--name", "CR")
    assert code == 1 and "not changed" in err and "config.toml" in err


def test_config_check_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    cfg = paths.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        '[poll]\ntimeout = "fast"\nconcurency = 4\n'
        '[[feeds]]\nurl = "ftp://x.example/feed"\n'
        '[[feeds]]\nname = "no url"\n'
        '[[sections]]\nname = "A"\nlimit = 0\n'
        '[brief]\nkey_stories = "five"\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "config", "check")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 6, err
    assert all(line.startswith(f"briefterm: {cfg}: ") for line in lines)
    joined = "\n".join(lines)
    for expected in (
        "poll.timeout must be a positive number",
        "unknown key poll.concurency (did you mean poll.concurrency?)",
        "feeds[1].url must be an http(s) URL",
        "feeds[2] has no url",
        "sections[1].limit must be a whole number",
        "brief.key_stories must be a whole number",
    ):
        assert expected in joined


def test_config_check_asks_the_reader_about_theme_and_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cfg = paths.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[ui]\ntheme = "nosuch"\n', encoding="utf-8")
    code, _, err = run(capsys, "config", "check")
    assert code == 2
    assert 'ui.theme "nosuch" is not a theme the reader knows' in err
    cfg.write_text('[ui]\ntheme = "gruvbox"\n', encoding="utf-8")
    assert run(capsys, "config", "check")[0] == 0
