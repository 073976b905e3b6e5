"""The fields real feeds use beyond core RSS/Atom: Media RSS, iTunes, authors, categories, CDF.

Each feed in tests/data/feeds/ has the shape of a real publisher's feed
(YouTube, a podcast host, a Google-style blog, Macworld, Hacker News, a photo
site); the full output is pinned by the golden files of test_parse.py, and
these tests say what each case is about.
"""

from __future__ import annotations

import base64

from briefterm.models import Enclosure, ParsedFeed, Person
from briefterm.parse import parse_feed
from tests import support

FEEDS = support.DATA / "feeds"


def _parse(name: str, url: str = "https://example.org/feed") -> ParsedFeed:
    return parse_feed((FEEDS / name).read_bytes(), url=url)


# -- Media RSS -------------------------------------------------------------------


def test_youtube_media_group_gives_text_thumbnail_and_media() -> None:
    feed = _parse("youtube_media_group.xml")
    video, tour = feed.entries
    assert video.summary.startswith("Forty ribs, one steam box made from a wallpaper steamer")
    assert "11:40 The first rib cracks" in video.summary
    # The plain-text description keeps its lines when shown.
    assert "clamps.<br>We bend" in video.content_html and "<p>Timestamps:" in video.content_html
    assert video.image == "https://i3.ytimg.com/vi/kT3pRw9ZbQe/hqdefault.jpg"
    assert Enclosure(video.image, "image/jpeg") in video.enclosures
    assert any(e.type == "application/x-shockwave-flash" for e in video.enclosures)
    # An empty media:description is no summary, and <title> still wins over media:title.
    assert tour.summary == "" and tour.title == "Shop tour, winter 2026"
    assert video.authors == (
        Person("Harbour Workshop", "", "https://www.youtube.com/channel/UCq7HarbourWorkshop0001"),
    )


def test_media_title_stands_in_for_a_missing_title() -> None:
    photo, video, long_post, short_post = _parse("media_rss_untitled.xml").entries
    assert photo.title == "North pier at low tide"
    assert photo.summary == "Taken from the steps by the old crane, f/8, 1/250."  # type="html"
    assert photo.image.endswith("_b.jpg")  # the media:content image, before the thumbnail
    assert [e.type for e in photo.enclosures] == ["image/jpeg", "image/jpeg"]
    assert photo.categories == ("pier lowtide harbour",)
    assert [(e.type, e.length) for e in video.enclosures] == [
        ("image/jpeg", None),
        ("video/mp4", 8812004),
    ]
    assert video.title == "(untitled)"
    # An untitled post's title is made from its text; the summary does not repeat it.
    assert long_post.title.startswith("Fog so thick") and long_post.title.endswith("…")
    assert long_post.summary.startswith("…") and long_post.title[:-1] not in long_post.summary
    assert short_post.title == "Exhibition prints are back from the lab."
    assert short_post.summary == ""


def test_media_content_without_a_type_is_typed_by_its_extension() -> None:
    entry = _parse("rss_author_children.xml").entries[0]
    assert entry.enclosures[0].type == "image/png"
    assert entry.image == entry.enclosures[0].url


# -- iTunes ----------------------------------------------------------------------


def test_podcast_itunes_fields() -> None:
    feed = _parse("podcast_itunes.xml")
    assert feed.image == "https://tideline.example.org/art/show-3000.jpg"
    latest, questions, fog = feed.entries
    assert latest.author == "Maya Okafor and Lars Vik"  # the episode's own itunes:author
    assert latest.categories == ("tide gauges", "harbours", "sensors", "DIY")
    assert latest.image == "https://tideline.example.org/art/41.jpg"
    assert [e.type for e in latest.enclosures] == ["audio/mpeg", "image/jpeg"]
    assert latest.summary.startswith("A harbourmaster built")  # the description first
    # No author of its own: the show's itunes:author; no description: itunes:summary.
    assert questions.author == "Tideline Media"
    assert questions.summary == (
        "Why do some lighthouses blink and others rotate? And other questions from you."
    )
    assert questions.categories == ("listener questions", "lighthouses")
    # No <title>: itunes:title; nothing but a subtitle: the subtitle.
    assert fog.title == "39: A Short One About Fog"
    assert fog.summary == "Ten minutes on fog signals."


