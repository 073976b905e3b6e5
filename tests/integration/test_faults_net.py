"""Network and bad-input faults found by the fault run of issue 15.

Each test reproduces one failure the run found (it failed before its fix).
Servers are on 127.0.0.1 only (tests/support/loopback.py).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefterm import paths, redirects
from briefterm.cli import main
from briefterm.config import Config, FeedConfig, PollConfig, add_subscription, load_config
from briefterm.config._load import parse_subscriptions
from briefterm.fetch import FetchResult, fetch, make_client
from briefterm.models import FeedState
from briefterm.paths import subscriptions_path
from briefterm.poller import poll
from briefterm.server_headers import sane_validator
from briefterm.store import Store
from tests.support.loopback import LoopbackServer, Reply, Request, redirect

# -- concurrent `add` -----------------------------------------------------------------


def _add_one(config_file: str, index: int, barrier: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]  # all ten read the file at once
    add_subscription(Path(config_file), FeedConfig(url=f"https://feeds.example/{index}.xml"))


def test_ten_concurrent_adds_keep_every_subscription(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(10)
    procs = [ctx.Process(target=_add_one, args=(str(config_file), i, barrier)) for i in range(10)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    urls = {feed.url for feed in parse_subscriptions(subscriptions_path(config_file))}
    assert urls == {f"https://feeds.example/{i}.xml" for i in range(10)}


# -- `add` of a feed failing right now -------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_of_a_rate_limited_feed_subscribes_and_honours_retry_after(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LoopbackServer() as server:
        url = server.route("/limited.xml", Reply(status=429, headers={"Retry-After": "600"}))
        before = time.time()
        code, out, err = _run(capsys, "add", url)
        assert code == 0, err
        assert "subscribed" in out and "429" in out and "in 10m" in out
        assert server.hits("/limited.xml") == 1
        assert [feed.url for feed in load_config().feeds] == [url]
        with Store(paths.database_path()) as store:
            state = store.get_feed(url)
        assert state is not None and state.last_status == 429
        assert state.next_due is not None and before + 590 <= state.next_due <= time.time() + 600
        # The next poll honours Retry-After: no request before the time is up.
        assert main(["poll"]) == 0
        assert server.hits("/limited.xml") == 1


def test_add_no_poll_subscribes_a_failing_feed(capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer() as server:
        url = server.route("/missing.xml", Reply(status=404))
        code, out, err = _run(capsys, "add", url, "--no-poll", "--name", "Later")
        assert code == 0, err
        assert "subscribed: Later; it failed now (HTTP 404 Not Found)" in out
        assert server.hits("/missing.xml") == 1  # only the discovery request
    assert [feed.url for feed in load_config().feeds] == [url]
    with Store(paths.database_path()) as store:
        state = store.get_feed(url)
    assert state is not None and state.status == "error" and state.last_status == 404


def test_add_of_a_404_refuses_and_suggests_no_poll(capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer() as server:
        url = server.route("/missing.xml", Reply(status=404))
        code, _, err = _run(capsys, "add", url)
    assert code == 1
    assert "404" in err and "--no-poll" in err and err.count("\n") == 1
    assert load_config().feeds == ()


# -- validators the server cannot take back ----------------------------------------------

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    b"<item><guid>1</guid><title>One</title><link>https://example.com/1</link></item>"
    b"</channel></rss>"
)


def _header_limited(etag: str) -> Callable[[Request], Reply]:
    """A server that sends ``etag`` and answers 431 to request headers over 8 KB."""

    def reply(request: Request) -> Reply:
        if sum(len(k) + len(v) for k, v in request.headers.items()) > 8 * 1024:
            return Reply(status=431)
        return Reply(body=RSS, headers={"ETag": etag})

    return reply


def test_a_huge_etag_is_neither_stored_nor_sent(store: Store) -> None:
    with LoopbackServer() as server:
        url = server.route("/f.xml", _header_limited('"' + "x" * 20_000 + '"'))
        config = Config(feeds=(FeedConfig(url=url),))
        for _ in range(2):
            report = poll(store, config, force=True)
            assert report.errors == 0, report.failed
        assert "if-none-match" not in server.requests_for("/f.xml")[-1].headers
    state = store.get_feed(url)
    assert state is not None and state.etag is None


def test_a_stored_huge_etag_is_not_resent(store: Store) -> None:
    with LoopbackServer() as server:
        url = server.route("/f.xml", _header_limited('"small"'))
        store.update_feed(store.ensure_feed(url), etag='"' + "y" * 20_000 + '"')
        report = poll(store, Config(feeds=(FeedConfig(url=url),)), force=True)
        assert report.errors == 0, report.failed
        assert server.hits("/f.xml") == 1
    state = store.get_feed(url)
    assert state is not None and state.etag == '"small"'


def test_validators_the_server_refuses_are_dropped_and_forgotten(store: Store) -> None:
    def reply(request: Request) -> Reply:
        if "if-none-match" in request.headers or "if-modified-since" in request.headers:
            return Reply(status=400)
        return Reply(
            body=RSS, headers={"ETag": '"v1"', "Last-Modified": "Wed, 02 Dec 2026 06:00:00 GMT"}
        )

    with LoopbackServer() as server:
        url = server.route("/f.xml", reply)
        feed_id = store.ensure_feed(url)
        store.update_feed(feed_id, etag='"v1"', last_modified="Wed, 02 Dec 2026 06:00:00 GMT")
        report = poll(store, Config(feeds=(FeedConfig(url=url),)), force=True)
        assert report.errors == 0, report.failed
        assert server.hits("/f.xml") == 2  # the conditional one, then once without
    state = store.get_feed(url)
    assert state is not None and state.etag is None and state.last_modified is None


@pytest.mark.parametrize("value", ['"a\\r\\nX-Evil: 1"', "caf\u00e9", " ", "x" * 1025])
def test_sane_validator_refuses_what_cannot_go_back(value: str) -> None:
    assert sane_validator(value.replace("\\r\\n", "\r\n")) is None


def test_sane_validator_keeps_real_ones() -> None:
    assert sane_validator(' W/"abc-123" ') == 'W/"abc-123"'
    assert sane_validator("Wed, 02 Dec 2026 06:00:00 GMT") == "Wed, 02 Dec 2026 06:00:00 GMT"


# -- import-opml at scale and over hostile files ------------------------------------------


def _opml(count: int, start: int = 0) -> str:
    outlines = "".join(
        f'<outline text="Feed {i}" xmlUrl="https://f{i}.example/rss"/>'
        for i in range(start, start + count)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'


def test_import_opml_does_no_per_feed_scan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 5,000 feeds took 270 s: a lookup over every subscription and a scan of
    # every feed row for each feed imported. Count the scans, not the seconds.
    (tmp_path / "old.opml").write_text(_opml(50))
    (tmp_path / "new.opml").write_text(_opml(300))
    assert _run(capsys, "import-opml", str(tmp_path / "old.opml"))[0] == 0
    scans = {"config": 0, "store": 0}
    real_feed, real_feeds = Config.feed, Store.feeds

    def counted_feed(self: Config, url: str) -> FeedConfig | None:
        scans["config"] += 1
        return real_feed(self, url)

    def counted_feeds(self: Store, with_counts: bool = True) -> list[FeedState]:
        scans["store"] += 1
        return real_feeds(self, with_counts)

    monkeypatch.setattr(Config, "feed", counted_feed)
    monkeypatch.setattr(Store, "feeds", counted_feeds)
    code, out, err = _run(capsys, "import-opml", str(tmp_path / "new.opml"))
    assert code == 0, err
    assert "250 feeds added, 50 skipped" in out
    assert scans["config"] <= 2 and scans["store"] <= 2, scans
    with Store(paths.database_path()) as store:
        titles = {state.url: state.title for state in real_feeds(store, False)}
    assert len(titles) == 300 and titles["https://f299.example/rss"] == "Feed 299"


def test_import_opml_from_an_endless_file_is_one_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "import-opml", "/dev/zero")
    assert code == 1 and out == ""
    assert err == "briefterm: the OPML file is larger than 32 MiB\n"


# -- redirects into private address ranges -----------------------------------------------

_PRETEND = {"localhost": "93.184.216.34", "intranet.test": "10.0.0.5"}


@pytest.fixture
def public_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Classify "localhost" as a public host (it still connects to 127.0.0.1).

    Tests may only reach loopback, so a "public feed" is the loopback server
    under a name the policy is told is public.
    """
    real = redirects.host_addresses

    async def fake(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        if host in _PRETEND:
            return [ipaddress.ip_address(_PRETEND[host])]
        return await real(host)

    monkeypatch.setattr(redirects, "host_addresses", fake)


FAST = PollConfig(timeout=5.0)


async def _fetch(url: str, limits: PollConfig = FAST) -> FetchResult:
    async with make_client(limits) as client:
        return await fetch(client, url, limits=limits)


@pytest.mark.usefixtures("public_localhost")
@pytest.mark.parametrize(
    "target",
    [
        "127.0.0.1",
        "169.254.169.254",
        "[::1]",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "[fc00::1]",
        "[::ffff:127.0.0.1]",
        "intranet.test",
    ],
)
def test_a_public_feed_may_not_redirect_into_private_ranges(target: str) -> None:
    with LoopbackServer() as server:
        server.route("/secret", Reply(body=RSS))
        port = server.url("/").rsplit(":", 1)[1].split("/")[0]
        feed = server.url("/feed").replace("127.0.0.1", "localhost")
        server.route("/feed", redirect(f"http://{target}:{port}/secret", 302))
        result = asyncio.run(_fetch(feed))
        assert result.error is not None and "private or local address" in result.error
        assert "allow_private_redirects" in result.error
        assert server.hits("/secret") == 0


@pytest.mark.usefixtures("public_localhost")
def test_allow_private_redirects_follows_them() -> None:
    with LoopbackServer() as server:
        server.route("/secret", Reply(body=RSS))
        feed = server.url("/feed").replace("127.0.0.1", "localhost")
        server.route("/feed", redirect(server.url("/secret"), 302))
        result = asyncio.run(_fetch(feed, PollConfig(timeout=5.0, allow_private_redirects=True)))
        assert result.ok and result.body == RSS


def test_a_loopback_feed_may_redirect_within_loopback() -> None:
    with LoopbackServer() as server:
        server.route("/secret", Reply(body=RSS))
        server.route("/feed", redirect(server.url("/secret"), 301))
        result = asyncio.run(_fetch(server.url("/feed")))
        assert result.ok and result.permanent_redirect_url == server.url("/secret")


def test_allow_private_redirects_is_a_poll_setting(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text("[poll]\nallow_private_redirects = true\n")
    assert load_config(config_file).poll.allow_private_redirects is True


# -- homograph hosts in `briefterm feeds` --------------------------------------------------


def test_feeds_table_shows_a_homograph_host_as_punycode(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # room for the whole URL
    url = "https://\u0430pple.com/feed.xml"  # Cyrillic "а"
    add_subscription(paths.config_path(), FeedConfig(url=url))  # no request to a real name
    code, out, err = _run(capsys, "feeds")
    assert code == 0, err
    assert "xn--pple-43d.com" in out and "\u0430pple" not in out


# -- parse warnings are said, not swallowed ------------------------------------------------

DUPLICATED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Dup</title>'
    + b"<item><guid>1</guid><title>One</title></item>" * 3
    + b"<item><guid>2</guid><title>Two</title></item></channel></rss>"
)


def test_parse_warnings_reach_the_poll_summary_and_feeds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LoopbackServer() as server:
        url = server.route("/dup.xml", [Reply(body=DUPLICATED), Reply(body=RSS)])
        add_subscription(paths.config_path(), FeedConfig(url=url, name="Dup"))
        code, out, err = _run(capsys, "poll")
        assert code == 0, err
        assert "warning: Dup: 2 entries repeated an earlier entry's id and were skipped" in out
        code, out, _ = _run(capsys, "feeds")
        assert "warning: 2 entries repeated" in out
        feeds = json.loads(_run(capsys, "feeds", "--json")[1])
        assert feeds[0]["warnings"] == ["2 entries repeated an earlier entry's id and were skipped"]
        # A clean parse clears them.
        assert _run(capsys, "poll", "--all")[0] == 0
        assert json.loads(_run(capsys, "feeds", "--json")[1])[0]["warnings"] == []
