"""Story clustering quality on real and labelled headlines, against TF-IDF baselines.

Usage::

    .venv/bin/python bench/cluster_quality.py [--threshold T] [--window 48] [-v]
    .venv/bin/python bench/cluster_quality.py --dev PATH   # another CSV of the same shape

Scores, in one run and one table:

* the **dev set** (``../shared/data/uci-news-dev.csv.gz`` relative to the
  repository, i.e. ``/work/shared/data``; skipped with a note when absent):
  real headlines of the UCI News Aggregator data set (Gasparetti 2014,
  CC BY 4.0), one publisher = one feed, labelled with Google News story ids;
* the **look-alike fixture** ``tests/data/clusters/lookalikes.json``
  (different events with near-identical titles and multi-outlet stories
  told in other words, English and Chinese);
* the **story fixture** ``tests/data/clusters/stories.json``.

For each set: briefterm's clusters and the TF-IDF cosine baselines (single
and average link at 0.3/0.4/0.5, ``bench/_baselines.py``), scored over
**cross-publisher pairs** only: pairwise precision/recall (merged pairs of
two publishers that share a story / pairs merged; / pairs that share a
story) and B-cubed precision/recall (per entry, counting itself and the
other publishers' entries of its cluster and of its story). Also clusters
of ≥ 2 entries, the largest cluster and the time taken. Under the table:
the best baseline recall at precision ≥ 0.93 over a sweep of thresholds,
next to briefterm's. ``-v`` lists briefterm's mistakes on the fixtures and
the biggest ones on the dev set.

``tests/unit/test_cluster.py`` imports :func:`load_fixture`, :func:`score`
and :func:`evaluate` and asserts the fixture figures.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import math
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baselines import average_link, cosine_pairs, single_link

from briefterm.brief.cluster import DEFAULT_THRESHOLD, cluster_entries
from briefterm.models import Entry

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "clusters" / "stories.json"
LOOKALIKES = ROOT / "tests" / "data" / "clusters" / "lookalikes.json"
DEV = ROOT.parent / "shared" / "data" / "uci-news-dev.csv.gz"
if not DEV.exists():
    DEV = Path("/work/shared/data/uci-news-dev.csv.gz")
BASELINE_THRESHOLDS = (0.3, 0.4, 0.5)
SWEEP = tuple(round(0.2 + 0.05 * k, 2) for k in range(15))  # 0.20 … 0.90
TARGET_PRECISION = 0.93


@dataclass(frozen=True)
class Labelled:
    """A labelled set: entries, their story labels and their publishers (by entry id)."""

    name: str
    entries: list[Entry]
    labels: dict[int, str]
    publishers: dict[int, str]


@dataclass(frozen=True)
class Scores:
    """Cross-publisher quality of one clustering."""

    precision: float
    recall: float
    b3_precision: float
    b3_recall: float
    multi: int
    largest: int


def load_fixture(path: Path = FIXTURE) -> tuple[list[Entry], dict[int, str]]:
    """Entries of a JSON fixture set and their story labels (entry id → label)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    feed_ids = {f["url"]: i + 1 for i, f in enumerate(data["feeds"].values())}
    entries = []
    labels = {}
    for row in data["entries"]:
        ts = datetime.fromisoformat(row["published"].replace("Z", "+00:00")).timestamp()
        entries.append(
            Entry(
                id=row["id"],
                feed_id=feed_ids[row["feed"]],
                feed_url=row["feed"],
                feed_title=row["feed_title"],
                entry_key=row.get("entry_key", str(row["id"])),
                title=row["title"],
                link=row["link"],
                summary=row.get("summary", ""),
                author="",
                published=ts,
                updated=None,
                first_seen=ts,
            )
        )
        labels[row["id"]] = row["story"]
    return entries, labels


def _labelled_fixture(name: str, path: Path) -> Labelled:
    entries, labels = load_fixture(path)
    return Labelled(name, entries, labels, {e.id: e.feed_url for e in entries})


_ESCAPE = re.compile(r"\\(.)")