# -- Authors ---------------------------------------------------------------------


def test_rss_author_with_atom_children_takes_the_name_only() -> None:
    first, press, releases = _parse("rss_author_children.xml").entries
    # Not "Leila HaddadProduct Manager, Office of the CTO".
    assert first.author == "Leila Haddad, Sven Aalto"
    assert [p.name for p in first.authors] == ["Leila Haddad", "Sven Aalto"]
    assert first.title == "Running batch jobs next to the data, not next to the team"  # not <og>'s
    assert press.authors[0] == Person("Press Office", "press@cloudharbour.example.com", "")
    assert press.author == "Press Office, Camila Ruiz"
    assert releases.authors == (Person("", "releases@cloudharbour.example.com", ""),)
    assert releases.author == "releases@cloudharbour.example.com"
    assert releases.summary == ""  # the description only repeats the title


def test_atom_person_name_email_uri_apart() -> None:
    feed = _parse("atom_people.xml")
    bursts, on_call, welcome = feed.entries
    assert bursts.authors == (
        Person(
            "Priya Natarajan",
            "priya@mooring.example.dev",
            "https://mooring.example.dev/people/priya",
        ),
    )
    assert bursts.author == "Priya Natarajan"
    assert on_call.author == "oncall@mooring.example.dev"  # an address, when no name
    assert on_call.summary == "Four pages in a week; three were the same disk."  # not the title
    assert welcome.authors == (Person("Mooring Line team", "", "https://mooring.example.dev/team"),)
    assert feed.image == "https://mooring.example.dev/favicon.png"


# -- Categories, boilerplate, Dublin Core ----------------------------------------


def test_category_wrapper() -> None:
    review, how_to = _parse("macworld_categories.xml").entries
    assert review.categories == ("Tablets", "Reviews", "Hands-on")
    assert how_to.categories == ("How-To", "Software")
    assert review.author == "Rosa Delgado"


def test_hacker_news_comments_link_is_no_summary() -> None:
    show, logs, ask = _parse("hackernews_comments.xml").entries
    assert show.summary == "" and logs.summary == ""
    assert show.comments == "https://news.ycombinator.com/item?id=46120331"
    assert ask.summary == (
        "Our firmware speaks to a GPS puck over RS-232. Mocking it has never caught a real bug."
    )


def test_trailing_boilerplate_only_after_a_sentence() -> None:
    def summary(text: str) -> str:
        doc = (
            "<rss version='2.0'><channel><item><guid>g</guid><title>T</title>"
            f"<description>{text}</description></item></channel></rss>"
        )
        return parse_feed(doc.encode()).entries[0].summary

    assert summary("The ferry is late. Continue reading →") == "The ferry is late."
    assert summary("The ferry is late. [comments]") == "The ferry is late."
    assert summary("Readers left many comments") == "Readers left many comments"
    assert summary("Read more") == ""


