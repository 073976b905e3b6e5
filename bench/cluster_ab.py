"""Clustering before/after in one process: another revision's cluster.py against the worktree's.

Usage::

    .venv/bin/python bench/cluster_ab.py                      # against main
    .venv/bin/python bench/cluster_ab.py --against HEAD~1 --sizes 5000,100000 --runs 7
    .venv/bin/python bench/cluster_ab.py --against /tmp/variant.py

On a shared machine, times taken in separate processes differ by ±20 %
from one run to the next; alternating the two variants in one process,
on the same generated entries and the same feature objects, compares them
within a few per cent. ``--against`` is a git revision (its
``src/briefterm/brief/cluster.py``) or the path of a module: only
``cluster.py`` is swapped, both import the worktree's helpers
(``_order.py``, ``features.py``, ...). Each size reports whether both give
the same clusters, how many clusters one has that the other has not, and
the median CPU and wall time of ``cluster_entries`` given the features
(the "ready" start of ``bench_brief.py --cluster-only``), with the load
average.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _headlines import make_entries

from briefterm.brief import cluster as current
from briefterm.brief.features import decode, encode, entry_features

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = "src/briefterm/brief/cluster.py"


def load_baseline(against: str, tmp: Path) -> ModuleType:
    """The module ``against`` names: a path to a .py file, or a git revision's cluster.py."""
    path = Path(against)
    if not path.is_file():
        text = subprocess.run(
            ["git", "show", f"{against}:{CLUSTER}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        path = tmp / "cluster_baseline.py"
        path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("cluster_baseline", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compare(variants: dict[str, Callable[..., Any]], n: int, runs: int) -> str:
    """One line: identity of the clusters and interleaved medians at ``n`` entries."""
    entries = make_entries(n, max(1, n // 100), hours=48)
    ready = {e.id: decode(encode(entry_features(e))) for e in entries}
    shapes = {
        name: {tuple(e.id for e in c.members) for c in run(entries, features=ready)}
        for name, run in variants.items()
    }
    before, after = shapes.values()
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    wall: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for r in range(runs):
        # Alternate which goes first: neither always runs on a warmer cache.
        for name in names if r % 2 == 0 else names[::-1]:
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            variants[name](entries, features=ready)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    base, new = (statistics.median(cpu[name]) for name in names)
    return (
        f"{n:>7,} entries: {'same clusters' if before == after else 'clusters differ'} "
        f"({len(before ^ after)} differing); CPU median {names[0]} {base * 1000:.0f} ms, "
        f"{names[1]} {new * 1000:.0f} ms ({(new / base - 1) * 100:+.1f} %); wall median "
        f"{statistics.median(wall[names[0]]) * 1000:.0f} / "
        f"{statistics.median(wall[names[1]]) * 1000:.0f} ms; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    """Parse the arguments and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision or path of a cluster.py")
    parser.add_argument("--sizes", default="5000,20000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = load_baseline(args.against, Path(tmp))
        variants = {"baseline": baseline.cluster_entries, "worktree": current.cluster_entries}
        for n in (int(s) for s in args.sizes.split(",")):
            print(compare(variants, n, args.runs), flush=True)


if __name__ == "__main__":
    main()
