"""From ``[sync]`` to a logged-out client: the password (or its command), the URL, the key.

``password_command`` runs as an argv, never through a shell, with a
deadline; its first line of output is the password. A failure is a
:class:`~briefterm.errors.SyncError` with reason ``login`` and one sentence
that names the program, never the password.
"""

from __future__ import annotations

import hashlib
import subprocess
import threading

from briefterm.config.sync import SyncConfig
from briefterm.errors import SyncError
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
    """The client for ``config`` (resuming this process's session with it, if any)."""
    secret = password(config, interactive=interactive)
    key = _session_key(config, secret)
    if config.service == "ttrss":
        from briefterm.sync.ttrss import TtrssClient

        ttrss = TtrssClient(server_url(config), config.username, secret, limits)
        if (sid := _ttrss_sessions.get(key)) is not None:
            ttrss.resume(sid)
        return ttrss
    from briefterm.sync.greader import GReaderClient

    app = (config.app_id, config.app_key) if config.app_id else None
    greader = GReaderClient(server_url(config), config.username, secret, limits, app=app)
    if (auth := _greader_sessions.get(key)) is not None:
        greader.resume(auth)
    return greader


def keep_session(config: SyncConfig, client: SyncService) -> None:
    """Remember ``client``'s session for the next sync of this process (the reader's).

    Only in memory: a session id is as good as the password for a day, so
    it never goes to disk; every new process logs in once.
    """
    from briefterm.sync.greader import GReaderClient
    from briefterm.sync.ttrss import TtrssClient

    key = _session_key(config, password(config, interactive=False))
    if isinstance(client, TtrssClient) and (sid := client.session) is not None:
        _ttrss_sessions[key] = sid
    elif isinstance(client, GReaderClient) and (auth := client.session) is not None:
        _greader_sessions[key] = auth


def _session_key(config: SyncConfig, secret: str) -> str:
    # With the password: a session must not outlive a password that changed.
    return account_key(config) + " " + hashlib.sha256(secret.encode()).hexdigest()
