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
from typing import NamedTuple

from briefterm.brief._prior import UNLISTED_WEIGHT, specificity
from briefterm.brief._signals import PLACES, is_figure, models
from briefterm.brief._tokens import tokens
from briefterm.models import Entry

SUMMARY_LEAD = 200
"""Characters of the summary that count towards similarity."""
SECONDARY_WEIGHT = 0.5
"""Weight of a summary or slug token relative to a title token."""
MAX_TOKENS = 24
"""Tokens kept per entry, heaviest first."""
_CACHE_SIZE = 65_536

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
    secondary = (tokens(summary_lead) | tokens(slug_words(link))) - title_tokens
    found_models = models(title)
    weights = {t: specificity(t) for t in title_tokens}
    for name, code in found_models:
        # The designation itself is a strong shared token: "model y".
        weights[f"{name} {code}".strip()] = UNLISTED_WEIGHT
    for t in secondary:
        weights[t] = SECONDARY_WEIGHT * specificity(t)
    # The lightest tokens (common words of the summary) change no decision
    # but cost time in every comparison.
    ordered = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TOKENS]
    return Features(
        tokens=tuple(t for t, _ in ordered),
        weights=tuple(w for _, w in ordered),
        norm=math.sqrt(sum(w * w for _, w in ordered)),
        figures=frozenset(t for t in title_tokens if is_figure(t)),
        places=frozenset(t for t in title_tokens if t in PLACES),
        models=found_models,
    )


def entry_features(entry: Entry) -> Features:
    """Features of ``entry`` (cached by its title, summary opening and link)."""
    return features_for(entry.title, entry.summary[:SUMMARY_LEAD], entry.link)


_FIELD = "\x1f"
_ITEM = "\x1e"


def encode(features: Features) -> str:
    """A compact text form of ``features`` (weights to 4 digits), for storage."""
    parts = [
        _ITEM.join(
            f"{t}{_FIELD}{w:.4g}" for t, w in zip(features.tokens, features.weights, strict=True)
        ),
        _ITEM.join(sorted(features.figures)),
        _ITEM.join(sorted(features.places)),
        _ITEM.join(f"{n}{_FIELD}{c}" for n, c in sorted(features.models)),
    ]
    return "\n".join(parts)


def decode(text: str) -> Features:
    """The :class:`Features` that :func:`encode` wrote; ValueError when malformed."""
    token_part, figure_part, place_part, model_part = text.split("\n")
    pairs = [item.split(_FIELD) for item in token_part.split(_ITEM)] if token_part else []
    weights = tuple(float(w) for _, w in pairs)
    model_pairs = [item.split(_FIELD) for item in model_part.split(_ITEM)] if model_part else []
    return Features(
        tokens=tuple(t for t, _ in pairs),
        weights=weights,
        norm=math.sqrt(sum(w * w for w in weights)),
        figures=frozenset(figure_part.split(_ITEM)) if figure_part else frozenset(),
        places=frozenset(place_part.split(_ITEM)) if place_part else frozenset(),
        models=frozenset((n, c) for n, c in model_pairs),
    )
