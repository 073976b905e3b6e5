"""From ``[sync]`` to a logged-out client: the password (or its command), the URL, the key.

``password_command`` runs as an argv, never through a shell, with a
deadline; its first line of output is the password. A failure is a
:class:`~briefterm.errors.SyncError` with reason ``login`` and one sentence
that names the program, never the password.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from briefterm.config.sync import SyncConfig
from briefterm.errors import SyncError
from briefterm.paths import cache_dir
from briefterm.sanitize import clean_line
from briefterm.sync.models import SyncService
from briefterm.sync.transport import DEFAULT_LIMITS, Limits
from briefterm.urls import host_and_port

PASSWORD_TIMEOUT = 60.0
"""Seconds ``password_command`` may take (a pinentry prompt included)."""
SERVICE_NAMES = {"ttrss": "tt-rss", "greader": "the Google Reader API"}

_passwords: dict[tuple[str, ...], str] = {}
_ttrss_sessions: dict[str, tuple[str, int]] = {}
_greader_sessions: dict[str, tuple[str, str | None]] = {}
_passwords_lock = threading.Lock()
SESSION_FILE = "sync-session.json"
"""In the cache folder: the last session, so the next ``briefterm sync`` skips the login."""
SESSION_MAX_AGE = 12 * 3600.0
"""Seconds a stored session is tried (tt-rss keeps one a day; a stale one costs one retry)."""


def account_key(config: SyncConfig) -> str:
    """What identifies the account: remote ids are only valid for this one."""
    return f"{config.service} {server_url(config)} {config.username}"


def server_url(config: SyncConfig) -> str:
    """The URL the client is built with (a tt-rss URL ending in ``/api/`` loses that part)."""
    url = config.url.strip()
    if config.service == "ttrss":
        bare = url.rstrip("/")
        if bare.endswith("/api"):
            url = bare.removesuffix("api")
        return url if url.endswith("/") else url + "/"
    return url.rstrip("/")


def describe(config: SyncConfig) -> str:
    """``tt-rss at rss.example.com`` for messages."""
    where = host_and_port(server_url(config)).rstrip(":") or server_url(config)
    return f"{SERVICE_NAMES[config.service]} at {where}"


def password(config: SyncConfig, *, interactive: bool = True) -> str:
    """The password, running ``password_command`` once per process when there is one.

    ``interactive`` lets the command read the terminal (a pinentry prompt);
    the reader passes False, because the terminal is its own.
    """
    if not config.password_command:
        return config.password
    argv = config.password_command
    with _passwords_lock:
        known = _passwords.get(argv)
        if known is None:
            known = _run_password_command(argv, interactive)
            _passwords[argv] = known
        return known


def _run_password_command(argv: tuple[str, ...], interactive: bool) -> str:
    program = clean_line(argv[0], max_length=200)
    try:
        done = subprocess.run(
            list(argv),
            stdin=None if interactive else subprocess.DEVNULL,
            capture_output=True,
            timeout=PASSWORD_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise SyncError(
            f"sync.password_command: there is no program {program!r}; check the command.", "login"
        ) from None
    except PermissionError:
        raise SyncError(f"sync.password_command: {program!r} cannot be run.", "login") from None
    except subprocess.TimeoutExpired:
        raise SyncError(
            f"sync.password_command {program!r} gave no password within {PASSWORD_TIMEOUT:g} s.",
            "login",
        ) from None
    if done.returncode != 0:
        why = clean_line(
            done.stderr.decode("utf-8", "replace").strip().split("\n")[0], max_length=200
        )
        detail = f": {why}" if why else ""
        raise SyncError(
            f"sync.password_command {program!r} failed (exit {done.returncode}){detail}.", "login"
        )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    found = lines[0].rstrip("\r") if lines else ""
    if not found:
        raise SyncError(f"sync.password_command {program!r} printed no password.", "login")
    return found


def open_service(
    config: SyncConfig, *, interactive: bool = True, limits: Limits = DEFAULT_LIMITS
) -> SyncService:
    """The client for ``config``, resuming the last session with it where there is one.

    This process's own session first (the reader's next sync), else the one
    the last process stored (see :func:`keep_session`).
    """
    secret = password(config, interactive=interactive)
    key = _session_key(config, secret)
    if config.service == "ttrss":
        from briefterm.sync.ttrss import TtrssClient

        ttrss = TtrssClient(server_url(config), config.username, secret, limits)
        sid = _ttrss_sessions.get(key)
        stored = _stored_session(config, key) if sid is None else None
        if sid is None and isinstance(stored, list) and len(stored) == 2:
            sid = _ttrss_session(stored)
        if sid is not None:
            ttrss.resume(sid)
        return ttrss
    from briefterm.sync.greader import GReaderClient

    app = (config.app_id, config.app_key) if config.app_id else None
    greader = GReaderClient(server_url(config), config.username, secret, limits, app=app)
    auth = _greader_sessions.get(key)
    stored = _stored_session(config, key) if auth is None else None
    if auth is None and isinstance(stored, list) and len(stored) == 2:
        auth = _greader_session(stored)
    if auth is not None:
        greader.resume(auth)
    return greader


def keep_session(config: SyncConfig, client: SyncService) -> None:
    """Remember ``client``'s session for the next sync: in memory, and (see below) on disk.

    A session id is as good as the password for as long as the server keeps
    it (tt-rss: a day), so it goes to disk only where the password already
    is in a file (``password`` in config.toml): into a file only this user
    can read (0600) in the cache folder, keyed by the account and a hash of
    the password, tried for :data:`SESSION_MAX_AGE`. With
    ``password_command`` the secret stays out of files, and so does the
    session: every new process logs in once.
    """
    from briefterm.sync.greader import GReaderClient
    from briefterm.sync.ttrss import TtrssClient

    key = _session_key(config, password(config, interactive=False))
    session: tuple[str, int] | tuple[str, str | None] | None = None
    if isinstance(client, TtrssClient) and (sid := client.session) is not None:
        _ttrss_sessions[key] = session = sid
    elif isinstance(client, GReaderClient) and (auth := client.session) is not None:
        _greader_sessions[key] = session = auth
    if session is not None and not config.password_command:
        _store_session(key, list(session))


def _session_path() -> Path:
    return cache_dir() / SESSION_FILE


def _stored_session(config: SyncConfig, key: str) -> object:
    """The stored session for ``key`` (as stored), or None: missing, old, another account."""
    if config.password_command:
        return None
    try:
        raw = json.loads(_session_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("key") != _file_key(key):
        return None
    saved = raw.get("saved")
    if not isinstance(saved, int | float) or not 0 <= time.time() - saved < SESSION_MAX_AGE:
        return None
    return raw.get("session")


def _ttrss_session(stored: list[object]) -> tuple[str, int] | None:
    sid, level = stored
    if isinstance(sid, str) and 0 < len(sid) <= 200 and isinstance(level, int):
        return sid, level
    return None


def _greader_session(stored: list[object]) -> tuple[str, str | None] | None:
    auth, token = stored
    if isinstance(auth, str) and 0 < len(auth) <= 500 and (token is None or isinstance(token, str)):
        return auth, token
    return None


def _store_session(key: str, session: list[object]) -> None:
    """Write the session file (0600, atomically); a failure only costs the next login."""
    path = _session_path()
    record = {"key": _file_key(key), "saved": time.time(), "session": session}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _file_key(key: str) -> str:
    # The file names no account: only a hash of the account and password.
    return hashlib.sha256(key.encode()).hexdigest()


def _session_key(config: SyncConfig, secret: str) -> str:
    # With the password (and Inoreader's app keys): a session must not
    # outlive a password or app key that changed.
    secrets = f"{secret}\0{config.app_id}\0{config.app_key}"
    return account_key(config) + " " + hashlib.sha256(secrets.encode()).hexdigest()
