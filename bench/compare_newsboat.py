"""briefterm and newsboat side by side, on the same feeds, in the same run.

    .venv/bin/python bench/compare_newsboat.py [--feeds 200,1000] [--items 50]
        [--repeat 3] [--repeat-large 1] [--big-items 100] [--presses 40] [--quick]
    .venv/bin/python bench/compare_newsboat.py --sets 50x20,200x50,1000x50 --poll-only \
        --baseline /work/main/.venv/bin/python --repeat 5

``--sets`` gives each feed set its own item count (``FEEDSxITEMS``).
``--baseline PYTHON`` measures a second briefterm (another checkout's
interpreter, e.g. main's, for before/after) in the same rounds: every poll
measure runs round by round, briefterm, baseline, newsboat 1 thread, newsboat
8 threads, so machine load hits all of them alike. ``--poll-only`` skips the
cold starts and keypresses.

Feeds come from ``bench/_compare_feeds.py`` (RSS 2.0, ~1.7 KB of HTML per
item, dates, authors, categories) and are served from memory on 127.0.0.1 by
an asyncio server in this process that answers ETag / Last-Modified with 304.
Both readers run as child processes and are measured from outside: wall time
around the child, peak memory sampled from /proc (see ``_newsboat.MemorySampler``).
What is measured, per feed count:

* **first poll**: ``briefterm poll --all`` into an empty cache vs ``newsboat
  -x reload`` with ``reload-threads`` 1 and 8 into an empty cache;
* **re-poll, all 304**: the same again with every feed answering 304 (newsboat
  2.21 stores no validators on the first reload of a new cache, so they are
  written into its cache first, as its second reload would have done; with
  more than 500 feeds only newsboat with 8 threads is re-polled);
* **cold start**: both TUIs started in a 160×50 pseudo-terminal on the cache
  their own poll filled, timed to the first screen and (briefterm) to the
  entry rows; plus ``newsboat -x print-unread`` (cache load, no UI) and
  briefterm's headless first paint from ``bench/bench_tui.py``;
* **keypress → repaint**: down-arrow in a view of every entry (briefterm: the
  "All" view; newsboat: a query feed of all unread articles), from writing the
  key to the pty to the last byte of the repaint; the peak RSS of that session.

``--big-items N`` finally grows every feed of the largest set to N items
(1,000 × 100 = 100,000 entries) with one more poll of each reader, and
repeats the cold start on that cache. Results are printed as a table (medians; ratio = briefterm /
newsboat, below 1 means briefterm is faster or smaller) and written as JSON to
``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _compare_feeds import FeedServer  # noqa: E402
from _newsboat import (  # noqa: E402
    Newsboat,
    RunResult,
    TerminalSession,
    newsboat_path,
    newsboat_version,
    run_measured,
)

PY = sys.executable
SIZE = (50, 160)  # rows, cols of the pseudo-terminal
DOWN = b"\x1b[B"


# -- results ----------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: a measure and its samples per reader."""

    label: str
    unit: str
    briefterm: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    newsboat_1: list[float] = field(default_factory=list)
    newsboat_8: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "unit": self.unit,
            "briefterm": self.briefterm,
            "baseline": self.baseline,
            "newsboat_threads_1": self.newsboat_1,
            "newsboat_threads_8": self.newsboat_8,
            "median": {k: med(v) for k, v in self.columns().items()},
        }

    def columns(self) -> dict[str, list[float]]:
        return {
            "briefterm": self.briefterm,
            "base": self.baseline,
            "nb1": self.newsboat_1,
            "nb8": self.newsboat_8,
        }


