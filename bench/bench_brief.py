"""Time brief assembly (5,000 entries from 100 feeds in a temporary cache) or clustering alone.

Usage::

    .venv/bin/python bench/bench_brief.py [--entries 5000] [--feeds 100] [--runs 7]
    .venv/bin/python bench/bench_brief.py --cluster-only --entries 100000 --feeds 1000

Entries are generated stories (``bench/_headlines.py``): most told by one
feed, many by two to four feeds with reworded titles, a few by dozens, about
a tenth in Chinese. The default mode reports the median time of
``build_brief`` (load + sections + clusters + ranking) and of assembly alone
(target: ≤ 200 ms at 5,000 entries). ``--cluster-only`` times
``cluster_entries`` on entries in a 48 h window, cold, from stored features
and warm, with memory (targets: 5,000 in ≤ 100 ms, 100,000 in ≤ 2 s).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _headlines import make_entries

from briefterm.brief import EditionWindow, assemble, build_brief
from briefterm.brief._tokens import _word
from briefterm.brief.cluster import DEFAULT_THRESHOLD, cluster_entries
from briefterm.brief.features import decode, encode, entry_features, features_for
from briefterm.config import BriefConfig, Config, FeedConfig, SectionConfig
from briefterm.models import Cluster, ParsedEntry
from briefterm.store import EntryFilter, Store


def populate(store: Store, n_entries: int, n_feeds: int, now: float, seed: int = 7) -> None:
    """Fill ``store`` with ``n_entries`` generated entries (``_headlines.py``) over ``n_feeds``.

    Entry ids are "s<story>-e<n>", so cluster quality can be checked against
    the generated truth.
    """
    rng = random.Random(seed)
    feed_ids = [
        store.ensure_feed(f"https://feed{i}.example/rss", f"Feed {i}") for i in range(n_feeds)
    ]
    per_feed: dict[int, list[ParsedEntry]] = {f: [] for f in feed_ids}
    for e in make_entries(n_entries, n_feeds, hours=20, end=now, seed=seed):
        per_feed[feed_ids[e.feed_id - 1]].append(
            ParsedEntry(
                entry_id=e.entry_key,
                title=e.title,
                link=e.link,
                summary=e.summary,
                published=datetime.fromtimestamp(e.time, UTC),
                categories=(rng.choice(["Tech", "Business", "World"]),),
            )
        )
    for feed, entries in per_feed.items():
        store.upsert_entries(feed, entries, now=now - 60)


def time_clustering(n_entries: int, n_feeds: int, runs: int) -> None:
    """Time cluster_entries alone on generated entries in a 48 h window.

    Three starts: *cold* computes every entry's features (tokens, weights,
    signals), as a fresh process with nothing stored does; *stored* decodes
    them from their text form first (what a reader pays when the poller
    stored them); *ready* is given them (a rebuild in a process that has
    them: the clustering proper). Memory: peak traced allocations of a
    ready run, on top of the entries and their features.
    """
    entries = make_entries(n_entries, n_feeds, hours=48)
    stored = {e.id: encode(entry_features(e)) for e in entries}
    features_for.cache_clear()
    gc.collect()
    t0 = time.perf_counter()
    clusters = cluster_entries(entries)
    cold = time.perf_counter() - t0
    features_for.cache_clear()
    t0 = time.perf_counter()
    ready = {eid: decode(text) for eid, text in stored.items()}
    cluster_entries(entries, features=ready)
    from_store = time.perf_counter() - t0
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        cluster_entries(entries, features=ready)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    tracemalloc.start()
    cluster_entries(entries, features=ready)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    precision, recall = pairwise_quality(clusters)
    multi = sum(1 for c in clusters if c.source_count > 1)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{n_entries:,} entries, {n_feeds:,} feeds, 48 h → {len(clusters):,} stories "
        f"({multi:,} with several sources); precision {precision:.3f} recall {recall:.3f}"
    )
    print(
        f"cluster_entries: cold {cold * 1000:.0f} ms, stored {from_store * 1000:.0f} ms "
        f"(decode included), ready median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, CPU min {min(cpu) * 1000:.0f}); "
        f"peak traced {peak / 1e6:.0f} MB; max RSS {rss_mb:.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def _clear_caches() -> None:
    """Forget what a process learns while it builds briefs: tokens and features."""
    features_for.cache_clear()
    _word.cache_clear()
    gc.collect()


def pairwise_quality(clusters: list[Cluster]) -> tuple[float, float]:
    """Pairwise precision/recall of ``clusters`` against the generated stories."""
    predicted = truth_pairs = correct = 0
    by_story: dict[str, int] = {}
    for cluster in clusters:
        stories = [e.entry_key.split("-")[0] for e in cluster.members]
        predicted += len(stories) * (len(stories) - 1) // 2
        for story in set(stories):
            k = stories.count(story)
            correct += k * (k - 1) // 2
        for story in stories:
            by_story[story] = by_story.get(story, 0) + 1
    truth_pairs = sum(k * (k - 1) // 2 for k in by_story.values())
    return (
        correct / predicted if predicted else 1.0,
        correct / truth_pairs if truth_pairs else 1.0,
    )


def main() -> None:
    """Build the cache, then time build_brief and assembly alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--curve",
        action="store_true",
        help="the clustering cost curve: --cluster-only at 5k, 20k and 100k entries",
    )
    parser.add_argument(
        "--cluster-only",
        action="store_true",
        help="time cluster_entries alone on generated entries (no cache, 48 h window)",
    )
    args = parser.parse_args()
    if args.curve:
        for n in (5_000, 20_000, 100_000):
            time_clustering(n, n // 100, args.runs)
        return
    if args.cluster_only:
        time_clustering(args.entries, args.feeds, args.runs)
        return
    now = time.time()
    config = Config(
        brief=BriefConfig(title_similarity=DEFAULT_THRESHOLD),
        feeds=tuple(
            FeedConfig(
                url=f"https://feed{i}.example/rss",
                priority=i % 3,
                section=("World" if i % 7 == 0 else ""),
            )
            for i in range(args.feeds)
        ),
        sections=(
            SectionConfig(name="Chips", keywords=("chips", "芯片")),
            SectionConfig(name="Deals", patterns=(r"\b(buys|acquire)\b",)),
            SectionConfig(name="Business", categories=("business",), limit=50),
        ),
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        populate(store, args.entries, args.feeds, now)
        window = EditionWindow.since(now - 86400, now=now + 1)
        entries = store.list_entries(EntryFilter(since=window.start, until=window.end))
        # Cold builds, as a fresh reader process: nothing stored (features
        # computed, then saved), and stored (read back).
        _clear_caches()
        c0 = time.process_time()
        build_brief(store, config, window)
        cold_unstored = time.process_time() - c0
        _clear_caches()
        c0 = time.process_time()
        build_brief(store, config, window)
        cold_stored = time.process_time() - c0
        full, only, only_cpu = [], [], []
        brief = None
        # The first run is cold (no cached tokens or canonical URLs): the
        # figure for a fresh start. Later runs are what the reader sees when
        # it rebuilds a brief after a poll or a day switch.
        _clear_caches()
        c0 = time.process_time()
        assemble(entries, config, title="t", label="l", start=window.start, end=window.end)
        cold = time.process_time() - c0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            brief = build_brief(store, config, window)
            full.append(time.perf_counter() - t0)
            t0, c0 = time.perf_counter(), time.process_time()
            assemble(entries, config, title="t", label="l", start=window.start, end=window.end)
            only.append(time.perf_counter() - t0)
            only_cpu.append(time.process_time() - c0)
        store.close()
    assert brief is not None
    precision, recall = pairwise_quality(brief.clusters)
    multi = sum(1 for c in brief.clusters if c.source_count > 1)
    print(
        f"{len(entries):,} entries, {args.feeds} feeds → {len(brief.clusters):,} stories "
        f"({multi:,} with several sources), {len(brief.sections)} sections"
    )
    print(
        f"pairwise precision {precision:.3f}  recall {recall:.3f} against the generated "
        "stories (synthetic headlines reuse slot values, so unrelated stories collide)"
    )
    print(f"assemble cold (empty caches, features computed): CPU {cold * 1000:.0f} ms")
    print(
        f"build_brief cold: features not stored CPU {cold_unstored * 1000:.0f} ms "
        f"(computed and saved), stored CPU {cold_stored * 1000:.0f} ms (read back)"
    )
    print(f"build_brief (load + assemble): median {statistics.median(full) * 1000:.0f} ms")
    print(
        f"assemble only (sections + clusters + ranking): "
        f"median {statistics.median(only) * 1000:.0f} ms "
        f"(CPU {statistics.median(only_cpu) * 1000:.0f} ms; wall time suffers on a busy machine)"
    )


if __name__ == "__main__":
    main()
