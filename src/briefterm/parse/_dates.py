"""Feed dates → aware UTC datetimes, or None: never "now", never a guess.

In the order tried (the common forms first, so they cost what they did):

1. ISO 8601 / RFC 3339 (``datetime.fromisoformat``);
2. RFC 822 (``email.utils``), with the offsets and zone names it misses
   (``+03:00``, ``CET``, ``BRT``);
3. numeric year-first dates: ``2020/1/10 14:33:00``, ``2020.01.10``,
   ``2020年1月10日 14時33分`` (Chinese and Japanese);
4. numeric day-first dates: ``24.09.2018 10:00``; with slashes only when
   the day is past 12, since ``09/10/2018`` is 9 October in Europe and
   10 September in the US;
5. month names in the languages of :mod:`._datenames`: ``Seg, 24 Set 2018
   10:00:00 -0300``, ``24 de setembro de 2018``, ``24. September 2018``,
   ``24 сентября 2018 г.``, ``September 24, 2018 10:00 AM``;
6. feedparser's own date parsers (Greek, Hungarian and other odd forms),
   whose answer is kept only when the day, month and year it gives are
   written in the text: it reads "2020/1/10" as 1 December. Not for
   ISO-looking text (``2003-12-31T10:61:55Z``), which it reads leniently.

What none of them reads is undated (None).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from briefterm.parse._datenames import MONTHS, ZONES, fold


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_FOUR_DIGIT_YEAR = re.compile(r"(?<![\d+-])\d{4}(?![\d:])")
_ZONE = r"(?P<tz>Z|[+-]\d{2}:?\d{2}|[+-]\d{2}|[A-Za-z]{1,5})"
_TIME = (
    r"(?P<H>\d{1,2})\s*[:時时点點h시]\s*(?P<M>\d{1,2})\s*[分분]?"
    r"(?:\s*:?\s*(?P<S>\d{1,2})\s*[秒초]?)?(?:[.,]\d+)?(?:\s*Uhr)?"  # German "10:00 Uhr"
)
_AMPM = r"(?P<ampm>[ap]\.?\s?m\.?|上午|下午|午前|午後|오전|오후)"
_YEAR_FIRST = re.compile(
    r"(?P<y>\d{4})\s*[-/.年년]\s*(?P<m>\d{1,2})\s*[-/.月월]\s*(?P<d>\d{1,2})\s*[日일]?"
    r"(?:\s*(?:[(（][^)）]{1,8}[)）]|(?:星期|周|週)\S))?"  # weekday: (金), 星期五
    rf"(?:[\sT]*{_AMPM}?\s*{_TIME}\s*(?P<ampm2>[ap]\.?\s?m\.?)?\s*{_ZONE}?)?",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})\s*(?P<sep>[./-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4})"
    rf"(?:[\s,T]*{_TIME}\s*{_AMPM}?\s*{_ZONE}?)?",
    re.IGNORECASE,
)
_WORD = r"[^\W\d_]+\.?"
_AT = r"(?:,?\s*(?:à|às|a\s+las|a\s+la|um|om|alle|ore|at|kl\.?|в|-)?\s*)"
_NAMED_DAY_FIRST = re.compile(
    rf"(?:{_WORD},?\s+)?(?P<d>\d{{1,2}})\s*(?:\.|º|er|st|nd|rd|th)?\s*(?:de\s+)?"
    rf"(?P<mon>{_WORD}),?\s*(?:de\s+)?(?P<y>\d{{4}}|\d{{2}})(?:\s*г\.?)?"
    rf"(?:{_AT}{_TIME}\s*{_AMPM}?)?\s*{_ZONE}?",
    re.IGNORECASE,
)
_NAMED_MONTH_FIRST = re.compile(
    rf"(?:{_WORD},?\s+)?(?P<mon>{_WORD})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"(?:{_AT}{_TIME}\s*{_AMPM}?)?\s*{_ZONE}?",
    re.IGNORECASE,
)
_COLON_OFFSET = re.compile(r"([+-]\d{2}):(\d{2})$")
_PM = frozenset({"pm", "下午", "午後", "오후"})
_AM = frozenset({"am", "上午", "午前", "오전"})


def parse_date(value: str | None) -> datetime | None:
    """Parse a feed's date to aware UTC; None when it cannot be read for certain.

    Naive times are taken as UTC. Far-future dates are returned as-is (the
    store clamps them); years before 1900 are no dates.
    """
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > 100:
        return None
    result: datetime | None = None
    iso_like = False
    if value[:4].isdigit():
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            result = _numeric(_YEAR_FIRST, value)
        # email.utils and feedparser read "2003-12-31T10:61:55Z" as 11:01:55
        # and "2013-01-28T09:xx:00Z" as midnight: an ISO-looking date that
        # neither ISO nor the numeric parser reads has no date.
        iso_like = value[4:5] == "-"
    if result is None and not iso_like:
        result = _rfc822(value)
    if result is None and value[:1].isdigit():
        result = _numeric(_DAY_FIRST, value)
    if result is None:
        result = _named(value)
    if result is None and not iso_like:
        result = _feedparser_date(value)
    if result is None or not 1900 <= result.year <= 9999:
        return None
    try:
        return _aware(result)
    except (OverflowError, ValueError):
        return None


def _rfc822(value: str) -> datetime | None:
    try:
        result = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # RFC 822 parsing maps two-digit years into 19xx/20xx, which also turns
    # the common "zero date" (year 0001) into 2001: a four-digit year in the
    # text must be the year we got, or there is no date.
    year = _FOUR_DIGIT_YEAR.search(value)
    if year and int(year.group()) != result.year:
        return None
    if result.tzinfo is None:
        # email.utils gives a naive time for a zone it does not know, and
        # takes "PM" for one: "10:00 PM" would be ten in the morning.
        last = value.rpartition(" ")[2]
        if last.lower().replace(".", "") in _AM | _PM:
            return None
        zone = _offset(last)
        if zone is not None:
            result = result.replace(tzinfo=zone)
        elif last[:1] in "+-" or last[:4].upper() in ("GMT+", "GMT-", "UTC+", "UTC-"):
            return None  # "+zz:00": an offset, but not one we can read
    return result


def _offset(token: str | None) -> timezone | None:
    """The fixed offset a zone token names ("+03:00", "-0300", "CET", "Z"); None if unknown."""
    if not token:
        return None
    token = ZONES.get(token.upper(), token)
    if token.upper() in ("Z", "UT", "UTC", "GMT"):
        return UTC
    if token[:3].upper() in ("GMT", "UTC") and token[3:4] in ("+", "-"):
        token = token[3:]  # "GMT-01:01"
    token = _COLON_OFFSET.sub(r"\1\2", token)
    if len(token) == 3 and token[0] in "+-" and token[1:].isdigit():
        token += "00"
    if len(token) != 5 or token[0] not in "+-" or not token[1:].isdigit():
        return None
    minutes = int(token[1:3]) * 60 + int(token[3:])
    if minutes >= 24 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if token[0] == "-" else minutes))


def _hour(match: re.Match[str]) -> int:
    """The 24-hour clock hour of a match with an optional am/pm marker."""
    hour = int(match.group("H") or 0)
    groups = match.groupdict()
    marker = (groups.get("ampm") or groups.get("ampm2") or "").lower()
    marker = marker.replace(".", "").replace(" ", "")
    if marker in _PM and hour < 12:
        hour += 12
    elif marker in _AM and hour == 12:
        hour = 0
    return hour


def _build(match: re.Match[str], year: int, month: int, day: int) -> datetime | None:
    """The datetime a date match names, in its zone; None if out of range or zone unknown."""
    tz = match.group("tz")
    zone = _offset(tz) if tz else None
    if tz and zone is None and not tz.isalpha():
        return None
    try:
        return datetime(
            year,
            month,
            day,
            _hour(match),
            int(match.group("M") or 0),
            int(match.group("S") or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None


def _numeric(pattern: re.Pattern[str], value: str) -> datetime | None:
    match = pattern.fullmatch(value)
    if match is None:
        return None
    year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
    if pattern is _DAY_FIRST and match.group("sep") != "." and day <= 12 and month <= 12:
        if day != month:
            return None  # 09/10/2018: 9 October or 10 September? Undated, not a guess.
    elif pattern is _DAY_FIRST and month > 12 >= day:
        day, month = month, day  # 09/24/2018: the US order, and unambiguous
    return _build(match, year, month, day)


def _named(value: str) -> datetime | None:
    """A date whose month is a name in one of the languages of :mod:`._datenames`."""
    for pattern in (_NAMED_DAY_FIRST, _NAMED_MONTH_FIRST):
        match = pattern.fullmatch(value)
        if match is None:
            continue
        month = MONTHS.get(fold(match.group("mon")))
        if month is None:
            continue
        year = int(match.group("y"))
        if len(match.group("y")) == 2:  # RFC 822's rule for two-digit years
            year += 2000 if year < 50 else 1900
        return _build(match, year, month, int(match.group("d")))
    return None


_NUMBERS = re.compile(r"\d+")
# A month written as a word, in a script that writes month names (Latin,
# Greek, Cyrillic); Chinese, Japanese and Korean write month numbers.
_MONTH_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]{3,}")


def _written(value: str, result: datetime) -> bool:
    """True when ``value`` writes the year, day and month of ``result`` (a month maybe in words)."""
    numbers = {int(n) for n in _NUMBERS.findall(value) if len(n) <= 4}
    if result.year not in numbers and result.year % 100 not in numbers:
        return False
    if result.day not in numbers:
        return False
    return result.month in numbers or _MONTH_WORD.search(value) is not None


def _feedparser_date(value: str) -> datetime | None:
    # feedparser knows odd formats (Korean, Greek, Hungarian, W3DTF variants).
    # It is a private helper, so any failure just means "no date".
    try:
        from feedparser.datetimes import _parse_date

        parsed = _parse_date(value)
        if parsed is None:
            return None
        year, month, day, hour, minute, second = parsed[:6]
        result = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except Exception:
        return None
    return result if _written(value, result) else None
