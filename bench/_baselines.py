"""TF-IDF cosine baselines for story clustering, in pure Python (no numpy needed).

Titles become lowercase word vectors (``\\w\\w+`` like scikit-learn's default,
minus common English function words, which only make a baseline worse),
weighted by smoothed IDF over the set and L2-normalized. Two entries are
linked by the cosine of their vectors; pairs from the same publisher are
never linked (the scoring only counts cross-publisher pairs, and a baseline
that merges one outlet's posts would only lose precision).

* single link: connected components of the pairs with cosine ≥ t;
* average link (UPGMA): groups merge, most similar first, while the mean
  cosine over all their cross pairs (missing pairs count 0) is ≥ t.

Both produce every threshold of a sweep from one run: single link from the
pairs in descending order, average link from its merge heights, which only
ever go down.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

_WORD = re.compile(r"\b\w\w+\b")
_STOP = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "the and or of to in on at for from by with as is are was were be been has have had "
        "it its this that an a but not no will can after over into about than up out new "
        "says said"
    ).split()
)


def _vectors(titles: Sequence[str]) -> list[dict[str, float]]:
    docs = [Counter(w for w in _WORD.findall(t.lower()) if w not in _STOP) for t in titles]
    df = Counter(w for d in docs for w in d)
    n = len(docs)
    idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
    out = []
    for d in docs:
        vec = {w: tf * idf[w] for w, tf in d.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({w: v / norm for w, v in vec.items()})
    return out


def cosine_pairs(titles: Sequence[str], publishers: Sequence[str]) -> dict[tuple[int, int], float]:
    """Cosine of every cross-publisher pair that shares a word, keyed (i, j) with i < j."""
    vecs = _vectors(titles)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    sims: dict[tuple[int, int], float] = defaultdict(float)
    for j, vec in enumerate(vecs):
        pub = publishers[j]
        for w, v in vec.items():
            plist = postings[w]
            for i, u in plist:
                if publishers[i] != pub:
                    sims[(i, j)] += u * v
            plist.append((j, v))
    return dict(sims)


def _labels_from_merges(n: int, merges: Sequence[tuple[float, int, int]], t: float) -> list[int]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for sim, a, b in merges:
        if sim < t:
            break
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


def single_link(
    n: int, sims: dict[tuple[int, int], float], thresholds: Sequence[float]
) -> dict[float, list[int]]:
    """Cluster label of every item at each threshold, single link."""
    edges = sorted(((s, i, j) for (i, j), s in sims.items()), key=lambda e: (-e[0], e[1], e[2]))
    return {t: _labels_from_merges(n, edges, t) for t in thresholds}


def average_link(
    n: int, sims: dict[tuple[int, int], float], thresholds: Sequence[float]
) -> dict[float, list[int]]:
    """Cluster label of every item at each threshold, average link (UPGMA)."""
    floor = min(thresholds)
    size = [1] * n
    # Sum of cross similarities between live groups, both directions.
    nbr: list[dict[int, float]] = [{} for _ in range(n)]
    for (i, j), s in sims.items():
        nbr[i][j] = s
        nbr[j][i] = s
    version = [0] * n
    heap = [(-s, i, j, 0, 0) for (i, j), s in sims.items() if s >= floor]
    heapq.heapify(heap)
    alive = [True] * n
    merges: list[tuple[float, int, int]] = []  # (height, representative a, b)
    rep = list(range(n))  # an original item of each group, for the labels
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        merges.append((-neg, rep[a], rep[b]))
        # Fold b into a: sums add up, sizes add up.
        alive[b] = False
        for c, s in nbr[b].items():
            if c == a:
                continue
            nbr[a][c] = nbr[a].get(c, 0.0) + s
            nbr[c][a] = nbr[c].get(a, 0.0) + s
            del nbr[c][b]
        nbr[a].pop(b, None)
        nbr[b] = {}
        size[a] += size[b]
        version[a] += 1
        for c, s in nbr[a].items():
            avg = s / (size[a] * size[c])
            if avg >= floor:
                lo, hi = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-avg, lo, hi, version[lo], version[hi]))
    return {t: _labels_from_merges(n, merges, t) for t in thresholds}
