"""Time ``briefterm export --unread`` and ``list --json`` over N unread entries (not a test).

    .venv/bin/python bench/bench_export.py --entries 100000

Builds a private profile (XDG directories in a temporary folder) holding
``--entries`` generated unread entries (``bench_brief.populate``), then runs
each command as a child process, output to /dev/null, and prints its wall
time, CPU time and peak RSS (``ru_maxrss`` of the child). Medians of ``--runs``.
The entries' cluster features are stored as the poller stores them
(``store_features`` after each feed); ``--no-features`` leaves them out, so
that the first export computes them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

COMMANDS = {
    "export --unread (md)": ["export", "--unread", "--format", "md"],
    "export --unread (json)": ["export", "--unread", "--format", "json"],
    "list --json": ["list", "--json"],
}


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one child run."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "briefterm", *argv],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            err.seek(0)
            raise SystemExit(f"{argv} failed: {err.read().decode(errors='replace')[-500:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _fill(entries: int, feeds: int, *, features: bool) -> None:
    """Fill the profile of the XDG variables with generated unread entries."""
    from bench_brief import populate

    from briefterm import paths
    from briefterm.brief.features import store_features
    from briefterm.store import Store

    db = paths.database_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:
        populate(store, entries, feeds, time.time())
        if features:  # what the poller does after storing a feed
            for (feed_id,) in store._tuples("SELECT id FROM feeds"):
                store_features(store, feed_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--no-features", action="store_true", help="do not store cluster features first"
    )
    parser.add_argument("--only", help="run only the commands whose name contains this")
    parser.add_argument("--fill", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        _fill(*args.fill, features=not args.no_features)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = dict(os.environ)
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            env[f"XDG_{name}_HOME"] = str(root / name.lower())
            os.environ[f"XDG_{name}_HOME"] = env[f"XDG_{name}_HOME"]
        started = time.perf_counter()
        # Filled by a child: a child's ru_maxrss starts at its parent's RSS
        # when it is forked, so this process must stay small.
        fill = [sys.executable, __file__, "--fill", str(args.entries), str(args.feeds)]
        subprocess.run([*fill, *(["--no-features"] if args.no_features else [])], check=True)
        print(f"{args.entries} unread entries cached in {time.perf_counter() - started:.1f} s")
        commands = {k: v for k, v in COMMANDS.items() if not args.only or args.only in k}
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, round by round
            for name, argv in commands.items():
                results[name].append(_run(argv, env))
        for name, runs in results.items():
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = statistics.median(r[2] for r in runs)
            print(
                f"  {name:24} {wall:7.2f} s  CPU {cpu:6.2f} s  peak RSS {peak:6.0f} MB"
                f"  (median of {len(runs)})"
            )
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
