"""Homograph hosts are shown as punycode wherever a host is displayed."""

from __future__ import annotations

import pytest

from briefterm.models import Entry
from briefterm.tui.article_links import display_url
from briefterm.urls import display_host, display_host_url

HOMOGRAPH = "\u0430pple.com"  # the first letter is Cyrillic


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        (HOMOGRAPH, "xn--pple-43d.com"),
        ("\u0440\u0430\u0443\u0440\u0430l.com", "xn--l-7sba6dbr.com"),  # "paypal", mostly Cyrillic
        ("news.\u0440\u0430ypal.example", "news.xn--ypal-43d9g.example"),
        ("apple.com", "apple.com"),
        ("\u044f\u043d\u0434\u0435\u043a\u0441.\u0440\u0444", "яндекс.рф"),  # all Cyrillic
        ("例え.jp", "例え.jp"),
        ("日本語ひらがなカタカナabc.jp", "日本語ひらがなカタカナabc.jp"),
        ("bücher.de", "bücher.de"),
        ("xn--pple-43d.com", "xn--pple-43d.com"),
    ],
)
def test_display_host(host: str, shown: str) -> None:
    assert display_host(host) == shown


def test_display_host_url_keeps_everything_but_the_host() -> None:
    url = f"https://user@{HOMOGRAPH}:8443/login?next=é#top"
    assert display_host_url(url) == "https://user@xn--pple-43d.com:8443/login?next=é#top"
    assert display_host_url("https://bücher.de/ä") == "https://bücher.de/ä"
    assert display_host_url("not a url") == "not a url"
    assert display_host_url("http://[oops/") == "http://[oops/"


def test_outlets_and_story_links_show_punycode() -> None:
    entry = Entry(
        id=1,
        feed_id=1,
        feed_url=f"https://{HOMOGRAPH}/feed",
        feed_title="",
        entry_key="k",
        title="t",
        link=f"https://{HOMOGRAPH}/a",
        summary="",
        author="",
        published=None,
        updated=None,
        first_seen=0.0,
    )
    assert entry.outlet == "https://xn--pple-43d.com/feed"
    assert display_url(entry.link) == "https://xn--pple-43d.com/a"
