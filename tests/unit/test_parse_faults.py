"""Faults of the fault run that belong to the parser: nothing in one item may spoil a feed.

Each of these failed before the fix: a surrogate character reference made
the whole feed unparseable on every poll, a 100,000-item feed was cut to
10,000 without a word, and floods of combining marks or attributes cost
time quadratic in their length. Costs are compared, never timed
(tests/support/scaling.py).
"""

from __future__ import annotations

import unicodedata

import pytest

from briefterm.htmltext import html_to_markdown, html_to_text
from briefterm.parse import MAX_ENTRIES, MAX_TITLE, parse_feed
from briefterm.parse._depth import flatten
from briefterm.sanitize import MAX_MARKS, clean_line, clean_text
from tests.support import is_safe
from tests.support.scaling import LINEAR_FOR_4X, growth


def _rss(title: str, *, description: str = "", more: str = "") -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Wharf</title>"
        f"<item><guid>a</guid><title>{title}</title><description>{description}</description>"
        "</item><item><guid>b</guid><title>Tide tables for December</title></item>"
        f"{more}</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("reference", "shown"),
    [
        ("&#xD800;", "Ferry \ufffd delayed"),  # a lone high surrogate: the fault run's case
        ("&#55296;", "Ferry \ufffd delayed"),
        ("&#xDFFF;", "Ferry \ufffd delayed"),
        ("&#x110000;", "Ferry \ufffd delayed"),  # past the last code point
        ("&#xFFFE;", "Ferry \ufffd delayed"),
        ("&#99999999999999999999;", "Ferry \ufffd delayed"),
        ("&#xD83D;&#xDE00;", "Ferry 😀 delayed"),  # a UTF-16 pair, as some encoders write emoji
        ("&#xDE00;&#xD83D;", "Ferry \ufffd\ufffd delayed"),  # the wrong order is no pair
    ],
)
def test_invalid_character_reference_keeps_the_feed(reference: str, shown: str) -> None:
    feed = parse_feed(_rss(f"Ferry {reference} delayed"))
    assert [e.title for e in feed.entries] == [shown, "Tide tables for December"]
    if "\ufffd" in shown:
        assert any("character reference" in w for w in feed.warnings)
    assert not any("lenient" in w for w in feed.warnings)  # still the fast path


def test_invalid_reference_in_a_malformed_feed_reaches_feedparser_repaired() -> None:
    # Also ill-formed for another reason (&nbsp;): the lenient path gets the
    # repaired text, where feedparser used to raise UnicodeEncodeError.
    feed = parse_feed(_rss("Ferry &#xD800; delayed&nbsp;again"))
    assert feed.entries[0].title.startswith("Ferry \ufffd delayed")
    assert any("lenient" in w for w in feed.warnings)


def test_feedparser_failure_is_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser

    def broken(*args: object, **kwargs: object) -> None:
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(feedparser, "parse", broken)
    feed = parse_feed(_rss("Ferry delayed&nbsp;again"))  # malformed: recover mode reads it
    assert [e.title for e in feed.entries][1:] == ["Tide tables for December"]


def test_cut_feed_says_so() -> None:
    total = MAX_ENTRIES * 10
    items = "".join(f"<item><guid>{n}</guid><title>t{n}</title></item>" for n in range(total))
    feed = parse_feed(
        f"<rss version='2.0'><channel><title>Big</title>{items}</channel></rss>".encode()
    )
    assert len(feed.entries) == MAX_ENTRIES
    assert feed.warnings == [
        f"the feed has {total:,} entries; only the first {MAX_ENTRIES:,} were read"
    ]
    atom = "".join(
        f"<entry><id>urn:{n}</id><title>t</title></entry>" for n in range(MAX_ENTRIES + 1)
    )
    feed = parse_feed(f"<feed xmlns='http://www.w3.org/2005/Atom'>{atom}</feed>".encode())
    assert feed.warnings == [
        f"the feed has {MAX_ENTRIES + 1:,} entries; only the first {MAX_ENTRIES:,} were read"
    ]


def test_exactly_the_cap_is_no_warning() -> None:
    items = "".join(f"<item><guid>{n}</guid><title>t</title></item>" for n in range(MAX_ENTRIES))
    feed = parse_feed(f"<rss version='2.0'><channel>{items}</channel></rss>".encode())
    assert len(feed.entries) == MAX_ENTRIES and feed.warnings == []


# -- Pathological text: bounded output, cost linear in the input ------------------


