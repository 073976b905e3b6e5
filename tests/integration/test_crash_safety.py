"""``kill -9`` of a poll at random moments never corrupts the cache or loses user state.

A child process polls 150 loopback feeds into a cache on disk. Before each
run the test marks entries read and starred; every run serves a new version
of every feed (changed titles and summaries of the very entries that carry
those flags, plus new entries), and the test keeps marking entries while the
poll runs. The whole process group (poller and its parser processes) is
SIGKILLed after a seeded random delay. Afterwards the cache must open,
``PRAGMA integrity_check`` and the FTS5 index check must pass, no entry may
be missing, and every read/starred flag must be exactly as the test left it.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefterm.store import EntryFilter, Store
from tests.support.loopback import LoopbackServer, Reply

FEEDS = 150
ITEMS = 20
RUNS = 5
SEED = 20261122

# The child: build the config from the URL list, poll once, report.
CHILD = """
import json, sys, time
from briefterm.config import Config, FeedConfig, PollConfig
from briefterm.poller import poll
from briefterm.store import Store

db, url_file = sys.argv[1], sys.argv[2]
urls = json.loads(open(url_file).read())
config = Config(
    feeds=tuple(FeedConfig(url=u) for u in urls),
    poll=PollConfig(timeout=20, concurrency=8, per_host=8),
)
store = Store(db)
print("ready", flush=True)
started = time.monotonic()
report = poll(store, config, force=True)
print("done", report.ok, report.errors, round(time.monotonic() - started, 3), flush=True)
"""


def feed_body(n: int, version: int) -> bytes:
    """Feed ``n`` at ``version``: old entries rewritten, ``version`` new ones added."""
    items = []
    for i in range(ITEMS + version):
        items.append(
            f"<item><guid>f{n}-e{i}</guid><title>Feed {n} story {i} v{version}</title>"
            f"<link>https://crash.example/{n}/{i}</link>"
            f"<description>Summary {i} of feed {n}, revision {version}. "
            + "Padding text for a realistic body. "
            * 8
            + "</description>"
            f"<pubDate>Sat, 21 Nov 2026 {i % 24:02d}:00:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Crash feed {n}</title><link>https://crash.example/{n}</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def serve_version(server: LoopbackServer, version: int) -> list[str]:
    # A small delay per response spreads the poll over time, so a random
    # kill can land in any phase: downloads, parsing or storing.
    return [
        server.route(f"/feed/{n}.xml", Reply(body=feed_body(n, version), delay=0.01))
        for n in range(FEEDS)
    ]


def start_child(db: Path, url_file: Path) -> subprocess.Popen[str]:
    # A new session makes the child a process-group leader, so one killpg
    # takes the poller and its parser processes down together, as a crash would.
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(url_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "ready", child.stderr.read() if child.stderr else line


def kill_group(child: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    # Give orphaned parser workers (same group, already signalled) time to go.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(child.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)


def check_cache(db: Path, flags: dict[int, tuple[bool, bool]], min_entries: int) -> int:
    """The cache opens, is consistent, lost nothing; returns its entry count."""
    raw = sqlite3.connect(db)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # FTS5's own consistency check against the entries table it indexes.
        raw.execute("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
    finally:
        raw.close()
    store = Store(db)
    try:
        assert store.integrity_check() == "ok"
        count = store.entry_count()
        assert count >= min_entries
        now = store.flags(list(flags))
        lost = {i: (flags[i], now.get(i)) for i in flags if now.get(i) != flags[i]}
        assert not lost, f"flags changed by a crashed poll: {list(lost.items())[:5]}"
        return count
    finally:
        store.close()


@pytest.mark.slow
def test_kill_9_during_poll_keeps_cache_and_flags(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    db = tmp_path / "cache.sqlite3"
    url_file = tmp_path / "urls.json"
    with LoopbackServer() as server:
        url_file.write_text(json.dumps(serve_version(server, 0)))
        # An uninterrupted first poll: fills the cache and times a full poll.
        child = start_child(db, url_file)
        wait_ready(child)
        started = time.monotonic()
        out, err = child.communicate(timeout=120)
        full_poll = time.monotonic() - started
        print(f"uninterrupted poll: {full_poll:.2f} s")
        assert child.returncode == 0, err
        assert out.startswith(f"done {FEEDS} 0"), out

        store = Store(db)
        ids = store.entry_ids(EntryFilter())
        assert len(ids) == FEEDS * ITEMS
        flags: dict[int, tuple[bool, bool]] = {i: (False, False) for i in ids}
        store.close()
        count = len(ids)

        killed_mid_poll = 0
        for run in range(1, RUNS + 1):
            # User state set before the poll starts...
            store = Store(db)
            ids = store.entry_ids(EntryFilter())
            for i in ids:
                flags.setdefault(i, (False, False))
            read_on = rng.sample(ids, len(ids) // 4)
            star_on = rng.sample(ids, len(ids) // 10)
            was_read = [i for i in ids if flags[i][0]]
            read_off = rng.sample(was_read, min(20, len(was_read)))
            store.set_read(read_on, True)
            store.set_starred(star_on, True)
            store.set_read(read_off, False)
            for i in read_on:
                flags[i] = (True, flags[i][1])
            for i in star_on:
                flags[i] = (flags[i][0], True)
            for i in read_off:
                flags[i] = (False, flags[i][1])

            serve_version(server, run)
            child = start_child(db, url_file)
            wait_ready(child)
            delay = rng.uniform(0.05, full_poll * 0.9)
            deadline = time.monotonic() + delay
            # ...and while it runs, as the reader would.
            while time.monotonic() < deadline:
                batch = rng.sample(ids, 5)
                value = rng.random() < 0.5
                store.set_starred(batch, value)
                for i in batch:
                    flags[i] = (flags[i][0], value)
                time.sleep(0.02)
            if child.poll() is None:
                killed_mid_poll += 1
            kill_group(child)
            store.close()

            count = check_cache(db, flags, count)
            print(f"run {run}: killed after {delay:.2f} s, {count} entries, cache ok")

        # Most kills must have hit a running poll, or the test proved little.
        assert killed_mid_poll >= RUNS - 2, (killed_mid_poll, full_poll)

        # After all that, a normal poll still completes on the same cache.
        child = start_child(db, url_file)
        wait_ready(child)
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out.startswith(f"done {FEEDS} 0"), out
        final = check_cache(db, flags, count)
        assert final == FEEDS * (ITEMS + RUNS)
