"""Peak memory of a poll and of the reader, measured from outside (not a test).

    .venv/bin/python bench/bench_memory.py --sets 50x20,200x50 --rounds 3
    .venv/bin/python bench/bench_memory.py --sets 200x50 --baseline /work/main/.venv/bin/python

For each ``FEEDSxITEMS`` set the feeds of ``bench/_compare_feeds.py`` are
served on 127.0.0.1 and ``briefterm poll --all`` runs as a child process into
an empty cache, then the reader opens on that cache in a 160×50
pseudo-terminal until its brief is painted and the screen is quiet. The peak is the one
``compare_newsboat.py`` reports (``_newsboat.MemorySampler``: the larger of
the main process's VmHWM and the highest sum of PSS over the process tree,
so a parse worker sharing pages with its parent is counted once). The code
that measures is compare_newsboat's own (``Briefterm.poll``/``tui``), not a
copy. ``--baseline PYTHON`` measures another checkout in the same rounds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _compare_feeds import FeedServer  # noqa: E402
from compare_newsboat import PY, Briefterm  # noqa: E402


def _reader_peak(bt: Briefterm) -> float:
    """Peak MB of the reader from start until its screen is painted and quiet."""
    t = bt.tui()
    try:
        t.wait_for("unread /")
        t.settle(quiet=0.5)  # the brief is built after the first paint
    finally:
        t.close(b"q")
    return t.max_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="50x20,200x50", help="FEEDSxITEMS, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="", metavar="PYTHON")
    parser.add_argument("--no-reader", action="store_true", help="only the polls")
    args = parser.parse_args()
    pythons = {"briefterm": PY}
    if args.baseline:
        pythons["baseline"] = args.baseline
    server = FeedServer()
    server.start()
    work = Path(tempfile.mkdtemp(prefix="briefterm-memory-"))
    try:
        for spec in args.sets.split(","):
            feeds, items = (int(x) for x in spec.lower().split("x"))
            urls = server.set_feeds(feeds, items)
            profiles = {
                who: Briefterm(work / f"{who}-{feeds}", urls, 16, python=py)
                for who, py in pythons.items()
            }
            poll: dict[str, list[float]] = {who: [] for who in profiles}
            reader: dict[str, list[float]] = {who: [] for who in profiles}
            for _ in range(args.rounds):  # interleaved, round by round
                for who, bt in profiles.items():
                    bt.reset_cache()
                    poll[who].append(bt.poll().max_rss_mb)
                    if not args.no_reader:
                        reader[who].append(_reader_peak(bt))
            for who in profiles:
                line = f"{feeds} × {items}  {who:10} poll {statistics.median(poll[who]):5.0f} MB"
                if reader[who]:
                    line += f"   reader {statistics.median(reader[who]):5.0f} MB"
                print(f"{line}   (median of {args.rounds})", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
