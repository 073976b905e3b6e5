"""``[sync]``: the aggregator account briefterm syncs with (tt-rss or a Google Reader API server).

::

    [sync]
    service = "ttrss"                  # or "greader"
    url = "https://rss.example.com/"   # tt-rss: its base URL; greader: the API base
    username = "me"
    password = "…"                     # or password_command = "pass show rss"
    interval = 15                      # minutes between syncs in the reader; 0 = only on r
    app_id = "1000001234"              # Inoreader only (greader): its AppId/AppKey headers
    app_key = "…"

``password_command`` is split like a shell would split it (``shlex``) and
run without a shell when a sync needs the password; its first line of
output is the password. This module imports nothing else of the config
package at import time: ``types.py`` imports it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from briefterm.urls import is_http_url

if TYPE_CHECKING:
    from briefterm.config._checks import Ctx

Service = Literal["ttrss", "greader"]
SERVICES: tuple[Service, ...] = ("ttrss", "greader")
SYNC_KEYS = (
    "service",
    "url",
    "username",
    "password",
    "password_command",
    "interval",
    "app_id",
    "app_key",
)
MAX_APP_FIELD = 200
MAX_INTERVAL = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """The ``[sync]`` table: one account on one aggregator."""

    service: Service
    """ "ttrss" (Tiny Tiny RSS's JSON API) or "greader" (FreshRSS, Miniflux,
    Inoreader, The Old Reader: the Google Reader API)."""
    url: str
    """tt-rss: its base URL (``api/`` is appended); greader: the API base
    (FreshRSS ``https://host/api/greader.php``, Miniflux its root)."""
    username: str
    password: str = field(default="", repr=False)
    """The (API) password; empty when ``password_command`` gives it."""
    password_command: tuple[str, ...] = ()
    """A command whose first line of output is the password, as an argv (no shell)."""
    interval: int = 15
    """Minutes between syncs while the reader is open; 0: only when you press r."""
    app_id: str = ""
    """Inoreader's ``AppId`` header (greader only; empty: not sent)."""
    app_key: str = field(default="", repr=False)
    """Inoreader's ``AppKey`` header, sent with ``app_id``."""


def parse_sync(ctx: Ctx, raw: object) -> SyncConfig:
    """Validate the ``[sync]`` table; every problem is one :class:`ConfigError` sentence."""
    if not isinstance(raw, dict):
        raise ctx.fail("sync must be a table ([sync] with service, url, username, password)")
    for key in raw:
        if key not in SYNC_KEYS:
            raise ctx.unknown(key, SYNC_KEYS, "sync.")
    service = raw.get("service")
    if service not in SERVICES:
        raise ctx.fail(f'sync.service must be "ttrss" or "greader" (got {_show(service)})')
    url = raw.get("url")
    if not isinstance(url, str) or not is_http_url(url.strip()):
        raise ctx.fail(f"sync.url must be the server's http(s) URL (got {_show(url)})")
    username = raw.get("username")
    if not isinstance(username, str) or not username.strip():
        raise ctx.fail(f"sync.username must be a non-empty string (got {_show(username)})")
    password = raw.get("password", "")
    if not isinstance(password, str):
        raise ctx.fail("sync.password must be a string")
    command = _password_command(ctx, raw.get("password_command"))
    if password and command:
        raise ctx.fail("sync has both password and password_command; keep one of them")
    if not password and not command:
        raise ctx.fail('sync needs password = "…" or password_command = "pass show rss"')
    interval = raw.get("interval", 15)
    if (
        not isinstance(interval, int)
        or isinstance(interval, bool)
        or not 0 <= interval <= MAX_INTERVAL
    ):
        raise ctx.fail(
            f"sync.interval must be a whole number of minutes from 0 to {MAX_INTERVAL}"
            f" (0: only when you press r; got {_show(interval)})"
        )
    app_id, app_key = _app_credentials(ctx, raw, service)
    return SyncConfig(
        service, url.strip(), username.strip(), password, command, interval, app_id, app_key
    )


def _app_credentials(ctx: Ctx, raw: dict[str, object], service: str) -> tuple[str, str]:
    """``app_id`` and ``app_key``: both or neither, greader only, header-safe text."""
    found: dict[str, str] = {}
    for key in ("app_id", "app_key"):
        value = raw.get(key, "")
        # They go into HTTP headers: printable ASCII without spaces, nothing else.
        if (
            not isinstance(value, str)
            or len(value.strip()) > MAX_APP_FIELD
            or not all(33 <= ord(c) < 127 for c in value.strip())
        ):
            raise ctx.fail(
                f"sync.{key} must be the text Inoreader gave you (letters and digits, no spaces)"
            )
        found[key] = value.strip()
    app_id, app_key = found["app_id"], found["app_key"]
    if (app_id or app_key) and service != "greader":
        raise ctx.fail(
            'sync.app_id and sync.app_key are for Inoreader (service = "greader");'
            " tt-rss takes none: remove them"
        )
    if bool(app_id) != bool(app_key):
        missing = "app_key" if app_id else "app_id"
        raise ctx.fail(f"sync.{missing} is missing: Inoreader needs both app_id and app_key")
    return app_id, app_key


def _password_command(ctx: Ctx, raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, list) and all(isinstance(part, str) for part in raw):
        argv = list(raw)
    elif isinstance(raw, str):
        try:
            argv = shlex.split(raw)
        except ValueError as exc:
            raise ctx.fail(f"sync.password_command is not a valid command line ({exc})") from None
    else:
        raise ctx.fail('sync.password_command must be a command such as "pass show rss"')
    if not argv or not argv[0].strip():
        raise ctx.fail('sync.password_command is empty; name a program, e.g. "pass show rss"')
    return tuple(argv)


def _show(value: object) -> str:
    # The config's own renderer lives in _checks, which imports this module's importer.
    from briefterm.config._checks import show

    return show(value) if value is not None else "nothing"
