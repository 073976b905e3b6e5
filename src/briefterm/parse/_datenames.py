"""Month names and time-zone abbreviations that feeds write in their dates.

The languages are those of feeds met in real use (English, Portuguese,
Spanish, French, German, Italian, Dutch, Russian); Chinese and Japanese
dates are numeric (``2020年1月10日``) and need no names. Keys are lower case
without accents (see :func:`fold`); full names, the abbreviations feeds use,
and Russian genitive forms ("24 сентября") are all listed. No key means two
different months in two languages: "mar" is March everywhere, "set" is
September in Portuguese, Spanish and Italian alike.
"""

from __future__ import annotations

import unicodedata

_MONTHS_BY_NUMBER: dict[int, str] = {
    1: "january jan janeiro enero ene janvier janv januar jaenner janner gennaio gen januari "
    "январь января янв",
    2: "february feb fevereiro fev febrero fevrier fevr februar febbraio februari "
    "февраль февраля фев февр",
    3: "march mar marco marzo mars marz mrz maart mrt март марта",
    4: "april apr abril abr avril avr aprile апрель апреля апр",
    5: "may maio mai mayo mei maggio mag май мая",
    6: "june jun junho junio juin juni giugno giu июнь июня июн",
    7: "july jul julho julio juillet juil juli luglio lug июль июля июл",
    8: "august aug agosto ago aout augustus август августа авг",
    9: "september sep sept setembro set septiembre setiembre septembre settembre "
    "сентябрь сентября сен сент",
    10: "october oct outubro out octubre octobre oktober okt ottobre ott октябрь октября окт",
    11: "november nov novembro noviembre novembre ноябрь ноября ноя нояб",
    12: "december dec dezembro dez diciembre dic decembre dezember dicembre декабрь декабря дек",
}

MONTHS: dict[str, int] = {}
"""Folded month name or abbreviation → month number (1–12)."""
"""Folded month name or abbreviation → month number (1–12)."""

ZONES: dict[str, str] = {
    # What email.utils does not know (it knows UT, UTC, GMT, Z and the US zones).
    "AT": "-0400",
    "ET": "-0500",
    "CT": "-0600",
    "MT": "-0700",
    "PT": "-0800",
    "WET": "+0000",
    "WEST": "+0100",
    "BST": "+0100",
    "CET": "+0100",
    "MEZ": "+0100",
    "MET": "+0100",
    "MEST": "+0200",
    "CEST": "+0200",
    "MESZ": "+0200",
    "EET": "+0200",
    "EEST": "+0300",
    "MSK": "+0300",
    "BRT": "-0300",
    "BRST": "-0200",
    "ART": "-0300",
    "HKT": "+0800",
    "SGT": "+0800",
    "JST": "+0900",
    "KST": "+0900",
    "AEST": "+1000",
    "AEDT": "+1100",
    "NZST": "+1200",
    "NZDT": "+1300",
    "HST": "-1000",
    "AKST": "-0900",
    "AKDT": "-0800",
}
"""Time-zone abbreviation (upper case) → RFC 822 offset, for the unambiguous common ones."""


def fold(word: str) -> str:
    """``word`` in lower case without accents or a final dot: "Févr." → "fevr"."""
    word = word.casefold().rstrip(".")
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


MONTHS.update(
    (fold(name), number) for number, names in _MONTHS_BY_NUMBER.items() for name in names.split()
)
