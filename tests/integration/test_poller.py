"""The poller against a real loopback HTTP server and an in-memory store."""

from __future__ import annotations

import email.utils
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Unpack
from xml.sax.saxutils import escape

import pytest

from briefterm.config import MIB, Config, FeedConfig, PollConfig
from briefterm.models import Entry, FeedState
from briefterm.parse import UnsafeFeedError, parse_feed
from briefterm.poller import (
    MAX_BACKOFF,
    PROCESS_POOL_AFTER,
    PollOptions,
    PollReport,
    backoff_delay,
    gone_message,
    poll,
    poll_async,
)
from briefterm.poller._parsers import worker_count
from briefterm.store import EntryFilter, Store
from tests.support.loopback import (
    LoopbackServer,
    Reply,
    Request,
    gzip_zeros,
    redirect,
    trickle,
    zeros,
)

NOW = 1_800_000_000.0
HOUR = 3600.0
FAST = PollConfig(timeout=1.0, connect_timeout=1.0, max_bytes=1 * MIB, default_interval=60)


def rss(items: list[tuple[str, str]], title: str = "Example News") -> bytes:
    """A small RSS 2.0 document with (guid, title) items."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        "<description>d</description>"
    ]
    for guid, item_title in items:
        parts.append(
            f"<item><guid>{escape(guid)}</guid><title>{escape(item_title)}</title>"
            f"<link>https://news.example.org/{escape(guid)}</link>"
            "<description>Body text.</description>"
            "<pubDate>Sun, 01 Mar 2026 08:00:00 GMT</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


THREE = rss([("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")])

GZIP = {"Content-Encoding": "gzip"}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def config_for(*urls: str, poll: PollConfig = FAST, **feed_kw: Any) -> Config:
    return Config(feeds=tuple(FeedConfig(url=u, **feed_kw) for u in urls), poll=poll)


def etag_route(
    body: bytes, etag: str = '"v1"', last_modified: str = "Sun, 01 Mar 2026"
) -> Callable[[Request], Reply]:
    """A route that answers 304 when the client sends the right validator."""

    def handler(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(status=304, content_type=None, headers={"ETag": etag})
        return Reply(body=body, headers={"ETag": etag, "Last-Modified": last_modified})

    return handler


def run(store: Store, config: Config, **kw: Unpack[PollOptions]) -> PollReport:
    kw.setdefault("now", NOW)
    return poll(store, config, **kw)


def feed_row(store: Store, url: str) -> FeedState:
    feed = store.get_feed(url)
    assert feed is not None, url
    return feed


def entry_row(store: Store, entry_id: int) -> Entry:
    entry = store.get_entry(entry_id)
    assert entry is not None, entry_id
    return entry


# -- the happy path and conditional GET ----------------------------------------


def test_first_poll_fills_cache_and_repoll_is_conditional(
    server: LoopbackServer, store: Store
) -> None:
    url = server.route("/feed", etag_route(THREE))
    config = config_for(url)
    report = run(store, config)
    [result] = report.results
    assert (result.status, result.new, result.http_status, result.error) == ("ok", 3, 200, None)
    assert store.entry_count() == 3
    feed = feed_row(store, url)
    assert feed.title == "Example News" and feed.site_link == "https://news.example.org/"
    assert (feed.etag, feed.last_modified) == ('"v1"', "Sun, 01 Mar 2026")
    assert (feed.last_success, feed.last_attempt, feed.last_status) == (NOW, NOW, 200)
    assert feed.next_due == NOW + HOUR and feed.error_count == 0

    report = run(store, config, now=NOW + 2 * HOUR)
    [result] = report.results
    assert result.status == "not_modified" and result.new == 0 and result.http_status == 304
    second = server.requests_for("/feed")[1].headers
    assert second["if-none-match"] == '"v1"'
    assert second["if-modified-since"] == "Sun, 01 Mar 2026"
    assert store.entry_count() == 3
    feed = feed_row(store, url)
    assert feed.last_success == NOW + 2 * HOUR and feed.next_due == NOW + 3 * HOUR


def test_not_due_feeds_are_skipped_unless_forced(server: LoopbackServer, store: Store) -> None:
    url = server.route("/feed", Reply(body=THREE))
    config = config_for(url)
    run(store, config)
    report = run(store, config, now=NOW + 60)
    assert [r.status for r in report.results] == ["skipped"] and report.skipped == 1
    assert server.hits("/feed") == 1
    report = run(store, config, now=NOW + 60, force=True)
    assert report.results[0].status == "ok" and server.hits("/feed") == 2


def test_config_name_wins_and_interval_is_per_feed(server: LoopbackServer, store: Store) -> None:
    url = server.route("/feed", Reply(body=THREE))
    run(store, config_for(url, name="My Paper", interval=15))
    feed = feed_row(store, url)
    assert feed.title == "My Paper" and feed.next_due == NOW + 15 * 60


def test_feeds_argument_limits_the_poll(server: LoopbackServer, store: Store) -> None:
    a = server.route("/a", Reply(body=THREE))
    b = server.route("/b", Reply(body=THREE))
    report = run(store, config_for(a, b), feeds=[b])
    assert [r.url for r in report.results] == [b]
    assert server.hits("/a") == 0 and server.hits("/b") == 1


def test_progress_and_polling_from_a_worker_thread(server: LoopbackServer, store: Store) -> None:
    urls = [server.route(f"/f{i}", Reply(body=THREE)) for i in range(3)]
    seen: list[str] = []
    box: dict[str, PollReport] = {}

    def worker() -> None:
        box["report"] = poll(store, config_for(*urls), progress=lambda r: seen.append(r.url))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=20)
    report = box["report"]
    assert sorted(seen) == sorted(urls)
    assert [r.url for r in report.results] == urls  # config order
    assert report.ok == 3 and report.new == 9 and report.errors == 0


# -- user state and entry lifetime --------------------------------------------------


def test_flags_survive_a_repoll_that_rewrites_the_title(
    server: LoopbackServer, store: Store
) -> None:
    url = server.route("/feed", Reply(body=THREE))
    config = config_for(url)
    run(store, config)
    ids = {e.entry_key: e.id for e in store.list_entries()}
    store.set_read([ids["a"]])
    store.set_starred([ids["b"]])

    server.route(
        "/feed", Reply(body=rss([("a", "Alpha, corrected"), ("b", "Beta"), ("c", "Gamma")]))
    )
    [result] = run(store, config, force=True).results
    assert (result.new, result.updated) == (0, 1)
    a, b = entry_row(store, ids["a"]), entry_row(store, ids["b"])
    assert a.title == "Alpha, corrected" and a.read and not a.starred
    assert b.starred and not b.read


def test_entries_that_drop_out_of_the_feed_stay(server: LoopbackServer, store: Store) -> None:
    url = server.route("/feed", Reply(body=THREE))
    config = config_for(url)
    run(store, config)
    server.route("/feed", Reply(body=rss([("d", "Delta")])))
    [result] = run(store, config, force=True).results
    assert result.new == 1
    assert sorted(e.entry_key for e in store.list_entries()) == ["a", "b", "c", "d"]


def test_a_failing_feed_keeps_its_entries(server: LoopbackServer, store: Store) -> None:
    url = server.route("/feed", Reply(body=THREE))
    config = config_for(url)
    run(store, config)
    server.route("/feed", Reply(status=500))
    [result] = run(store, config, force=True).results
    assert result.status == "error" and result.error == "HTTP 500 Internal Server Error"
    assert store.entry_count() == 3
    feed = feed_row(store, url)
    assert feed.last_error == "HTTP 500 Internal Server Error" and feed.last_success == NOW


# -- redirects -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_saves_fetch_url(
    server: LoopbackServer, store: Store, status: int
) -> None:
    old = server.route("/old", redirect("/new", status))
    new = server.route("/new", Reply(body=THREE))
    config = config_for(old)
    run(store, config)
    feed = feed_row(store, old)
    assert feed.fetch_url == new and feed.effective_url == new
    run(store, config, force=True)
    assert server.hits("/old") == 1 and server.hits("/new") == 2
    # entries stay attached to the subscribed URL
    assert {e.feed_url for e in store.list_entries()} == {old}


def test_temporary_redirect_is_not_saved(server: LoopbackServer, store: Store) -> None:
    old = server.route("/old", redirect("/new", 302))
    server.route("/new", Reply(body=THREE))
    config = config_for(old)
    run(store, config)
    assert feed_row(store, old).fetch_url == ""
    run(store, config, force=True)
    assert server.hits("/old") == 2


def test_redirect_loop_and_foreign_schemes_are_errors(server: LoopbackServer, store: Store) -> None:
    loop_url = server.route("/loop1", redirect("/loop2", 301))
    server.route("/loop2", redirect("/loop1", 301))
    file_url = server.route("/file", redirect("file:///etc/passwd", 302))
    ftp_url = server.route("/ftp", redirect("ftp://example.org/feed", 301))
    report = run(store, config_for(loop_url, file_url, ftp_url))
    errors = [r.error for r in report.results]
    assert errors == [
        f"redirect loop at {loop_url}",
        "redirect to a non-http(s) URL was refused: file:///etc/passwd",
        "redirect to a non-http(s) URL was refused: ftp://example.org/feed",
    ]
    assert all(feed_row(store, u).fetch_url == "" for u in (loop_url, file_url, ftp_url))


# -- gone, rate limits and backoff -------------------------------------------------------


def test_410_marks_gone_and_stops_polling(server: LoopbackServer, store: Store) -> None:
    url = server.route("/feed", Reply(status=410))
    config = config_for(url)
    [result] = run(store, config).results
    assert result.status == "error" and result.error == gone_message(url)
    assert "briefterm remove" in result.error
    feed = feed_row(store, url)
    assert feed.gone and feed.last_status == 410
    # Not polled again: not when due, not with force (poll --all).
    for kw in ({"now": NOW + 10 * 86400}, {"force": True}):
        [result] = run(store, config, **kw).results
        assert result.status == "skipped" and result.error == gone_message(url)
    assert server.hits("/feed") == 1
    # Naming it explicitly with force (what re-adding does) asks again; success clears it.
    server.route("/feed", Reply(body=THREE))
    [result] = run(store, config, feeds=[url], force=True).results
    assert result.status == "ok" and not feed_row(store, url).gone


def test_429_with_retry_after_seconds_is_honoured_and_capped(
    server: LoopbackServer, store: Store
) -> None:
    url = server.route("/feed", Reply(status=429, headers={"Retry-After": "1200"}))
    run(store, config_for(url))
    feed = feed_row(store, url)
    assert feed.next_due == NOW + 1200 and feed.error_count == 1
    assert feed.last_error == "HTTP 429 Too Many Requests"

    capped = PollConfig(timeout=1, max_retry_after=600)
    run(store, config_for(url, poll=capped), force=True, now=NOW + 10)
    assert feed_row(store, url).next_due == NOW + 10 + 600


def test_503_with_retry_after_http_date(server: LoopbackServer, store: Store) -> None:
    now = time.time()
    date = email.utils.formatdate(now + 900, usegmt=True)
    url = server.route("/feed", Reply(status=503, headers={"Retry-After": date}))
    run(store, config_for(url), now=now)
    assert feed_row(store, url).next_due == pytest.approx(now + 900, abs=3)
    capped = PollConfig(timeout=1, max_retry_after=60)
    run(store, config_for(url, poll=capped), now=now, force=True)
    assert feed_row(store, url).next_due == pytest.approx(now + 60, abs=1)


def test_server_errors_back_off_exponentially_and_success_resets(
    server: LoopbackServer, store: Store
) -> None:
    url = server.route("/feed", Reply(status=500))
    config = config_for(url)
    for n in (1, 2, 3):
        now = NOW + n * 86400
        run(store, config, now=now, force=True)
        feed = feed_row(store, url)
        expected = HOUR * 2 ** (n - 1)
        assert feed.error_count == n
        assert feed.next_due is not None
        assert expected * 0.9 <= feed.next_due - now <= expected * 1.1
    server.route("/feed", Reply(body=THREE))
    run(store, config, now=NOW + 9 * 86400, force=True)
    feed = feed_row(store, url)
    assert feed.error_count == 0 and feed.last_error is None
    assert feed.next_due == NOW + 9 * 86400 + HOUR


def test_backoff_is_capped_at_a_day() -> None:
    delays = [backoff_delay(HOUR, 30) for _ in range(50)]
    assert all(MAX_BACKOFF * 0.9 <= d <= MAX_BACKOFF * 1.1 for d in delays)
    assert len(set(delays)) > 1  # jittered


# -- hostile servers --------------------------------------------------------------------


def test_hanging_and_trickling_servers_hit_the_deadline(
    server: LoopbackServer, store: Store
) -> None:
    hang = server.route("/hang", Reply(hang=True))
    slow = server.route("/slow", Reply(body=trickle(THREE), content_length=None, chunk_delay=0.3))
    started = time.monotonic()
    report = run(store, config_for(hang, slow))
    assert time.monotonic() - started < 3  # both in parallel, each cut at 1 s
    assert [r.error for r in report.results] == ["timed out after 1 s"] * 2
    assert feed_row(store, hang).last_error == "timed out after 1 s"
    assert feed_row(store, hang).error_count == 1


def test_cancel_stops_a_poll_at_once_and_keeps_what_was_stored(
    server: LoopbackServer, store: Store
) -> None:
    good = server.route("/good", Reply(body=rss([("a", "Stored before the stop")])))
    hang = server.route("/hang", Reply(hang=True))
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    report = run(store, config_for(good, hang, poll=PollConfig(timeout=30)), cancel=cancel)
    assert time.monotonic() - started < 2.5  # not the 30 s deadline
    assert report.results == []
    assert [e.title for e in store.list_entries()] == ["Stored before the stop"]
    assert store.integrity_check() == "ok"


def test_size_caps_huge_body_and_gzip_bomb(server: LoopbackServer, store: Store) -> None:
    big = server.route("/big", Reply(body=zeros(64 * MIB), content_length=None))
    bomb = server.route(
        "/bomb",
        Reply(
            body=gzip_zeros(1024 * MIB), headers={"Content-Encoding": "gzip"}, content_length=None
        ),
    )
    started = time.monotonic()
    report = run(store, config_for(big, bomb))
    assert time.monotonic() - started < 5
    message = (
        "the feed is larger than 1 MiB after decompression; raise poll.max_bytes if you trust it"
    )
    assert [r.error for r in report.results] == [message, message]


def test_gzip_feed_and_lying_content_lengths(server: LoopbackServer, store: Store) -> None:
    zipped = server.route("/gz", Reply(body=gzip.compress(THREE), headers=GZIP))
    short = server.route("/short", Reply(body=THREE, content_length=len(THREE) * 2 // 3))
    long = server.route("/long", Reply(body=THREE, content_length=10**9, close_early=True))
    started = time.monotonic()
    report = run(store, config_for(zipped, short, long))
    assert time.monotonic() - started < 3  # nobody waits for bytes that never come
    ok, truncated, cut = report.results
    assert ok.status == "ok" and ok.new == 3
    # Only the promised bytes are read: at most the items that fit in them.
    assert truncated.new < 3
    assert cut.status == "error"
    assert cut.error == "the server closed the connection before the feed was complete"
    assert feed_row(store, long).error_count == 1


def test_entity_bomb_is_refused_and_recorded(server: LoopbackServer, store: Store) -> None:
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">' + lol + "]>"
        "<rss version='2.0'><channel><title>&lol9;</title>"
        "<item><guid>x</guid><title>&lol9;</title></item></channel></rss>"
    ).encode()
    url = server.route("/feed", Reply(body=THREE))
    run(store, config_for(url))
    server.route("/feed", Reply(body=bomb))
    started = time.monotonic()
    [result] = run(store, config_for(url), force=True).results
    assert time.monotonic() - started < 5
    with pytest.raises(UnsafeFeedError) as refused:
        parse_feed(bomb)
    assert result.status == "error" and result.error == str(refused.value)
    feed = feed_row(store, url)
    assert feed.last_error == result.error and feed.error_count == 1
    assert store.entry_count() == 3


# -- concurrency and the process pool ------------------------------------------------------


def test_per_host_cap_is_respected(server: LoopbackServer, store: Store) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    def slow(request: Request) -> Reply:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.15)
        with lock:
            active -= 1
        return Reply(body=THREE)

    urls = [server.route(f"/f{i}", slow) for i in range(8)]
    config = config_for(*urls, poll=PollConfig(timeout=5, concurrency=8, per_host=2))
    report = run(store, config, use_processes=False)
    assert report.ok == 8 and peak == 2


async def test_many_feeds_parse_in_one_worker_process(server: LoopbackServer, store: Store) -> None:
    count = PROCESS_POOL_AFTER + 2
    urls = []
    for i in range(count):
        body = rss([(f"{i}-{j}", f"Story {j} of feed {i}") for j in range(5)], title=f"Feed {i}")
        urls.append(server.route(f"/f{i}", Reply(body=body, headers={"ETag": f'"v{i}"'})))
    report = await poll_async(store, config_for(*urls), now=NOW)
    assert report.ok == count and report.new == count * 5
    assert report.parsed_in_processes == count  # every body went to the worker
    assert {f.title for f in store.feeds()} == {f"Feed {i}" for i in range(count)}
    assert len(store.entry_ids(EntryFilter(unread=True))) == count * 5

    # Every feed now has an ETag, so the re-poll expects 304s (this server
    # ignores If-None-Match and sends the body again): no process is started.
    report = await poll_async(store, config_for(*urls), now=NOW, force=True)
    assert report.ok + report.not_modified == count and report.parsed_in_processes == 0


async def test_a_small_poll_parses_in_this_process(server: LoopbackServer, store: Store) -> None:
    urls = [server.route(f"/s{i}", Reply(body=THREE)) for i in range(3)]
    report = await poll_async(store, config_for(*urls), now=NOW)
    assert report.ok == 3 and report.parsed_in_processes == 0


def test_worker_count_is_zero_off_the_main_thread_or_below_the_break_even() -> None:
    assert worker_count(PROCESS_POOL_AFTER) == 0
    assert worker_count(PROCESS_POOL_AFTER + 1, use_processes=False) == 0
    assert worker_count(PROCESS_POOL_AFTER + 1) == 1
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(worker_count(10**6)))
    thread.start()
    thread.join()
    assert seen == [0]
