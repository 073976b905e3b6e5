"""Reader speed and memory with a large cache (not a test: prints figures).

    .venv/bin/python bench/bench_tui.py [--entries 100000] [--presses 200]

Builds a temporary SQLite cache with synthetic entries, runs the app
headless at 160x50 and reports:

* first paint: app start until the first screen update is written (the
  view model is built in a worker, so this does not wait for the brief);
* rows shown: app start until the default (brief) view's rows are painted;
* keypress→repaint for ``j`` in the All view (every entry: a 100,000-row
  virtual list), median and p99, measured around one key event up to the
  end of the refresh it caused;
* one full repaint of the entry list (render cost alone);
* peak RSS (``ru_maxrss``).

Targets: first paint ≤ 0.5 s; keypress ≤ 16 ms median, ≤ 50 ms p99; ≤ 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from briefterm.config import Config, FeedConfig
from briefterm.store import Store

FEEDS = 50


def build_cache(path: Path, entries: int, now: float) -> Config:
    """Fill a cache at ``path`` with ``entries`` synthetic entries over 50 feeds."""
    store = Store(path)
    feeds = []
    for i in range(FEEDS):
        url = f"https://feed{i}.example.org/rss"
        feeds.append(FeedConfig(url=url, name=f"Feed {i}", section=f"Section {i % 6}"))
        store.ensure_feed(url, f"Feed {i}")
    ids = {f.url: store.ensure_feed(f.url) for f in feeds}
    words = ["chip", "market", "policy", "launch", "rate", "budget", "cloud", "model"]
    batch = []
    for n in range(entries):
        feed = feeds[n % FEEDS].url
        t = now - n * 30.0
        title = " ".join(words[(n + k) % len(words)] for k in range(8)) + f" #{n}"
        batch.append(
            (ids[feed], f"e{n}", title, f"https://x.example.org/{n}", "A short summary.", t, t)
        )
    with store.write() as db:
        db.executemany(
            "INSERT INTO entries (feed_id, entry_key, title, link, summary, first_seen,"
            " sort_time) VALUES (?,?,?,?,?,?,?)",
            batch,
        )
    store.close()
    return Config(feeds=tuple(feeds))


async def measure(path: Path, config: Config, presses: int) -> dict[str, float]:
    """Run the app headless and time first paint, key presses and a repaint."""
    from textual import events

    from briefterm.tui.app import BriefApp

    store = Store(path)
    started = time.perf_counter()
    app = BriefApp(config, store)
    # Every screen update ends in App._display (after the compositor render),
    # so its timestamps are "repaint done" times.
    stamps: list[float] = []
    original_display = app._display

    def display(screen, renderable):  # type: ignore[no-untyped-def]
        original_display(screen, renderable)
        if renderable is not None:
            stamps.append(time.perf_counter())

    app._display = display  # type: ignore[method-assign]
    results: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        while not stamps:
            await asyncio.sleep(0.001)
        results["first_paint_s"] = stamps[0] - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        results["brief_rows_s"] = time.perf_counter() - started
        results["brief_rows"] = len(app.reader.model or ())

        t0 = time.perf_counter()
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results["all_view_load_s"] = time.perf_counter() - t0
        results["all_view_rows"] = len(app.reader.model or ())

        timings = []
        for _ in range(presses):
            seen = len(stamps)
            t0 = time.perf_counter()
            app.post_message(events.Key("j", "j"))
            while len(stamps) == seen and time.perf_counter() - t0 < 1.0:
                await asyncio.sleep(0.0002)
            timings.append((stamps[-1] - t0) * 1000 if len(stamps) > seen else 1000.0)
            await asyncio.sleep(0.005)
        timings.sort()
        results["keypress_median_ms"] = statistics.median(timings)
        results["keypress_p99_ms"] = timings[int(len(timings) * 0.99) - 1]

        entries = app.reader.entries
        repaint = []
        for _ in range(20):
            entries._pages.clear()  # cold caches: includes the SQLite page load
            entries._strips.clear()
            t0 = time.perf_counter()
            entries._prepare_paint()
            for y in range(entries.size.height):
                entries.render_line(y)
            repaint.append((time.perf_counter() - t0) * 1000)
        results["full_repaint_cold_ms"] = statistics.median(repaint)
    store.close()
    results["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def main(argv: list[str] | None = None) -> int:
    """Build the cache, run the measurements, print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cache.sqlite3"
        t0 = time.perf_counter()
        config = build_cache(path, args.entries, time.time())
        build = time.perf_counter() - t0
        results = asyncio.run(measure(path, config, args.presses))
    results = {"entries": args.entries, "cache_build_s": build, **results}
    json.dump({k: round(v, 3) for k, v in results.items()}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
