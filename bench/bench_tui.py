"""Reader speed and memory at 10k, 100k and 1M cached entries (not a test: prints figures).

    .venv/bin/python bench/bench_tui.py [--sizes 10k,100k,1M] [--presses 200] [--per-key 40]
        [--terminal 5] [--no-headless]

For each size it takes a synthetic cache from ``bench/results/`` (built once
per size with ``executemany`` and reused while it is younger than
:data:`CACHE_MAX_AGE`; every run works on a copy), runs the app headless at
160x50 and reports:

* first paint: app start until the first screen update is written;
* first rows: app start until the first rows are painted (the saved brief
  when the cache has one, which the run before left);
* rows shown: app start until the default (brief) view's rows, built now, are painted;
* keypress→repaint for ``j`` in the All view (every entry), median and p99
  (``keypress_median_ms``, ``keypress_p99_ms``);
* the same, median and p99, for EVERY key of :data:`KEYS`, in the Brief
  view and in the All view (``brief.<key>.median_ms``, ``all.<key>.p99_ms``);
  keys that toggle (m, s, space, enter/h) are pressed in pairs so the view
  stays as it was; view switches (1-5) are timed until the new view is painted;
* the All view's first rows (its newest days, painted first), its load time
  (every row) and the peak RSS then, and at the end (``ru_maxrss``).

With ``--terminal N`` it also starts ``python -m briefterm`` N times in a
pseudo-terminal (``bench/_newsboat.TerminalSession``, the helper
``compare_newsboat.py`` uses) on a copy of each cache, and reports the time
to the first full screen (the title bar's counts and the first story row):
the first start of a copy (nothing saved yet) and the later ones.

Targets: first screen ≤ 0.5 s (100k), ≤ 0.6 s (1M); keypress ≤ 16 ms
median, ≤ 50 ms p99; All view at 1M ≤ 0.5 s and ≤ 120 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from briefterm.config import Config, FeedConfig  # noqa: E402
from briefterm.store import Store  # noqa: E402

FEEDS = 50
RESULTS = HERE / "results"
CACHE_MAX_AGE = 6 * 3600
"""A cached database older than this is rebuilt: its entries are dated from
its build time, and the live edition covers the last day."""

PAIRS = (
    ("j", "k"),
    ("pagedown", "pageup"),
    ("G", "g"),
    ("end", "home"),
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
WORDS = ("chip", "market", "policy", "launch", "rate", "budget", "cloud", "model")


def parse_size(text: str) -> int:
    """``10k``, ``100k``, ``1M`` or a plain number of entries."""
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def bench_config(entries: int = 0) -> Config:
    """The subscriptions of every synthetic cache: 50 feeds in 6 sections."""
    return Config(
        feeds=tuple(
            FeedConfig(
                url=f"https://feed{i}.example.org/rss", name=f"Feed {i}", section=f"Section {i % 6}"
            )
            for i in range(FEEDS)
        )
    )


def _rows(ids: list[int], entries: int, now: float):  # type: ignore[no-untyped-def]
    for n in range(entries):
        t = now - n * 30.0
        title = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(8)) + f" #{n}"
        yield (
            ids[n % FEEDS],
            f"e{n}",
            title,
            f"https://x.example.org/{n}",
            "A short summary.",
            t,
            t,
        )


def build_cache(path: Path, entries: int, now: float) -> Config:
    """Fill a cache at ``path`` with ``entries`` synthetic entries over 50 feeds.

    One ``executemany`` of a generator and one ``INSERT … SELECT`` for the
    search index: about 10 s for a million entries.
    """
    config = bench_config()
    store = Store(path)
    ids = [store.ensure_feed(f.url, f.name) for f in config.feeds]
    with store.write() as db:
        db.executemany(
            "INSERT INTO entries (feed_id, entry_key, title, link, summary, first_seen,"
            " sort_time) VALUES (?,?,?,?,?,?,?)",
            _rows(ids, entries, now),
        )
        db.execute(
            "INSERT INTO entries_fts (rowid, title, summary, author)"
            " SELECT id, title, summary, author FROM entries"
        )
    store.close()
    return config


def cached_cache(entries: int, dest: Path) -> tuple[Config, float]:
    """Copy the cached database of ``entries`` entries to ``dest`` (build it first if needed).

    Returns the config and how long a build took (0 when the cache was reused).
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    from briefterm.store._schema import SCHEMA_VERSION

    # Keyed by schema too: an older briefterm refuses a newer cache, and a
    # newer one would migrate the copy inside the timed start.
    cached = RESULTS / f"tui-cache-{entries}-v{SCHEMA_VERSION}.sqlite3"
    build = 0.0
    if not cached.exists() or time.time() - cached.stat().st_mtime > CACHE_MAX_AGE:
        partial = cached.with_suffix(".partial")
        for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            stale.unlink(missing_ok=True)
        t0 = time.perf_counter()
        build_cache(partial, entries, time.time())
        build = time.perf_counter() - t0
        os.replace(partial, cached)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, dest)
    return bench_config(), build


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