def med(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Report:
    """Collects rows in order and prints them."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def row(self, label: str, unit: str) -> Row:
        row = Row(label, unit)
        self.rows.append(row)
        return row

    def table(self) -> str:
        def fmt(value: float | None, unit: str) -> str:
            if value is None:
                return "—"
            if unit == "s":
                return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"
            if unit == "ms":
                return f"{value:.1f} ms"
            return f"{value:.0f} MB"

        def ratio(a: float | None, b: float | None) -> str:
            return f"{a / b:.2f}×" if a is not None and b else "—"

        based = any(r.baseline for r in self.rows)
        head = (
            "| measure | briefterm "
            + ("| baseline " if based else "")
            + "| newsboat (1 thread) | newsboat (8 threads) | ratio vs 1 | ratio vs 8 |"
            + (" baseline vs best |" if based else "")
        )
        lines = [head, "|---|---:|" + ("---:|" if based else "") + "---:|---:|---:|---:|"]
        if based:
            lines[-1] += "---:|"
        for r in self.rows:
            b, n1, n8 = med(r.briefterm), med(r.newsboat_1), med(r.newsboat_8)
            n = max(len(r.briefterm), len(r.baseline), len(r.newsboat_1), len(r.newsboat_8))
            label = f"{r.label} (n={n})" if n > 1 else r.label
            b0 = med(r.baseline)
            best = min((v for v in (n1, n8) if v is not None), default=None)
            lines.append(
                f"| {label} | {fmt(b, r.unit)} "
                + (f"| {fmt(b0, r.unit)} " if based else "")
                + f"| {fmt(n1, r.unit)} | {fmt(n8, r.unit)} | {ratio(b, n1)} | {ratio(b, n8)} |"
                + (f" {ratio(b0, best)} |" if based else "")
            )
        return "\n".join(lines)


# -- briefterm --------------------------------------------------------------------


class Briefterm:
    """A briefterm profile: config listing the feeds, private XDG directories."""

    def __init__(self, root: Path, urls: list[str], concurrency: int, python: str = PY) -> None:
        self.python = python
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.config_file = root / "config.toml"
        self.set_urls(urls, concurrency)

    def set_urls(self, urls: list[str], concurrency: int = 16) -> None:
        # Every feed lives on one loopback host here, so the per-host limit
        # is raised to the overall one: real subscriptions spread over many hosts.
        self.config_file.write_text(
            f"[poll]\nconcurrency = {concurrency}\nper_host = {concurrency}\n"
            "timeout = 120\n\n" + "".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in urls),
            "utf-8",
        )

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def db(self) -> Path:
        return self.data_dir / "briefterm" / "cache.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(
            HOME=str(self.root),
            XDG_DATA_HOME=str(self.data_dir),
            XDG_CONFIG_HOME=str(self.root / "config"),
            XDG_CACHE_HOME=str(self.root / "cache"),
            NO_PROXY="127.0.0.1,localhost",
        )
        env.pop("BRIEFTERM_CONFIG", None)
        return env

    def reset_cache(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def poll(self) -> RunResult:
        result = run_measured(
            [self.python, "-m", "briefterm", "--config", str(self.config_file), "poll", "--all"],
            env=self.env(),
            timeout=1800,
        )
        if result.returncode != 0:
            raise RuntimeError(f"briefterm poll failed: {result.stderr.strip()[-500:]}")
        return result

    def entry_count(self) -> int:
        with sqlite3.connect(self.db) as db:
            return int(db.execute("SELECT count(*) FROM entries").fetchone()[0])

    def tui(self) -> TerminalSession:
        argv = [PY, "-m", "briefterm", "--config", str(self.config_file)]
        return TerminalSession(argv, self.env(), rows=SIZE[0], cols=SIZE[1], cwd=self.root)

    def headless(self, presses: int) -> dict[str, float] | None:
        """``bench/bench_tui.py``'s measurements on this cache, in a fresh process."""
        if not (HERE / "bench_tui.py").exists():
            return None
        code = (
            "import asyncio, json, sys\n"
            f"sys.path.insert(0, {str(HERE)!r})\n"
            "from pathlib import Path\n"
            "from bench_tui import measure\n"
            "from briefterm.config import load_config\n"
            f"config = load_config(Path({str(self.config_file)!r}))\n"
            f"r = asyncio.run(measure(Path({str(self.db)!r}), config, {presses}))\n"
            "print(json.dumps(r))\n"
        )
        result = run_measured([PY, "-c", code], env=self.env(), timeout=600)
        if result.returncode != 0:
            print(f"  (bench_tui failed: {result.stderr.strip()[-300:]})")
            return None
        return json.loads(result.stdout.strip().splitlines()[-1])


# -- measurements -------------------------------------------------------------------


def step(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {message}", flush=True)


def check_all_304(server: FeedServer, feeds: int, who: str) -> None:
    if server.not_modified != feeds:
        raise RuntimeError(
            f"{who}: expected {feeds} answers 304, got {server.not_modified} of "
            f"{server.requests} requests"
        )


def first_polls(
    report: Report,
    server: FeedServer,
    feeds: int,
    items: int,
    repeat: int,
    bt: Briefterm,
    nbs: dict[int, Newsboat],
    base: Briefterm | None = None,
) -> None:
    """First polls into empty caches, then re-polls where every feed answers 304.

    Round by round: briefterm, the baseline, newsboat with 1 and 8 threads,
    so each measure's samples come from the same stretches of machine load.
    """
    first = report.row(f"first poll, {feeds} feeds × {items}", "s")
    first_rss = report.row(f"peak memory, first poll of {feeds} feeds", "MB")
    repoll = report.row(f"re-poll, {feeds} feeds all 304", "s")
    nb_first = {
        1: (first.newsboat_1, first_rss.newsboat_1),
        8: (first.newsboat_8, first_rss.newsboat_8),
    }
    bts = [("briefterm", bt, first.briefterm, first_rss.briefterm, repoll.briefterm)]
    if base is not None:
        bts.append(("baseline", base, first.baseline, first_rss.baseline, repoll.baseline))
    for n in range(repeat):
        for who, b, wall, rss, _ in bts:
            b.reset_cache()
            server.reset_counters()
            r = b.poll()
            wall.append(r.wall)
            rss.append(r.max_rss_mb)
            step(f"{who} first poll {n + 1}/{repeat}: {r.wall:.2f} s, {r.max_rss_mb:.0f} MB")
        for threads, nb in nbs.items():
            nb.reset_cache()
            r = nb.run("reload", timeout=1800)
            nb_first[threads][0].append(r.wall)
            nb_first[threads][1].append(r.max_rss_mb)
            step(f"newsboat ({threads}) first reload {n + 1}/{repeat}: {r.wall:.2f} s")
    for who, b, *_ in bts:
        if b.entry_count() != feeds * items:
            raise RuntimeError(f"{who} stored {b.entry_count()} entries, not {feeds * items}")
    for nb in nbs.values():
        held = nb.article_count()
        if held != feeds * items:
            raise RuntimeError(f"newsboat holds {held} articles, not {feeds * items}")
        nb.store_validators(server.validators())  # see Newsboat.store_validators
    for n in range(repeat):
        for who, b, _, _, col in bts:
            server.reset_counters()
            r = b.poll()
            check_all_304(server, feeds, who)
            col.append(r.wall)
            step(f"{who} re-poll (304) {n + 1}/{repeat}: {r.wall:.2f} s")
        for threads, nb in nbs.items():
            if threads == 1 and feeds > 500:
                continue  # threads hardly matter when nothing is downloaded; saves minutes
            cell = repoll.newsboat_1 if threads == 1 else repoll.newsboat_8
            server.reset_counters()
            r = nb.run("reload", timeout=1800)
            check_all_304(server, feeds, f"newsboat ({threads})")
            cell.append(r.wall)
            step(f"newsboat ({threads}) re-poll (304) {n + 1}/{repeat}: {r.wall:.2f} s")


def cold_start(
    report: Report, entries: int, repeat: int, bt: Briefterm, nb: Newsboat, presses: int
) -> dict[str, object]:
    """Both TUIs on their full caches: first screen, rows, cache load, memory."""
    label = f"{entries:,}".replace(",", " ")
    paint = report.row(f"cold start → first screen, {label} entries", "s")
    rows = report.row(f"cold start → entry rows shown, {label} entries", "s")
    load = report.row(f"batch cache load (newsboat -x print-unread), {label}", "s")
    rss = report.row(f"peak memory, reader open on {label} entries", "MB")
    for n in range(repeat):
        t = bt.tui()
        try:
            paint.briefterm.append(t.wait_for("unread /"))
            # The Brief view's rows start with the key-stories header.
            rows.briefterm.append(t.wait_for("Key stories"))
        finally:
            t.close(b"q")
        rss.briefterm.append(t.max_rss_mb)
        step(
            f"briefterm cold start {n + 1}/{repeat}: {paint.briefterm[-1]:.2f} s, "
            f"rows {rows.briefterm[-1]:.2f} s, {t.max_rss_mb:.0f} MB"
        )
        t = TerminalSession(
            [
                "newsboat",
                "-u",
                str(nb.urls_file),
                "-c",
                str(nb.cache_file),
                "-C",
                str(nb.config_file),
            ],
            nb.env(),
            rows=SIZE[0],
            cols=SIZE[1],
            cwd=nb.root,
        )
        try:
            screen = t.wait_for("Your feeds")
        finally:
            t.close(b"Q")
        # newsboat shows nothing but its loading log before the feed list.
        paint.newsboat_8.append(screen)
        rows.newsboat_8.append(screen)
        rss.newsboat_8.append(t.max_rss_mb)
        r = nb.run("print-unread", timeout=600)
        load.newsboat_8.append(r.wall)
        step(
            f"newsboat cold start {n + 1}/{repeat}: {screen:.2f} s, "
            f"print-unread {r.wall:.2f} s, {t.max_rss_mb:.0f} MB"
        )
    headless = bt.headless(presses)
    if headless:
        step(f"briefterm headless (bench_tui): {json.dumps(headless)}")
        report.notes.append(
            f"{label} entries, briefterm headless (bench/bench_tui.py, in-process, "
            f"imports excluded): first paint {headless.get('first_paint_s', 0):.3f} s, "
            f"brief rows {headless.get('brief_rows_s', 0):.3f} s, keypress median "
            f"{headless.get('keypress_median_ms', 0):.1f} ms / p99 "
            f"{headless.get('keypress_p99_ms', 0):.1f} ms, "
            f"RSS {headless.get('max_rss_mb', 0):.0f} MB"
        )
    return {"entries": entries, "headless": headless}


def keypresses(report: Report, entries: int, bt: Briefterm, nb: Newsboat, presses: int) -> None:
    """Down-arrow latency in a view of every entry, and that session's peak RSS."""
    label = f"{entries:,}".replace(",", " ")
    open_view = report.row(f"open the view of all {label} entries", "s")
    key = report.row(f"keypress → repaint, {label}-entry view (median)", "ms")
    key90 = report.row(f"keypress → repaint, {label}-entry view (p90)", "ms")
    rss = report.row(f"peak memory, session in the {label}-entry view", "MB")

    def press_many(t: TerminalSession) -> list[float]:
        out = []
        for _ in range(presses):
            t.read_for(0.02)  # let any trailing output of the last repaint pass
            out.append(t.key_latency(DOWN) * 1000)
        return sorted(out)

    t = bt.tui()
    try:
        t.wait_for("Key stories")
        t.settle(0.3)
        started = time.perf_counter()
        mark = len(t.output)
        t.send(b"4")
        t.wait_for("All", since=mark)
        t.settle(0.2)
        open_view.briefterm.append(time.perf_counter() - started - 0.2)
        lat = press_many(t)
    finally:
        t.close(b"q")
    key.briefterm.append(statistics.median(lat))
    key90.briefterm.append(lat[int(len(lat) * 0.9) - 1])
    rss.briefterm.append(t.max_rss_mb)
    step(f"briefterm keys: median {key.briefterm[-1]:.1f} ms, {t.max_rss_mb:.0f} MB")

    query = nb.root / "urls-with-query"
    query.write_text('"query:Everything:unread = \\"yes\\""\n' + nb.urls_file.read_text())
    t = TerminalSession(
        ["newsboat", "-u", str(query), "-c", str(nb.cache_file), "-C", str(nb.config_file)],
        nb.env(),
        rows=SIZE[0],
        cols=SIZE[1],
        cwd=nb.root,
    )
    try:
        t.wait_for("Your feeds")
        t.settle(0.3)
        started = time.perf_counter()
        mark = len(t.output)
        t.send(b"\r")  # the query feed is the first line
        t.wait_for("Articles in feed 'Everything'", since=mark)
        t.settle(0.2)
        open_view.newsboat_8.append(time.perf_counter() - started - 0.2)
        lat = press_many(t)
    finally:
        t.close(b"qQ")
    key.newsboat_8.append(statistics.median(lat))
    key90.newsboat_8.append(lat[int(len(lat) * 0.9) - 1])
    rss.newsboat_8.append(t.max_rss_mb)
    step(f"newsboat keys: median {key.newsboat_8[-1]:.1f} ms, {t.max_rss_mb:.0f} MB")


# -- driver -------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import textual

        textual_version = textual.__version__
    except Exception:
        textual_version = ""
    from briefterm import __version__

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
        "newsboat": newsboat_version(),
        "briefterm": __version__,
        "textual": textual_version,
        "sqlite": sqlite3.sqlite_version,
        "loadavg_at_start": os.getloadavg(),
        "kernel": platform.release(),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", default="200,1000", help="feed counts, comma-separated")
    parser.add_argument("--items", type=int, default=50, help="items per feed")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (small sets)")
    parser.add_argument(
        "--repeat-large",
        type=int,
        default=1,
        help="runs per measure for feed sets above 500 feeds and the big cache",
    )
    parser.add_argument(
        "--big-items",
        type=int,
        default=100,
        help="grow the largest set to this many items per feed for the big cold start "
        "(1,000 × 100 = 100,000 entries; 0: skip)",
    )
    parser.add_argument("--presses", type=int, default=40, help="keypresses per view")
    parser.add_argument("--quick", action="store_true", help="a small run (about a minute)")
    parser.add_argument(
        "--sets",
        default="",
        help="feed sets with their own item counts, e.g. 50x20,200x50 (overrides --feeds/--items)",
    )
    parser.add_argument(
        "--baseline",
        default="",
        metavar="PYTHON",
        help="also measure the briefterm this interpreter imports (before/after), interleaved",
    )
    parser.add_argument(
        "--poll-only", action="store_true", help="only the polls: no cold starts or keypresses"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    if args.quick:
        args.feeds, args.items, args.repeat, args.repeat_large = "50,200", 20, 1, 1
        args.big_items, args.presses = 0, 20
    if args.sets:
        pairs = [x.lower().split("x") for x in args.sets.split(",") if x.strip()]
        args.set_items = {int(f): int(i) for f, i in pairs}
        args.feed_counts = list(args.set_items)
        args.items = max(args.set_items.values())
    else:
        args.feed_counts = [int(x) for x in args.feeds.split(",") if x.strip()]
        args.set_items = dict.fromkeys(args.feed_counts, args.items)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; print the table; write the JSON."""
    args = parse_args(argv)
    if newsboat_path() is None:
        print("newsboat is not installed (apt-get install newsboat); nothing to compare.")
        return 1
    info = machine()
    print(
        f"machine: {info['nproc']} CPUs, {info['cpu']}, Python {info['python']}, "
        f"newsboat {info['newsboat']}, briefterm {info['briefterm']}, "
        f"load {info['loadavg_at_start'][0]:.2f}"
    )
    report = Report()
    extra: dict[str, object] = {}
    started = time.perf_counter()
    server = FeedServer()
    server.start()
    work = Path(tempfile.mkdtemp(prefix="briefterm-vs-newsboat-"))
    profiles: dict[int, tuple[Briefterm, dict[int, Newsboat]]] = {}
    try:
        for feeds in args.feed_counts:
            repeat = args.repeat if feeds <= 500 else args.repeat_large
            items = args.set_items[feeds]
            print(f"\n== {feeds} feeds × {items} items", flush=True)
            urls = server.set_feeds(feeds, items)
            bt = Briefterm(work / f"bt-{feeds}", urls, concurrency=16)
            base = None
            if args.baseline:
                base = Briefterm(work / f"base-{feeds}", urls, 16, python=args.baseline)
            nbs = {t: Newsboat(work / f"nb{t}-{feeds}", urls, threads=t) for t in (1, 8)}
            profiles[feeds] = (bt, nbs)
            first_polls(report, server, feeds, items, repeat, bt, nbs, base)
            if args.poll_only:
                continue
            entries = feeds * items
            big_follows = args.big_items > items and feeds == max(args.feed_counts)
            if not big_follows or entries == 10_000:
                # Cold starts are measured on 10,000 entries and on the big cache:
                # at 1,000 feeds each newsboat start takes about 40 s.
                extra[f"cold_{entries}"] = cold_start(
                    report, entries, repeat, bt, nbs[8], args.presses
                )
            if feeds == args.feed_counts[0] or entries == 10_000:
                keypresses(report, entries, bt, nbs[8], args.presses)
        if args.big_items > args.items and args.feed_counts and not args.poll_only:
            feeds = max(args.feed_counts)
            bt, nb = profiles[feeds][0], profiles[feeds][1][8]
            print(f"\n== growing to {feeds} feeds × {args.big_items} items", flush=True)
            # Every feed keeps its first items and gains new ones: one more poll each.
            server.set_feeds(feeds, args.big_items)
            grow = report.row(f"poll growing to {feeds} × {args.big_items} items", "s")
            r = bt.poll()
            grow.briefterm.append(r.wall)
            step(f"briefterm grow: {r.wall:.2f} s")
            r = nb.run("reload", timeout=3600)
            grow.newsboat_8.append(r.wall)
            step(f"newsboat (8) grow: {r.wall:.2f} s")
            entries = feeds * args.big_items
            if bt.entry_count() != entries or nb.article_count() != entries:
                raise RuntimeError("the grown caches do not hold every entry")
            extra[f"cold_{entries}"] = cold_start(
                report, entries, args.repeat_large, bt, nb, args.presses
            )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    elapsed = time.perf_counter() - started
    print("\n" + report.table())
    for note in report.notes:
        print(f"- {note}")
    print(
        f"\nratio = briefterm / newsboat (below 1: briefterm faster or smaller). "
        f"Cold start and keypress rows compare against newsboat with 8 reload threads "
        f"(threads do not matter there). Run took {elapsed:.0f} s."
    )
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"compare_newsboat-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "machine": info,
                "args": {k: v for k, v in vars(args).items() if k != "out"},
                "rows": [r.as_dict() for r in report.rows],
                "notes": report.notes,
                "extra": extra,
                "seconds": elapsed,
            },
            indent=2,
            default=str,
        )
    )
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
