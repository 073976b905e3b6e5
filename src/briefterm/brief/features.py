"""Cluster features of one entry: weighted tokens and distinguishing signals.

Computed once per entry text and reusable: :func:`entry_features` caches by
text within a process, :class:`Features` pickles, and :func:`encode` /
:func:`decode` turn it into a short string for a cache column, so a poller
can compute it when it stores an entry and the reader need not at start.

Weights: a title token weighs its :func:`~briefterm.brief._prior.specificity`
(how rare it is in the language); a token only in the opening of the summary
or in the link's slug weighs half that. Wire markers ("UPDATE 2-",
"REFILE-", "-- Update", a trailing "(2)") are dropped first: they say a
report was revised, not what it is about. Tokens are sorted heaviest first,
which is what candidate search needs (``cluster.py``).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from operator import itemgetter
from sys import intern
from typing import NamedTuple

from briefterm.brief._prior import UNLISTED_WEIGHT, specificity
from briefterm.brief._signals import PLACES, is_figure, models
from briefterm.brief._tokens import tokens
from briefterm.models import Entry
from briefterm.urls import canonical_url

SUMMARY_LEAD = 200
"""Characters of the summary that count towards similarity."""
SECONDARY_WEIGHT = 0.5
"""Weight of a summary or slug token relative to a title token."""
MAX_TOKENS = 24
"""Tokens kept per entry, heaviest first."""
_CACHE_SIZE = 65_536

# A digit or a capital after a space or hyphen: the only titles models() can match.
_MAYBE_MODEL = re.compile(r"[ -][A-Z0-9]|[\u4e00-\u9fff]\s?[A-Za-z]{0,2}\d")
_WIRE_PREFIX = re.compile(
    r"^\s*(?:(?:UPDATE|WRAPUP|REFILE|CORRECTED|RPT|REPEAT|CORRECTION)(?:\s*\d+)?\s*[-:–]+\s*)+",
    re.IGNORECASE,
)
_WIRE_SUFFIX = re.compile(r"\s*(?:--\s*update|\(\d{1,2}\)|\[?\(?updated?\)?\]?)\s*$", re.IGNORECASE)
# The words of a link's last path segment: "/2014/03/10/sbarro-files-for-bankruptcy/".
_SLUG = re.compile(r"/([a-z0-9]+(?:[-_][a-z0-9]+){2,})(?:\.[a-z]{2,5})?/?(?:[?#]|$)", re.IGNORECASE)


class Features(NamedTuple):
    """What clustering compares of one entry; plain data, picklable."""

    tokens: tuple[str, ...]
    """Comparison tokens, heaviest first (ties by token)."""
    weights: tuple[float, ...]
    """Weight of each token, in the same order."""
    norm: float
    """Euclidean norm of the weights."""
    figures: frozenset[str]
    places: frozenset[str]
    models: frozenset[tuple[str, str]]
    article: str = ""
    """The article key of the link (``cluster.article_key``): '' without a link."""


def strip_wire_markers(title: str) -> str:
    """``title`` without the revision markers of wire services."""
    return _WIRE_SUFFIX.sub("", _WIRE_PREFIX.sub("", title))


def slug_words(link: str) -> str:
    """The words of a link's slug ("sbarro files for bankruptcy"), or ''."""
    match = _SLUG.search(link)
    if not match:
        return ""
    words = re.split(r"[-_]", match.group(1))
    # Slugs end in ids ("…-1-3336132"): digits do not describe the story.
    return " ".join(w for w in words if not w.isdigit())


@lru_cache(maxsize=_CACHE_SIZE)
def features_for(title: str, summary_lead: str = "", link: str = "") -> Features:
    """Features of a report with this title, summary opening and link."""
    title = strip_wire_markers(title)
    title_tokens = tokens(title)
    secondary = tokens(summary_lead)
    slug = slug_words(link)
    if slug:
        secondary |= tokens(slug)
    secondary -= title_tokens
    found_models = models(title) if _MAYBE_MODEL.search(title) else frozenset()
    weights = dict(zip(title_tokens, map(specificity, title_tokens), strict=True))
    for name, code in found_models:
        # The designation itself is a strong shared token: "model y".
        weights[f"{name} {code}".strip()] = UNLISTED_WEIGHT
    for t in secondary:
        weights[t] = SECONDARY_WEIGHT * specificity(t)
    # Heaviest first, ties by token (two stable sorts, both in C). The
    # lightest tokens (common words of the summary) change no decision but
    # cost time in every comparison.
    ordered = sorted(weights.items())
    ordered.sort(key=itemgetter(1), reverse=True)
    del ordered[MAX_TOKENS:]
    kept = tuple(map(intern, map(itemgetter(0), ordered)))
    kept_weights = tuple(map(itemgetter(1), ordered))
    return Features(
        # Interned: the same token in many entries is one string in memory.
        tokens=kept,
        weights=kept_weights,
        norm=math.sqrt(sum([w * w for w in kept_weights])),
        figures=frozenset(t for t in title_tokens if t[0].isdigit() and is_figure(t)),
        places=frozenset(title_tokens & PLACES),
        models=found_models,
        article=article_key(link),
    )


def entry_features(entry: Entry) -> Features:
    """Features of ``entry`` (cached by its title, summary opening and link)."""
    return features_for(entry.title, entry.summary[:SUMMARY_LEAD], entry.link)


# Fragments that point into a page rather than name a post of their own.
_PAGE_FRAGMENTS = frozenset(
    ("", "top", "main", "content", "comments", "respond", "more", "article", "story", "page")
)


def article_key(link: str) -> str:
    """The identity of the article ``link`` points to ('' when there is no link).

    The canonical URL (``urls.canonical_url``: scheme, ``www.``, tracking
    parameters, AMP variants and fragments do not matter), except that a
    fragment naming a post of its own stays: a blog that links each post as
    ``day.html#a123`` publishes one post per fragment, not one article.
    """
    key = canonical_url(link)
    if not key:
        return ""
    fragment = link.partition("#")[2].strip().lower()
    if fragment and fragment not in _PAGE_FRAGMENTS and not fragment.startswith(("xtor", "utm")):
        key += "#" + fragment
    return key


_FIELD = "\x1f"
_ITEM = "\x1e"


def encode(features: Features) -> str:
    """A compact text form of ``features`` (weights to 4 digits), for storage."""
    return "\n".join(
        (
            _ITEM.join(features.tokens),
            _ITEM.join(f"{w:.4g}" for w in features.weights),
            _ITEM.join(sorted(features.figures)),
            _ITEM.join(sorted(features.places)),
            _ITEM.join(f"{n}{_FIELD}{c}" for n, c in sorted(features.models)),
            features.article,
        )
    )


def _items(part: str) -> list[str]:
    return part.split(_ITEM) if part else []


def decode(text: str) -> Features:
    """The :class:`Features` that :func:`encode` wrote; ValueError when malformed."""
    token_part, weight_part, figure_part, place_part, model_part, article = text.split("\n")
    tokens = tuple(map(intern, _items(token_part)))
    weights = tuple(map(float, _items(weight_part)))
    if len(tokens) != len(weights):
        raise ValueError("tokens and weights differ in number")
    model_pairs = [item.split(_FIELD) for item in _items(model_part)]
    return Features(
        tokens=tokens,
        weights=weights,
        norm=math.sqrt(sum([w * w for w in weights])),
        figures=frozenset(_items(figure_part)),
        places=frozenset(_items(place_part)),
        models=frozenset((n, c) for n, c in model_pairs),
        article=article,
    )
