"""How common a comparison token is in general text: the weight prior of clustering.

A word two headlines share says as much about them as it is rare in the
language, not in the day's edition: "sbarro" or "titanfall" name a story,
"review" or "stocks" do not, and an edition of thirty entries has no
document frequencies to tell them apart. ``data/word_prior.txt.gz`` holds
Zipf values (log10 per billion words) of about 60,000 English and Chinese
tokens, made from wordfreq's lists by ``scripts/build_word_prior.py``.

:func:`specificity` turns that into a weight: the log of how unlikely a
headline is to contain the token, so a token in every second headline
weighs about 0.7 and a name absent from the list about 13.6. The table is
read on first use (about 15 ms, 5 MB) and kept for the process.
"""

from __future__ import annotations

import gzip
import math
from functools import lru_cache
from importlib import resources

UNLISTED_ZIPF = 2.0
"""Zipf value of a token the table does not list: rarer than any listed one."""
NUMBER_ZIPF = 3.0
"""A number as a class is common, but a shared figure ("4.2", "300") is good evidence."""
SMALL_NUMBER_ZIPF = 5.0
"""Small integers ("3 things", "Q3", "UPDATE 2") are everywhere."""
_TOKENS_PER_HEADLINE = 12.0


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    data = resources.files("briefterm.brief").joinpath("data", "word_prior.txt.gz").read_bytes()
    table: dict[str, float] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        value, _, words = line.partition("\t")
        table.update(dict.fromkeys(words.split(" "), _weight(int(value) / 10.0)))
    return table


def _weight(zipf: float) -> float:
    # P(a headline contains the token) ≈ per-word frequency × headline length.
    p = min(0.5, 10.0 ** (zipf - 9.0) * _TOKENS_PER_HEADLINE)
    return math.log(1.0 / p)


UNLISTED_WEIGHT = _weight(UNLISTED_ZIPF)
"""The weight of a token the table does not list: the highest there is."""
_NUMBER = _weight(NUMBER_ZIPF)
_SMALL_NUMBER = _weight(SMALL_NUMBER_ZIPF)


_CJK_BIGRAM_BONUS = 1.0


def specificity(token: str) -> float:
    """Weight of ``token`` as evidence that two reports tell one story (about 0.7–13.6).

    A CJK bigram the table lacks mostly straddles two words ("车在" of
    "汽车在…"): it weighs the mean of its two characters (plus a little),
    so that "恒锐", two rare characters, still weighs much and "在泰" little.
    """
    weight = _SEEN.get(token)
    if weight is not None:
        return weight
    weight = _lookup(token)
    if len(_SEEN) < _SEEN_LIMIT:
        _SEEN[token] = weight
    return weight


# Tokens not in the table are weighed on every sight otherwise: names are many.
_SEEN: dict[str, float] = {}
_SEEN_LIMIT = 200_000


def _lookup(token: str) -> float:
    table = _table()
    weight = table.get(token)
    if weight is not None:
        return weight
    if len(token) == 2 and token[0] >= "\u3400" and token[1] >= "\u3400":
        pair = (table.get(token[0], UNLISTED_WEIGHT) + table.get(token[1], UNLISTED_WEIGHT)) / 2
        return min(UNLISTED_WEIGHT, pair + _CJK_BIGRAM_BONUS)
    if token[:1].isdigit():
        return (
            _SMALL_NUMBER if len(token) == 1 or (token.isdigit() and int(token) < 13) else _NUMBER
        )
    return UNLISTED_WEIGHT
