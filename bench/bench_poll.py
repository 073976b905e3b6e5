"""Time a first poll and an all-304 re-poll of N synthetic feeds (not a test).

    .venv/bin/python bench/bench_poll.py --feeds 200 --items 50
    .venv/bin/python bench/bench_poll.py --feeds 1000 --parse processes,inprocess

The feeds (about 1.7 KB of HTML per item, real dates, authors, categories)
are served from memory by ``bench/feedgen.py`` in a *child process*, so the
server never competes with the poller for this process's GIL. A first line
measures the server plus a bare download of every feed (no parsing, no
storage): the floor any poll of these feeds can reach here.

Each mode polls into a fresh on-disk cache (WAL, as in real use):
``auto`` is what briefterm does (a helper thread for small polls, one forked
worker above ``PROCESS_POOL_AFTER`` expected bodies), ``inprocess`` never
starts a process, ``processes`` always uses the forked worker. ``--rounds``
repeats the modes round by round and prints medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import ServerProcess

from briefterm import poller
from briefterm.config import Config, FeedConfig, PollConfig
from briefterm.fetch import fetch, make_client
from briefterm.poller import _parsers
from briefterm.store import Store


async def _download_all(urls: list[str], limits: PollConfig) -> tuple[float, int]:
    started = time.perf_counter()
    sem = asyncio.Semaphore(limits.concurrency)
    async with make_client(limits) as client:

        async def one(url: str) -> int:
            async with sem:
                return len((await fetch(client, url, limits=limits)).body)

        sizes = await asyncio.gather(*(one(u) for u in urls))
    return time.perf_counter() - started, sum(sizes)


def _poll_once(store: Store, config: Config, mode: str) -> poller.PollReport:
    # The threshold is read by each poll's Parsers, so it is set where they read it.
    old = _parsers.PROCESS_POOL_AFTER
    if mode == "processes":
        _parsers.PROCESS_POOL_AFTER = 0
    try:
        return poller.poll(store, config, force=True, use_processes=mode != "inprocess")
    finally:
        _parsers.PROCESS_POOL_AFTER = old


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument(
        "--parse", default="auto", help="comma-separated: auto, inprocess, processes"
    )
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds (medians)")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    # Every feed is on 127.0.0.1, so the per-host cap would be the whole
    # concurrency; lift it to match, as a poll of many hosts would.
    limits = PollConfig(concurrency=args.concurrency, per_host=args.concurrency, timeout=60)
    print(f"{args.feeds} feeds x {args.items} items, concurrency {args.concurrency}")
    with ServerProcess(args.feeds, args.items) as server:
        config = Config(feeds=tuple(FeedConfig(url=u) for u in server.urls), poll=limits)
        seconds, size = asyncio.run(_download_all(server.urls, limits))
        print(
            f"  download only (server + fetch, no parse/store): {seconds:6.2f} s"
            f"  {size / 1e6:.1f} MB  {args.feeds / seconds:7.0f} feeds/s"
        )
        modes = args.parse.split(",")
        first: dict[str, list[float]] = {m: [] for m in modes}
        again: dict[str, list[float]] = {m: [] for m in modes}
        workers: dict[str, int] = {}
        for _ in range(args.rounds):
            for mode in modes:
                with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "cache.db") as store:
                    server.reset()
                    report = _poll_once(store, config, mode)
                    assert report.errors == 0, report.failed[:3]
                    first[mode].append(report.seconds)
                    workers[mode] = report.parsed_in_processes
                    server.reset()
                    report = _poll_once(store, config, mode)
                    counters = server.counters()
                    assert report.not_modified == args.feeds, report.results[:3]
                    assert counters["not_modified"] == args.feeds, counters
                    again[mode].append(report.seconds)
        for mode in modes:
            wall = statistics.median(first[mode])
            print(
                f"  first poll [{mode:9}]: {wall:6.2f} s  {args.feeds / wall:6.0f} feeds/s"
                f"  ({workers[mode]} feeds parsed in the worker process)"
            )
            print(f"  re-poll    [{mode:9}]: {statistics.median(again[mode]):6.2f} s  (all 304)")


if __name__ == "__main__":
    main()
