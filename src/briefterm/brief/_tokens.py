"""Comparison tokens of headlines: words, figures and CJK bigrams, cached per text.

English words are lowercased, lose possessives, plurals and stopwords;
numbers lose thousands separators; CJK text, which has no spaces between
words, becomes overlapping character bigrams. A report's features weigh
title tokens 1.0 and tokens of the summary's opening 0.5.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from briefterm.models import Entry

_STOPWORDS = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "a an the and or but nor of to in on at for from by with as into onto over under "
        "about after before than then this that these those it its is are was were be been "
        "being has have had do does did will would can could may might shall should must not "
        "no yes so if up out off down new says said say amid via per vs versus how why what "
        "when where who whom which while report reports reported update updates live i we you "
        "he she they them his her their our your my me us just more most also first last year "
        "years week day today s"
    ).split()
)
# CJK ideographs, kana and hangul: scripts written without spaces, compared by bigrams.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
# One pass, three kinds of token (findall gives one group per kind); the
# apostrophe tail of English words ("apple's") is matched and dropped.
_TOKEN = re.compile(rf"([{_CJK}]+)|(\d+(?:[.,]\d+)*)|([^\W\d_{_CJK}]+)(?:['’][^\W\d_]+)?")

SUMMARY_LEAD = 200
"""Characters of the summary that count towards similarity."""

_FEATURE_CACHE_SIZE = 50_000


@lru_cache(maxsize=65536)
def _word(word: str) -> str:
    """A normalized English word, or '' for a stopword or a single letter.

    Plurals are folded so "prices" and "price" compare equal. Cached:
    headlines reuse a small vocabulary, so most words are seen many times.
    """
    if len(word) < 2 or word in _STOPWORDS:
        return ""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Typographic punctuation mapped to ASCII so that most English headlines
# take the fast ASCII path in tokens().
_ASCII_PUNCT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "."})
_ASCII_TOKEN = re.compile(r"([a-z]+)|(\d+(?:[.,]\d+)*)")


def tokens(text: str) -> set[str]:
    """Normalized comparison tokens of ``text``.

    English words lose case, possessives, plurals and stopwords; numbers
    lose thousands separators; CJK runs become overlapping character
    bigrams (a lone ideograph stays a unigram).
    """
    out: set[str] = set()
    if not text:
        return out
    text = text.lower().translate(_ASCII_PUNCT)
    add = out.add
    if text.isascii():
        for word, number in _ASCII_TOKEN.findall(text):
            if word:
                word = _word(word)
                if word:
                    add(word)
            else:
                add(number.replace(",", ""))
        return out
    text = unicodedata.normalize("NFKC", text)
    for cjk, number, word in _TOKEN.findall(text):
        if word:
            word = _word(word)
            if word:
                add(word)
        elif number:
            add(number.replace(",", ""))
        elif len(cjk) == 1:
            add(cjk)
        else:
            out.update([cjk[i : i + 2] for i in range(len(cjk) - 1)])
    return out


def _is_figure(token: str) -> bool:
    """True for a number that identifies an event: "6.1", "32.1", "300", "2.75".

    Small integers (months, quarters, "Fold 3") and years are left out: they
    are shared by unrelated stories and differ between reports of one.
    """
    if not token[0].isdigit():
        return False
    if "." in token:
        return True
    value = int(token) if token.isdigit() else 0
    return value >= 13 and not 1900 <= value <= 2100


@lru_cache(maxsize=_FEATURE_CACHE_SIZE)
def _features(title: str, lead: str) -> tuple[dict[str, float], frozenset[str]]:
    feats = dict.fromkeys(tokens(lead), 0.5)
    feats.update(dict.fromkeys(tokens(title), 1.0))
    figures = frozenset(t for t in feats if t[0].isdigit() and _is_figure(t))
    return feats, figures


def features_and_figures(entry: Entry) -> tuple[dict[str, float], frozenset[str]]:
    """Token weights by field and the figures quoted, cached by text.

    The reader rebuilds a brief after every poll and on every day switch,
    and most entries' titles have not changed since. Callers must not mutate
    the returned dict: it is shared through the cache.
    """
    return _features(entry.title, entry.summary[:SUMMARY_LEAD])
