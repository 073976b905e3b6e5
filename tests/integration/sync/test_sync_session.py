"""The session kept between processes: the next ``briefterm sync`` skips the login.

Stored only where the password is in config.toml, in a 0600 file of the
cache folder; a stale one (the server forgot it) costs one login, never an
error; with ``password_command`` nothing is stored.
"""

from __future__ import annotations

import json
import stat
import sys
from dataclasses import replace
from typing import Any

import pytest

from briefterm.config.sync import SyncConfig
from briefterm.paths import cache_dir
from briefterm.store import Store
from briefterm.sync import account
from briefterm.sync import transport as sync_transport
from briefterm.sync.engine import sync
from tests.support.greader_server import GReaderServer
from tests.support.sync_drivers import GReaderDriver
from tests.support.ttrss import TtrssServer, TtrssUser


def new_process() -> None:
    """What a new ``briefterm sync`` starts with: no session in memory."""
    account._ttrss_sessions.clear()
    account._greader_sessions.clear()


def logins(server: GReaderServer) -> int:
    return sum(1 for _, path in server.requests if path.endswith("/accounts/ClientLogin"))


def test_the_next_process_resumes_the_stored_session(store: Store) -> None:
    with GReaderServer("inoreader") as server:
        driver = GReaderDriver(server)
        driver.feed("one", "One", ["First"])
        new_process()
        assert sync(store, driver.account, interactive=False).new == 1
        assert logins(server) == 1
        path = cache_dir() / account.SESSION_FILE
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text(encoding="utf-8")
        assert driver.account.password not in text  # (Auth itself is "user/hex")
        new_process()
        driver.more("one", ["Second"])
        assert sync(store, driver.account, interactive=False).new == 1
        assert logins(server) == 1  # resumed: no ClientLogin
        server.rotate_auth()  # the server forgot it (a password change elsewhere)
        new_process()
        driver.more("one", ["Third"])
        assert sync(store, driver.account, interactive=False).new == 1
        assert logins(server) == 2  # one login more, no error


def test_another_password_or_an_old_file_is_not_used(store: Store) -> None:
    with GReaderServer("freshrss") as server:
        driver = GReaderDriver(server)
        driver.feed("one", "One", ["First"])
        new_process()
        sync(store, driver.account, interactive=False)
        path = cache_dir() / account.SESSION_FILE
        record = json.loads(path.read_text(encoding="utf-8"))
        record["saved"] -= account.SESSION_MAX_AGE + 1
        path.write_text(json.dumps(record), encoding="utf-8")
        new_process()
        sync(store, driver.account, interactive=False)
        assert logins(server) == 2  # too old: logged in again
        new_process()
        other = replace(driver.account, password="another")
        with pytest.raises(Exception, match="refused the login"):
            sync(store, other, interactive=False)
        assert logins(server) == 3  # a session of the old password was not tried


def test_with_a_password_command_nothing_is_stored(store: Store) -> None:
    with GReaderServer("miniflux") as server:
        driver = GReaderDriver(server)
        driver.feed("one", "One", ["First"])
        command = (sys.executable, "-c", f"print({server.password!r})")
        config = SyncConfig("greader", server.url, server.user, password_command=command)
        new_process()
        assert sync(store, config, interactive=False).new == 1
        assert not (cache_dir() / account.SESSION_FILE).exists()


def test_a_real_tt_rss_takes_the_stored_session_and_survives_a_stale_one(
    store: Store,
    ttrss_server: TtrssServer,
    ttrss_user: TtrssUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ops: list[str] = []
    request = sync_transport.Transport.request

    async def recording(self: sync_transport.Transport, method: str, url: str, **kw: Any) -> Any:
        ops.append(str((kw.get("json_body") or {}).get("op")))
        return await request(self, method, url, **kw)

    monkeypatch.setattr(sync_transport.Transport, "request", recording)
    config = SyncConfig("ttrss", ttrss_server.url, ttrss_user.login, ttrss_user.password)
    new_process()
    sync(store, config, interactive=False)
    assert ops.count("login") == 1
    new_process()
    ops.clear()
    assert sync(store, config, interactive=False).quick
    assert "login" not in ops  # the stored sid was good
    path = cache_dir() / account.SESSION_FILE
    record = json.loads(path.read_text(encoding="utf-8"))
    record["session"][0] = "0" * 26  # a session tt-rss never gave out
    path.write_text(json.dumps(record), encoding="utf-8")
    new_process()
    ops.clear()
    assert sync(store, config, interactive=False).quick
    assert ops.count("login") == 1  # NOT_LOGGED_IN, one login, then on as usual
