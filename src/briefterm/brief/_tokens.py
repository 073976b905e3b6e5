"""Comparison tokens of headlines: words, figures and CJK bigrams.

English words are lowercased, lose possessives, plurals and stopwords;
numbers lose thousands separators; CJK text, which has no spaces between
words, becomes overlapping character bigrams. ``features.py`` weighs them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_STOPWORDS = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "a an the and or but nor of to in on at for from by with as into onto over under "
        "about after before than then this that these those it its is are was were be been "
        "being has have had do does did will would can could may might shall should must not "
        "no yes so if up out off down new says said say amid via per vs versus how why what "
        "when where who whom which while report reports reported update updates live i we you "
        "he she they them his her their our your my me us just more most also first last year "
        "years week day today s refile rpt corrected wrapup"
    ).split()
)
# CJK ideographs, kana and hangul: scripts written without spaces, compared by bigrams.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
# One pass, three kinds of token (findall gives one group per kind); the
# apostrophe tail of English words ("apple's") is matched and dropped.
_TOKEN = re.compile(rf"([{_CJK}]+)|(\d+(?:[.,]\d+)*)|([^\W\d_{_CJK}]+)(?:['’][^\W\d_]+)?")


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
_HASHTAG = re.compile(r"#([A-Za-z][A-Za-z0-9]*)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=8192)
def _fold_accents(word: str) -> str:
    """ "beyoncé" → "beyonce": Latin letters lose their accents (other scripts stay)."""
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )
    return folded if folded.isascii() else word


def tokens(text: str) -> set[str]:
    """Normalized comparison tokens of ``text``.

    English words lose case, possessives, plurals and stopwords; numbers
    lose thousands separators; CJK runs become overlapping character
    bigrams (a lone ideograph stays a unigram).
    """
    out: set[str] = set()
    if not text:
        return out
    if "#" in text:
        # "#BanBossy" is "ban bossy".
        text = _HASHTAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)), text)
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
            if not word.isascii():
                word = _fold_accents(word)
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