def _zalgo(n: int) -> str:
    # Alternating combining classes (230, 220): NFC has to reorder every pair.
    return "Harbour" + "\u0301\u0316" * (n // 2) + " news"


def test_combining_mark_flood_is_cut_and_linear() -> None:
    line = clean_line(_zalgo(200_000))
    assert line.startswith("Harbou") and len(line) < 30  # "r" and an accent make "ŕ"
    assert growth(clean_line, _zalgo(5_000), _zalgo(20_000)) < LINEAR_FOR_4X
    assert growth(clean_text, _zalgo(5_000), _zalgo(20_000)) < LINEAR_FOR_4X
    assert growth(html_to_text, _zalgo(5_000), _zalgo(20_000)) < LINEAR_FOR_4X
    # Real stacks survive: Vietnamese, and Hebrew with points and cantillation.
    assert clean_line("Tiếng Việt") == "Tiếng Việt"
    assert clean_line("בְּרֵאשִׁ֖ית") == "בְּרֵאשִׁ֖ית"
    assert clean_line("a" + "\u0301" * 50) == unicodedata.normalize(
        "NFC", "a" + "\u0301" * MAX_MARKS
    )


def test_combining_flood_in_every_feed_field_is_bounded() -> None:
    flood = _zalgo(40_000)
    doc = (
        "<rss version='2.0'><channel><title>" + flood + "</title><item><guid>g</guid>"
        f"<title>{flood}</title><author>{flood}</author><category>{flood}</category>"
        f"<description>{flood}</description></item></channel></rss>"
    )
    feed = parse_feed(doc.encode())
    entry = feed.entries[0]
    for value in (feed.title, entry.title, entry.author, *entry.categories, entry.summary):
        assert len(value) < 100
    markdown = html_to_markdown(entry.content_html)
    assert len(markdown) < 100


def test_zero_width_flood() -> None:
    flood = "a" + "\u200b" * 1_000_000 + "b"
    assert clean_line(flood) == "a\u200bb"
    assert html_to_text(flood) == "a\u200bb"
    entry = parse_feed(_rss(flood)).entries[0]
    assert entry.title == "a\u200bb"


def test_ten_megabyte_line() -> None:
    line = "tide " * 2_000_000  # 10 MB, no newline
    entry = parse_feed(_rss(line, description=line)).entries[0]
    assert len(entry.title) == MAX_TITLE and entry.title.endswith("…")
    assert len(entry.summary) <= 600
    assert is_safe(entry.title)
    # A long title costs what its head costs.
    assert growth(lambda s: clean_line(s, max_length=MAX_TITLE), line[:100_000], line) < 2


def test_deep_nesting() -> None:
    def nested(n: int) -> str:
        return "<div>" * n + "deep text" + "</div>" * n

    assert html_to_text(nested(100_000)) == "deep text"
    assert html_to_markdown(nested(100_000)) == "deep text"  # libxml2 drops the deep part
    assert growth(html_to_markdown, nested(5_000), nested(20_000)) < LINEAR_FOR_4X
    raw = _rss("t", description=nested(10_000))  # unescaped, so ill-formed past depth 256
    entry = parse_feed(raw).entries[0]
    assert entry.title == "t"


def test_hundred_thousand_nested_elements_take_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libxml2 stops at 256 levels; the deep tags go, the feed is read without feedparser."""
    from briefterm.parse import _fallback

    def no_feedparser(data: bytes, url: str) -> None:
        raise AssertionError("a deep feed must not reach feedparser")

    monkeypatch.setattr(_fallback, "walk_feedparser", no_feedparser)
    deep = "<div>" * 100_000 + "deep text" + "</div>" * 100_000
    feed = parse_feed(_rss("t", description=deep))
    assert [e.title for e in feed.entries] == ["t", "Tide tables for December"]
    assert "deep text" in feed.entries[0].summary
    assert any("nests elements more than 128 levels deep" in w for w in feed.warnings)
    # Elements of the feed itself nested 100,000 deep, never closed: the
    # entries before them are read, and nothing raises.
    unclosed = _rss("Ferry delayed", more="<x>" * 100_000)
    assert parse_feed(unclosed).entries[0].title == "Ferry delayed"


def test_flatten_keeps_the_shallow_tags_and_all_text() -> None:
    assert flatten("<a><b><c>x</c><d/></b>t</a>", 1) == ("<a>xt</a>", 5)
    assert flatten("<a><b><c>x</c><d/></b>t</a>", 2) == ("<a><b>x</b>t</a>", 3)
    # CDATA and comments are text, not tags; an attribute may hold ">" or "/>".
    text = '<a><![CDATA[<b><c>]]><!-- <b> --><b q="a/>"><c>x</c></b></a>'
    assert flatten(text, 1) == ("<a><![CDATA[<b><c>]]><!-- <b> -->x</a>", 4)
    assert flatten("<a><b>x</b></a>", 2) == ("<a><b>x</b></a>", 0)


def test_flatten_is_linear_on_tags_that_never_close() -> None:
    # An unterminated quote opens a tag that runs to the end of the text:
    # every later "<" once scanned to the end again (8,000 took 3.8 s).
    def broken(n: int) -> str:
        return "<a>" * 4 + '<b "' * n

    text, dropped = flatten(broken(100_000), 2)
    assert dropped == 2 and text == "<a><a>" + '<b "' * 100_000
    assert growth(lambda t: flatten(t, 2), broken(5_000), broken(20_000)) < LINEAR_FOR_4X


def test_huge_attribute_counts() -> None:
    def tag(n: int) -> str:
        attrs = " ".join(f'data-a{i}="x"' for i in range(n))
        return f'<p {attrs} title="kept"><a href="https://x.example/" {attrs}>link</a> text</p>'

    assert html_to_text(tag(20_000)) == "link text"
    assert html_to_markdown(tag(20_000)) == "[link](https://x.example/) text"
    assert growth(html_to_markdown, tag(2_000), tag(8_000)) < LINEAR_FOR_4X
    assert growth(html_to_text, tag(2_000), tag(8_000)) < LINEAR_FOR_4X


def test_unclosed_comment_flood_is_linear() -> None:
    def comments(n: int) -> str:
        return "news <!-- x " * n

    assert html_to_text(comments(3)) == "news"
    assert growth(html_to_text, comments(5_000), comments(20_000)) < LINEAR_FOR_4X
