"""Sync timings against a real local tt-rss (needs root; installs it when missing).

    .venv/bin/python -m bench.bench_sync [--entries 10000] [--runs 3]

Starts one private tt-rss (tests/servers), fills one user with ``--entries``
articles through real feeds (fetched by tt-rss with updateFeed), then
measures, interleaving the variants and printing medians:

* **first sync, the engine** (``briefterm.sync.engine.sync`` into an empty
  cache file: subscriptions, every article with its content and flags,
  stored and linked), with the client's CPU time and the longest stall of a
  10 ms ticker thread (what a reader would feel while the sync runs in its
  worker);
* **first fetch, the client alone**: ``entries_since(None)`` (one page of
  headlines, then a ``getArticle`` sweep of the ids) against paging all of
  it with ``getHeadlines`` (what phase A measured);
* **a sync with nothing new** (the engine: login, push, subscriptions,
  entries, counters): in a new process that logs in (no stored session),
  in a new process that resumes the session the last one stored, as the
  reader's next sync (its session in memory), and the whole ``briefterm
  sync`` command in a child process (interpreter, imports, config, the
  cache, the sync; the stored session); **one article read elsewhere**
  (the engine lists only its feed), and a **full reconciliation** (every
  unread and starred id);
* the latency of one API call (getApiLevel).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefterm import paths
from briefterm.config.sync import SyncConfig
from briefterm.store import EntryFilter, Store
from briefterm.sync import Limits
from briefterm.sync import account as sync_account
from briefterm.sync.engine import SyncReport, sync
from briefterm.sync.ttrss import TtrssClient
from tests.support import ttrss
from tests.support.ttrss import AdminSession, FeedItem, TtrssServer, TtrssUser

PER_FEED = 500


def child_env() -> dict[str, str]:
    """The CLI's environment (the temporary XDG dirs), with .pyc files as an install has."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


BODY = (
    "<p>The committee published its report on Tuesday, after months of hearings in which "
    "officials, engineers and residents described the failures that led to the outage. "
    "<a href='http://site.test/report'>The report</a> recommends three changes.</p>"
) * 3


def fill(server: TtrssServer, user: TtrssUser, total: int) -> None:
    """``total`` articles in feeds of PER_FEED, fetched by tt-rss (4 at a time)."""
    admin = AdminSession(server, user)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    urls = []
    for f in range(0, total, PER_FEED):
        count = min(PER_FEED, total - f)
        items = [
            FeedItem(
                guid=f"f{f}-{k}",
                title=f"Feed {f // PER_FEED}: story {k} about the outage report",
                link=f"http://site.test/{f}/{k}",
                description=BODY,
                author="A. Reporter",
                published=start + timedelta(minutes=f + k),
            )
            for k in range(count)
        ]
        urls.append(server.write_feed(f"bench{user.uid}-{f}", f"Bench {f}", items))
    ids = [admin.call("subscribeToFeed", feed_url=u)["status"]["feed_id"] for u in urls]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(admin.update, ids))
    # A server in use has table statistics; a freshly filled one gets them
    # from autovacuum some time later, and plans badly until then.
    server.psql("ANALYZE;")


