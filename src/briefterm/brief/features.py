"""Cluster features of one entry: weighted tokens and distinguishing signals.

Computed once per entry text and reusable: :func:`entry_features` caches by
text within a process, :class:`Features` pickles, and :func:`encode` /
:func:`decode` turn it into a short binary blob (about 150 bytes for a
headline): the poller stores it with the entry (:func:`store_features`) and
a brief loads it (:func:`stored_features`) instead of computing it at start.

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
import struct
from collections.abc import Sequence
from contextlib import suppress
from functools import lru_cache
from operator import itemgetter
from sys import intern
from typing import TYPE_CHECKING, Any, NamedTuple

from briefterm.brief._prior import UNLISTED_WEIGHT, specificity
from briefterm.brief._signals import PLACES, is_figure, models
from briefterm.brief._tokens import tokens
from briefterm.errors import StoreError
from briefterm.models import Entry
from briefterm.urls import canonical_url

if TYPE_CHECKING:
    from briefterm.store import Store

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


FORMAT_VERSION = 1
"""Version of what :func:`encode` writes *and* of how features are made.

Bump it when tokens, weights or signals change (``_tokens.py``,
``_prior.py``, ``_signals.py``, this module): stored features of another
version are recomputed (:func:`stored_features`).
"""

# version, then counts of tokens, figures, places and models; then one
# float64 weight per token; then the strings, UTF-8, NUL-separated: tokens,
# figures, places, model names, model codes, and the article key last (it
# takes whatever remains, so even a NUL in it cannot shift the rest).
_HEAD = struct.Struct("<B4H")
_LIMIT = 0xFFFF


def encode(features: Features) -> bytes:
    """A compact binary form of ``features``, for the store.

    Weights stay doubles: features read back are the very ones computed, so
    stored and fresh features make the same clusters.
    """
    figures, places = sorted(features.figures), sorted(features.places)
    models = sorted(features.models)
    if max(len(features.tokens), len(figures), len(places), len(models)) > _LIMIT:
        raise ValueError("too many tokens to encode")
    n = len(features.tokens)
    strings = [
        *features.tokens,
        *figures,
        *places,
        *(name for name, _ in models),
        *(code for _, code in models),
        features.article,
    ]
    return b"".join(
        (
            _HEAD.pack(FORMAT_VERSION, n, len(figures), len(places), len(models)),
            struct.pack(f"<{n}d", *features.weights),
            "\0".join(strings).encode("utf-8"),
        )
    )


_NOTHING: frozenset[Any] = frozenset()
"""The one empty set decoded features share: most reports name no figure, place or model."""


@lru_cache(maxsize=64)
def _weights(n: int) -> struct.Struct:
    return struct.Struct(f"<{n}d")


def decode(blob: bytes) -> Features:
    """The :class:`Features` that :func:`encode` wrote; ValueError when malformed."""
    try:
        version, n, n_fig, n_place, n_model = _HEAD.unpack_from(blob)
        if version != FORMAT_VERSION:
            raise ValueError(f"features of format {version}, not {FORMAT_VERSION}")
        weights = _weights(n).unpack_from(blob, _HEAD.size)
        head = n + n_fig + n_place + 2 * n_model
        parts = blob[_HEAD.size + 8 * n :].decode("utf-8").split("\0", head)
    except (struct.error, UnicodeDecodeError, TypeError) as exc:
        raise ValueError(f"malformed features: {exc}") from None
    if len(parts) != head + 1:
        raise ValueError("malformed features: strings missing")
    fig_end = n + n_fig
    place_end = fig_end + n_place
    return Features(
        tokens=tuple(map(intern, parts[:n])),
        weights=weights,
        norm=math.sqrt(sum([w * w for w in weights])),
        # An export decodes 100,000 of these: no new empty set for each.
        figures=frozenset(parts[n:fig_end]) if n_fig else _NOTHING,
        places=frozenset(parts[fig_end:place_end]) if n_place else _NOTHING,
        models=frozenset(
            zip(
                parts[place_end : place_end + n_model],
                parts[place_end + n_model : head],
                strict=True,
            )
        )
        if n_model
        else _NOTHING,
        article=parts[head],
    )


def store_features(store: Store, feed_id: int) -> int:
    """Compute and store the features of ``feed_id``'s entries that lack them; how many.

    The poller's one call after it stored a feed's entries: a new or
    rewritten entry (the store drops the features of a changed one) gets
    its features once, so that no brief needs to compute them at start.
    """
    ids = store.entries_without_features(feed_id, FORMAT_VERSION)
    if not ids:
        return 0
    entries = store.entries_by_ids(ids)
    return store.save_feature_blobs(
        (e.id, FORMAT_VERSION, encode(entry_features(e))) for e in entries
    )


def stored_features(store: Store, entries: Sequence[Entry]) -> dict[int, Features]:
    """Features of ``entries`` (entry id → features), from the store where it has them.

    Missing ones, and ones of an older :data:`FORMAT_VERSION` or unreadable,
    are computed and saved for next time (not through a read-only store: the
    reader's connection may only read, and the poller stores them anyway).
    """
    blobs = store.feature_blobs([e.id for e in entries], FORMAT_VERSION)
    out: dict[int, Features] = {}
    fresh: list[tuple[int, int, bytes]] = []
    for entry in entries:
        blob = blobs.get(entry.id)
        if blob is not None:
            try:
                out[entry.id] = decode(blob)
                continue
            except ValueError:
                pass  # a damaged row: computed again and replaced below
        features = out[entry.id] = entry_features(entry)
        fresh.append((entry.id, FORMAT_VERSION, encode(features)))
    if fresh and not store.read_only:
        # A busy or damaged cache: the features are made again next time.
        with suppress(StoreError):
            store.save_feature_blobs(fresh)
    return out
