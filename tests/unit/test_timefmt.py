"""Date labels: the year whenever it is not the current one; undated items say "seen"."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from briefterm.timefmt import (
    clock_label,
    date_label,
    entry_time_label,
    iso_utc,
    long_age,
    seen_label,
    short_age,
    short_time_label,
)

UTC0 = ZoneInfo("UTC")
NOW = datetime(2026, 12, 2, 6, 20, tzinfo=UTC).timestamp()


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def test_dates_carry_the_year_outside_the_current_one() -> None:
    assert date_label(ts(2026, 11, 2), UTC0, NOW) == "2 Nov"
    assert date_label(ts(2011, 11, 2), UTC0, NOW) == "2 Nov 2011"
    assert clock_label(ts(2011, 11, 2, 17, 25), UTC0, NOW) == "2 Nov 2011 17:25"
    assert clock_label(ts(2026, 3, 9, 8, 0), UTC0, NOW) == "9 Mar 08:00"
    assert short_time_label(ts(2025, 12, 1, 6, 34), UTC0, NOW) == "Mon 1 Dec 2025 06:34"
    assert short_age(ts(2019, 7, 10), NOW) == "10 Jul 2019"
    assert short_age(ts(2026, 7, 10), NOW) == "10 Jul"
    assert short_age(NOW - 7200, NOW) == "2h"


def test_undated_items_are_labelled_by_when_they_were_seen() -> None:
    assert seen_label(ts(2026, 12, 2), UTC0, NOW) == "seen 2 Dec"
    assert entry_time_label(None, ts(2025, 12, 2), UTC0, NOW) == "seen 2 Dec 2025"
    assert entry_time_label(ts(2026, 12, 1, 9, 5), NOW, UTC0, NOW) == "1 Dec 09:05"
    assert short_age(NOW - 600, NOW, undated=True).startswith("seen ")


def test_long_ages_read_like_speech() -> None:
    day = 86400
    assert long_age(NOW - 30, NOW) == "just now"
    assert long_age(NOW - 3 * 3600, NOW) == "3 h ago"
    assert long_age(NOW - day, NOW) == "1 day ago"
    assert long_age(NOW - 20 * day, NOW) == "20 days ago"
    assert long_age(NOW - 45 * day, NOW) == "1 month ago"
    assert long_age(NOW - 200 * day, NOW) == "7 months ago"
    assert long_age(NOW - 365 * day, NOW) == "1 year ago"
    assert long_age(NOW - 4230 * day, NOW) == "11 years ago"
    assert long_age(NOW + 60, NOW) == "in the future"


def test_iso_utc_of_a_time_past_year_9999_is_none() -> None:
    # A next poll scheduled from an absurd interval must not break `feeds --json`.
    assert iso_utc(1e300) is None and iso_utc(-1e300) is None
