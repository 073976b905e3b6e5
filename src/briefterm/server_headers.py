"""Headers a feed server sends that briefterm keeps or obeys: validators and Retry-After.

A server is untrusted: what is stored from its headers is capped and cleaned
before it is ever sent back, and a Retry-After is bounded by the user's cap.
"""

from __future__ import annotations

import email.utils
import time

MAX_VALIDATOR = 1024
"""Longest ETag / Last-Modified stored and sent back; real ones are under 100 bytes."""


def parse_retry_after(value: str | None, cap: float, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), capped.

    Returns None when the header is missing or unreadable; never negative.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        # isdigit() also accepts "²" and other non-ASCII digits, and int()
        # refuses more than 4,300 digits: both are "unreadable" here.
        if not value.isascii() or len(value) > 12:
            return None if not value.isascii() else float(cap)
        return float(min(int(value), cap))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None  # since Python 3.10 an unreadable date raises instead of giving None
    now = time.time() if now is None else now
    try:
        delay = when.timestamp() - now
    except (OverflowError, OSError, ValueError):
        return None
    return float(min(max(delay, 0.0), cap))


def sane_validator(value: str | None) -> str | None:
    """``value`` (an ETag or Last-Modified) if it is worth storing and sending back, else None.

    A server's header is untrusted: a 20 KB ETag stored and re-sent makes a
    server with an 8 KB header limit answer 431 on every later poll, and a
    CR/LF or non-ASCII byte cannot go back into a request at all. Anything
    longer than :data:`MAX_VALIDATOR` or outside printable ASCII is dropped
    (the feed is then fetched unconditionally, which is always correct).
    """
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > MAX_VALIDATOR:
        return None
    if not all(" " <= ch <= "~" for ch in value):
        return None
    return value


def validator_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The conditional-GET headers for stored validators (insane ones left out)."""
    headers: dict[str, str] = {}
    if etag := sane_validator(etag):
        headers["If-None-Match"] = etag
    if last_modified := sane_validator(last_modified):
        headers["If-Modified-Since"] = last_modified
    return headers
