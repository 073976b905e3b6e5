"""The demo: bundled sample feeds, their loopback server, and the polled demo cache."""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from briefterm import paths
from briefterm.brief.cluster import cluster_entries
from briefterm.cli import main
from briefterm.config import Config
from briefterm.demo import (
    DemoServer,
    demo_config_text,
    feed_files,
    prepare_demo,
    render_feed,
)
from briefterm.errors import BrieftermError
from briefterm.parse import discover_feed_links, parse_feed
from briefterm.poller import FeedResult, poll
from briefterm.store import EntryFilter, Store
from briefterm.urls import canonical_url

CHINESE_TITLE = "启明发布新一代开源大模型，推理成本下降四成"
MARKUP_TITLE = "Markup 101: in terminal styling, [bold] opens a tag and [/] closes it"
EMOJI_TITLE = "Corvid Aerospace's third flight reaches orbit 🚀"

# Entries per feed on the first poll (the wire's late-breaking item comes later).
EXPECTED_COUNTS = {
    "The Morning Ledger": 16,
    "Capitol Circuit": 13,
    "Wirestream": 20,
    "Gadget Gazette": 14,
    "Lab Notes Daily": 12,
    "Boardroom Moves": 12,
    "科技晨报": 12,
}


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


# -- placeholders ------------------------------------------------------------------


def test_render_feed_fills_rfc822_and_iso_dates() -> None:
    anchor = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC
    data = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<rss><pubDate>{{ago:2h30m}}</pubDate>'
        b"<updated>{{ago-iso:26h}}</updated><x>{{ago:45m}}</x></rss>"
    )
    out = render_feed(data, anchor=anchor).decode("utf-8")
    assert "{{" not in out
    rfc822 = re.search(r"<pubDate>(.*?)</pubDate>", out).group(1)
    assert rfc822.endswith("GMT")
    assert parsedate_to_datetime(rfc822).timestamp() == anchor - 2.5 * 3600
    iso = re.search(r"<updated>(.*?)</updated>", out).group(1)
    assert iso == "2027-01-14T06:00:00Z"
    assert parsedate_to_datetime(re.search(r"<x>(.*?)</x>", out).group(1)).timestamp() == (
        anchor - 45 * 60
    )


def test_render_feed_later_block_only_when_asked() -> None:
    data = (
        b"<rss>\n<!--{{later}}-->\n<item>late</item>\n<!--{{/later}}-->\n<item>early</item></rss>"
    )
    first = render_feed(data, anchor=0, include_later=False)
    again = render_feed(data, anchor=0, include_later=True)
    assert b"late" not in first and b"early" in first
    assert b"<item>late</item>" in again and b"{{" not in again


def test_render_feed_keeps_gb18030_encoding() -> None:
    raw = feed_files()["kejichenbao.xml"]
    assert raw.startswith(b'<?xml version="1.0" encoding="GB18030"?>')
    out = render_feed(raw, anchor=time.time())
    assert CHINESE_TITLE.encode("gb18030") in out
    with pytest.raises(UnicodeDecodeError):
        out.decode("utf-8")  # really GB18030 on the wire, not UTF-8
    assert "{{" not in out.decode("gb18030")


def test_every_feed_file_is_in_the_demo_config() -> None:
    text = demo_config_text("http://127.0.0.1:9")
    assert "{server}" not in text
    for name in feed_files():
        assert f'url = "http://127.0.0.1:9/feeds/{name}"' in text
    assert len(feed_files()) == len(EXPECTED_COUNTS)


@pytest.mark.parametrize("name", sorted(feed_files()))
def test_each_sample_feed_parses_cleanly(name: str) -> None:
    data = render_feed(feed_files()[name], anchor=time.time(), include_later=False)
    parsed = parse_feed(data, url="")
    assert parsed.title in EXPECTED_COUNTS
    assert len(parsed.entries) == EXPECTED_COUNTS[parsed.title]
    assert all(e.title and e.link.startswith("https://") and e.published for e in parsed.entries)
    # Links never point at real sites' articles.
    hosts = {re.match(r"https://([^/]+)/", e.link).group(1) for e in parsed.entries}
    assert all(re.search(r"\.example\.(com|org|net)$", h) for h in hosts), hosts


# -- the server ----------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer() as srv:
        yield srv