def load_dev(path: Path = DEV, salt: str = "") -> Labelled:
    """The UCI News Aggregator CSV as entries: one publisher is one feed.

    The CSV's timestamps are crawl times that a whole story shares (every
    headline of a story id has the same one, to the second), and its row ids
    run story by story: both would tell a clusterer the answer. So every
    entry gets the same time, and ids are renumbered in an order that has
    nothing to do with the stories (a hash of the URL, with ``salt``: another
    salt is another ordering of the same input, with other ids; feeds keep
    theirs).
    """
    rows = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows.sort(
        key=lambda r: (
            hashlib.sha1((salt + r["URL"] + r["ID"]).encode()).digest()
            if salt
            else hashlib.sha1(r["URL"].encode() + r["ID"].encode()).digest()
        )
    )
    when = statistics.median(int(r["TIMESTAMP"]) / 1000.0 for r in rows) if rows else 0.0
    entries = []
    labels: dict[int, str] = {}
    publishers: dict[int, str] = {}
    # A feed's URL and id are the publisher's, whatever the ordering: only
    # the entry ids change with the salt, as when the same feeds are polled
    # in another order.
    names = sorted({_ESCAPE.sub(r"\1", r["PUBLISHER"]) for r in rows})
    feed_ids = {name: k for k, name in enumerate(names, 1)}
    for eid, row in enumerate(rows, 1):
        publisher = _ESCAPE.sub(r"\1", row["PUBLISHER"])
        feed = feed_ids[publisher]
        entries.append(
            Entry(
                id=eid,
                feed_id=feed,
                feed_url=f"https://feed{feed}.example/rss",
                feed_title=publisher,
                entry_key=row["ID"],
                title=_ESCAPE.sub(r"\1", row["TITLE"]),
                link=_ESCAPE.sub(r"\1", row["URL"]),
                summary="",
                author="",
                published=when,
                updated=None,
                first_seen=when,
            )
        )
        labels[eid] = row["STORY"]
        publishers[eid] = publisher
    return Labelled(path.name, entries, labels, publishers)


def fold_of(story: str, folds: int) -> int:
    """The fold (0 … folds-1) of a story id: a hash, so folds do not follow the file's order."""
    return int.from_bytes(hashlib.sha1(story.encode()).digest()[:4], "big") % folds


def subset(data: Labelled, keep: Callable[[str], bool], name: str) -> Labelled:
    """The entries of ``data`` whose story label passes ``keep``."""
    entries = [e for e in data.entries if keep(data.labels[e.id])]
    ids = {e.id for e in entries}
    return Labelled(
        name,
        entries,
        {i: s for i, s in data.labels.items() if i in ids},
        {i: p for i, p in data.publishers.items() if i in ids},
    )


