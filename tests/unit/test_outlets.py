"""Outlets: who told a story (a publisher or site), not which subscription brought it."""

from __future__ import annotations

import pytest

from briefterm.brief.outlets import other_outlets, outlet_count, outlet_key, site_key
from briefterm.models import Cluster, Entry


def report(
    n: int,
    link: str,
    *,
    feed: str = "https://feeds.example/rss",
    feed_title: str = "Feed",
    source_title: str = "",
    source_url: str = "",
) -> Entry:
    return Entry(
        id=n,
        feed_id=n,
        feed_url=feed,
        feed_title=feed_title,
        entry_key=str(n),
        title="A story",
        link=link,
        summary="",
        author="",
        published=1.0e9,
        updated=None,
        first_seen=1.0e9,
        source_title=source_title,
        source_url=source_url,
    )


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.example.com/a", "example.com"),
        ("https://m.example.com/a", "example.com"),
        ("https://amp.example.com/a", "example.com"),
        ("https://example-com.cdn.ampproject.org/c/s/example.com/a", "example.com"),
        ("https://www.google.com/amp/s/www.example.com/a", "example.com"),
        ("https://medium.com/@writer/post-1", "medium.com/@writer"),
        ("https://medium.com/some-publication/post-2", "medium.com/some-publication"),
        ("https://www.youtube.com/channel/UC123/videos", "youtube.com/channel/UC123"),
        ("https://www.youtube.com/feeds/videos.xml?channel_id=UC9", "youtube.com/channel/UC9"),
        ("https://www.youtube.com/watch?v=abc", None),
        ("http://feedproxy.google.com/~r/Example/~3/xyz/post", "feedburner/example"),
        ("https://feeds.feedburner.com/Example", "feedburner/example"),
        ("https://news.google.com/articles/CBMi", None),
        ("https://t.co/abc", None),
        ("not a url", None),
        ("", None),
    ],
)
def test_site_keys(url: str, key: str | None) -> None:
    assert site_key(url) == key


def test_feed_hosts_belong_to_their_site() -> None:
    assert site_key("https://feeds.example.com/rss", feed_url=True) == "example.com"
    assert site_key("https://feeds.example.com/rss") == "feeds.example.com"


def test_the_same_site_twice_is_one_outlet() -> None:
    rss = report(1, "https://www.blog.example/2026/post.html", feed="https://blog.example/rss")
    atom = report(2, "https://blog.example/2026/post.html", feed="https://blog.example/atom")
    assert outlet_count([rss, atom]) == 1
    assert other_outlets(rss, [atom]) == []


def test_a_wire_copy_of_a_subscribed_publisher_is_that_publisher() -> None:
    own = report(1, "https://ledger.example/story", feed_title="The Ledger")
    wire = report(
        2,
        "https://wire.example/copy/123",
        feed="https://wire.example/rss",
        feed_title="Wire",
        source_title="The Ledger",
        source_url="https://ledger.example/rss",
    )
    named_only = report(3, "https://wire.example/copy/124", source_title="the  ledger")
    other = report(4, "https://courier.example/story", feed_title="Courier")
    assert outlet_key(wire) == "ledger.example"
    assert outlet_count([own, wire, named_only, other]) == 2
    assert other_outlets(own, [wire, named_only, other]) == [other]
    assert Cluster(own, [wire, named_only, other]).source_count == 2
    assert Cluster(own, [wire, named_only, other]).also_reported_by == [other]


def test_links_that_name_no_publisher_fall_back_to_the_feed() -> None:
    a = report(1, "https://news.google.com/articles/1", feed="https://a.example/rss")
    b = report(2, "https://news.google.com/articles/1", feed="https://b.example/rss")
    assert outlet_count([a, b]) == 2
    nolink = report(3, "", feed="https://www.c.example/feed")
    assert outlet_key(nolink) == "c.example"
