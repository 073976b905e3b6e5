"""Untrusted server values made safe: every string, link, id and date a server sends.

A sync server is as untrusted as a feed: its titles may carry escape
sequences or Rich markup, its ids may be missing or absurd, its numbers may
be strings. These helpers never raise on a bad value except where the value
is the protocol itself (:func:`need_id`, :func:`need_list`), which raises
:class:`~briefterm.errors.SyncError` naming what was wrong.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from briefterm.errors import SyncError
from briefterm.sanitize import clean_line, strip_controls, truncate
from briefterm.urls import safe_url

MAX_TITLE = 500
MAX_AUTHOR = 300
MAX_CATEGORY = 100
MAX_CONTENT = 200_000
"""Characters of HTML kept per entry (the feed parser's cap)."""
MAX_ID = 64
MAX_ENCLOSURES = 20
_DECIMAL = re.compile(r"[0-9]{1,20}")
# Dates before 1990 or after 2100 are junk (0, negative, ms mistaken for s).
_EARLIEST = 631152000
_LATEST = 4102444800


def line(value: object, max_length: int = MAX_TITLE) -> str:
    """A single-line string field ('' when absent or not a string)."""
    return clean_line(value, max_length=max_length) if isinstance(value, str) else ""


def html(value: object) -> str:
    """An HTML field: control characters gone, capped; converted only when shown."""
    if not isinstance(value, str):
        return ""
    return truncate(strip_controls(value), MAX_CONTENT)


def url(value: object) -> str:
    """A link: http(s) or ''."""
    return safe_url(value) if isinstance(value, str) else ""


def flag(value: object) -> bool:
    """A boolean the way PHP servers send them (true, 1, "1", "t", "true")."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "t", "true", "yes")
    return bool(value) if isinstance(value, bool | int) else False


def timestamp(value: object, *, scale: int = 1) -> datetime | None:
    """A Unix time in units of ``1/scale`` s (str or number), or None when implausible."""
    try:
        seconds = int(value) / scale if not isinstance(value, bool) else None  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    if seconds is None or not _EARLIEST <= seconds <= _LATEST:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def decimal_id(value: object) -> str | None:
    """A non-negative integer id as a canonical decimal string, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return str(int(value))
    return None


def need_id(value: object, where: str, what: str) -> str:
    """Like :func:`decimal_id`, but a missing id is a broken reply."""
    found = decimal_id(value)
    if found is None:
        raise SyncError(f"{where} sent {what} without a valid id.", "reply")
    return found


def need_list(value: object, where: str, what: str) -> list[Any]:
    """A JSON array the protocol requires."""
    if not isinstance(value, list):
        raise SyncError(f"{where} sent {what} that is not a list.", "reply")
    return value


def need_dict(value: object, where: str, what: str) -> dict[str, Any]:
    """A JSON object the protocol requires."""
    if not isinstance(value, dict):
        raise SyncError(f"{where} sent {what} that is not an object.", "reply")
    return value
