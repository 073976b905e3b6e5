"""Editions: the time window a brief covers, and how to name and step through them.

An entry belongs to the edition in which it was **published**; an undated
entry (no plausible date, :func:`briefterm.models.plausible_published`) to
the one in which briefterm first saw it. The store applies the rule
(:class:`briefterm.store.TimeWindow`); this module says which window an
edition is:

* the **live** edition runs from the last finished brief (:func:`finish_brief`)
  to now. A story published up to ``first_edition_hours`` before that finish
  but first seen after it (a feed that posts late, a feed added since) is
  new to the reader and joins it too. Without a finished brief, the live
  edition is the last ``first_edition_hours`` (``[brief]``, default 24):
  a fresh cache's first brief is the last day, never the whole history.
* a **finished** edition is the live edition as it stood when it was
  finished (:func:`finished_edition`; ``briefterm brief --previous``, and
  the reader's ``[`` right after ``F``). :func:`unfinish_brief` undoes a finish.
* a **day** edition is everything published on one local calendar day
  (``--date``); ``--since`` names an edition from a time to now.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from briefterm.errors import UsageError
from briefterm.store import Store, TimeWindow
from briefterm.timefmt import (
    clock_time_label,
    day_label,
    local_datetime,
    midnight,
    next_midnight,
    short_time_label,
)

LAST_BRIEF_META = "last_brief_finished"
"""Meta key holding the POSIX time the reader last finished a brief."""
FINISHED_META = "finished_editions"
"""Meta key holding the recent finished editions, oldest first, as JSON
``[[start, end, late_from or null], ...]``."""
FINISH_HISTORY = 30
"""Finished editions remembered (for undo and for ``--previous``)."""

DEFAULT_SINCE_HOURS = 24.0
"""A first edition covers this many hours (``[brief] first_edition_hours``)."""

EditionKind = Literal["day", "since-last", "since", "finished"]
"""A calendar day, the live edition since the last finished brief, since a
given time, or an edition already finished."""


@dataclass(frozen=True, slots=True)
class EditionWindow:
    """The span of one edition; :meth:`time_window` is what the store selects.

    Entries published in ``[start, end)`` (undated ones: first seen then).
    ``late_from`` lets a live or finished edition also hold late arrivals
    published from then on; ``seen_before`` keeps a finished edition to what
    it held when it was finished. ``day`` and ``tz`` are kept for day
    navigation.
    """

    start: float | None
    end: float
    label: str
    kind: EditionKind
    day: date | None = None
    tz: tzinfo | None = field(default=None, compare=False)
    late_from: float | None = None
    seen_before: float | None = None

    def time_window(self) -> TimeWindow:
        """The store's description of which entries this edition holds.

        A live or "since" edition runs to now and stays open: whatever the
        poll that just ran stored (first seen at this very second) is in it.
        """
        end = math.inf if self.kind in ("since-last", "since") else self.end
        return TimeWindow(self.start, end, self.late_from, self.seen_before)

    # -- constructors --------------------------------------------------------

    @classmethod
    def since_last_brief(
        cls,
        store: Store,
        now: float | None = None,
        tz: tzinfo | None = None,
        *,
        hours: float = DEFAULT_SINCE_HOURS,
    ) -> EditionWindow:
        """The live edition: since the last finished brief, else the last ``hours``."""
        now = time.time() if now is None else now
        finished = last_finish(store)
        today = day_label(local_datetime(now, tz).date())
        # A finish after "now" (the clock moved back) cannot start an edition;
        # a finish at this very second starts an empty one.
        if finished is None or finished > now:
            start = now - hours * 3600
            return cls(start, now, f"{today} · last {_hours(hours)}", "since-last", tz=tz)
        label = f"{today} · since {short_time_label(finished, tz)}"
        return cls(finished, now, label, "since-last", tz=tz, late_from=finished - hours * 3600)

    @classmethod
    def today(cls, now: float | None = None, tz: tzinfo | None = None) -> EditionWindow:
        """Today's edition: what was published from local midnight to the next one."""
        now = time.time() if now is None else now
        return cls.for_date(local_datetime(now, tz).date(), tz)

    @classmethod
    def for_date(cls, d: date, tz: tzinfo | None = None) -> EditionWindow:
        """The edition of calendar day ``d``: published from local midnight to midnight."""
        start = midnight(d, tz)
        end = next_midnight(d, tz)
        return cls(start, end, day_label(d), "day", day=d, tz=tz)

    @classmethod
    def since(cls, ts: float, now: float | None = None, tz: tzinfo | None = None) -> EditionWindow:
        """Everything published from ``ts`` until now."""
        now = time.time() if now is None else now
        return cls(ts, max(now, ts), f"since {short_time_label(ts, tz)}", "since", tz=tz)

    # -- navigation ----------------------------------------------------------

    def _anchor(self) -> date:
        if self.day is not None:
            return self.day
        return local_datetime(self.end - 1e-3, self.tz).date()

    def previous(self) -> EditionWindow:
        """The day edition before this one.

        For a live, finished or "since" window that is the day before the
        one it ends on. :func:`edition_window` puts the last finished
        edition between the live one and the days.
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


def _hours(hours: float) -> str:
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def edition_window(
    store: Store,
    offset: int,
    now: float,
    tz: tzinfo | None = None,
    *,
    hours: float = DEFAULT_SINCE_HOURS,
) -> EditionWindow:
    """The edition ``-offset`` steps before the live one.

    0 is the live edition; -1 the edition finished last (when a brief was
    ever finished), then the calendar days before the day it ended.
    """
    window = EditionWindow.since_last_brief(store, now, tz, hours=hours)
    for _ in range(-offset):
        finished = finished_edition(store, tz) if window.kind == "since-last" else None
        window = finished if finished is not None else window.previous()
    return window


# -- finishing -------------------------------------------------------------------


def _history(store: Store) -> list[tuple[float, float, float | None]]:
    """The finished editions on record, oldest first (a corrupt record reads as none)."""
    try:
        raw = json.loads(store.get_meta(FINISHED_META) or "[]")
        out = []
        for item in raw:
            start, end, late = float(item[0]), float(item[1]), item[2]
            late_from = None if late is None else float(late)
            if all(math.isfinite(v) for v in (start, end)):
                out.append((start, end, late_from))
        return out
    except (ValueError, TypeError, IndexError, KeyError):
        return []


def last_finish(store: Store) -> float | None:
    """When the reader last finished a brief, or None."""
    raw = store.get_meta(LAST_BRIEF_META)
    try:
        value = float(raw) if raw else None
    except ValueError:  # a corrupt value must not break the reader
        return None
    return value if value is not None and math.isfinite(value) else None


def finish_brief(
    store: Store, now: float | None = None, *, hours: float = DEFAULT_SINCE_HOURS
) -> float:
    """Finish the live edition: the next one starts now. Returns the finish time.

    The finished edition is remembered (:func:`finished_edition`) and can be
    undone (:func:`unfinish_brief`).
    """
    now = time.time() if now is None else now
    live = EditionWindow.since_last_brief(store, now, hours=hours)
    history = _history(store)
    history.append((live.start if live.start is not None else now, now, live.late_from))
    store.set_meta(FINISHED_META, json.dumps([list(h) for h in history[-FINISH_HISTORY:]]))
    store.set_meta(LAST_BRIEF_META, repr(now))
    return now


def unfinish_brief(store: Store) -> float | None:
    """Undo the last finish: its edition is live again. Returns the undone finish time.

    None when there is nothing to undo.
    """
    finished = last_finish(store)
    if finished is None:
        return None
    history = _history(store)
    if history and history[-1][1] == finished:
        history.pop()
    store.set_meta(FINISHED_META, json.dumps([list(h) for h in history]))
    earlier = [end for _start, end, _late in history if end < finished]
    if earlier:
        store.set_meta(LAST_BRIEF_META, repr(earlier[-1]))
    else:
        store.delete_meta(LAST_BRIEF_META)
    return finished


def finished_edition(store: Store, tz: tzinfo | None = None) -> EditionWindow | None:
    """The edition finished last, as it stood when it was finished; None if none was.

    What ``briefterm brief --previous`` prints and the reader's ``[`` shows
    right after ``F``.
    """
    finished = last_finish(store)
    if finished is None:
        return None
    start, late_from = finished - DEFAULT_SINCE_HOURS * 3600, None
    for h_start, h_end, h_late in reversed(_history(store)):
        if h_end == finished:
            start, late_from = h_start, h_late
            break
    day = day_label(local_datetime(finished, tz).date())
    label = (
        f"{day} · since {short_time_label(start, tz)}, finished {clock_time_label(finished, tz)}"
    )
    return EditionWindow(
        start, finished, label, "finished", tz=tz, late_from=late_from, seen_before=finished
    )


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
    store: Store,
    *,
    day: str | None = None,
    since: str | None = None,
    previous: bool = False,
    now: float | None = None,
    hours: float = DEFAULT_SINCE_HOURS,
) -> EditionWindow:
    """The edition ``--date``, ``--since`` or ``--previous`` names; without them, the live one.

    ``--previous`` without a finished brief is a usage error that says so.
    """
    now = time.time() if now is None else now
    if day:
        return EditionWindow.for_date(parse_day(day, local_datetime(now).date()))
    if since:
        return EditionWindow.since(parse_since(since, now), now)
    if previous:
        finished = finished_edition(store)
        if finished is None:
            raise UsageError(
                "no brief has been finished yet (F in the reader finishes one); "
                "`briefterm brief` prints the current edition"
            )
        return finished
    return EditionWindow.since_last_brief(store, now, hours=hours)
