"""Network and bad-input faults found by the fault run of issue 15.

Each test reproduces one failure the run found (it failed before its fix).
Servers are on 127.0.0.1 only (tests/support/loopback.py).
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from briefterm import paths
from briefterm.cli import main
from briefterm.config import FeedConfig, add_subscription, load_config
from briefterm.config._load import parse_subscriptions
from briefterm.paths import subscriptions_path
from briefterm.store import Store
from tests.support.loopback import LoopbackServer, Reply

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


def test_add_no_poll_subscribes_a_failing_feed_without_fetching(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LoopbackServer() as server:
        url = server.route("/missing.xml", Reply(status=404))
        code, out, err = _run(capsys, "add", url, "--no-poll", "--name", "Later")
        assert code == 0, err
        assert "subscribed: Later" in out
        assert server.hits("/missing.xml") == 0
    assert [feed.url for feed in load_config().feeds] == [url]


def test_add_of_a_404_refuses_and_suggests_no_poll(capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer() as server:
        url = server.route("/missing.xml", Reply(status=404))
        code, _, err = _run(capsys, "add", url)
    assert code == 1
    assert "404" in err and "--no-poll" in err and err.count("\n") == 1
    assert load_config().feeds == ()
