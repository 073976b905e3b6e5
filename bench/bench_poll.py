"""Time a first poll and an all-304 re-poll of N synthetic feeds (not a test).

    .venv/bin/python bench/bench_poll.py --feeds 200 --items 50
    .venv/bin/python bench/bench_poll.py --feeds 1000 --parse processes,inprocess

The feeds (about 1.7 KB of HTML per item, real dates, authors, categories)
are served from memory by ``bench/feedgen.py`` in a *child process*, so the
server never competes with the poller for this process's GIL. A first line
measures the server plus a bare httpx download of every feed (no parsing, no
storage): the floor any poll of these feeds can reach here.

Each mode polls into a fresh on-disk cache (WAL, as in real use):
``auto`` is what briefterm does (first few feeds parsed in-process, the rest
in a process pool), ``inprocess`` never starts a process, ``processes``
sends every feed to the pool. ``--start-method`` tries fork/forkserver/spawn.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
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
    parser.add_argument("--start-method", choices=["fork", "forkserver", "spawn"], default=None)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    if args.start_method:
        ctx = multiprocessing.get_context(args.start_method)
        if args.start_method == "forkserver":
            ctx.set_forkserver_preload(["briefterm.parse"])
        _parsers._mp_context = lambda: ctx  # type: ignore[assignment]  # a bench-only override

    # Every feed is on 127.0.0.1, so the per-host cap would be the whole
    # concurrency; lift it to match, as a poll of many hosts would.
    limits = PollConfig(concurrency=args.concurrency, per_host=args.concurrency, timeout=60)
    print(f"{args.feeds} feeds x {args.items} items, concurrency {args.concurrency}")
    with ServerProcess(args.feeds, args.items) as server:
        config = Config(feeds=tuple(FeedConfig(url=u) for u in server.urls), poll=limits)
        seconds, size = asyncio.run(_download_all(server.urls, limits))
        print(
            f"  download only (server + httpx, no parse/store): {seconds:6.2f} s"
            f"  {size / 1e6:.1f} MB  {args.feeds / seconds:7.0f} feeds/s"
        )
        for mode in args.parse.split(","):
            with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "cache.db") as store:
                server.reset()
                report = _poll_once(store, config, mode)
                assert report.errors == 0, report.failed[:3]
                print(
                    f"  first poll [{mode:9}]: {report.seconds:6.2f} s"
                    f"  {report.new} entries  {args.feeds / report.seconds:6.0f} feeds/s"
                    f"  ({report.parsed_in_processes} feeds parsed in worker processes)"
                )
                server.reset()
                report = _poll_once(store, config, mode)
                counters = server.counters()
                assert report.not_modified == args.feeds, report.results[:3]
                assert counters["not_modified"] == args.feeds, counters
                print(
                    f"  re-poll    [{mode:9}]: {report.seconds:6.2f} s"
                    f"  all {counters['not_modified']} feeds answered 304"
                )


if __name__ == "__main__":
    main()
