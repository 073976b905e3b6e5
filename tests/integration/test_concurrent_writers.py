"""A poller process and a reader process write the same cache at once without errors.

The poller polls 80 loopback feeds over and over (every response changes, so
every poll rewrites entries); the reader marks entries read/unread and
starred in a loop and lists the unread view between writes, as the TUI does.
Neither may fail with "database is locked", no write may wait for long, and
afterwards every flag is exactly what the reader last set.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefterm.config import Config, FeedConfig, PollConfig
from briefterm.poller import poll
from briefterm.store import EntryFilter, Store
from tests.support.loopback import LoopbackServer, Reply, Request

FEEDS = 80
ITEMS = 25
SECONDS = 4.0

POLLER = """
import json, sys, time
from briefterm.config import Config, FeedConfig, PollConfig
from briefterm.poller import poll
from briefterm.store import Store

db, url_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
config = Config(
    feeds=tuple(FeedConfig(url=u) for u in json.loads(open(url_file).read())),
    poll=PollConfig(timeout=20, concurrency=8, per_host=8),
)
store = Store(db)
print("ready", flush=True)
sys.stdin.readline()  # go
deadline = time.monotonic() + seconds
polls = updated = 0
while time.monotonic() < deadline:
    report = poll(store, config, force=True)
    assert report.errors == 0, [r.error for r in report.failed]
    polls += 1
    updated += report.updated
print(json.dumps({"polls": polls, "updated": updated}), flush=True)
"""

READER = """
import json, random, sys, time
from briefterm.store import EntryFilter, Store

db, out_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
store = Store(db)
ids = store.entry_ids(EntryFilter())
rng = random.Random(7)
expected = {}
print("ready", flush=True)
sys.stdin.readline()  # go
deadline = time.monotonic() + seconds
ops = 0
worst = 0.0
while time.monotonic() < deadline:
    batch = rng.sample(ids, 10)
    read, starred = rng.random() < 0.5, rng.random() < 0.3
    t0 = time.monotonic()
    store.set_read(batch, read)
    store.set_starred(batch[:3], starred)
    worst = max(worst, time.monotonic() - t0)
    for i in batch:
        r, s = expected.get(i, (None, None))
        expected[i] = (read, s)
    for i in batch[:3]:
        expected[i] = (expected[i][0], starred)
    store.list_entries(EntryFilter(unread=True, limit=200))
    ops += 1
    time.sleep(0.002)
with open(out_file, "w") as fh:
    json.dump({"ops": ops, "worst": worst, "expected": expected}, fh)
print("done", flush=True)
"""


def changing_feed(n: int) -> Callable[[Request], Reply]:
    """A route whose every response rewrites the titles: each poll updates entries."""
    counter = itertools.count()

    def reply(_: Request) -> Reply:
        version = next(counter)
        items = "".join(
            f"<item><guid>c{n}-{i}</guid><title>Feed {n} item {i} rev {version}</title>"
            f"<link>https://writers.example/{n}/{i}</link>"
            f"<description>Revision {version} of item {i}.</description></item>"
            for i in range(ITEMS)
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>Writers {n}</title>{items}</channel></rss>"
        ).encode()
        return Reply(body=body)

    return reply


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_poller_and_reader_write_at_once(tmp_path: Path) -> None:
    db = tmp_path / "cache.sqlite3"
    url_file = tmp_path / "urls.json"
    out_file = tmp_path / "reader.json"
    with LoopbackServer() as server:
        urls = [server.route(f"/w/{n}.xml", changing_feed(n)) for n in range(FEEDS)]
        url_file.write_text(json.dumps(urls))
        config = Config(
            feeds=tuple(FeedConfig(url=u) for u in urls),
            poll=PollConfig(timeout=20, concurrency=8, per_host=8),
        )
        with Store(db) as store:
            assert poll(store, config, force=True).ok == FEEDS
            assert store.entry_count() == FEEDS * ITEMS

        poller = spawn(POLLER, str(db), str(url_file), str(SECONDS))
        reader = spawn(READER, str(db), str(out_file), str(SECONDS))
        try:
            for child in (poller, reader):
                assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            # Start both loops at the same moment.
            for child in (poller, reader):
                assert child.stdin is not None
                child.stdin.write("go\n")
                child.stdin.flush()
            poller_out, poller_err = poller.communicate(timeout=SECONDS + 60)
            _reader_out, reader_err = reader.communicate(timeout=SECONDS + 60)
        finally:
            for child in (poller, reader):
                if child.poll() is None:
                    child.kill()
                    child.wait()

    for err in (poller_err, reader_err):
        assert "database is locked" not in err
        assert "Traceback" not in err, err
    assert poller.returncode == 0 and reader.returncode == 0
    stats = json.loads(poller_out.strip().splitlines()[-1])
    assert stats["polls"] >= 1 and stats["updated"] >= FEEDS * ITEMS
    result = json.loads(out_file.read_text())
    assert result["ops"] >= 50, result["ops"]
    # BEGIN IMMEDIATE + busy_timeout: a mark waits for the poller's current
    # transaction at most, never for a whole poll.
    assert result["worst"] < 2.0, result["worst"]
    print(
        f"poller: {stats['polls']} polls, {stats['updated']} entries rewritten; "
        f"reader: {result['ops']} mark batches, slowest {result['worst'] * 1000:.0f} ms"
    )

    expected = {int(k): tuple(v) for k, v in result["expected"].items()}
    with Store(db) as store:
        assert store.integrity_check() == "ok"
        flags = store.flags(list(expected))
        for entry_id, (read, starred) in expected.items():
            got = flags[entry_id]
            if read is not None:
                assert got[0] == read, (entry_id, got, read)
            if starred is not None:
                assert got[1] == starred, (entry_id, got, starred)
        # The poller's rewrites really happened alongside.
        titles = [e.title for e in store.list_entries(EntryFilter(limit=50))]
        assert all(" rev " in t for t in titles)
        assert not any(t.endswith(" rev 0") for t in titles)
