"""Full text in the reader: the f key, the worker, the cache, failures, full_text feeds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Markdown

from briefterm.config import Config, PollConfig
from briefterm.fulltext import FullTextResult
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from tests.support.loopback import LoopbackServer, Reply
from tests.support.sql import entry_ids, raw_write
from tests.support.tui_data import TECH, make_config, opened_key, settle
from tests.tui.conftest import AppFactory

pytest.importorskip("trafilatura", reason="the fulltext extra is not installed")

SIZE = (160, 45)
PAGE = (Path(__file__).resolve().parent.parent / "data" / "fulltext" / "news.html").read_bytes()
ARTICLE = "hundreds of lorries off the ring road"
pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def link_chip_to(store: Store, url: str) -> int:
    """Point the first story ("chip") at ``url``; its id."""
    (eid,) = entry_ids(store, "chip")
    with raw_write(store) as db:
        db.execute("UPDATE entries SET link = ? WHERE id = ?", (url, eid))
    return eid


def body_of(app: BriefApp) -> str:
    return app.reader.detail.query_one("#detail-body", Markdown).source


def said(app: BriefApp) -> list[str]:
    return [n.message for n in app._notifications]


def fast(config: Config) -> Config:
    return replace(config, poll=PollConfig(timeout=2.0, connect_timeout=1.0))


async def open_first(app: BriefApp, pilot: Any) -> None:
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert opened_key(app) == "chip"


async def test_f_fetches_the_article_into_the_pane_and_the_cache_serves_it_again(
    store: Store, make_app: AppFactory, server: LoopbackServer
) -> None:
    url = server.route("/chip", Reply(body=PAGE, content_type="text/html"))
    eid = link_chip_to(store, url)
    app = make_app(fast(make_config(mark_read="never")))
    async with app.run_test(size=SIZE) as pilot:
        await open_first(app, pilot)
        assert "The new" in body_of(app) and ARTICLE not in body_of(app)  # the feed's text
        await pilot.press("f")
        await settle(app, pilot)
        assert ARTICLE in body_of(app) and app.reader.detail.full_shown
        assert "full article" in str(app.reader.detail.query_one("#detail-byline").render())
        assert "Fetching the article from its web page…" in said(app)
        cached = store.full_text(eid)
        assert cached is not None and cached.ok
        # The article's links are the story's numbered links, after [1] the story.
        links = app.reader.detail.links
        assert links[0].url == url and len(links) > 1
        await pilot.press("f")  # back to the feed's text
        assert ARTICLE not in body_of(app) and not app.reader.detail.full_shown
        await pilot.press("f")
        await settle(app, pilot)
        assert ARTICLE in body_of(app)
        # Closed and opened again: shown at once from the cache.
        await pilot.press("h")
        await pilot.press("enter")
        await settle(app, pilot)
        assert ARTICLE in body_of(app)
    assert len(server.requests_for("/chip")) == 1


async def test_a_failure_is_one_notification_the_teaser_stays_and_it_is_not_retried_at_once(
    store: Store, make_app: AppFactory, server: LoopbackServer
) -> None:
    url = server.route(
        "/gone", Reply(status=404, body=b"<html>no</html>", content_type="text/html")
    )
    eid = link_chip_to(store, url)
    app = make_app(fast(make_config(mark_read="never")))
    async with app.run_test(size=SIZE) as pilot:
        await open_first(app, pilot)
        before = body_of(app)
        await pilot.press("f")
        await settle(app, pilot)
        assert "No full text: HTTP 404 Not Found; the feed's text stays." in said(app)
        assert body_of(app) == before and not app.reader.detail.full_shown
        cached = store.full_text(eid)
        assert cached is not None and cached.error == "HTTP 404 Not Found"
        await pilot.press("f")  # again: the stored failure, no new request
        await settle(app, pilot)
        assert any("tried again after an hour" in text for text in said(app))
    assert len(server.requests_for("/gone")) == 1


async def test_the_pane_updates_only_if_the_same_story_is_still_shown(
    store: Store, make_app: AppFactory
) -> None:
    (eid,) = entry_ids(store, "chip")
    release = threading.Event()
    asked: list[str] = []

    def slow_fetcher(url: str, limits: PollConfig, *, now: float) -> FullTextResult:
        asked.append(url)
        release.wait(10)  # until the test has moved on
        html = "<p>" + "The article body that arrives late. " * 20 + "</p>"
        return FullTextResult(url, final_url=url, html=html, fetched_at=now)

    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await open_first(app, pilot)
        app.reader.detail.full_texts._fetcher = slow_fetcher  # type: ignore[union-attr]
        await pilot.press("f")
        await pilot.press("shift+tab", "j")  # the list, next story: the pane follows
        assert opened_key(app) == "markup"
        release.set()
        await settle(app, pilot)
        assert "arrives late" not in body_of(app) and opened_key(app) == "markup"
        assert asked  # it was fetched, and is waiting in the cache for that story
        cached = store.full_text(eid)
        assert cached is not None and cached.ok
        await pilot.press("k")
        await settle(app, pilot)
        assert opened_key(app) == "chip" and "arrives late" in body_of(app)


async def test_a_full_text_feed_fetches_when_its_story_is_opened(
    store: Store, make_app: AppFactory, server: LoopbackServer
) -> None:
    url = server.route("/chip", Reply(body=PAGE, content_type="text/html"))
    link_chip_to(store, url)
    config = make_config(mark_read="never")
    feeds = tuple(replace(f, full_text=True) if f.url == TECH else f for f in config.feeds)
    app = make_app(fast(replace(config, feeds=feeds)))
    async with app.run_test(size=SIZE) as pilot:
        texts = app.reader.detail.full_texts
        assert texts is not None
        texts.auto_delay = 0.0
        await open_first(app, pilot)
        await settle(app, pilot)
        assert ARTICLE in body_of(app)
        assert "Fetching the article from its web page…" not in said(app)  # no toast for it
    assert len(server.requests_for("/chip")) == 1


async def test_other_feeds_do_not_fetch_by_themselves(
    store: Store, make_app: AppFactory, server: LoopbackServer
) -> None:
    url = server.route("/chip", Reply(body=PAGE, content_type="text/html"))
    link_chip_to(store, url)
    app = make_app(fast(make_config(mark_read="never")))
    async with app.run_test(size=SIZE) as pilot:
        texts = app.reader.detail.full_texts
        assert texts is not None
        texts.auto_delay = 0.0
        await open_first(app, pilot)
        await settle(app, pilot)
        assert ARTICLE not in body_of(app)
    assert server.requests_for("/chip") == []


async def test_without_the_extra_the_key_says_how_to_install_it(
    store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefterm.tui import _full_text

    monkeypatch.setattr(_full_text, "extractor_available", lambda: False)
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await open_first(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert "Full text needs trafilatura: pip install 'briefterm[fulltext]'" in said(app)
        (eid,) = entry_ids(store, "chip")
        assert store.full_text(eid) is None  # nothing cached: installing it makes f work
