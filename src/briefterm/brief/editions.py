"""Editions: the time window a brief covers, and how to name and step through them.

An edition is a time window over entries' ``first_seen`` (when briefterm
first saw them, not when the feed claims they were published), so a past
edition shows what arrived that day and stays browsable later. The live
edition runs from the last finished brief (:func:`finish_brief`) to now;
``--date`` and ``--since`` values name others (:func:`parse_day`,
:func:`parse_since`, :func:`window_for`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from briefterm.errors import UsageError
from briefterm.store import Store
from briefterm.timefmt import day_label, local_datetime, midnight, next_midnight, short_time_label

LAST_BRIEF_META = "last_brief_finished"
"""Meta key holding the POSIX time the reader last finished a brief."""

DEFAULT_SINCE_HOURS = 24.0
"""A first "since last brief" edition covers this many hours."""

EditionKind = Literal["day", "since-last", "since"]
"""A calendar day, since the last finished brief, or since a given time."""


@dataclass(frozen=True, slots=True)
class EditionWindow:
    """The time span of one edition: entries first seen in [start, end).

    ``kind`` is "day" (a calendar day), "since-last" (since the last finished
    brief) or "since" (since a given time). ``day`` and ``tz`` are kept for
    day navigation.
    """

    start: float | None
    end: float
    label: str
    kind: EditionKind
    day: date | None = None
    tz: tzinfo | None = field(default=None, compare=False)

    # -- constructors --------------------------------------------------------

    @classmethod
    def since_last_brief(
        cls, store: Store, now: float | None = None, tz: tzinfo | None = None
    ) -> EditionWindow:
        """Everything since the last finished brief (the last 24 hours if none)."""
        now = time.time() if now is None else now
        raw = store.get_meta(LAST_BRIEF_META)
        start: float | None = None
        if raw:
            try:
                start = float(raw)
            except ValueError:  # a corrupt value must not break the reader
                start = None
        if start is None or start >= now:
            start = now - DEFAULT_SINCE_HOURS * 3600
        return cls(start, now, f"since {short_time_label(start, tz)}", "since-last", tz=tz)

    @classmethod
    def today(cls, now: float | None = None, tz: tzinfo | None = None) -> EditionWindow:
        """Today's edition: local midnight to the next midnight."""
        now = time.time() if now is None else now
        return cls.for_date(local_datetime(now, tz).date(), tz)

    @classmethod
    def for_date(cls, d: date, tz: tzinfo | None = None) -> EditionWindow:
        """The edition of calendar day ``d``: local midnight to midnight."""
        start = midnight(d, tz)
        end = next_midnight(d, tz)
        return cls(start, end, day_label(d), "day", day=d, tz=tz)

    @classmethod
    def since(cls, ts: float, now: float | None = None, tz: tzinfo | None = None) -> EditionWindow:
        """Everything first seen from ``ts`` until now."""
        now = time.time() if now is None else now
        return cls(ts, max(now, ts), f"since {short_time_label(ts, tz)}", "since", tz=tz)

    # -- navigation ----------------------------------------------------------

    def _anchor(self) -> date:
        if self.day is not None:
            return self.day
        return local_datetime(self.end - 1e-3, self.tz).date()

    def previous(self) -> EditionWindow:
        """The day edition before this one.

        For a "since" window that is the day before the one it ends on, so
        pressing "previous" on the live edition shows yesterday.
        """
        return EditionWindow.for_date(self._anchor() - timedelta(days=1), self.tz)

    def next(self, now: float | None = None) -> EditionWindow:
        """The day edition after this one; ``self`` when that day has not begun."""
        if self.kind != "day":
            return self
        now = time.time() if now is None else now
        following = EditionWindow.for_date(self._anchor() + timedelta(days=1), self.tz)
        if following.start is not None and following.start > now:
            return self
        return following


def edition_window(store: Store, offset: int, now: float) -> EditionWindow:
    """The edition ``-offset`` days before the live one (0: since the last brief)."""
    window = EditionWindow.since_last_brief(store, now)
    for _ in range(-offset):
        window = window.previous()
    return window


def finish_brief(store: Store, now: float | None = None) -> float:
    """Record that the reader finished a brief; the next "since" edition starts here."""
    now = time.time() if now is None else now
    store.set_meta(LAST_BRIEF_META, repr(now))
    return now


# -- naming an edition ----------------------------------------------------------


def parse_since(text: str, now: float | None = None) -> float:
    """A ``--since`` value: ``12h``/``3d``/``90m``/``2w`` ago, or an ISO date/time (local)."""
    now = time.time() if now is None else now
    value = text.strip().lower()
    units = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    if len(value) >= 2 and value[-1] in units and value[:-1].isdigit():
        return now - int(value[:-1]) * units[value[-1]]
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--since {text!r} is not a time; use e.g. 12h, 3d, 2026-11-21 or 2026-11-21T08:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is local time
    return moment.timestamp()


def parse_day(text: str, today: date | None = None) -> date:
    """A ``--date`` value: YYYY-MM-DD, ``today`` or ``yesterday``."""
    today = today or date.today()
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--date {text!r} is not a day; use YYYY-MM-DD, today or yesterday"
        ) from None


def window_for(
    store: Store, *, day: str | None = None, since: str | None = None, now: float | None = None
) -> EditionWindow:
    """The edition a ``--date`` or ``--since`` value names; without either, the live one."""
    if day:
        return EditionWindow.for_date(parse_day(day))
    if since:
        return EditionWindow.since(parse_since(since))
    return EditionWindow.since_last_brief(store, time.time() if now is None else now)
