"""``briefterm sync`` and the commands [sync] changes, as real processes.

Against the real tt-rss: sync, the server's subscriptions, marks that go up
once a stopped server is back, one sentence for every failure. Against the
Google Reader conformance server (whose requests a test can hold): a
``kill -9`` in the middle of a sync loses no queued change.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from briefterm import paths
from briefterm.config.sync import SyncConfig
from briefterm.store import Store
from tests.support import REPO, is_safe
from tests.support.greader_server import Flavour, GReaderServer
from tests.support.sync_drivers import GReaderDriver, HeldRequests, TtrssDriver
from tests.support.ttrss import AdminSession, TtrssServer, TtrssUser


def briefterm(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in a process of its own (the test's XDG directories)."""
    return subprocess.run(
        [sys.executable, "-m", "briefterm", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_config(account: SyncConfig, interval: int = 0) -> Path:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[sync]\n"
        f'service = "{account.service}"\nurl = "{account.url}"\n'
        f'username = "{account.username}"\npassword = "{account.password}"\n'
        f"interval = {interval}\n"
        + (
            f'app_id = "{account.app_id}"\napp_key = "{account.app_key}"\n'
            if account.app_id
            else ""
        ),
        encoding="utf-8",
    )
    return path


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefterm: "), done.stderr
    assert "Traceback" not in done.stderr and is_safe(done.stderr)
    return lines[0]


@pytest.fixture
def ttrss_driver(
    ttrss_server: TtrssServer, ttrss_user: TtrssUser, ttrss_admin: AdminSession
) -> TtrssDriver:
    return TtrssDriver(ttrss_server, ttrss_user, ttrss_admin)


@pytest.mark.server
def test_sync_feeds_marks_and_a_server_that_goes_away(ttrss_driver: TtrssDriver) -> None:
    tag = f"cli{ttrss_driver.user.uid}"
    titles = [f"{tag} story {k}" for k in range(3)]
    url = ttrss_driver.feed(tag, "Command Line News", titles, category="Tech")
    write_config(ttrss_driver.account)
    done = briefterm("sync")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("synced with tt-rss at 127.0.0.1:")
        and "3 new entries" in done.stdout
    )
    feeds = json.loads(briefterm("feeds", "--json").stdout)
    assert [(f["url"], f["title"], f["section"], f["server_unread"]) for f in feeds] == [
        (url, "Command Line News", "Tech", 3)
    ]
    entries = {e["title"]: e for e in json.loads(briefterm("list", "--json").stdout)}
    assert set(entries) == set(titles)
    first = str(entries[titles[0]]["id"])

    ttrss_driver.server.stop_php()
    try:
        assert briefterm("mark", first, "--read").returncode == 0  # works while it is down
        error = one_line_error(briefterm("sync"))
        assert "Cannot reach the sync server at 127.0.0.1:" in error
        assert error.endswith("; 1 local change stays queued for the next sync.")
        unread = json.loads(briefterm("list", "--unread", "--json").stdout)
        assert {e["title"] for e in unread} == set(titles[1:])
        # The feed's items are dated 20 November: older than the live edition.
        brief = briefterm("brief", "--since", "30d", "--format", "text")
        assert brief.returncode == 0 and "TECH" in brief.stdout
    finally:
        ttrss_driver.server.start_php()
    done = briefterm("poll")  # with [sync], poll syncs
    assert done.returncode == 0 and "1 change pushed" in done.stdout, done.stderr
    assert ttrss_driver.flags()[titles[0]] == (True, False)


@pytest.mark.server
def test_wrong_password_and_a_missing_sync_table(ttrss_driver: TtrssDriver) -> None:
    write_config(ttrss_driver.wrong_password())
    error = one_line_error(briefterm("sync"))
    assert "refused the login" in error and "wrong user name or password" in error
    paths.config_path().write_text("", encoding="utf-8")
    done = briefterm("sync")
    assert done.returncode == 2 and "no [sync] table" in done.stderr


