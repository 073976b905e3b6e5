"""JSON Feed 1.0 and 1.1: real-world shapes, the same limits as RSS/Atom, hostile JSON."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from briefterm.models import Enclosure, Person
from briefterm.parse import (
    MAX_ENTRIES,
    MAX_SUMMARY,
    MAX_TITLE,
    FeedParseError,
    discover_feed_links,
    looks_like_feed,
    parse_feed,
)
from tests import support
from tests.support import is_safe

FEEDS = support.DATA / "feeds"
V11 = "https://jsonfeed.org/version/1.1"


def _doc(items: object, **top: object) -> bytes:
    return json.dumps({"version": V11, "title": "T", "items": items, **top}).encode()


def test_linkblog_1_0() -> None:
    data = (FEEDS / "jsonfeed_10_linkblog.json").read_bytes()
    assert looks_like_feed(data)
    feed = parse_feed(data, url="https://quayside.example.net/feeds/json")
    assert (feed.title, feed.link) == ("Quayside Notes", "https://quayside.example.net/")
    assert feed.image == "https://quayside.example.net/graphics/apple-touch-icon.png"
    linked, essay, untitled, sponsor = feed.entries
    # url is the permalink, external_url the page a link post is about.
    assert linked.link == "https://quayside.example.net/linked/2026/11/23/timetable-pdf"
    assert linked.related == ("https://ports.example.gov/ferries/winter-timetable-2027.pdf",)
    assert linked.published == datetime(2026, 11, 23, 18, 42, 7, tzinfo=UTC)
    assert linked.updated == datetime(2026, 11, 23, 19, 5, 41, tzinfo=UTC)
    assert linked.author == "Ines Marlow"
    assert essay.summary.startswith("The harbour wall repair was quoted at six months")
    # A numeric id (JSON Feed 1.0 in the wild), no title, plain content_text.
    assert untitled.entry_id == "4417"
    assert (
        untitled.title
        == "Fog horn tested at 8 this morning, as announced. The gulls were not warned."
    )
    assert untitled.summary == ""  # the title already says it all
    assert untitled.content_html.startswith("Fog horn")
    # Items without an author inherit the feed's (1.0 "author" object).
    assert sponsor.authors == (Person("Ines Marlow", "", "https://social.example.org/@ines"),)


def test_blog_1_1() -> None:
    feed = parse_feed(
        (FEEDS / "jsonfeed_11_blog.json").read_bytes(),
        url="https://lanternroom.example.ca/feed/json/",
        content_type="application/feed+json",
    )
    assert feed.language == "en-CA"
    assert feed.description == "Notes on lighthouses, maps and the software that draws them."
    datum, episode, guest, numbered = feed.entries
    assert datum.summary == (
        "A revised survey lowered the chart datum by 11 cm, and two navigation apps "
        "have not caught up."
    )
    assert datum.categories == ("Charts", "Navigation", "Surveys")
    assert datum.image.endswith("north-shore.jpg")
    assert [e.type for e in datum.enclosures] == ["image/jpeg", "image/webp"]  # image, banner
    assert datum.published == datetime(2026, 11, 24, 19, 30, 12, tzinfo=UTC)
    # Attachments are enclosures; a javascript: one is dropped, a number tag skipped.
    assert episode.enclosures == (
        Enclosure(
            "https://media.lanternroom.example.ca/radio/012-fresnel.mp3", "audio/mpeg", 38211904
        ),
    )
    assert episode.categories == ("Podcast", "Lenses")
    assert episode.content_html == (
        "<p>We talk with a lens restorer about first-order lenses.</p>"
        "<p>Show notes and a transcript are on the site.</p>"
    )
    # 1.1 "authors": the item's own; a nameless one and a string are skipped.
    assert guest.author == "Ana Ribeiro"
    assert guest.authors == (Person("Ana Ribeiro", "", "https://ribeiro.example.pt/"),)
    assert guest.published == datetime(2026, 11, 21, 13, 0, tzinfo=UTC)  # "Sáb, 21 Nov 2026"
    # A title of the wrong type is no title; a javascript: url no link; a vague date no date.
    assert numbered.title == "A post whose title is a number and whose link is refused."
    assert numbered.link == "" and numbered.published is None
    assert len(feed.entries) == 4  # the item that is a string is skipped


def test_same_limits_and_sanitising_as_xml() -> None:
    item = {
        "id": "x" * 5000,
        "url": "https://cap.example/1",
        "title": "Breaking \x1b]0;pwned\x07 " * 200,
        "content_html": "<p>" + "word " * 5000 + "</p>",
        "authors": [{"name": "A\u202eB"}],
        "tags": ["t\x9b31m"] * 50 + [f"tag{n}" for n in range(50)],
    }
    entry = parse_feed(_doc([item])).entries[0]
    assert entry.entry_id.startswith("hash:")
    assert len(entry.title) <= MAX_TITLE and "pwned" not in entry.title
    assert len(entry.summary) <= MAX_SUMMARY
    assert entry.author == "AB"
    assert len(entry.categories) == 20
    for value in (entry.title, entry.summary, entry.author, *entry.categories):
        assert is_safe(value)


def test_ids_fall_back_to_url() -> None:
    entries = parse_feed(_doc([{"url": "https://x.example/a", "title": "a"}])).entries
    assert entries[0].entry_id == "https://x.example/a"


def test_external_url_is_the_link_when_there_is_no_url() -> None:
    entry = parse_feed(_doc([{"id": "1", "external_url": "https://x.example/b"}])).entries[0]
    assert (entry.link, entry.related) == ("https://x.example/b", ())


def test_entity_text_in_json_is_not_an_xml_entity_bomb() -> None:
    content = '<pre>&lt;!DOCTYPE x [&lt;!ENTITY a "b"&gt;]&gt;</pre> <!DOCTYPE y [<!ENTITY c "d">]>'
    feed = parse_feed(_doc([{"id": "1", "title": "On XXE", "content_html": content}]))
    assert feed.entries[0].title == "On XXE"


def test_item_cap_is_a_warning() -> None:
    items = [{"id": str(n), "title": f"Item {n}"} for n in range(MAX_ENTRIES + 5)]
    feed = parse_feed(_doc(items))
    assert len(feed.entries) == MAX_ENTRIES
    assert (
        f"the feed has {MAX_ENTRIES + 5:,} entries; only the first {MAX_ENTRIES:,} were read"
        in (feed.warnings)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"version": "' + V11.encode() + b'", "items": [' * 5000, "nested too deeply|not valid"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": NaN}', "not valid JSON"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [-Infinity]}', "not valid JSON"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [}', "not valid JSON"),
        (b'["https://jsonfeed.org/version/1.1"]', "top level is not an object"),
        (b"[]", "top level is not an object"),
        (b"{}", "no jsonfeed.org version"),
        (b'{"version": 1.1, "items": []}', "no jsonfeed.org version"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {"a": 1}}', "no list of items"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "no list of items"),
    ],
)
def test_hostile_json_is_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message) as err:
        parse_feed(data)
    assert "\n" not in str(err.value) and len(str(err.value)) < 200


def test_deep_nesting_in_a_worker_thread() -> None:
    # The poller parses in threads; a RecursionError there is the same clear error.
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(parse_feed, b"[" * 200_000)
        with pytest.raises(FeedParseError, match="nested too deeply"):
            future.result()


def test_huge_numbers_and_wrong_types_spoil_only_their_field() -> None:
    items = [
        {"id": 7, "title": "numeric id", "attachments": [{"url": "https://m.example/a.mp3"}]},
        {
            "id": "big",
            "title": "huge size",
            "attachments": [{"url": "https://m.example/b.mp3", "size_in_bytes": int("9" * 4000)}],
        },
        {
            "id": "float",
            "title": "float size",
            "attachments": [{"url": "https://m.example/c.mp3", "size_in_bytes": "HUGE_FLOAT"}],
        },
        {
            "id": "types",
            "title": ["not", "a", "string"],
            "url": {"no": 1},
            "tags": "notalist",
            "authors": 5,
            "date_published": 20261124,
            "content_html": None,
            "summary": "kept",
        },
        {"id": True, "title": "boolean id", "url": "https://x.example/bool"},
    ]
    text = json.dumps({"version": V11, "title": ["x"], "items": items})
    text = text.replace('"HUGE_FLOAT"', "1e999")  # json.dumps would write Infinity
    feed = parse_feed(text.encode())
    numeric, big, floating, typed, boolean = feed.entries
    assert numeric.entry_id == "7"
    assert big.enclosures[0].length is None and floating.enclosures[0].length is None
    assert typed.title == "kept" and typed.link == "" and typed.categories == ()
    assert typed.published is None and typed.author == ""
    assert boolean.entry_id == "https://x.example/bool"  # True is no id
    assert feed.title == ""


def test_discovery_finds_json_feed_links() -> None:
    page = b"""<html><head>
    <link rel="alternate" type="application/feed+json" title="JSON Feed" href="/feeds/json">
    <link rel="alternate" type="application/rss+xml" href="/feeds/main"></head></html>"""
    assert discover_feed_links(page, "https://quayside.example.net/") == [
        "https://quayside.example.net/feeds/json",
        "https://quayside.example.net/feeds/main",
    ]


def test_looks_like_feed_only_for_json_feeds() -> None:
    assert looks_like_feed(b'  {"version": "https:\\/\\/jsonfeed.org\\/version\\/1", "items": []}')
    assert not looks_like_feed(b'{"items": [], "version": "2.0"}')
    assert not looks_like_feed(b"[1, 2, 3]")
