"""Network and bad-input faults found by the fault run of issue 15.

Each test reproduces one failure the run found (it failed before its fix).
Servers are on 127.0.0.1 only (tests/support/loopback.py).
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from briefterm.config import FeedConfig, add_subscription
from briefterm.config._load import parse_subscriptions
from briefterm.paths import subscriptions_path

# -- concurrent `add` -----------------------------------------------------------------


def _add_one(config_file: str, index: int, barrier: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]  # all ten read the file at once
    add_subscription(Path(config_file), FeedConfig(url=f"https://feeds.example/{index}.xml"))


def test_ten_concurrent_adds_keep_every_subscription(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(10)
    procs = [
        ctx.Process(target=_add_one, args=(str(config_file), i, barrier)) for i in range(10)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    urls = {feed.url for feed in parse_subscriptions(subscriptions_path(config_file))}
    assert urls == {f"https://feeds.example/{i}.xml" for i in range(10)}
