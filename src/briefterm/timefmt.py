"""Every date, time and age label briefterm shows, in one place.

Labels are English and independent of the C locale (``strftime("%a")`` would
follow LC_TIME and break alignment and tests). Times are shown in the
user's local zone unless a ``tz`` is given; JSON always carries UTC in one
style, ``2026-12-02T06:20:00Z``.

A date carries its year whenever the year is not the current one ("2 Nov
2011 17:25", "12 Mar 2019"): an eleven-year-old post must not read as this
month's. ``now`` (POSIX seconds, default: the clock) says what "current" is.
An undated entry is labelled by when briefterm first saw it, and says so:
"seen 2 Dec" (:func:`entry_time_label`).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as dtime
from functools import lru_cache

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBREVIATIONS = tuple(m[:3] for m in MONTHS)

# (upper bound in seconds, unit size in seconds, suffix) for compact ages.
_Steps = tuple[tuple[float, float, str], ...]
_ROW_AGE_STEPS: _Steps = ((3600, 60, "m"), (86400, 3600, "h"), (7 * 86400, 86400, "d"))
_SPAN_STEPS: _Steps = ((60, 1, "s"), (3600, 60, "m"), (2 * 86400, 3600, "h"))


def local_datetime(ts: float, tz: tzinfo | None = None) -> datetime:
    """An aware datetime for ``ts`` in ``tz`` (None: the system's local zone)."""
    if tz is not None:
        return datetime.fromtimestamp(ts, tz)
    return datetime.fromtimestamp(ts).astimezone()


def midnight(d: date, tz: tzinfo | None = None) -> float:
    """POSIX time of local midnight starting day ``d``."""
    if tz is not None:
        return datetime.combine(d, dtime(0), tzinfo=tz).timestamp()
    return datetime.combine(d, dtime(0)).astimezone().timestamp()


def next_midnight(d: date, tz: tzinfo | None = None) -> float:
    """POSIX time of local midnight ending day ``d``."""
    return midnight(d + timedelta(days=1), tz)


def day_label(d: date) -> str:
    """ "Tuesday 10 March 2026"."""
    return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def _year_suffix(dt: datetime, now: float | None, tz: tzinfo | None) -> str:
    """ " 2011" when ``dt`` is not in the current year, else ''."""
    current = _year(time.time() if now is None else now, tz)
    return "" if dt.year == current else f" {dt.year}"


@lru_cache(maxsize=16)
def _year(now: float, tz: tzinfo | None) -> int:
    """The year at ``now``: asked once per label, and an export labels 100,000 entries."""
    return local_datetime(now, tz).year


def date_label(ts: float, tz: tzinfo | None = None, now: float | None = None) -> str:
    """ "2 Dec" in the current year, else "2 Nov 2011" (local time)."""
    dt = local_datetime(ts, tz)
    return f"{dt.day} {MONTH_ABBREVIATIONS[dt.month - 1]}{_year_suffix(dt, now, tz)}"


def short_time_label(ts: float, tz: tzinfo | None = None, now: float | None = None) -> str:
    """ "Mon 9 Mar 08:00" in local time ("Mon 9 Mar 2025 08:00" in another year)."""
    dt = local_datetime(ts, tz)
    return f"{DAYS[dt.weekday()][:3]} {date_label(ts, tz, now)} {dt:%H:%M}"


def clock_label(ts: float, tz: tzinfo | None = None, now: float | None = None) -> str:
    """ "9 Mar 08:00" in local time, as attribution lines show it ("2 Nov 2011 17:25")."""
    dt = local_datetime(ts, tz)  # once: an export labels every story
    day = f"{dt.day} {MONTH_ABBREVIATIONS[dt.month - 1]}{_year_suffix(dt, now, tz)}"
    return f"{day} {dt.hour:02d}:{dt.minute:02d}"


def clock_time_label(ts: float, tz: tzinfo | None = None) -> str:
    """ "08:00": the local time of day only."""
    return f"{local_datetime(ts, tz):%H:%M}"


def seen_label(ts: float, tz: tzinfo | None = None, now: float | None = None) -> str:
    """ "seen 2 Dec": the label of an undated entry, by when it was first seen."""
    return f"seen {date_label(ts, tz, now)}"


def entry_time_label(
    published: float | None,
    first_seen: float,
    tz: tzinfo | None = None,
    now: float | None = None,
) -> str:
    """An entry's time as an attribution shows it: "9 Mar 08:00", or "seen 2 Dec" if undated."""
    if published is None:
        return seen_label(first_seen, tz, now)
    return clock_label(published, tz, now)


def relative_day_label(day: datetime, today: datetime) -> str:
    """ "Today", "Yesterday" or e.g. "Mon 16 Nov 2026" for a local date."""
    delta = (today.date() - day.date()).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Yesterday"
    return (
        f"{DAYS[day.weekday()][:3]} {day.day:02d} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"
    )


def _compact(seconds: float, steps: _Steps) -> str | None:
    for limit, unit, suffix in steps:
        if seconds < limit:
            return f"{int(seconds // unit)}{suffix}"
    return None


def short_age(ts: float, now: float, *, undated: bool = False) -> str:
    """A compact age for list rows: "now", "5m", "3h", "2d", "4w", else "12 Mar" ("12 Mar 2019").

    An undated entry (``ts`` is when it was first seen) says "seen 2 Dec"
    instead: an age would pass it off as that recent news.
    """
    if undated:
        return seen_label(ts, now=now)
    seconds = max(0.0, now - ts)
    if seconds < 60:
        return "now"
    compact = _compact(seconds, _ROW_AGE_STEPS)
    if compact is not None:
        return compact
    if seconds < 8 * 7 * 86400:
        return f"{int(seconds // (7 * 86400))}w"
    return date_label(ts, now=now)


def _count(number: int, unit: str) -> str:
    return f"1 {unit} ago" if number == 1 else f"{number} {unit}s ago"


def long_age(ts: float, now: float) -> str:
    """A readable age for the detail pane: "just now", "3 h ago", "2 days ago", "11 years ago"."""
    seconds = now - ts
    if seconds < 0:
        return "in the future"
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    if days < 31:
        return _count(days, "day")
    if days < 365:
        return _count(max(1, round(days / 30.44)), "month")
    return _count(max(1, int(days // 365.25)), "year")


def local_time(ts: float) -> str:
    """A full local timestamp with the zone, e.g. "Sun 22 Nov 2026 08:15 CET"."""
    dt = local_datetime(ts)
    zone = dt.strftime("%Z")
    return (
        f"{DAYS[dt.weekday()][:3]} {dt.day:02d} {MONTH_ABBREVIATIONS[dt.month - 1]} "
        f"{dt.year} {dt:%H:%M} {zone}"
    ).strip()


def span(seconds: float) -> str:
    """A compact duration: "42s", "5m", "30h", "3d"."""
    seconds = max(0.0, seconds)
    compact = _compact(seconds, _SPAN_STEPS)
    return compact if compact is not None else f"{int(seconds // 86400)}d"


def age_label(ts: float | None, now: float) -> str:
    """ "5m ago" for a past time, "just now" for a future one, "never" for None."""
    if ts is None:
        return "never"
    return span(now - ts) + " ago" if now >= ts else "just now"


def due_label(ts: float | None, now: float) -> str:
    """ "now" when ``ts`` has passed (or is unknown), else "in 5m"."""
    if ts is None or ts <= now:
        return "now"
    return "in " + span(ts - now)


def iso_utc(ts: float | None) -> str | None:
    """ "2026-12-02T06:20:00Z": the one timestamp style of JSON output."""
    if ts is None:
        return None
    try:
        moment = datetime.fromtimestamp(ts, UTC)
    except (OverflowError, OSError, ValueError):
        # A time past year 9999 (a schedule from an absurd interval) has no ISO form.
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
