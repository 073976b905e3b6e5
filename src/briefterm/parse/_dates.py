"""Feed dates (RFC 822, ISO 8601 and the common broken variants) → aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_FOUR_DIGIT_YEAR = re.compile(r"(?<![\d+-])\d{4}(?![\d:])")


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 822 / ISO 8601 (or a common broken variant) date to aware UTC.

    Naive times are taken as UTC. Garbage gives None; far-future dates are
    returned as-is (the store clamps them).
    """
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > 100:
        return None
    result: datetime | None = None
    if value[:4].isdigit():
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            result = None
    if result is None:
        try:
            result = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            result = None
        # RFC 822 parsing maps two-digit years into 19xx/20xx, which also
        # turns the common "zero date" (year 0001) into 2001: a four-digit
        # year in the text must be the year we got, or there is no date.
        year = _FOUR_DIGIT_YEAR.search(value)
        if result is not None and year and int(year.group()) != result.year:
            return None
    if result is None:
        result = _feedparser_date(value)
    if result is None or not 1900 <= result.year <= 9999:
        return None
    try:
        return _aware(result)
    except (OverflowError, ValueError):
        return None


def _feedparser_date(value: str) -> datetime | None:
    # feedparser knows many odd formats (W3DTF variants, Korean, Greek, ...).
    # It is a private helper, so any failure just means "no date".
    try:
        from feedparser.datetimes import _parse_date

        parsed = _parse_date(value)
        if parsed is None:
            return None
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except Exception:
        return None