@pytest.mark.server
def test_add_and_remove_subscribe_on_the_server(ttrss_driver: TtrssDriver) -> None:
    tag = f"sub{ttrss_driver.user.uid}"
    ttrss_driver.server.create_category(ttrss_driver.user, "World")
    url = ttrss_driver.server.write_feed(tag, "Added Here", [])
    write_config(ttrss_driver.account)
    done = briefterm("add", url, "--section", "World", "--no-poll")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("subscribed on tt-rss at 127.0.0.1:") and "in World" in done.stdout
    )
    listed = ttrss_driver.admin.call("getFeeds", cat_id=-3)
    assert [f["feed_url"] for f in listed] == [url]
    assert "World" in briefterm("feeds").stdout
    done = briefterm("remove", url)
    assert done.returncode == 0 and done.stdout.startswith("unsubscribed on tt-rss"), done.stderr
    assert ttrss_driver.admin.call("getFeeds", cat_id=-3) == []
    error = one_line_error(briefterm("remove", url))
    assert "has no subscription" in error


@pytest.fixture
def greader() -> Iterator[GReaderDriver]:
    with GReaderServer("freshrss") as server:
        yield GReaderDriver(server)


@pytest.mark.parametrize("held", ["edit-tag", "stream/items/contents"])
def test_kill_9_during_a_sync_loses_no_queued_change(greader: GReaderDriver, held: str) -> None:
    titles = [f"kill story {k}" for k in range(30)]
    greader.feed("kill", "Kill Test", titles)
    write_config(greader.account)
    assert briefterm("sync").returncode == 0
    entries = json.loads(briefterm("list", "--json").stdout)
    ids = [str(e["id"]) for e in entries[:3]]
    assert briefterm("mark", *ids, "--read").returncode == 0
    if held == "stream/items/contents":
        greader.more("kill", [f"late story {k}" for k in range(300)])
        assert briefterm("mark", ids[0], "--star").returncode == 0
    hold = HeldRequests(greader.server, held)
    child = subprocess.Popen(
        [sys.executable, "-m", "briefterm", "sync"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert hold.arrived.wait(60), "the sync never reached the held request"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        hold.release.set()
        greader.server.fault = None
    with Store(paths.database_path()) as store:
        assert store.integrity_check() == "ok"
        queued = {(c.remote_id, c.flag, c.value) for c in store.sync_queue()}
    if held == "edit-tag":  # killed before the server confirmed: all still queued
        # (the released request may reach the server now: pushing again is harmless)
        assert len(queued) == 3
    else:  # killed while storing entries: the confirmed marks had left the queue
        assert queued == set()
    done = briefterm("sync")
    assert done.returncode == 0, done.stderr
    there = greader.flags()
    assert all(there[e["title"]][0] for e in entries[:3])
    assert there[entries[0]["title"]][1] is (held != "edit-tag")
    with Store(paths.database_path()) as store:
        assert store.sync_queue_size() == 0
        assert store.entry_count() == len(there)  # every article once, none lost


@pytest.mark.parametrize("flavour", ["inoreader", "oldreader"])
def test_hosted_flavours_from_config_toml_down_and_back(flavour: Flavour) -> None:
    """Inoreader's app keys go from config.toml to every request; The Old Reader's ids
    survive the cache; a server gone is exit 1 and one sentence, and the mark waits."""
    with GReaderServer(flavour) as server:
        driver = GReaderDriver(server)
        titles = [f"{flavour} story {k}" for k in range(3)]
        driver.feed(flavour, "Hosted News", titles, category="World")
        write_config(driver.account)
        done = briefterm("sync")
        assert done.returncode == 0 and "3 new entries" in done.stdout, done.stderr
        entries = {e["title"]: e for e in json.loads(briefterm("list", "--json").stdout)}
        first = str(entries[titles[0]]["id"])
        with driver.down():
            assert briefterm("mark", first, "--read").returncode == 0
            assert briefterm("mark", first, "--star").returncode == 0
            error = one_line_error(briefterm("sync"))
            assert "Cannot reach the sync server at 127.0.0.1:" in error
            assert error.endswith("; 2 local changes stay queued for the next sync.")
        done = briefterm("sync")
        assert done.returncode == 0 and "2 changes pushed" in done.stdout, done.stderr
        assert driver.flags()[titles[0]] == (True, True)
        if flavour == "inoreader":  # and without the keys, one sentence that names them
            write_config(replace(driver.account, app_id="", app_key=""))
            assert "sync.app_id" in one_line_error(briefterm("sync"))