def _pairs(counts: Counter[str]) -> int:
    return sum(k * (k - 1) // 2 for k in counts.values())


def score(groups: Sequence[Sequence[int]], labels: dict[int, str], pubs: dict[int, str]) -> Scores:
    """Pairwise and B-cubed precision/recall over cross-publisher pairs of ``groups``."""
    story_n: Counter[str] = Counter(labels.values())
    story_pub: Counter[tuple[str, str]] = Counter((labels[i], pubs[i]) for i in labels)
    truth = sum(story_n[s] * (story_n[s] - 1) // 2 for s in story_n) - _pairs(
        Counter({f"{s}\0{p}": k for (s, p), k in story_pub.items()})
    )
    merged = correct = 0
    b3p = b3r = 0.0
    for group in groups:
        n_pub = Counter(pubs[i] for i in group)
        n_story = Counter(labels[i] for i in group)
        n_both = Counter((labels[i], pubs[i]) for i in group)
        merged += len(group) * (len(group) - 1) // 2 - _pairs(n_pub)
        correct += sum(_pairs(Counter({s: k})) for s, k in n_story.items()) - _pairs(
            Counter({f"{s}\0{p}": k for (s, p), k in n_both.items()})
        )
        for i in group:
            s, p = labels[i], pubs[i]
            same = n_story[s] - n_both[(s, p)]  # other publishers' entries of its story here
            b3p += (1 + same) / (1 + len(group) - n_pub[p])
            b3r += (1 + same) / (1 + story_n[s] - story_pub[(s, p)])
    n = len(labels) or 1
    return Scores(
        precision=correct / merged if merged else 1.0,
        recall=correct / truth if truth else 1.0,
        b3_precision=b3p / n,
        b3_recall=b3r / n,
        multi=sum(1 for g in groups if len(g) > 1),
        largest=max((len(g) for g in groups), default=0),
    )


def evaluate(
    threshold: float = DEFAULT_THRESHOLD,
    window_hours: float = 48.0,
    *,
    path: Path = FIXTURE,
    verbose: bool = False,
) -> tuple[float, float]:
    """Cluster a fixture set and return (pairwise precision, recall) over all pairs."""
    entries, labels = load_fixture(path)
    clusters = cluster_entries(entries, window_hours=window_hours, threshold=threshold)
    predicted = {frozenset(p) for c in clusters for p in combinations(c.ids, 2)}
    truth = {
        frozenset((a, b)) for a, b in combinations(sorted(labels), 2) if labels[a] == labels[b]
    }
    correct = predicted & truth
    if verbose:
        titles = {e.id: e.title for e in entries}
        for pair in sorted(predicted - truth, key=sorted):
            a, b = sorted(pair)
            print(f"  wrongly merged: {titles[a]!r} + {titles[b]!r}")
        for pair in sorted(truth - predicted, key=sorted):
            a, b = sorted(pair)
            print(f"  missed:         {titles[a]!r} + {titles[b]!r}")
    return (
        len(correct) / len(predicted) if predicted else 1.0,
        len(correct) / len(truth) if truth else 1.0,
    )


def _groups(labels_of: Sequence[int], ids: Sequence[int]) -> list[list[int]]:
    by: dict[int, list[int]] = defaultdict(list)
    for eid, label in zip(ids, labels_of, strict=True):
        by[label].append(eid)
    return list(by.values())


@dataclass
class Row:
    """One line of the table."""

    method: str
    scores: Scores
    seconds: float


def _baseline_rows(data: Labelled) -> tuple[list[Row], float, str]:
    """The six baseline rows, and the best baseline recall at P ≥ 0.93 over the sweep."""
    ids = [e.id for e in data.entries]
    t0 = time.perf_counter()
    sims = cosine_pairs([e.title for e in data.entries], [data.publishers[i] for i in ids])
    t_sims = time.perf_counter() - t0
    rows: list[Row] = []
    best, best_name = 0.0, "none reaches it"
    thresholds = sorted({*BASELINE_THRESHOLDS, *SWEEP})
    for name, method in (("single", single_link), ("average", average_link)):
        t0 = time.perf_counter()
        cuts = method(len(ids), sims, thresholds)
        seconds = t_sims + time.perf_counter() - t0
        for t in thresholds:
            s = score(_groups(cuts[t], ids), data.labels, data.publishers)
            if t in BASELINE_THRESHOLDS:
                rows.append(Row(f"tf-idf {name} {t:.1f}", s, seconds))
            if s.precision >= TARGET_PRECISION and s.recall > best:
                best, best_name = s.recall, f"tf-idf {name} {t:.2f}"
    return rows, best, best_name


def _briefterm_row(
    data: Labelled, threshold: float, window: float
) -> tuple[Row, list[list[Entry]]]:
    t0 = time.perf_counter()
    clusters = cluster_entries(data.entries, window_hours=window, threshold=threshold)
    seconds = time.perf_counter() - t0
    groups = [[e.id for e in c.members] for c in clusters]
    return Row(f"briefterm {threshold:g}", score(groups, data.labels, data.publishers), seconds), [
        c.members for c in clusters
    ]


def _print_row(set_name: str, row: Row) -> None:
    s = row.scores
    print(
        f"{set_name:<14} {row.method:<20} {s.precision:6.3f} {s.recall:6.3f} "
        f"{s.b3_precision:6.3f} {s.b3_recall:6.3f} {s.multi:6d} {s.largest:6d} "
        f"{row.seconds:7.2f}"
    )


def _mistakes(data: Labelled, clusters: list[list[Entry]], limit: int) -> None:
    """The largest wrong merges and the most common misses of briefterm's clusters."""
    labels, pubs = data.labels, data.publishers
    wrong = []
    for members in clusters:
        stories = Counter(labels[e.id] for e in members)
        if len(stories) > 1:
            main = stories.most_common(1)[0][0]
            odd = [e for e in members if labels[e.id] != main]
            wrong.append((len(odd) * (len(members) - len(odd)), members, odd))
    wrong.sort(key=lambda w: -w[0])
    for cost, members, odd in wrong[:limit]:
        print(f"  wrong merge (~{cost} pairs) in a cluster of {len(members)}: {members[0].title!r}")
        for e in odd[:3]:
            print(f"      + [{pubs[e.id]}] {e.title!r}")
    cluster_of = {e.id: k for k, members in enumerate(clusters) for e in members}
    by_story: dict[str, list[Entry]] = defaultdict(list)
    for e in data.entries:
        by_story[labels[e.id]].append(e)
    for story, members in sorted(by_story.items(), key=lambda kv: -len(kv[1]))[:limit]:
        sizes = Counter(cluster_of[e.id] for e in members)
        top = sizes.most_common(3)
        print(f"  story of {len(members)} ({story[:10]}): its largest parts {[k for _, k in top]}")
        for k, _ in top[:2]:
            print(f"      {clusters[k][0].title!r}")


def _report(data: Labelled, threshold: float, window: float, verbose: bool) -> tuple[float, float]:
    row, clusters = _briefterm_row(data, threshold, window)
    _print_row(data.name, row)
    baselines, best, best_name = _baseline_rows(data)
    for b in baselines:
        _print_row("", b)
    own = row.scores.recall if row.scores.precision >= TARGET_PRECISION else 0.0
    ratio = f"{own / best:.2f}×" if best else "n/a"
    print(
        f"{'':<14} recall at P ≥ {TARGET_PRECISION}: briefterm {own:.3f}, "
        f"best baseline {best:.3f} ({best_name}) → {ratio}"
    )
    if verbose:
        _mistakes(data, clusters, 8)
    return row.scores.precision, row.scores.recall


def _robustness(path: Path, threshold: float, window: float, folds: int, orderings: int) -> None:
    """briefterm against the best baseline on folds of the dev stories, in several orderings.

    Every entry of the dev set has the same time, so the order in which the
    online pass takes them is the order of their ids: each ordering
    renumbers the entries (another hash salt). The folds split the STORY ids
    by a hash: each fold is a set of whole stories, as the held-out set is.
    """
    print(
        f"\nrobustness: {folds} folds of the dev stories × {orderings} orderings "
        f"(recall at P ≥ {TARGET_PRECISION}; × = over the fold's best baseline)"
    )
    print(f"{'part':<10} {'entries':>7} {'baseline':>9}  briefterm P/R per ordering")
    worst = math.inf
    salts = [""] + [f"order{k}" for k in range(1, orderings)]
    datas = [load_dev(path, salt) for salt in salts]
    parts: list[tuple[str, Callable[[str], bool]]] = [("all", lambda _s: True)]
    parts += [(f"fold {k + 1}", lambda s, k=k: fold_of(s, folds) == k) for k in range(folds)]
    for name, keep in parts:
        sets = [subset(d, keep, name) for d in datas]
        _rows, best, _best_name = _baseline_rows(sets[0])
        cells = []
        for data in sets:
            row, _ = _briefterm_row(data, threshold, window)
            s = row.scores
            own = s.recall if s.precision >= TARGET_PRECISION else 0.0
            ratio = own / best if best else math.inf
            worst = min(worst, ratio)
            cells.append(f"{s.precision:.3f}/{s.recall:.3f} {ratio:.2f}×")
        print(f"{name:<10} {len(sets[0].entries):>7} {best:>9.3f}  " + "  ".join(cells))
    print(f"{'':<10} worst ratio over folds and orderings: {worst:.2f}×")


def main(argv: Sequence[str] | None = None) -> None:
    """Print the quality table for the dev set and both fixtures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--window", type=float, default=48.0)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--folds", type=int, default=3, help="folds of the dev stories")
    parser.add_argument("--orderings", type=int, default=3, help="orderings of the dev input")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    print(
        f"{'set':<14} {'method':<20} {'P':>6} {'R':>6} {'B3 P':>6} {'B3 R':>6} "
        f"{'≥2':>6} {'max':>6} {'sec':>7}"
    )
    print("(cross-publisher pairs; P/R pairwise, B3 = B-cubed)")
    sets: list[Callable[[], Labelled]] = []
    if args.dev.exists():
        sets.append(lambda: load_dev(args.dev))
    else:
        print(f"dev set {args.dev} not found: skipped")
    sets.append(lambda: _labelled_fixture("lookalikes", LOOKALIKES))
    sets.append(lambda: _labelled_fixture("stories", FIXTURE))
    for make in sets:
        _report(make(), args.threshold, args.window, args.verbose)
    if args.dev.exists() and args.folds > 0:
        _robustness(args.dev, args.threshold, args.window, args.folds, max(1, args.orderings))


if __name__ == "__main__":
    main()
