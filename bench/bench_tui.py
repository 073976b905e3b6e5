"""Reader speed and memory with a large cache (not a test: prints figures).

    .venv/bin/python bench/bench_tui.py [--entries 100000] [--presses 200] [--per-key 40]

Builds a temporary SQLite cache with synthetic entries, runs the app
headless at 160x50 and reports:

* first paint: app start until the first screen update is written (the
  view model is built in a worker, so this does not wait for the brief);
* rows shown: app start until the default (brief) view's rows are painted;
* keypress→repaint for ``j`` in the All view (every entry: a 100,000-row
  virtual list), median and p99, measured around one key event up to the
  end of the refresh it caused (``keypress_median_ms``, ``keypress_p99_ms``);
* the same, median and p99, for EVERY key of :data:`KEYS`, in the Brief
  view (stories of several lines: headline, dateline and dek) and in the
  All view (``brief.<key>.median_ms``, ``all.<key>.p99_ms``, …); keys that
  toggle (m, s, space, enter/h) are pressed in pairs so the view stays as
  it was;
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

PAIRS = (
    ("j", "k"),
    ("pagedown", "pageup"),
    ("G", "g"),
    ("J", "K"),
    ("n", "p"),
    ("m", "m"),
    ("s", "s"),
    ("space", "k"),
)
"""The keys timed, pressed in turns so that each one moves or changes something
(``G`` then ``g``; ``m`` twice leaves the story as it was; ``space`` selects and
moves down, ``k`` comes back)."""
KEYS = tuple(dict.fromkeys(key for pair in PAIRS for key in pair))


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


async def _press(app: object, stamps: list[float], key: str) -> float:
    """Post one key event; milliseconds until the repaint it caused was written."""
    from textual import events

    seen = len(stamps)
    t0 = time.perf_counter()
    character = key if len(key) == 1 else {"space": " ", "enter": "\r"}.get(key)
    app.post_message(events.Key(key, character))  # type: ignore[attr-defined]
    while len(stamps) == seen and time.perf_counter() - t0 < 1.0:
        await asyncio.sleep(0.0002)
    ms = (stamps[-1] - t0) * 1000 if len(stamps) > seen else 1000.0
    await asyncio.sleep(0.005)  # let the screen settle between keys
    return ms


def _summary(prefix: str, timings: list[float]) -> dict[str, float]:
    timings = sorted(timings)
    p99 = timings[max(0, int(len(timings) * 0.99) - 1)]
    return {f"{prefix}.median_ms": statistics.median(timings), f"{prefix}.p99_ms": p99}


async def _every_key(app: object, stamps: list[float], view: str, per_key: int) -> dict[str, float]:
    """Median and p99 of each key of KEYS in the current view."""
    timings: dict[str, list[float]] = {key: [] for key in KEYS}
    for first, second in PAIRS:
        for _ in range(max(1, per_key // 2)):
            timings[first].append(await _press(app, stamps, first))
            timings[second].append(await _press(app, stamps, second))
    results: dict[str, float] = {}
    for key, found in timings.items():
        results.update(_summary(f"{view}.{key}", found))
    return results


async def measure(path: Path, config: Config, presses: int, per_key: int = 0) -> dict[str, float]:
    """Run the app headless and time first paint, key presses and a repaint."""
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
        results["brief_lines"] = app.reader.entries.line_index.lines
        if per_key:
            results.update(await _every_key(app, stamps, "brief", per_key))
            opened = []
            for _ in range(max(1, per_key // 4)):  # open a story, close it again
                opened.append(await _press(app, stamps, "enter"))
                await app.workers.wait_for_complete()
                await _press(app, stamps, "h")
            results.update(_summary("brief.enter", opened))
            await app.workers.wait_for_complete()
            await pilot.pause()
            # Whatever the last "h" met, the next keys go to the list, the story closed.
            close = getattr(app.reader, "close_story", None)
            if close is not None:
                close()
            app.reader.entries.focus()
            await pilot.pause()

        t0 = time.perf_counter()
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results["all_view_load_s"] = time.perf_counter() - t0
        results["all_view_rows"] = len(app.reader.model or ())
        await pilot.press("g")

        timings = [await _press(app, stamps, "j") for _ in range(presses)]
        summary = _summary("all.j", timings)
        results["keypress_median_ms"] = summary["all.j.median_ms"]
        results["keypress_p99_ms"] = summary["all.j.p99_ms"]
        if per_key:
            results.update(await _every_key(app, stamps, "all", per_key))

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
    parser.add_argument("--presses", type=int, default=200, help="j presses in the All view")
    parser.add_argument(
        "--per-key", type=int, default=40, help="presses of every key in both views (0: skip)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cache.sqlite3"
        t0 = time.perf_counter()
        config = build_cache(path, args.entries, time.time())
        build = time.perf_counter() - t0
        results = asyncio.run(measure(path, config, args.presses, args.per_key))
    results = {"entries": args.entries, "cache_build_s": build, **results}
    json.dump({k: round(v, 3) for k, v in results.items()}, sys.stdout, indent=2)
    print()
    keyed = sorted({k.rsplit(".", 1)[0] for k in results if k.count(".") == 2})
    if keyed:
        print("\nkey → repaint (ms)        median      p99")
        for name in keyed:
            median, p99 = results[f"{name}.median_ms"], results[f"{name}.p99_ms"]
            print(f"  {name:<22} {median:9.2f} {p99:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
