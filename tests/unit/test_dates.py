"""Feed dates in the formats and languages of real feeds; undated when unreadable, never a guess."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefterm.parse import _dates, parse_date
from briefterm.parse._datenames import _MONTHS_BY_NUMBER, MONTHS, fold


def _utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The GB2312 forum feed of the review: not 2020-12-01 (feedparser's answer).
        ("2020/1/10 14:33:00", _utc(2020, 1, 10, 14, 33)),
        ("2020/01/10", _utc(2020, 1, 10)),
        ("2020.1.10 14:33", _utc(2020, 1, 10, 14, 33)),
        ("2020/1/10 14:33:00 +0800", _utc(2020, 1, 10, 6, 33)),
        # Chinese, Japanese, Korean numeric forms.
        ("2020年1月10日 14:33", _utc(2020, 1, 10, 14, 33)),
        ("2020年01月10日", _utc(2020, 1, 10)),
        ("2018年9月24日 下午 3:05", _utc(2018, 9, 24, 15, 5)),
        ("2026年11月25日(水) 16時15分", _utc(2026, 11, 25, 16, 15)),
        ("2026年11月25日 星期三 16:15:30", _utc(2026, 11, 25, 16, 15, 30)),
        ("2004년 05월 28일  01:31:15", _utc(2004, 5, 28, 1, 31, 15)),
        ("2004-05-25 오후 11:23:17", _utc(2004, 5, 25, 23, 23, 17)),
        ("2026-11-25 15:15:00 +0800", _utc(2026, 11, 25, 7, 15)),
        # UOL's Portuguese, and the other languages of real feeds.
        ("Seg, 24 Set 2018 10:00:00 -0300", _utc(2018, 9, 24, 13, 0)),
        ("Sáb, 21 Nov 2026 10:00:00 -0300", _utc(2026, 11, 21, 13, 0)),
        ("24 de setembro de 2018 às 10:00", _utc(2018, 9, 24, 10, 0)),
        ("mié, 25 nov 2026 08:15:00 +0100", _utc(2026, 11, 25, 7, 15)),
        ("25 de diciembre de 2026", _utc(2026, 12, 25)),
        ("mer., 25 nov. 2026 08:15:00 +0100", _utc(2026, 11, 25, 7, 15)),
        ("jeu. 5 févr. 2026 08:15", _utc(2026, 2, 5, 8, 15)),
        ("1er août 2026", _utc(2026, 8, 1)),
        ("Mi, 25 Nov 2026 08:15:00 +0100", _utc(2026, 11, 25, 7, 15)),
        ("Do, 5 März 2026 08:15:00 MEZ", _utc(2026, 3, 5, 7, 15)),
        ("24. September 2018 10:00 Uhr", _utc(2018, 9, 24, 10, 0)),
        ("24. September 2018", _utc(2018, 9, 24)),
        ("25.11.2026 08:15", _utc(2026, 11, 25, 8, 15)),
        ("mer, 25 nov 2026 08:15:00 +0100", _utc(2026, 11, 25, 7, 15)),
        ("gio, 5 mag 2026 08:15:00 +0200", _utc(2026, 5, 5, 6, 15)),
        ("wo, 25 nov 2026 08:15:00 +0100", _utc(2026, 11, 25, 7, 15)),
        ("zo, 24 mrt 2019 10:00:00 +0100", _utc(2019, 3, 24, 9, 0)),
        ("Ср, 25 ноя 2026 10:15:00 +0300", _utc(2026, 11, 25, 7, 15)),
        ("25 ноября 2026 г. 10:15", _utc(2026, 11, 25, 10, 15)),
        ("1 мая 2026", _utc(2026, 5, 1)),
        # English month first, with am/pm (email.utils reads "PM" as a zone).
        ("Wednesday, November 25, 2026 2:15 PM", _utc(2026, 11, 25, 14, 15)),
        ("Sept 24, 2018 12:30 a.m.", _utc(2018, 9, 24, 0, 30)),
        ("November 25, 2026", _utc(2026, 11, 25)),
        # Offsets and zone names email.utils does not know.
        ("Mon, 24 Sep 2018 10:00:00 +03:00", _utc(2018, 9, 24, 7, 0)),
        ("Mon, 24 Sep 2018 10:00:00 CET", _utc(2018, 9, 24, 9, 0)),
        ("Mon, 24 Sep 2018 10:00:00 BRT", _utc(2018, 9, 24, 13, 0)),
        ("Wed, 19 Feb 2012 22:40:00 GMT-01:01", _utc(2012, 2, 19, 23, 41)),
        ("Fri, 28 May 2010 21:03:38 XYZ", _utc(2010, 5, 28, 21, 3, 38)),  # unknown: as UTC
        # Day first with slashes only when it cannot be the other way round.
        ("24/09/2018 10:00", _utc(2018, 9, 24, 10, 0)),
        ("09/24/2018", _utc(2018, 9, 24)),
        ("05/05/2018", _utc(2018, 5, 5)),
        ("09/10/2018", None),  # 9 October or 10 September: undated, not a guess
        ("11-10-2026 08:00", None),
        # Honestly undated: relative, partial, impossible, or garbage.
        ("vor 3 Stunden", None),
        ("2 hours ago", None),
        ("yesterday", None),
        ("2003", None),
        ("2003-12", None),
        ("2026-11-31T08:15:00Z", None),
        ("2003-12-31T10:61:55Z", None),
        ("2013-01-28T09:xx:00Z", None),
        ("Sun, 16 Dec 2012 11:47:32 +zz:00", None),
        ("2020/13/45", None),
        ("32.01.2020", None),
        ("24 Sep 2018 25:00", None),
        ("Mon, 01 Jan 0001 00:00:00 +0000", None),
    ],
)
def test_dates(text: str, expected: datetime | None) -> None:
    result = parse_date(text)
    assert result == expected
    if result is not None:
        assert result.tzinfo is UTC


def test_every_month_name_names_one_month() -> None:
    seen: dict[str, int] = {}
    for number, names in _MONTHS_BY_NUMBER.items():
        for name in names.split():
            key = fold(name)
            assert seen.setdefault(key, number) == number, f"{name!r} means two months"
    assert seen == MONTHS
    assert fold("Févr.") == "fevr" and fold("МАЯ") == "мая"


def test_common_dates_never_reach_the_slow_parsers(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise AssertionError("the fast forms must not need the fallbacks")

    monkeypatch.setattr(_dates, "_named", boom)
    monkeypatch.setattr(_dates, "_feedparser_date", boom)
    assert parse_date("Tue, 10 Nov 2026 14:05:00 EST") == _utc(2026, 11, 10, 19, 5)
    assert parse_date("Tue, 10 Nov 2026 14:05:00 GMT") == _utc(2026, 11, 10, 14, 5)
    assert parse_date("2026-11-10T19:05:00Z") == _utc(2026, 11, 10, 19, 5)
    assert parse_date("2026-11-10T21:05:00+02:00") == _utc(2026, 11, 10, 19, 5)


def test_feedparser_answers_are_checked_against_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # feedparser reads "2020/1/10" as 2020-12-01; if our own parsers missed
    # it, that answer must still be refused, since no "12" is written.
    monkeypatch.setattr(_dates, "_numeric", lambda pattern, value: None)
    assert parse_date("2020/1/10 14:33:00") is None
    assert _dates._written("Κυρ, 11 Ιούλ 2004 12:00:00 EST", _utc(2004, 7, 11, 17))
    assert not _dates._written("2004년 05월 28일", _utc(2004, 12, 1))
