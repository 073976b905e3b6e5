"""Tests for briefterm.parse: golden files, dialects, encodings, safety, ids, dates.

Golden files live next to the input feeds as ``<name>.expected.json``. After an
intended change in output, regenerate them with
``BRIEFTERM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_parse.py`` and review
the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import feedparser
import pytest

from briefterm import parse as parse_mod
from briefterm import xmlsafe
from briefterm.models import ParsedFeed
from briefterm.parse import (
    FeedParseError,
    UnsafeFeedError,
    discover_feed_links,
    looks_like_feed,
    parse_date,
    parse_feed,
)
from tests import support
from tests.support import is_safe
from tests.support.scaling import LINEAR_FOR_4X, growth

FEEDS = support.DATA / "feeds"

# name → (url the feed was fetched from, HTTP content type)
GOLDEN = {
    "rss2_full.xml": ("https://courier.example.net/feed.xml", "application/rss+xml"),
    "atom_full.xml": ("https://atelier.example.com/blog/feed.atom", None),
    "atom03.xml": ("https://oldstation.example.org/atom.xml", None),
    "rdf_rss10.xml": ("https://observatory.example.edu/news.rdf", None),
    "rss091_doctype.xml": ("http://garden.example.org/rss.xml", None),
    "gb18030_declared.xml": ("https://keji.example.cn/rss", None),
    "gbk_declared.xml": ("https://keji.example.cn/rss", "text/xml; charset=utf-8"),
    "gb2312_in_header_only.xml": ("https://keji.example.cn/rss", "text/xml; charset=gb2312"),
    "shift_jis_declared.xml": ("https://minato.example.jp/rss", None),
    "cp1252_undeclared.xml": ("https://cafe.example.fr/rss", None),
    "invalid_utf8.xml": ("https://bau.example.de/rss", None),
    "no_ids.xml": ("https://board.example.org/rss", None),
    "duplicates.xml": ("https://echo.example/atom", None),
    "dates.xml": ("https://calendar.example/rss", None),
    "truncated.xml": ("https://radio.example.com/rss", None),
    "hostile_wellformed.xml": ("https://hostile.example/rss", None),
    "hostile_controls.xml": ("https://hostile.example/rss", None),
    "jsonfeed_10_linkblog.json": ("https://quayside.example.net/feeds/json", "application/json"),
    "jsonfeed_11_blog.json": ("https://lanternroom.example.ca/feed/json/", "application/feed+json"),
    "youtube_media_group.xml": (
        "https://www.youtube.com/feeds/videos.xml?channel_id=UCq7HarbourWorkshop0001",
        "text/xml; charset=UTF-8",
    ),
    "podcast_itunes.xml": ("https://tideline.example.org/show/feed.xml", "application/rss+xml"),
    "rss_author_children.xml": ("https://cloudharbour.example.com/blog/rss/", None),
    "atom_people.xml": ("https://mooring.example.dev/feed.atom", None),
    "macworld_categories.xml": ("https://www.pocketworld.example.com/feed", None),
    "hackernews_comments.xml": ("https://news.ycombinator.com/rss", None),
    "pt_br_dates_latin1.xml": ("https://noticias.example.com.br/rss.xml", "text/xml"),
    "intl_dates.xml": ("https://dates.example/rss", None),
    "media_rss_untitled.xml": ("https://photos.example.com/groups/breakwater/feed.rss", None),
}


def _as_json(feed: ParsedFeed) -> dict[str, object]:
    def convert(value: object) -> object:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return value

    return convert(dataclasses.asdict(feed))  # type: ignore[return-value]


def _load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def _parse(name: str) -> ParsedFeed:
    url, content_type = GOLDEN.get(name, ("https://example.com/feed", None))
    return parse_feed(_load(name), url=url, content_type=content_type)


def _all_strings(feed: ParsedFeed) -> list[str]:
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(dataclasses.asdict(feed))
    return found


# --------------------------------------------------------------------------
# Golden files
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden(name: str) -> None:
    actual = _as_json(_parse(name))
    expected_path = FEEDS / f"{name}.expected.json"
    if os.environ.get("BRIEFTERM_UPDATE_GOLDEN"):
        text = json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        expected_path.write_text(text, encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_string_is_sanitized(name: str) -> None:
    for value in _all_strings(_parse(name)):
        assert is_safe(value), repr(value)
        assert "\x1b" not in value and "\x9b" not in value and "\u202e" not in value


# --------------------------------------------------------------------------
# Dialects and attribution
# --------------------------------------------------------------------------


def test_rss2_attribution_and_bodies() -> None:
    feed = _parse("rss2_full.xml")
    assert feed.warnings == []
    assert (feed.title, feed.link, feed.language) == (
        "Harbourside Courier",
        "https://courier.example.net/",
        "en-gb",
    )
    assert feed.description == "Daily news from the harbour district"
    first, second, podcast = feed.entries
    assert first.entry_id == "courier-20261121-001"
    assert first.link == "https://courier.example.net/2026/11/ferry-electric"  # relative resolved
    assert first.author == "Mira Okonjo, Tomas Lind"
    assert first.categories == ("Transport", "Energy", "Shipping")
    assert (first.source_title, first.source_url) == (
        "Coastal Wire Service",
        "https://wire.example.org/rss",
    )
    assert first.comments.endswith("ferry-electric#comments")
    assert [e.url for e in first.enclosures] == ["https://media.example.net/ferry.jpg"]
    assert first.enclosures[0].length == 48211 and first.enclosures[0].type == "image/jpeg"
    assert first.related == ("https://courier.example.net/2025/06/ferry-tender",)
    # content:encoded is the richest body; the description is the summary.
    assert (
        "battery-electric" in first.content_html and "<b>ferry operator</b>" in first.content_html
    )
    assert first.summary == "The operator will replace its two oldest diesel boats by 2028."
    assert first.published == datetime(2026, 11, 21, 6, 45, tzinfo=UTC)
    # Escaped HTML in an RSS title is decoded to text; "jane@x (Name)" becomes Name.
    assert second.title == 'Council approves "quiet hours" for the marina'
    assert second.author == "Harbour Desk"
    assert second.summary == "Boat engines must stay off between 22:00 and 06:00 from January."
    # guid with isPermaLink (default true) stands in for a missing <link>.
    assert podcast.link == "https://courier.example.net/podcast/41"
    assert podcast.enclosures[0].length is None  # "not-a-number"


def test_atom_xml_base_authors_source_related() -> None:
    feed = _parse("atom_full.xml")
    assert feed.title == "L’Atelier numérique"  # type="html" title decoded
    assert feed.link == "https://atelier.example.com/blog/"
    assert feed.language == "fr"
    fonts, reprint = feed.entries
    assert fonts.link == "https://atelier.example.com/blog/2026/variable-fonts"  # xml:base
    assert fonts.author == "Claire Fontaine, Jun Park"
    assert fonts.related == ("https://typo.example.org/axes",)  # javascript: dropped
    assert fonts.enclosures[0].url == "https://atelier.example.com/files/axes.pdf"
    assert fonts.categories == ("Typography", "terminals")  # label, else term
    assert "<strong>grid</strong>" in fonts.content_html and "xmlns" not in fonts.content_html
    assert fonts.summary == "Why cell grids and variable axes do not mix."
    assert fonts.published == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert fonts.updated == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    # type="text" title is literal: no tag stripping.
    assert reprint.title == "Reprinted: <b> is not bold here"
    assert (reprint.source_title, reprint.source_url) == (
        "Monospace Monthly",
        "https://monospace.example.org/",
    )
    assert reprint.author == "Claire Fontaine"  # inherited from the feed
    assert reprint.published == reprint.updated  # only <updated> given


def test_rdf_and_atom03_and_rss091() -> None:
    rdf = _parse("rdf_rss10.xml")
    assert [e.entry_id for e in rdf.entries] == [
        "https://observatory.example.edu/n/comet",
        "https://observatory.example.edu/n/dome",
    ]
    assert rdf.entries[0].author == "Priya Raman" and rdf.entries[0].categories == ("Comets",)
    assert rdf.language == "en"
    old = _parse("atom03.xml")
    assert old.description == "Still on Atom 0.3"
    assert old.entries[0].summary == "Green again, as in 1962."
    assert old.entries[0].published == datetime(2026, 11, 9, 10, 0, tzinfo=UTC)
    netscape = _parse("rss091_doctype.xml")  # a DOCTYPE without entities is fine
    assert netscape.warnings == []
    assert netscape.entries[0].title == "Seed swap moved to Saturday"


def test_well_formed_feeds_never_touch_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("feedparser must not run for well-formed feeds")

    monkeypatch.setattr(feedparser, "parse", boom)
    for name in ("rss2_full.xml", "atom_full.xml", "rdf_rss10.xml", "rss091_doctype.xml"):
        assert _parse(name).entries
    # Leading whitespace before the prolog and raw control characters stay fast too.
    assert parse_feed(b"\n\n  " + _load("rss2_full.xml")).entries
    assert _parse("hostile_controls.xml").entries


def test_malformed_xml_falls_back_to_feedparser() -> None:
    data = _load("rss2_full.xml").replace(b"Harbourside Courier", b"Harbourside&nbsp;Courier&")
    feed = parse_feed(data, url="https://courier.example.net/feed.xml")
    assert any("lenient" in w for w in feed.warnings)
    assert feed.title.startswith("Harbourside")
    assert len(feed.entries) == 3
    first = feed.entries[0]
    assert first.author == "Mira Okonjo, Tomas Lind"
    assert first.source_title == "Coastal Wire Service"
    assert first.link == "https://courier.example.net/2026/11/ferry-electric"
    assert first.published == datetime(2026, 11, 21, 6, 45, tzinfo=UTC)
    assert "battery-electric" in first.content_html


def test_feedparser_never_opens_a_path_or_url() -> None:
    # feedparser treats a bytes/str argument as a file name or URL; a body
    # that is a path must not be read from disk.
    with pytest.raises(FeedParseError):
        parse_feed(b"/etc/hostname")
    with pytest.raises(FeedParseError):
        parse_feed(str(FEEDS / "rss2_full.xml").encode())


# --------------------------------------------------------------------------
# Refusals and errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_declarations_refused_before_parsing(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may parse an entity-declaring document")

    monkeypatch.setattr(xmlsafe, "fromstring", boom)
    monkeypatch.setattr(feedparser, "parse", boom)
    with pytest.raises(UnsafeFeedError, match="entity bomb protection"):
        parse_feed(_load(name))


def test_entity_declarations_refused_in_utf16() -> None:
    data = _load("billion_laughs.xml").decode().encode("utf-16")
    with pytest.raises(UnsafeFeedError):
        parse_feed(data)


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError, match="HTML page, not a feed") as err:
        parse_feed(_load("html_page.html"), content_type="text/html")
    assert "briefterm add" in str(err.value)
    assert "\n" not in str(err.value)
    # Well-formed XHTML is recognised as a page too.
    xhtml = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    with pytest.raises(FeedParseError, match="HTML page"):
        parse_feed(xhtml)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty document"),
        (b"   \r\n\t ", "empty document"),
        (_load("garbage.bin"), "not an RSS, Atom or JSON feed"),
        (b'{"version": "1.1", "items": []}', "not a JSON Feed"),
        (
            b"<?xml version='1.0'?><catalog><book>x</book></catalog>",
            "not an RSS, Atom or JSON feed",
        ),
        (b"<?xml version='1.0'?><rss version='2.0'><chan", "cut off before its first entry"),
    ],
)
def test_not_a_feed_errors(data: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message) as err:
        parse_feed(data)
    assert not isinstance(err.value, UnsafeFeedError)


def test_truncated_feed_keeps_complete_entries() -> None:
    feed = _parse("truncated.xml")
    assert [e.title for e in feed.entries] == [
        "Storm warning for the coast",
        "Late trains cancelled",
    ]
    assert any("cut off" in w for w in feed.warnings)


# --------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gb18030_declared.xml", "gbk_declared.xml"])
def test_chinese_declared_encodings(name: str) -> None:
    feed = _parse(name)
    assert feed.title == "江城科技日报"
    assert feed.entries[0].title == "新型储能电站在郊区并网发电"
    assert feed.entries[0].author == "记者 李晓明"
    assert feed.warnings == []


def test_charset_from_http_header_only() -> None:
    data = _load("gb2312_in_header_only.xml")
    feed = parse_feed(data, content_type="application/rss+xml; charset=GB2312")
    assert feed.entries[0].title == "新型储能电站在郊区并网发电"


def test_shift_jis_and_cp1252() -> None:
    assert _parse("shift_jis_declared.xml").entries[0].title == "朝市に新しい屋台が三軒オープン"
    cafe = _parse("cp1252_undeclared.xml")
    assert cafe.title == "Café Société Weekly"
    assert cafe.entries[0].title == "Crème brûlée prices rise to 6 €"
    assert cafe.description == "Notes from the “corner café” — every Friday"


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    feed = _parse("invalid_utf8.xml")
    assert feed.title == "Straße und Brücke"
    assert "\ufffd" in feed.entries[0].title and "Mühle" in feed.entries[0].title
    assert any("not valid UTF-8" in w for w in feed.warnings)


def test_utf16_with_bom_and_mislabelled_prolog() -> None:
    data = _load("rss2_full.xml").decode("utf-8")
    assert parse_feed(data.encode("utf-16")).title == "Harbourside Courier"
    # Declares ISO-8859-1 but sends UTF-8: valid UTF-8 wins.
    mislabelled = data.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(
        "Harbourside", "Hårbourside"
    )
    assert parse_feed(mislabelled.encode("utf-8")).title == "Hårbourside Courier"


# --------------------------------------------------------------------------
# Ids, titles, duplicates
# --------------------------------------------------------------------------


def test_ids_fall_back_to_link_then_hash() -> None:
    feed = _parse("no_ids.xml")
    ids = [e.entry_id for e in feed.entries]
    assert ids[2] == "https://board.example.org/only-link"
    assert all(i.startswith("hash:") and len(i) == 45 for i in (ids[0], ids[1], ids[3]))
    assert ids == [e.entry_id for e in _parse("no_ids.xml").entries]  # stable across polls
    assert feed.entries[0].title == "Notice without a link"
    derived = feed.entries[1].title
    assert derived.startswith("Lost umbrella found near the library steps")
    assert derived.endswith("…") and len(derived) <= 81
    assert feed.entries[2].title == "(untitled)"
    assert feed.entries[3].link == ""  # javascript: link dropped
    assert any("empty entries" in w for w in feed.warnings)


def test_hash_id_changes_with_title_and_date() -> None:
    def one(title: str, date: str) -> str:
        doc = (
            f"<rss version='2.0'><channel><title>t</title><item><title>{title}</title>"
            f"<pubDate>{date}</pubDate></item></channel></rss>"
        )
        return parse_feed(doc.encode()).entries[0].entry_id

    base = one("Tide tables", "Mon, 16 Nov 2026 09:00:00 GMT")
    assert base == one("Tide tables", "Mon, 16 Nov 2026 09:00:00 GMT")
    assert base != one("Tide tables", "Tue, 17 Nov 2026 09:00:00 GMT")
    assert base != one("Tide charts", "Mon, 16 Nov 2026 09:00:00 GMT")


def test_duplicate_ids_keep_the_first() -> None:
    feed = _parse("duplicates.xml")
    assert [(e.entry_id, e.title) for e in feed.entries] == [
        ("urn:echo:1", "First version"),
        ("urn:echo:2", "Another story"),
    ]
    assert any("repeated" in w for w in feed.warnings)


def test_overlong_id_is_hashed() -> None:
    long_id = "urn:" + "x" * 5000
    doc = (
        f"<rss version='2.0'><channel><item><guid>{long_id}</guid>"
        "<title>a</title></item></channel></rss>"
    )
    entry_id = parse_feed(doc.encode()).entries[0].entry_id
    assert entry_id.startswith("hash:") and len(entry_id) == 45


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 10 Nov 2026 14:05:00 EST", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("Tue, 10 Nov 2026 20:05:00 +0100", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("Tue, 10 Nov 2026 19:05:00 -0000", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("2026-11-10T19:05:00Z", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("2026-11-10T21:05:00.123+02:00", datetime(2026, 11, 10, 19, 5, 0, 123000, tzinfo=UTC)),
        ("2026-11-10 19:05:00", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("2026-11-10", datetime(2026, 11, 10, tzinfo=UTC)),
        ("10 Nov 26 19:05 GMT", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("  tue,  10 nov 2026 19:05:00 +0000 ", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("2026-11-10T19:05+00:00", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("Fri, 01 Jan 2999 00:00:00 GMT", datetime(2999, 1, 1, tzinfo=UTC)),
        ("sometime last week", None),
        ("Mon, 31 Feb 2026 10:00:00 GMT", None),
        ("", None),
        (None, None),
        ("0000-00-00 00:00:00", None),
        ("Mon, 01 Jan 0001 00:00:00 +0000", None),  # the "zero date", not 2001
        ("Tue, 10 Nov 26 20:05:00 +0100", datetime(2026, 11, 10, 19, 5, tzinfo=UTC)),
        ("9" * 500, None),
    ],
)
def test_parse_date(text: str | None, expected: datetime | None) -> None:
    result = parse_date(text)
    assert result == expected
    if result is not None:
        assert result.tzinfo is UTC


def test_feed_dates_are_aware_utc() -> None:
    entries = {e.entry_id: e for e in _parse("dates.xml").entries}
    assert entries["d4"].published is None and entries["d7"].published is None
    assert entries["d5"].published is not None and entries["d5"].published.year == 2999
    assert all(e.published is None or e.published.tzinfo is UTC for e in entries.values())


# --------------------------------------------------------------------------
# Hostile text
# --------------------------------------------------------------------------


def test_markup_kept_literally_controls_removed() -> None:
    feed = _parse("hostile_wellformed.xml")
    entry = feed.entries[0]
    for value in (feed.title, feed.description, entry.title, entry.author, entry.summary):
        assert "[/] [@click=app.quit]x[/] [bold red]" in value
        assert "\u009b" not in value and "\u202e" not in value and "\u2028" not in value
    assert entry.categories[0].startswith("Cat [/] [@click=app.quit]")
    assert entry.source_title.startswith("Source [/]")
    controls = _parse("hostile_controls.xml")
    assert controls.title == "Feed [/]"
    assert controls.entries[0].title == "Title [@click=app.quit]"
    # The OSC 52 clipboard payload is removed along with its ESC, not left as debris.
    for value in _all_strings(controls):
        assert "52;c;" not in value and "pwned" not in value


def test_huge_title_is_truncated() -> None:
    title = "Breaking " * 2500  # 22,500 characters
    doc = f"<rss version='2.0'><channel><title>{title}</title><item><title>{title}</title><link>https://x.example/1</link></item></channel></rss>"
    feed = parse_feed(doc.encode())
    assert len(feed.title) <= 500 and feed.title.endswith("…")
    assert len(feed.entries[0].title) <= 500 and feed.entries[0].title.endswith("…")


def test_content_is_capped_and_summary_short() -> None:
    body = "<p>" + "Long report paragraph. " * 20000 + "</p>"  # ~460 KB
    doc = (
        "<rss version='2.0'><channel><item><title>Long</title><link>https://x.example/l</link>"
        f"<description><![CDATA[{body}]]></description></item></channel></rss>"
    )
    entry = parse_feed(doc.encode()).entries[0]
    assert len(entry.content_html) <= parse_mod.MAX_CONTENT
    assert len(entry.summary) <= 600 and entry.summary.endswith("…")


# --------------------------------------------------------------------------
# Scale and concurrency
# --------------------------------------------------------------------------


def _big_feed(count: int) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>https://big.example/{n}</link>"
        f"<guid>big-{n}</guid><pubDate>Mon, 16 Nov 2026 09:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Body of item {n} with &lt;b&gt;bold&lt;/b&gt; text.&lt;/p&gt;"
        "</description></item>"
        for n in range(count)
    )
    return f"<rss version='2.0'><channel><title>Big</title>{items}</channel></rss>".encode()


def test_five_thousand_items_parse_quickly() -> None:
    data = _big_feed(5000)
    feed = parse_feed(data)
    assert len(feed.entries) == 5000
    assert feed.entries[4999].summary == "Body of item 4999 with bold text."
    # Four times the items may cost about four times as much, not sixteen
    # (an id check or a limit that rescans the entries before it).
    ratio = growth(parse_feed, _big_feed(1250), data)
    assert ratio < LINEAR_FOR_4X, f"4x the items took {ratio:.1f}x the time"


def test_parsing_in_threads_is_consistent() -> None:
    data = _load("atom_full.xml")
    expected = _as_json(parse_feed(data))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: _as_json(parse_feed(data)), range(24)))
    assert all(r == expected for r in results)


# --------------------------------------------------------------------------
# Discovery and sniffing
# --------------------------------------------------------------------------


def test_discover_feed_links() -> None:
    links = discover_feed_links(_load("html_page.html"), "https://courier.example.net/news/")
    assert links == [
        "https://courier.example.net/feed.xml",
        "https://courier.example.net/opinion.atom",
        "https://courier.example.net/news/feed.json",
    ]


def test_discover_respects_base_tag_and_bad_input() -> None:
    page = (
        b'<html><head><base href="https://cdn.example.org/site/">'
        b'<link rel="alternate" type="application/atom+xml" href="atom.xml"></head></html>'
    )
    assert discover_feed_links(page, "https://example.org/") == [
        "https://cdn.example.org/site/atom.xml"
    ]
    assert discover_feed_links(b"", "https://example.org/") == []
    assert discover_feed_links(b"\x00\xff garbage", "https://example.org/") == []


def test_looks_like_feed() -> None:
    assert looks_like_feed(_load("rss2_full.xml"))
    assert looks_like_feed(_load("atom_full.xml"))
    assert looks_like_feed(_load("rdf_rss10.xml"))
    assert looks_like_feed(_load("rss091_doctype.xml"))
    assert not looks_like_feed(_load("html_page.html"))
    assert not looks_like_feed(b"")
    assert not looks_like_feed(b'{"items": []}')


def test_malformed_feed_with_external_dtd_parses_offline() -> None:
    data = _load("rss091_doctype.xml").replace(b"Club notices", b"Club&nbsp;notices &")
    feed = parse_feed(data)
    assert feed.entries[0].title == "Seed swap moved to Saturday"
    assert any("lenient" in w for w in feed.warnings)


def test_atom_text_constructs_are_literal() -> None:
    doc = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><id>urn:1</id><title>a &lt;b&gt; c</title>
    <summary type="text">Use &lt;b&gt; for [bold]</summary></entry></feed>"""
    entry = parse_feed(doc).entries[0]
    assert entry.title == "a <b> c"
    assert entry.summary == "Use <b> for [bold]"
    assert entry.content_html == "Use &lt;b&gt; for [bold]"  # escaped: it is text, not HTML


def _author_feed(author: str) -> bytes:
    return (
        "<rss version='2.0'><channel><item><title>t</title>"
        f"<author>{author}</author></item></channel></rss>"
    ).encode()


def test_hostile_author_is_cheap() -> None:
    doc = _author_feed("a@" * 20_000 + "(x")
    entry = parse_feed(doc).entries[0]
    assert len(entry.author) <= parse_mod.MAX_AUTHOR
    # The "mail (Name)" pattern backtracks quadratically on this: four times
    # the author would cost sixteen times as much, not four.
    ratio = growth(parse_feed, _author_feed("a@" * 5_000 + "(x"), doc)
    assert ratio < LINEAR_FOR_4X, f"4x the author took {ratio:.1f}x the time"


def test_html_with_junk_before_it_is_still_a_page() -> None:
    page = b"\xef\xbb\xbf<script>var a = 1 < 2;</script>\n<html><body><p>Hi</p></body></html>"
    with pytest.raises(FeedParseError, match="HTML page"):
        parse_feed(page)
    with pytest.raises(FeedParseError, match="HTML page"):
        parse_feed(b"<p>fragment & more</p>", content_type="text/html; charset=utf-8")
