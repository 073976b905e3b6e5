"""Pairwise precision and recall of story clustering on the labelled fixture set.

Usage::

    .venv/bin/python bench/cluster_quality.py [--threshold 0.25] [--window 48] [-v]

Every pair of entries that carry the same ``story`` label in
``tests/data/clusters/stories.json`` should end up in one cluster; every
other pair should not. Precision = correct merged pairs / merged pairs,
recall = correct merged pairs / labelled pairs. ``-v`` lists the mistakes.
``tests/unit/test_cluster.py`` imports :func:`evaluate` and asserts the figures.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from itertools import combinations
from pathlib import Path

from briefterm.brief.cluster import DEFAULT_THRESHOLD, cluster_entries
from briefterm.models import Entry

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "clusters" / "stories.json"


def load_fixture(path: Path = FIXTURE) -> tuple[list[Entry], dict[int, str]]:
    """Entries of the fixture set and their story labels (entry id → label)."""
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
                entry_key=str(row["id"]),
                title=row["title"],
                link=row["link"],
                summary=row["summary"],
                author="",
                published=ts,
                updated=None,
                first_seen=ts,
            )
        )
        labels[row["id"]] = row["story"]
    return entries, labels


def evaluate(
    threshold: float = DEFAULT_THRESHOLD, window_hours: float = 48.0, *, verbose: bool = False
) -> tuple[float, float]:
    """Cluster the fixture set and return (pairwise precision, pairwise recall)."""
    entries, labels = load_fixture()
    clusters = cluster_entries(entries, window_hours=window_hours, threshold=threshold)
    predicted = {frozenset(p) for c in clusters for p in combinations(c.ids, 2)}
    truth = {
        frozenset((a, b)) for a, b in combinations(sorted(labels), 2) if labels[a] == labels[b]
    }
    correct = predicted & truth
    precision = len(correct) / len(predicted) if predicted else 1.0
    recall = len(correct) / len(truth) if truth else 1.0
    if verbose:
        titles = {e.id: e.title for e in entries}
        for pair in sorted(predicted - truth, key=sorted):
            a, b = sorted(pair)
            print(f"  wrongly merged: {titles[a]!r} + {titles[b]!r}")
        for pair in sorted(truth - predicted, key=sorted):
            a, b = sorted(pair)
            print(f"  missed:         {titles[a]!r} + {titles[b]!r}")
    return precision, recall


def main() -> None:
    """Print precision and recall for the given settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--window", type=float, default=48.0)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    precision, recall = evaluate(args.threshold, args.window, verbose=args.verbose)
    entries, labels = load_fixture()
    print(
        f"{len(entries)} entries, {len(set(labels.values()))} stories, "
        f"threshold {args.threshold}: precision {precision:.3f}  recall {recall:.3f}"
    )


if __name__ == "__main__":
    main()