async def _view_switches(app: object, pilot: object, per_key: int) -> dict[str, float]:
    """Milliseconds from a view key (1-5) until that view's rows are painted."""
    timings: dict[str, list[float]] = {}
    for _ in range(max(1, per_key // 8)):
        for key in ("1", "2", "3", "4", "5"):
            t0 = time.perf_counter()
            await pilot.press(key)  # type: ignore[attr-defined]
            await app.workers.wait_for_complete()  # type: ignore[attr-defined]
            await pilot.pause()  # type: ignore[attr-defined]
            timings.setdefault(key, []).append((time.perf_counter() - t0) * 1000)
    results: dict[str, float] = {}
    for key, found in timings.items():
        results.update(_summary(f"view.{key}", found))
    return results


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
        # The first rows: the saved brief when there is one, else the built one.
        while app.reader.model is None:
            await asyncio.sleep(0.001)
        painted = len(stamps)
        while len(stamps) == painted:
            await asyncio.sleep(0.001)
        results["first_rows_s"] = stamps[-1] - started
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

        async def shown() -> int:  # how many repaints came before the All rows were set
            while app.reader.model is None or app.reader.model.view != "all":
                await asyncio.sleep(0.0005)
            return len(stamps)

        t0 = time.perf_counter()
        watcher = asyncio.create_task(shown())
        await pilot.press("4")
        painted = await watcher
        # The first rows: the newest days, painted while every row is read.
        while len(stamps) == painted:
            await asyncio.sleep(0.001)
        results["all_view_first_rows_s"] = stamps[painted] - t0
        await app.workers.wait_for_complete()
        await pilot.pause()
        results["all_view_load_s"] = time.perf_counter() - t0
        results["all_view_rows"] = len(app.reader.model or ())
        results["all_view_max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        await pilot.press("g")

        timings = [await _press(app, stamps, "j") for _ in range(presses)]
        summary = _summary("all.j", timings)
        results["keypress_median_ms"] = summary["all.j.median_ms"]
        results["keypress_p99_ms"] = summary["all.j.p99_ms"]
        if per_key:
            results.update(await _every_key(app, stamps, "all", per_key))

        if per_key:
            results.update(await _view_switches(app, pilot, per_key))
    store.close()
    results["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def terminal_first_screen(db: Path, config: Config, runs: int) -> dict[str, float]:
    """Seconds from spawning ``python -m briefterm`` in a pty to its first full screen.

    A full screen is the title bar's counts ("unread /") and the first story's
    headline (every synthetic title has "policy"). The first run starts on a fresh
    copy of the cache; the later ones find what the earlier left (as a user's
    second start does).
    """
    from _newsboat import TerminalSession, python_exe

    root = db.parent.parent.parent  # db is ROOT/data/briefterm/cache.sqlite3
    (root / "config").mkdir(parents=True, exist_ok=True)
    config_file = root / "config.toml"
    config_file.write_text(
        "".join(
            f'[[feeds]]\nurl = "{f.url}"\nname = "{f.name}"\nsection = "{f.section}"\n\n'
            for f in config.feeds
        ),
        "utf-8",
    )
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(
        HOME=str(root),
        XDG_DATA_HOME=str(root / "data"),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_CACHE_HOME=str(root / "cache"),
    )
    env.pop("BRIEFTERM_CONFIG", None)
    argv = [python_exe(), "-m", "briefterm", "--config", str(config_file)]
    times: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        session = TerminalSession(argv, env, rows=50, cols=160, cwd=root)
        try:
            session.wait_for("unread /", timeout=60)
            times.append(session.wait_for("policy", timeout=60))
        finally:
            session.close(b"q")
        rss.append(session.max_rss_mb)
    out = {"terminal.first_start_s": times[0], "terminal.first_start_rss_mb": rss[0]}
    if len(times) > 1:
        out["terminal.later_starts_median_s"] = statistics.median(times[1:])
        out["terminal.later_starts_max_s"] = max(times[1:])
    return out


def _run_size(entries: int, args: argparse.Namespace) -> dict[str, float]:
    """Every measurement on one cache size, in this process (headless) and in a pty."""
    results: dict[str, float] = {"entries": entries}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "data" / "briefterm" / "cache.sqlite3"
        config, build = cached_cache(entries, db)
        results["cache_build_s"] = build
        if args.terminal:
            results.update(terminal_first_screen(db, config, args.terminal))
        if args.headless:
            headless = Path(tmp) / "headless.sqlite3"
            shutil.copyfile(db, headless)
            results.update(asyncio.run(measure(headless, config, args.presses, args.per_key)))
    return results


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the caches, run the measurements, print them as JSON and a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="cache sizes, e.g. 10k,100k,1M")
    parser.add_argument("--entries", type=int, help="one size (same as --sizes N)")
    parser.add_argument("--presses", type=int, default=200, help="j presses in the All view")
    parser.add_argument(
        "--per-key", type=int, default=40, help="presses of every key in both views (0: skip)"
    )
    parser.add_argument(
        "--terminal", type=int, default=0, help="first-screen runs in a pty per size (0: skip)"
    )
    parser.add_argument("--no-headless", dest="headless", action="store_false")
    args = parser.parse_args(argv)
    sizes = [args.entries] if args.entries else [parse_size(t) for t in args.sizes.split(",")]
    # The headless run measures max RSS of this process: one size per process.
    if len(sizes) > 1:
        import subprocess

        for size in sizes:
            rest = [a for a in (argv if argv is not None else sys.argv[1:])]
            subprocess.run([sys.executable, __file__, *_without_sizes(rest), "--sizes", str(size)])
        return 0
    results = _run_size(sizes[0], args)
    json.dump({k: round(v, 3) for k, v in results.items()}, sys.stdout, indent=2)
    print()
    keyed = sorted({k.rsplit(".", 1)[0] for k in results if k.endswith(".median_ms")})
    if keyed:
        print(f"\nkey → repaint (ms), {sizes[0]:,} entries   median      p99")
        for name in keyed:
            median, p99 = results[f"{name}.median_ms"], results[f"{name}.p99_ms"]
            print(f"  {name:<30} {median:9.2f} {p99:9.2f}")
    sys.stdout.flush()
    return 0


def _without_sizes(args: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("--sizes", "--entries"):
            skip = True
            continue
        if arg.startswith(("--sizes=", "--entries=")):
            continue
        out.append(arg)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