def test_dublin_core_title_date_and_cdf() -> None:
    doc = b"""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
    <dc:title>Harbour Log</dc:title><item><dc:title>Crane inspection passed</dc:title>
    <dc:date>2026-11-20T09:30:00+01:00</dc:date><dc:creator>Port Office</dc:creator>
    <dc:description>All four cranes are cleared until May.</dc:description>
    <guid>urn:log:1</guid></item></channel></rss>"""
    feed = parse_feed(doc)
    assert feed.title == "Harbour Log"
    entry = feed.entries[0]
    assert entry.title == "Crane inspection passed"
    assert entry.published is not None and entry.published.hour == 8
    assert entry.author == "Port Office"
    assert entry.summary == "All four cranes are cleared until May."
    cdf = b"""<CHANNEL HREF="https://cdf.example.com/"><TITLE>Channel</TITLE>
    <ITEM HREF="/news/1" LASTMOD="2026-11-20T09:30:00+01:00"><TITLE>Item one</TITLE>
    <ABSTRACT>The abstract.</ABSTRACT></ITEM></CHANNEL>"""
    feed = parse_feed(cdf, url="https://cdf.example.com/channel.cdf")
    assert (feed.title, feed.link) == ("Channel", "https://cdf.example.com/")
    (item,) = feed.entries
    assert (item.title, item.link, item.summary) == (
        "Item one",
        "https://cdf.example.com/news/1",
        "The abstract.",
    )
    assert item.published is not None and item.published.day == 20


def test_a_category_holding_an_image_is_named_by_its_own_text() -> None:
    doc = b"""<rss version="2.0"><channel><item><guid>x</guid><title>T</title>
    <category>Columns<image><title>Savage Love</title></image></category></item></channel></rss>"""
    assert parse_feed(doc).entries[0].categories == ("Columns",)


def test_titles_with_html_comments_and_unbalanced_quotes() -> None:
    doc = b"""<feed xmlns="http://www.w3.org/2005/Atom">
    <title type="html">sa&lt;!-- -- x &gt;fe</title>
    <entry><id>urn:1</id>
    <title type="html">&lt;a href=http://example.com/"&gt;example&lt;/a&gt;</title></entry>
    <entry><id>urn:2</id>
    <title type="html">safe&lt;embed src="x"&gt; description</title></entry>
    </feed>"""
    feed = parse_feed(doc)
    assert feed.title == "safe"
    assert [e.title for e in feed.entries] == ["example", "safe description"]


def test_feed_in_no_or_an_unknown_namespace_is_read_as_atom() -> None:
    bare = b"""<feed xmlns:atom="http://www.w3.org/2005/Atom"><title>Podlove</title>
    <entry><title>Fiat Lux</title><id>urn:fl</id><atom:link href="https://p.example/1"/></entry></feed>"""
    feed = parse_feed(bare)
    assert feed.title == "Podlove" and feed.entries[0].link == "https://p.example/1"
    other = b'<feed version="0.3" xmlns="http://example.com/newformat#"><title>New</title></feed>'
    assert parse_feed(other).title == "New"


def test_base64_atom_text() -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    doc = (
        b"""<feed xmlns="http://www.w3.org/2005/Atom"><title type="application/octet-stream">
    RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title><entry><id>urn:1</id>
    <title type="image/png">%s</title><summary>s</summary></entry></feed>"""
        % png
    )
    feed = parse_feed(doc)
    assert feed.title == "Example <b>Atom</b>"  # decoded, and not HTML: shown literally
    assert feed.entries[0].title == "s"  # binary "text" is no title


def test_ebcdic_document() -> None:
    doc = (
        '<?xml version="1.0" encoding="cp500"?><rss version="2.0"><channel>'
        "<title>Großrechner</title></channel></rss>"
    )
    assert parse_feed(doc.encode("cp500")).title == "Großrechner"


def test_lenient_path_reads_the_same_fields() -> None:
    # Made ill-formed by one undeclared entity, each feed goes through
    # feedparser and must come out with the same titles, text and images.
    for name in ("youtube_media_group.xml", "podcast_itunes.xml", "media_rss_untitled.xml"):
        data = (FEEDS / name).read_bytes()
        strict = parse_feed(data)
        lenient = parse_feed(data.replace(b"</title>", b"&nbsp;</title>", 1))
        assert any("lenient" in w for w in lenient.warnings), name
        for fast, slow in zip(strict.entries, lenient.entries, strict=True):
            assert (slow.title, slow.summary, slow.categories) == (
                fast.title,
                fast.summary,
                fast.categories,
            ), name
            assert {e.url for e in slow.enclosures} == {e.url for e in fast.enclosures}, name