def test_server_serves_feeds_with_etag_and_304(server: DemoServer) -> None:
    url = server.feed_url("morning-ledger.xml")
    assert url.startswith("http://127.0.0.1:")
    status, headers, body = _get(url)
    assert status == 200
    assert headers["Content-Type"] == "application/rss+xml"
    assert b"<title>The Morning Ledger</title>" in body
    status, _, body2 = _get(url, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body2 == b""
    # Same anchor, same bytes: a plain re-fetch is identical.
    assert _get(url)[2] == body


def test_server_adds_late_item_after_first_request(server: DemoServer) -> None:
    url = server.feed_url("wirestream.xml")
    first = _get(url)[2]
    second = _get(url)[2]
    assert b"Kestrel Freight suspends two routes" not in first
    assert b"Kestrel Freight suspends two routes" in second
    assert server.requests["/feeds/wirestream.xml"] == 2


def test_server_index_page_supports_feed_discovery(server: DemoServer) -> None:
    status, headers, body = _get(server.base_url + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    links = discover_feed_links(body, server.base_url + "/")
    assert server.feed_url("gadget-gazette.atom") in links
    assert len(links) == len(EXPECTED_COUNTS)


def test_server_refuses_unknown_paths(server: DemoServer) -> None:
    assert _get(server.base_url + "/feeds/../demo.py")[0] == 404
    assert _get(server.base_url + "/feeds/demo.toml")[0] == 404
    assert _get(server.base_url + "/etc/passwd")[0] == 404


# -- the polled demo cache -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Config, Store, DemoServer]]:
    seen: list[FeedResult] = []
    config, store, server = prepare_demo(tmp_path_factory.mktemp("demo"), progress=seen.append)
    assert len(seen) == len(EXPECTED_COUNTS)  # progress reported every feed
    yield config, store, server
    store.close()
    server.close()


def test_prepare_demo_polls_every_feed_ok(demo: tuple[Config, Store, DemoServer]) -> None:
    config, store, server = demo
    assert config.path is not None and config.path.parent != paths.config_dir()
    assert all(f.url.startswith(server.base_url) for f in config.feeds)
    feeds = {f.title: f for f in store.feeds()}
    assert {name: f.entry_count for name, f in feeds.items()} == EXPECTED_COUNTS
    for feed in feeds.values():
        assert feed.last_error is None and feed.last_status == 200 and feed.error_count == 0
    assert store.entry_count() == sum(EXPECTED_COUNTS.values())


def test_demo_never_touches_the_users_files(
    demo: tuple[Config, Store, DemoServer], isolated_dirs: Path
) -> None:
    _, store, _ = demo
    assert not paths.database_path().exists()
    assert Path(store.path).name == "cache.sqlite3"
    assert not str(store.path).startswith(str(isolated_dirs))


def test_demo_decodes_chinese_feed(demo: tuple[Config, Store, DemoServer]) -> None:
    _, store, _ = demo
    entries = store.list_entries(EntryFilter(), with_content=True)
    chinese = [e for e in entries if e.feed_title == "科技晨报"]
    assert len(chinese) == 12
    titles = {e.title for e in chinese}
    assert CHINESE_TITLE in titles
    lead = next(e for e in chinese if e.title == CHINESE_TITLE)
    assert lead.author == "晨报记者 林晓"
    assert "推理成本比上一代下降约40%" in lead.summary
    assert not any("\ufffd" in e.title + e.summary for e in chinese)


def test_demo_keeps_publishers_authors_and_attachments(
    demo: tuple[Config, Store, DemoServer],
) -> None:
    _, store, _ = demo
    entries = store.list_entries(EntryFilter(), with_content=True)
    wire = [e for e in entries if e.feed_title == "Wirestream"]
    assert all(e.source_title for e in wire)
    publishers = {e.publisher for e in wire}
    assert {"Northfield Courier", "Signal & Noise", "Capitol Circuit"} <= publishers
    assert len(publishers) >= 10

    by_title = {e.title: e for e in entries}
    review = by_title["Pomelo Slate 7 review: a week-long battery in a thin phone"]
    assert review.author == "Priya Raman"
    assert {"Products", "Phones", "Reviews"} <= set(review.categories)
    assert len(review.related) == 2
    assert "<li>" in review.content_html

    guide = by_title["The best budget noise-cancelling headphones, tested"]
    assert "Priya Raman" in guide.author and "Tomás Ferreira" in guide.author

    podcast = by_title["Podcast: how new chief executives spend their first 100 days"]
    assert [(x.type, x.length) for x in podcast.enclosures] == [("audio/mpeg", 38412000)]

    azores = by_title["Deep-sea survey finds 40 new species off the Azores"]
    assert "<blockquote>" in azores.content_html and "<a " in azores.content_html


def test_demo_titles_stay_literal(demo: tuple[Config, Store, DemoServer]) -> None:
    _, store, _ = demo
    titles = {e.title for e in store.list_entries(EntryFilter())}
    assert MARKUP_TITLE in titles
    assert EMOJI_TITLE in titles
    assert "Tessaly Bank's R&D spending doubles as it builds its own software" in titles
    assert "Fennick's new laptop chip idles at < 2 W, early tests show" in titles


def test_demo_dates_spread_over_the_last_day_and_a_half(
    demo: tuple[Config, Store, DemoServer],
) -> None:
    _, store, server = demo
    ages = [(server.anchor - e.time) / 3600 for e in store.list_entries(EntryFilter())]
    assert min(ages) >= 0
    assert max(ages) <= 36.5
    assert max(ages) - min(ages) > 30
    assert sum(1 for a in ages if a < 12) >= 30  # a busy morning, not an old archive


def test_demo_marks_some_entries_read_and_starred(
    demo: tuple[Config, Store, DemoServer],
) -> None:
    _, store, _ = demo
    starred = store.list_entries(EntryFilter(starred=True))
    assert len(starred) == 3
    read = store.entry_ids(EntryFilter(unread=False))
    assert 5 <= len(read) <= 25
    assert store.unread_count() == store.entry_count() - len(read)


def test_demo_stories_cluster_across_outlets(demo: tuple[Config, Store, DemoServer]) -> None:
    config, store, _ = demo
    entries = store.list_entries(EntryFilter())
    priorities = {f.url: f.priority for f in config.feeds}
    clusters = cluster_entries(entries, priorities=priorities)
    multi = [c for c in clusters if c.source_count > 1]
    assert len(multi) >= 6
    # The Pomelo Slate 7 launch: three English outlets and the Chinese brief,
    # which names the phone the same way (issue 11's clustering joins it).
    assert max(c.source_count for c in multi) == 4
    # The wire links the Ledger's story with utm_* tags and Capitol Circuit's as AMP.
    links = {e.link for c in multi for e in c.members}
    assert any("utm_source=" in link for link in links)
    assert any("/amp/" in link for link in links)
    for link in (lk for lk in links if "utm_" in lk or "/amp/" in lk):
        assert sum(canonical_url(other) == canonical_url(link) for other in links) == 2
    halvorsen = next(c for c in multi if "Halvorsen" in c.lead.title)
    assert halvorsen.lead.feed_title == "The Morning Ledger"  # priority, then earliest


def test_demo_brief_has_sections_and_multi_source_stories(
    demo: tuple[Config, Store, DemoServer],
) -> None:
    brief_mod = pytest.importorskip("briefterm.brief")
    config, store, server = demo
    window = brief_mod.EditionWindow.since(server.anchor - 48 * 3600, now=time.time())
    brief = brief_mod.build_brief(store, config, window=window)
    names = [s.name for s in brief.sections]
    assert names[:6] == ["Policy", "Companies", "Products", "People", "Science", "China tech"]
    assert len(brief.key_stories) == config.brief.key_stories == 5
    assert sum(1 for c in brief.clusters if c.source_count > 1) >= 6
    assert brief.entry_count == sum(EXPECTED_COUNTS.values())


def test_poll_now_in_the_demo_gets_304s_and_the_late_story(tmp_path: Path) -> None:
    # What pressing "r" in the demo does: poll the due feeds (all of them are due).
    config, store, server = prepare_demo(tmp_path)
    try:
        second = poll(store, config)
        third = poll(store, config)
    finally:
        store.close()
        server.close()
    by_name = {r.name: r for r in second.results}
    assert (by_name["Wirestream"].status, by_name["Wirestream"].new) == ("ok", 1)
    assert all(r.status == "not_modified" for n, r in by_name.items() if n != "Wirestream")
    assert third.skipped == len(EXPECTED_COUNTS)  # now nothing is due


def test_demo_without_app_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--no-app"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"7 feeds, {sum(EXPECTED_COUNTS.values())} entries")
    assert "科技晨报: 12 entries" in out
    assert "polling 7 sample feeds" in err
    assert err.count(" ok ") == 7
    assert not paths.database_path().exists()


def test_prepare_demo_fails_cleanly_when_no_feed_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: DemoServer, path: str, if_none_match: str | None):
        return 503, {"Content-Type": "text/plain"}, b"down\n"

    def servers() -> int:
        return sum(t.name == "briefterm-demo-server" for t in threading.enumerate())

    running = servers()
    monkeypatch.setattr(DemoServer, "respond", broken)
    with pytest.raises(BrieftermError, match="could not load its sample feeds") as info:
        prepare_demo(tmp_path)
    assert "\n" not in str(info.value)
    # The server thread was stopped and the cache closed (the file can be removed).
    assert servers() == running
    (tmp_path / "cache.sqlite3").unlink()
