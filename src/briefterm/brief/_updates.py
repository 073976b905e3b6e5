"""Two posts of one feed: is the later one an update of the earlier report?

A story that holds a report of a feed takes another post of that feed
only as an update of it (``cluster.py``): these are the comparisons of the
two posts' features that decide it, apart from their times.
"""

from __future__ import annotations

import math

from briefterm.brief.features import Features


def numbers_differ(a: Features, b: Features) -> bool:
    """Both headlines carry numbers and not the same ones (any size, unlike figures)."""
    numbers_a = {t for t in a.tokens if t.isdigit()}
    numbers_b = {t for t in b.tokens if t.isdigit()}
    return bool(numbers_a and numbers_b and numbers_a != numbers_b)


def cosine_beyond_name(a: Features, b: Features) -> float:
    """Cosine of ``a`` and ``b`` without the token that contributes most to it.

    Two posts of one feed that share little more than a name ("Nimbus
    Cloud raises prices…", "Nimbus Cloud names a CFO") are two stories; an
    update of a report shares more than its heaviest word.
    """
    other = dict(zip(b.tokens, b.weights, strict=True))
    pairs = zip(a.tokens, a.weights, strict=True)
    terms = [(w * other[t], w, other[t]) for t, w in pairs if t in other]
    dropped = [max(terms)] if terms else []
    rest_a = a.norm * a.norm - sum(x[1] * x[1] for x in dropped)
    rest_b = b.norm * b.norm - sum(x[2] * x[2] for x in dropped)
    if rest_a <= 1e-9 or rest_b <= 1e-9:
        return 0.0
    dot = sum(x[0] for x in terms) - sum(x[0] for x in dropped)
    return dot / math.sqrt(rest_a * rest_b)
