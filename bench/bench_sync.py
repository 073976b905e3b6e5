"""Sync client timings against a real local tt-rss (needs root; installs it when missing).

    .venv/bin/python -m bench.bench_sync [--entries 10000] [--runs 3]

Starts one private tt-rss (tests/servers), fills one user with ``--entries``
articles through real feeds (fetched by tt-rss with updateFeed), then
measures, interleaving the variants and printing medians:

* the latency of one API call (getApiLevel) through the client;
* a whole first sync (``entries_since(None)``, content included), by
  concurrency;
* a sync with nothing new: ``entries_since(watermark)`` + ``counters()``;
  one article changed elsewhere: ``counters()`` + ``state()`` of its feed;
  and the full ``state()`` id lists a complete reconciliation needs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from briefterm.sync import Limits
from briefterm.sync.ttrss import TtrssClient
from tests.support import ttrss
from tests.support.ttrss import AdminSession, FeedItem, TtrssServer, TtrssUser

PER_FEED = 500
BODY = (
    "<p>The committee published its report on Tuesday, after months of hearings in which "
    "officials, engineers and residents described the failures that led to the outage. "
    "<a href='http://site.test/report'>The report</a> recommends three changes.</p>"
) * 3


def fill(server: TtrssServer, user: TtrssUser, total: int) -> None:
    """``total`` articles in feeds of PER_FEED, fetched by tt-rss (4 at a time)."""
    admin = AdminSession(server, user)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    urls = []
    for f in range(0, total, PER_FEED):
        count = min(PER_FEED, total - f)
        items = [
            FeedItem(
                guid=f"f{f}-{k}",
                title=f"Feed {f // PER_FEED}: story {k} about the outage report",
                link=f"http://site.test/{f}/{k}",
                description=BODY,
                author="A. Reporter",
                published=start + timedelta(minutes=f + k),
            )
            for k in range(count)
        ]
        urls.append(server.write_feed(f"bench{user.uid}-{f}", f"Bench {f}", items))
    ids = [admin.call("subscribeToFeed", feed_url=u)["status"]["feed_id"] for u in urls]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(admin.update, ids))


async def first_sync(
    server: TtrssServer, user: TtrssUser, concurrency: int
) -> tuple[float, int, str]:
    limits = Limits(concurrency=concurrency)
    async with TtrssClient(server.url, user.login, user.password, limits) as client:
        await client.login()
        started = time.perf_counter()
        count = 0
        mark = ""
        async for batch in client.entries_since(None):
            count += len(batch.entries)
            mark = batch.watermark or mark
        return time.perf_counter() - started, count, mark


async def quick(
    server: TtrssServer, user: TtrssUser, mark: str
) -> tuple[float, float, float, float]:
    """Nothing new; one article read elsewhere; the full id lists; one call."""
    async with TtrssClient(server.url, user.login, user.password) as client:
        await client.login()
        before = await client.counters()
        started = time.perf_counter()
        nothing = [b async for b in client.entries_since(mark)]
        now = await client.counters()
        quick_sync = time.perf_counter() - started
        assert not any(b.entries for b in nothing) and now == before and before
        (one,) = [e for b in nothing for e in b.entries] or [
            e async for b in client.entries_since(str(int(mark) - 1)) for e in b.entries
        ]
        AdminSession(server, user).set_flag([int(one.id)], 2, 1 if one.read else 0)
        started = time.perf_counter()
        after = await client.counters()
        assert after is not None
        changed = after.changed_feeds(before)
        partial = await client.state(changed)
        one_change = time.perf_counter() - started
        assert len(changed) == 1 and partial.unread
        started = time.perf_counter()
        state = await client.state()
        full_state = time.perf_counter() - started
        assert state.unread
        started = time.perf_counter()
        for _ in range(30):
            await client.call("getApiLevel")
        per_call = (time.perf_counter() - started) / 30
        return quick_sync, one_change, full_state, per_call


def main(argv: list[str]) -> int:
    """Run the measurements and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args(argv)
    started = time.perf_counter()
    server = ttrss.start()
    if isinstance(server, str):
        print(f"no tt-rss: {server}", file=sys.stderr)
        return 1
    try:
        print(f"server start {time.perf_counter() - started:.2f} s")
        user = server.create_user()
        started = time.perf_counter()
        fill(server, user, args.entries)
        print(f"tt-rss fetched {args.entries} articles in {time.perf_counter() - started:.1f} s")
        results: dict[int, list[float]] = {c: [] for c in args.concurrency}
        mark = ""
        for _ in range(args.runs):
            for concurrency in results:
                seconds, count, mark = asyncio.run(first_sync(server, user, concurrency))
                assert count == args.entries, count
                results[concurrency].append(seconds)
        for concurrency, times in results.items():
            runs = ", ".join(f"{t:.2f}" for t in times)
            median = statistics.median(times)
            print(f"first sync, {args.entries} entries, concurrency {concurrency}:", end=" ")
            print(f"median {median:.2f} s (runs {runs})")
        quicks = [asyncio.run(quick(server, user, mark)) for _ in range(args.runs)]
        nothing, one, state, call = (statistics.median(q[i] for q in quicks) for i in range(4))
        print(f"nothing new (entries_since + counters): median {nothing:.3f} s")
        print(f"one article changed elsewhere (counters + state of its feed): median {one:.3f} s")
        print(f"full state() with ~{args.entries} unread: median {state:.2f} s")
        print(f"one API call (getApiLevel): median {call * 1000:.1f} ms")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
