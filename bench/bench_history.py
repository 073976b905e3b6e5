"""Time the first brief of a cache whose feeds bring years of history.

Usage::

    .venv/bin/python bench/bench_history.py [--feeds 300] [--items 30] [--runs 5] [--cli]

Builds a cache from the generated subscription list of
``tests/support/history_feeds.py`` (sites with twelve years of history,
sites subscribed twice, wires, undated feeds), as one first poll at "now"
would: every entry is first seen now. Then times, interleaved and as
medians:

* the edition query the brief makes (``EntryFilter(window=...)``: by
  publication time, through the ``entries_by_time`` index), and the query
  briefterm made before editions went by publication time (``first_seen``
  in the last day: on a first poll that is the whole cache);
* ``build_brief`` of the first edition (query + sections + clusters + ranking);
* with ``--cli``, ``briefterm brief --format md`` end to end in a subprocess.

``--feeds 2000 --items 500`` builds about a million entries (a few minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefterm.brief import EditionWindow, build_brief  # noqa: E402
from briefterm.config import Config, FeedConfig  # noqa: E402
from briefterm.models import ParsedEntry  # noqa: E402
from briefterm.store import EntryFilter, Store  # noqa: E402
from tests.support.history_feeds import Corpus, make_corpus  # noqa: E402


def populate(store: Store, corpus: Corpus, now: float) -> int:
    """One first poll of every feed at ``now``, without HTTP or XML."""
    count = 0
    for path, (name, items, dated) in corpus.items.items():
        feed_id = store.ensure_feed(f"https://feeds.bench{path}", name)
        entries = [
            ParsedEntry(
                entry_id=item.key,
                title=item.title,
                link=item.link,
                summary=item.summary,
                published=(
                    datetime.fromtimestamp(item.published, UTC)
                    if dated and item.published is not None
                    else None
                ),
                source_title=item.source[1] if item.source else "",
                source_url=item.source[0] if item.source else "",
            )
            for item in items
        ]
        count += store.upsert_entries(feed_id, entries, now=now).new
    return count


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    """Build the cache, then time the queries and the brief, interleaved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cli", action="store_true", help="also time `briefterm brief` itself")
    args = parser.parse_args()
    now = time.time()
    corpus = make_corpus(args.feeds, args.items, now)
    config = Config(feeds=tuple(FeedConfig(f"https://feeds.bench{path}") for path in corpus.items))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "data" / "briefterm" / "cache.sqlite3"
        db.parent.mkdir(parents=True)
        store = Store(db)
        start = time.perf_counter()
        total = populate(store, corpus, now)
        build = time.perf_counter() - start
        window = EditionWindow.since_last_brief(store, now=now + 1)
        by_pub = EntryFilter(window=window.time_window(), limit=5001)
        by_seen = EntryFilter(since=now - 86400, until=now + 1, limit=5001)
        samples: dict[str, list[float]] = {"pub": [], "seen": [], "brief": []}
        size = {"pub": 0, "seen": 0}
        brief = None
        for _ in range(args.runs):
            samples["pub"].append(
                timed(lambda: size.__setitem__("pub", len(store.list_entries(by_pub))))
            )
            samples["seen"].append(
                timed(lambda: size.__setitem__("seen", len(store.list_entries(by_seen))))
            )
            start = time.perf_counter()
            brief = build_brief(store, config, window)
            samples["brief"].append(time.perf_counter() - start)
        assert brief is not None
        print(f"{total:,} entries in {len(corpus.items)} feeds, cached in {build:.1f} s")
        print(
            f"first edition: {brief.entry_count:,} entries, {len(brief.clusters):,} stories, "
            f"{sum(s.hidden_count for s in brief.sections):,} more behind 'N more'"
        )
        med = {k: statistics.median(v) * 1000 for k, v in samples.items()}
        print(
            f"edition query by publication time: {size['pub']:,} rows, median {med['pub']:.1f} ms"
        )
        print(
            f"old query by first_seen (the whole first poll): {size['seen']:,} rows, "
            f"median {med['seen']:.1f} ms"
        )
        print(f"build_brief of the first edition: median {med['brief']:.0f} ms")
        store.close()
        if args.cli:
            env = {
                **os.environ,
                "XDG_DATA_HOME": tmp + "/data",
                "XDG_CONFIG_HOME": tmp + "/config",
                "XDG_CACHE_HOME": tmp + "/cache",
            }
            cli = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "briefterm", "brief", "--format", "md"],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                cli.append(time.perf_counter() - start)
            print(
                f"`briefterm brief --format md` end to end: median {statistics.median(cli):.2f} s"
            )


if __name__ == "__main__":
    main()
