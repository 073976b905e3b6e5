"""Full text on demand against pages served from 127.0.0.1: extraction, limits, policy, cache."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefterm import fulltext
from briefterm.cli import main
from briefterm.config import MIB, PollConfig, load_config
from briefterm.errors import ConfigError
from briefterm.fetch import fetch, make_client
from briefterm.fulltext import RETRY_AFTER, due, fetch_full_text
from briefterm.htmltext import html_to_markdown, html_to_text
from briefterm.models import ParsedEntry
from briefterm.store import Store
from tests.support.loopback import LoopbackServer, Reply, redirect, zeros

PAGES = Path(__file__).resolve().parent.parent / "data" / "fulltext"
EXPECTED: dict[str, Any] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
FAST = PollConfig(timeout=2.0, connect_timeout=1.0, max_bytes=1 * MIB)
HTML = "text/html; charset=utf-8"

pytest.importorskip("trafilatura", reason="the fulltext extra is not installed")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def serve(server: LoopbackServer, name: str, **reply: Any) -> str:
    reply.setdefault("content_type", HTML)
    return server.route(f"/{name}", Reply(body=page(name), **reply))


@pytest.mark.parametrize("name", ["news.html", "blog.html", "cjk.html"])
def test_the_article_comes_out_and_the_boilerplate_stays_out(
    server: LoopbackServer, name: str
) -> None:
    result = fetch_full_text(serve(server, name), FAST, now=1000.0)
    assert result.ok, result.error
    assert result.fetched_at == 1000.0
    text = html_to_text(result.html)
    want = EXPECTED[name]
    assert [p for p in want["body"] if p not in text] == []
    assert [p for p in want["boilerplate"] if p in text] == []
    # What the pane shows: the feed-HTML path, Markdown with no raw HTML left.
    markdown = html_to_markdown(result.html, result.final_url)
    assert want["body"][0] in markdown and "<p>" not in markdown


def test_a_paywall_teaser_gives_the_teaser(server: LoopbackServer) -> None:
    result = fetch_full_text(serve(server, "paywall.html"), FAST)
    assert result.ok
    assert EXPECTED["paywall.html"]["body"][0] in html_to_text(result.html)


def test_a_page_that_is_not_an_article_is_refused(server: LoopbackServer) -> None:
    result = fetch_full_text(serve(server, "notarticle.html"), FAST)
    assert not result.ok and result.html == ""
    assert result.error == "the page is a list of links, not an article"


def test_a_page_with_almost_no_text_is_nothing_extracted(server: LoopbackServer) -> None:
    url = server.route(
        "/s", Reply(body=b"<html><body><p>Hello.</p></body></html>", content_type=HTML)
    )
    assert fetch_full_text(url, FAST).error == "no article text was found on the page"


def test_the_charset_of_a_meta_tag_is_honoured(server: LoopbackServer) -> None:
    body = page("cjk.html").decode("utf-8").replace("charset=utf-8", "charset=gb18030")
    url = server.route("/gbk", Reply(body=body.encode("gb18030"), content_type="text/html"))
    result = fetch_full_text(url, FAST)
    assert result.ok and "磷酸铁锂电池" in html_to_text(result.html)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/x", "", "data:,x"]
)
def test_only_http_pages_are_fetched(url: str) -> None:
    result = fetch_full_text(url, FAST)
    assert not result.ok and "http(s)" in (result.error or "")


def test_an_oversize_page_is_cut_off(server: LoopbackServer) -> None:
    url = server.route("/big", Reply(body=zeros(3 * MIB), content_type=HTML))
    result = fetch_full_text(url, FAST)
    assert result.error is not None and "larger than 1 MiB" in result.error
    assert "page" in result.error and "feed" not in result.error


def test_the_page_size_cap_is_lower_than_a_feeds() -> None:
    limits = fulltext.page_limits(PollConfig(max_bytes=64 * MIB))
    assert limits.max_bytes == fulltext.MAX_PAGE_BYTES
    assert fulltext.page_limits(FAST).max_bytes == 1 * MIB  # a smaller [poll] cap wins


def test_a_page_that_never_answers_hits_the_deadline(server: LoopbackServer) -> None:
    url = server.route("/hang", Reply(hang=True))
    result = fetch_full_text(url, PollConfig(timeout=0.3, connect_timeout=0.3))
    assert result.error == "timed out after 0.3 s"


@pytest.mark.parametrize(
    ("content_type", "body", "shown"),
    [
        ("application/pdf", b"%PDF-1.7 ...", "application/pdf"),
        ("image/png", b"\x89PNG\r\n\x1a\n", "image/png"),
        ("application/json", b'{"html": "<p>no</p>"}', "application/json"),
        ("text/plain", b"just some words", "text/plain"),
        (None, b"\x00\x01binary", "no type"),
    ],
)
def test_what_is_not_html_is_refused(
    server: LoopbackServer, content_type: str | None, body: bytes, shown: str
) -> None:
    url = server.route("/x", Reply(body=body, content_type=content_type))
    assert fetch_full_text(url, FAST).error == f"the link is not a web page ({shown})"


def test_html_served_without_a_type_is_still_read(server: LoopbackServer) -> None:
    url = server.route("/untyped", Reply(body=page("blog.html"), content_type=None))
    assert fetch_full_text(url, FAST).ok


@pytest.mark.parametrize(("status", "said"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500")])
def test_an_http_error_is_one_sentence(server: LoopbackServer, status: int, said: str) -> None:
    url = server.route("/e", Reply(status=status, body=b"<html>oops</html>", content_type=HTML))
    error = fetch_full_text(url, FAST).error
    assert error is not None and error.startswith(said)


def test_a_redirect_to_the_article_is_followed_and_is_the_base_url(
    server: LoopbackServer,
) -> None:
    serve(server, "news.html")
    url = server.route("/short", redirect("/news.html", 302))
    result = fetch_full_text(url, FAST)
    assert result.ok and result.final_url == server.url("/news.html")
    # Relative images resolve against where the page really is.
    assert server.url("/img/harbour-cranes.jpg") in html_to_markdown(result.html, result.final_url)


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://10.0.0.1/admin",  # private range
        "file:///etc/passwd",
        "/loop",  # a redirect loop
    ],
)
def test_redirects_follow_the_feed_fetchers_policy(server: LoopbackServer, target: str) -> None:
    """Whatever the feed fetcher decides about a redirect chain, the article fetch decides too.

    Both go through ``fetch.fetch``; the test harness refuses any connection
    outside loopback, so a followed redirect to a private address fails here
    without sending anything.
    """
    url = server.route("/loop", redirect(target, 302))

    async def feed_verdict() -> str | None:
        async with make_client(FAST) as client:
            return (await fetch(client, url, limits=FAST)).error

    feed_error = asyncio.run(feed_verdict())
    result = fetch_full_text(url, FAST)
    assert feed_error is not None and not result.ok
    assert result.error == feed_error.replace("the feed", "the page")


def test_without_the_extractor_the_hint_says_how_to_install_it(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fulltext, "extractor_available", lambda: False)
    url = serve(server, "news.html")
    result = fetch_full_text(url, FAST)
    assert result.error == "full text needs trafilatura: pip install 'briefterm[fulltext]'"
    assert server.requests_for("/news.html") == []  # nothing fetched for nothing


def test_a_failure_is_retried_only_after_a_while() -> None:
    assert due(None, False, 0.0)
    assert not due(100.0, False, 100.0 + 10 * RETRY_AFTER)  # an article is kept for good
    assert not due(100.0, True, 100.0 + RETRY_AFTER - 1)
    assert due(100.0, True, 100.0 + RETRY_AFTER)


# -- the cache -----------------------------------------------------------------------


def one_entry(store: Store, link: str = "https://example.org/a") -> int:
    feed = store.ensure_feed("https://example.org/feed")
    store.upsert_entries(feed, [ParsedEntry(entry_id="a", title="A", link=link)], now=50.0)
    (eid,) = [e.id for e in store.list_entries()]
    return eid


def test_the_cache_keeps_an_article_and_its_failures(store: Store) -> None:
    eid = one_entry(store)
    assert store.full_text(eid) is None
    assert store.save_full_text(eid, fetched_at=1.0, url="u", html="<p>x</p>", error="404")
    failed = store.full_text(eid)
    assert failed is not None and not failed.ok and failed.html == "" and failed.error == "404"
    store.save_full_text(eid, fetched_at=2.0, url="https://e/a", html="<p>body</p>", error=None)
    got = store.full_text(eid)
    assert got is not None and got.ok and got.html == "<p>body</p>" and got.fetched_at == 2.0
    # A later failure (the site is down today) never replaces the article.
    store.save_full_text(eid, fetched_at=3.0, url="u", html="", error="timed out")
    kept = store.full_text(eid)
    assert kept is not None and kept.ok and kept.html == "<p>body</p>"


def test_the_cache_goes_with_its_entry(store: Store) -> None:
    eid = one_entry(store)
    store.save_full_text(eid, fetched_at=1.0, url="u", html="<p>x</p>", error=None)
    assert store.remove_feed("https://example.org/feed")
    assert store.full_text(eid) is None
    assert not store.save_full_text(eid, fetched_at=1.0, url="u", html="<p>x</p>", error=None)
    assert store.integrity_check() == "ok"


# -- config ----------------------------------------------------------------------------


def write_config(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[[feeds]]\nurl = "https://example.org/feed"\nfull_text = {value}\n')
    return path


def test_full_text_is_read_from_config(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "true"))
    feed = config.feed("https://example.org/feed")
    assert feed is not None and feed.full_text
    assert not load_config(write_config(tmp_path, "false")).feeds[0].full_text


def test_config_check_refuses_a_full_text_that_is_not_a_boolean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, '"yes"')
    with pytest.raises(ConfigError, match=r"feeds\[1\]\.full_text must be true or false"):
        load_config(path)
    assert main(["--config", str(path), "config", "check"]) != 0
    captured = capsys.readouterr()
    assert "full_text must be true or false" in captured.err + captured.out
    assert main(["--config", str(write_config(tmp_path, "true")), "config", "check"]) == 0