class Ticker:
    """A thread that wakes every 10 ms and records how late it woke (GIL stalls)."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            time.sleep(0.01)
            self.lags.append(time.perf_counter() - started - 0.01)

    def __enter__(self) -> Ticker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def engine_first_sync(account: SyncConfig, folder: Path) -> tuple[float, float, float, SyncReport]:
    """Seconds, CPU seconds and the longest ticker stall of a first sync into a new cache."""
    with Store(folder / f"cache-{time.monotonic_ns()}.sqlite3") as store:
        with Ticker() as ticker:
            cpu = time.process_time()
            started = time.perf_counter()
            report = sync(store, account, interactive=False)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
        assert report.quick or report.from_server == 0, report
        return seconds, cpu, max(ticker.lags, default=0.0), report


async def client_fetch(server: TtrssServer, user: TtrssUser, paging: bool) -> tuple[float, int]:
    """The client alone: the sweep (``entries_since``) or headline paging of everything."""
    async with TtrssClient(server.url, user.login, user.password, Limits()) as client:
        await client.login()
        started = time.perf_counter()
        count = 0
        if paging:
            async for page in client._pages("getHeadlines", **client._since(0)):
                count += len(page)
        else:
            async for batch in client.entries_since(None):
                count += len(batch.entries)
        return time.perf_counter() - started, count


def timed(step: Callable[[], SyncReport]) -> tuple[float, SyncReport]:
    started = time.perf_counter()
    report = step()
    return time.perf_counter() - started, report


def new_process() -> None:
    """What a new ``briefterm sync`` starts with: no session in memory."""
    sync_account._ttrss_sessions.clear()
    sync_account._greader_sessions.clear()


def later_syncs(
    server: TtrssServer,
    user: TtrssUser,
    account: SyncConfig,
    db: Path,
    cli: list[str],
    with_full: bool,
) -> tuple[float, float, float, float, float, float, float]:
    """Nothing new (a new process that logs in; one that resumes the stored session;
    the reader's next sync; the CLI in a child process); one article read elsewhere;
    a full reconciliation (the engine, on the cache of a first sync)."""
    admin = AdminSession(server, user)
    with Store(db) as store:
        new_process()
        (paths.cache_dir() / sync_account.SESSION_FILE).unlink(missing_ok=True)
        fresh, report = timed(lambda: sync(store, account, interactive=False))
        assert report.quick and report.new == 0, report
        new_process()
        stored, report = timed(lambda: sync(store, account, interactive=False))
        assert report.quick and report.new == 0, report
        nothing, report = timed(lambda: sync(store, account, interactive=False))
        assert report.quick and report.new == 0, report
        (paths.cache_dir() / sync_account.SESSION_FILE).unlink()
        started = time.perf_counter()
        subprocess.run(cli, check=True, capture_output=True, env=child_env())
        command_login = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(cli, check=True, capture_output=True, env=child_env())
        command = time.perf_counter() - started
        entry = store.list_entries(EntryFilter(limit=1))[0]
        remote = next(e.remote_id for e in store.synced_entries() if e.entry_id == entry.id)
        admin.set_flag([int(remote)], 2, 1 if entry.read else 0)
        one, report = timed(lambda: sync(store, account, interactive=False))
        assert report.from_server == 1 and not report.full, report
        full = 0.0
        if with_full:
            full, report = timed(lambda: sync(store, account, interactive=False, full=True))
            assert report.full and report.from_server == 0, report
        # The CLI's cache catches up (the flag changed) outside the timing.
        subprocess.run(cli, check=True, capture_output=True, env=child_env())
        return fresh, stored, nothing, command_login, command, one, full


def cli_command(folder: Path, account: SyncConfig, db: Path) -> list[str]:
    """``briefterm sync`` in a child process, on a copy of ``db`` (XDG dirs in ``folder``)."""
    config = folder / "config.toml"
    config.write_text(
        f'[sync]\nservice = "ttrss"\nurl = "{account.url}"\nusername = "{account.username}"\n'
        f'password = "{account.password}"\ninterval = 0\n',
        encoding="utf-8",
    )
    paths.database_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, paths.database_path())
    return [sys.executable, "-m", "briefterm", "--config", str(config), "sync"]


def api_call(server: TtrssServer, user: TtrssUser) -> float:
    async def run() -> float:
        async with TtrssClient(server.url, user.login, user.password) as client:
            await client.login()
            started = time.perf_counter()
            for _ in range(30):
                await client.call("getApiLevel")
            return (time.perf_counter() - started) / 30

    return asyncio.run(run())


def median(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.3f} s (runs {', '.join(f'{v:.2f}' for v in values)})"
    )


def main(argv: list[str]) -> int:
    """Run the measurements and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--no-full", action="store_true", help="skip the full reconciliation (the slowest)"
    )
    args = parser.parse_args(argv)
    # The stored session, the CLI's cache and config: in a temporary home,
    # never the user's (a child process inherits these).
    home = tempfile.TemporaryDirectory(prefix="bench-sync-home-")
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(Path(home.name) / name.lower())
    started = time.perf_counter()
    server = ttrss.start()
    if isinstance(server, str):
        print(f"no tt-rss: {server}", file=sys.stderr)
        return 1
    try:
        print(f"server start {time.perf_counter() - started:.2f} s")
        user = server.create_user()
        account = SyncConfig("ttrss", server.url, user.login, user.password)
        started = time.perf_counter()
        fill(server, user, args.entries)
        print(f"tt-rss fetched {args.entries} articles in {time.perf_counter() - started:.1f} s")
        engine: list[float] = []
        cpu: list[float] = []
        stall: list[float] = []
        sweep: list[float] = []
        paging: list[float] = []
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
            folder = Path(tmp)
            last: SyncReport | None = None
            for _ in range(args.runs):  # interleaved: the machine's load drifts
                seconds, used, lag, last = engine_first_sync(account, folder)
                assert last.new == args.entries, last
                engine.append(seconds)
                cpu.append(used)
                stall.append(lag)
                for variant, into in ((False, sweep), (True, paging)):
                    seconds, count = asyncio.run(client_fetch(server, user, variant))
                    assert count == args.entries, count
                    into.append(seconds)
            assert last is not None
            print(f"first sync, engine, {args.entries} entries: {median(engine)}")
            print(f"  its stages: { {k: round(v, 2) for k, v in last.stages.items()} }")
            print(
                f"  client CPU {statistics.median(cpu):.2f} s;"
                f" longest 10 ms-ticker stall {statistics.median(stall) * 1000:.0f} ms"
            )
            print(f"first fetch, client, getArticle sweep: {median(sweep)}")
            print(f"first fetch, client, getHeadlines paging: {median(paging)}")
            db = sorted(folder.glob("cache-*.sqlite3"))[-1]
            cli = cli_command(folder, account, db)
            # A first run writes the child's .pyc files (as an installed
            # package has them) and its session.
            subprocess.run(cli, check=True, capture_output=True, env=child_env())
            runs = [
                later_syncs(server, user, account, db, cli, not args.no_full)
                for _ in range(args.runs)
            ]
        print(f"nothing new, new process, logging in: {median([r[0] for r in runs])}")
        print(f"nothing new, new process, stored session: {median([r[1] for r in runs])}")
        print(f"nothing new, the reader's next sync: {median([r[2] for r in runs])}")
        command = "nothing new, `briefterm sync` child process"
        print(f"{command}, logging in: {median([r[3] for r in runs])}")
        print(f"{command}, stored session: {median([r[4] for r in runs])}")
        print(f"one article read elsewhere: {median([r[5] for r in runs])}")
        if not args.no_full:
            print(f"full reconciliation (~{args.entries} unread): {median([r[6] for r in runs])}")
        calls = [api_call(server, user) for _ in range(args.runs)]
        print(f"one API call (getApiLevel): median {statistics.median(calls) * 1000:.1f} ms")
    finally:
        server.stop()
        home.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
