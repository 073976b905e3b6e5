"""Story clusters: the reports of one event from several outlets become one item.

Entries are taken in a fixed order — by time, then by a hash of their feed
and guid (``_order.canonical_order``) — so the same input in any order, with
any ids, gives the same clusters (and leads), and each one

* joins the story of an earlier entry with the same **article key**
  (``features.article_key``: the canonical URL, plus the fragment when it
  names a post of its own), even within one feed: one article seen twice;
* else joins the most similar **live story** — one whose newest report is
  at most ``window_hours`` older — when the similarity reaches ``threshold``;
* else starts a story of its own.

**Similarity** is the cosine between the entry's weighted tokens and the
story's centroid (the sum of its reports' vectors), so a big story is
matched by what its reports have in common ("sbarro", "bankruptcy"), not by
one look-alike headline, and no chain of pairs can glue two events together.
Tokens weigh by how rare they are in the language (``features.py`` over
``_prior.py``), which works the same in an edition of thirty entries and of
a hundred thousand. A story quiet for a while takes a report less readily
(``DECAY_HOURS``). The score is scaled down by ``VETO_FACTOR`` when

* both sides name figures, places or model designations and share none of
  that kind (``_signals.py``): "plant in Brazil" / "plant in Hungary",
  "Model Y" / "Model 3", "6.1 quake" / "5.4 quake";
* the story has a broad core — what most of its reports say beyond one
  name, as summaries give it — and the entry covers less than
  ``CORE_COVERAGE`` of it: "Nimbus Cloud cuts compute prices in Japan"
  against a story of "Nimbus Cloud raises storage prices in Europe by 18%".

**Same feed.** A story that already holds a report of the entry's feed takes
it only as an *update* of that report: at most ``UPDATE_HOURS`` later and,
beyond the name they share, similar to it (``UPDATE_SHARE`` of the
threshold; wire markers such as "UPDATE 2-" are ignored). It then does not
count as another source (:attr:`Cluster.source_count` counts feeds). Any
other post of that feed is a different story and stays out; it is placed
after the pass, so that it cannot split the story it was refused by into
two halves by starting a rival one.

**Cost.** Each story is indexed under the heaviest tokens of its reports;
an entry looks it up by its own heaviest tokens, as many as could still
carry it to the threshold (prefix filtering: a rare name comes first, a
common word is a key only when nothing rarer carries the entry), scanning
the most recently joined stories of each token, and scores the few found
best. The work per entry is bounded, whatever the tokens' document
frequency, and stories that fall out of the window leave the index as the
pass moves on: time and memory grow with the entries, not their square.

Measured with ``bench/cluster_quality.py`` (real headlines of the UCI News
Aggregator set, scored over cross-publisher pairs) and
``bench/bench_brief.py --cluster-only`` (cost); the figures are in the
README.
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from heapq import heappop, heappush
from itertools import islice, repeat
from operator import add, itemgetter, mul

from briefterm.brief._order import canonical_order
from briefterm.brief._signals import models_conflict
from briefterm.brief._updates import cosine_beyond_name, numbers_differ
from briefterm.brief.features import Features, entry_features
from briefterm.brief.features import article_key as features_article_key
from briefterm.models import Cluster, Entry

DEFAULT_THRESHOLD = 0.3
"""Cosine to a story's centroid at which a report joins it."""
CORE_COVERAGE = 0.5
"""Share of a story's core (see ``_Story.core_coverage``) a report must have."""
CORE_BREADTH = 3.0
"""A core counts as broad when, beyond its heaviest token, it weighs this many times that."""
CORE_MIN_REPORTS = 2
"""A core token is in at least this many reports (and half of them)."""
VETO_FACTOR = 0.3
"""Similarity multiplier when figures, places or models conflict."""
DECAY_HOURS = 12.0
"""A story quiet for this long needs twice the similarity to take a report."""
UPDATE_SHARE = 0.667
"""Share of the threshold a feed's post must reach, beyond the name, to update its report.

One shared name ("Nimbus Cloud") is enough to join a story others tell; two
posts of one feed that share little more than the name are two stories.
"""
UPDATE_HOURS = 12.0
"""How much later a feed's update of a report may come."""
_PRUNE_EVERY = 4096  # entries between two prunings of the index
SCORE_STORIES = 2
"""Candidates scored in full per entry: those best on its heaviest tokens."""
INDEX_TOKENS = 8
"""A story is indexed under the heaviest this many tokens of each of its reports."""
LOOKUP_TOKENS = 4
"""An entry looks up candidate stories by at most this many of its heaviest tokens."""
SCAN_STORIES = 6
"""Of a token's stories, only the most recently joined this many are candidates.

A token with more live stories than this is a word of the day ("stocks");
an entry whose heaviest tokens are all such words compares with the
stories that used them last.
"""

_DECAY = DECAY_HOURS * 3600.0
_ZEROS = repeat(0.0)  # endless: one is shared by every map() that needs a default
_ONES = repeat(1)
_NOUGHTS = repeat(0)


def article_key(entry: Entry) -> str:
    """The identity of the article ``entry`` links to (see ``features.article_key``)."""
    return features_article_key(entry.link)


class _Story:
    """A cluster being built: its members and what they say together.

    Its centroid, norm and newest time live in flat lists of :class:`_Pass`
    (the hot loop reads them for every candidate).
    """

    __slots__ = ("_core", "_counts", "feeds", "figures", "members", "models", "places")

    def __init__(self, index: int, features: Features, feed: int) -> None:
        self.members = [index]
        self._counts: dict[str, int] | None = None  # made when a second report joins
        self._core: tuple[int, dict[str, float], float] = (0, {}, 0.0)
        self.feeds = {feed: index}  # feed id → its latest report here
        # Shared with the first report's features until a second one joins.
        self.figures: frozenset[str] | set[str] = features.figures
        self.places: frozenset[str] | set[str] = features.places
        self.models: frozenset[tuple[str, str]] | set[tuple[str, str]] = features.models

    def add(self, index: int, features: Features, feed: int, first: Features) -> None:
        counts = self._counts
        if counts is None:
            counts = self._counts = dict.fromkeys(first.tokens, 1)
        # Tokens of one report are distinct: each get() comes before its own update.
        toks = features.tokens
        counts.update(zip(toks, map(add, map(counts.get, toks, _NOUGHTS), _ONES), strict=False))
        self.members.append(index)
        self.feeds[feed] = index
        # Most reports name no figure, place or model: no new set for them.
        if features.figures:
            self.figures = self.figures | features.figures
        if features.places:
            self.places = self.places | features.places
        if features.models:
            self.models = self.models | features.models

    def core_coverage(self, tokens: tuple[str, ...], centroid: dict[str, float]) -> float:
        """Share of the story's core weight that ``tokens`` have (1.0 while there is no core).

        The core is what at least half the reports, and at least two, say:
        "nimbus", "storage", "europe", "18" for a price rise in Europe. A
        look-alike that names the company and "prices" but not the rest covers
        too little of it, however heavy the company's name is.
        """
        n = len(self.members)
        if n < 2:
            return 1.0
        # Recomputed as the story grows by a quarter: each recount costs the
        # story's vocabulary.
        made = self._core[0]
        if n != made and n * 4 >= made * 5:
            need = max(CORE_MIN_REPORTS, (n + 1) // 2)
            counts = self._counts or {}
            core = {t: centroid[t] / c for t, c in counts.items() if c >= need}
            total = sum(core.values())
            heaviest = max(core.values(), default=0.0)
            # A core that is little more than one name ("titanfall") says
            # nothing a report naming it lacks.
            if total - heaviest < CORE_BREADTH * heaviest:
                total = 0.0
            self._core = (n, core, total)
        _, core, total = self._core
        if not total:
            return 1.0
        return sum(map(core.get, tokens, _ZEROS)) / total

    def conflicts(
        self,
        figures: frozenset[str],
        places: frozenset[str],
        models: frozenset[tuple[str, str]],
    ) -> bool:
        """Do a report's figures, places or models conflict with the story's?"""
        return bool(
            (figures and self.figures and self.figures.isdisjoint(figures))
            or (places and self.places and self.places.isdisjoint(places))
            or models_conflict(models, self.models)
        )


class _Pass:
    """One pass of the online clustering over entries in canonical order."""

    def __init__(
        self,
        entries: Sequence[Entry],
        feats: Sequence[Features],
        times: Sequence[float],
        window: float,
        threshold: float,
    ) -> None:
        self.entries = entries
        self.times = times
        self.feats = feats
        self.window = window
        self.threshold = threshold
        self.stories: list[_Story] = []
        # The hot fields of each story, in flat lists: centroid, norm, newest time.
        self.cents: list[dict[str, float]] = []
        self.norms: list[float] = []
        self.lasts: list[float] = []
        # token → stories that have it, least recently joined first (dicts
        # keep order; a story that takes a report moves to the end).
        self.postings: dict[str, dict[int, None]] = defaultdict(dict)
        self.by_article: dict[str, int] = {}  # article key → story index
        # (time a story was last seen joined, story): stories that may have
        # left the window, oldest first, so that pruning looks at those only.
        self.expiry: list[tuple[float, int]] = []

    def _is_update(self, story: _Story, i: int) -> bool:
        """Is entry ``i`` an update of the report of its feed that ``story`` holds?

        It is when it came at most ``UPDATE_HOURS`` later and resembles that
        report as much as a report of another outlet must resemble the story.
        """
        entry = self.entries[i]
        j = story.feeds[entry.feed_id]
        if entry.published is None or self.entries[j].published is None:
            # An undated post's time is when it was fetched: a feed's whole
            # undated backlog arrives at once, so nearness in time says nothing.
            return False
        if abs(self.times[i] - self.times[j]) > UPDATE_HOURS * 3600.0:
            return False
        if numbers_differ(self.feats[i], self.feats[j]):
            return False  # "part 2" after "part 1", episode 41 after 40: new posts
        return cosine_beyond_name(self.feats[i], self.feats[j]) >= self.threshold * UPDATE_SHARE

    def best_story(self, i: int) -> tuple[int, bool]:
        """(story index, blocked) of the story entry ``i`` joins, or (-1, blocked).

        ``blocked`` says that the most similar story holds another post of
        the entry's feed that this one is not an update of. This is the hot
        loop: it runs once per entry and reads the story lists directly.
        """
        tokens, weights, fnorm, figures, places, models, _ = self.feats[i]
        threshold = self.threshold
        # Partial dot products over the entry's heaviest tokens, as long as
        # the rest could still reach the threshold on its own: a story that
        # shares none of them has a cosine of at most |rest| / |f| < threshold
        # (Cauchy–Schwarz). That is prefix filtering: a rare name comes
        # first, a common word is looked up only when nothing rarer carries
        # the entry.
        found: list[int] = []
        rest2 = fnorm * fnorm
        limit = (threshold * fnorm) ** 2
        postings = self.postings
        for t, w in zip(tokens[:LOOKUP_TOKENS], weights, strict=False):
            if rest2 < limit:
                break
            rest2 -= w * w
            plist = postings.get(t)
            if plist:
                found.extend(islice(reversed(plist), SCAN_STORIES))
        if not found:
            return -1, False
        # Candidates by how many of those tokens they share, then most
        # recently joined (the order found them in).
        unique = list(dict.fromkeys(found))
        if SCORE_STORIES < len(unique) < len(found):
            unique.sort(key=found.count, reverse=True)  # stable: ties keep their order
        stories, cents, norms, lasts = self.stories, self.cents, self.norms, self.lasts
        now = self.times[i]
        oldest = now - self.window
        feed = self.entries[i].feed_id
        signals = figures or places or models
        best, best_rank, blocked_rank = -1, 0.0, 0.0
        left = SCORE_STORIES
        for s in unique:
            if lasts[s] < oldest:
                continue
            if not left:
                break
            left -= 1
            cent = cents[s]
            sim = sum(map(mul, weights, map(cent.get, tokens, _ZEROS))) / (fnorm * norms[s])
            gap = now - lasts[s]
            if gap > 0.0:
                sim *= _DECAY / (_DECAY + gap)
            if sim < threshold:
                continue
            story = stories[s]
            if (signals and story.conflicts(figures, places, models)) or (
                len(story.members) > 1 and story.core_coverage(tokens, cent) < CORE_COVERAGE
            ):
                sim *= VETO_FACTOR
                if sim < threshold:
                    continue
            if feed in story.feeds and not self._is_update(story, i):
                blocked_rank = max(blocked_rank, sim)
                continue
            if sim > best_rank:
                best, best_rank = s, sim
        return best, blocked_rank > best_rank

    def place(self, i: int, *, defer: bool) -> bool:
        """Put entry ``i`` into a story; False when it is deferred (see below).

        An entry whose closest story already holds another post of its feed
        is, with ``defer``, left for later (:meth:`place` again without
        ``defer`` after the pass): started at once, that second post would
        split the story in two, others joining whichever half they resemble.
        """
        f = self.feats[i]
        tokens, weights, fnorm, _, _, _, key = f
        entry = self.entries[i]
        s = self.by_article.get(key, -1) if key else -1
        # An undated post has no time to compare within the window (its time
        # is when it was fetched, often years after it was written): it joins
        # a story only as the same article, and no other report joins it by
        # resemblance.
        dated = entry.published is not None
        if s < 0 and tokens and dated:
            s, blocked = self.best_story(i)
            if blocked and defer:
                return False
        postings = self.postings
        if s < 0:
            s = len(self.stories)
            self.stories.append(_Story(i, f, entry.feed_id))
            self.cents.append(dict(zip(tokens, weights, strict=True)))
            self.norms.append(fnorm)
            self.lasts.append(self.times[i])
            heappush(self.expiry, (self.times[i], s))
            if dated:  # nothing finds an undated story by its words
                for t in tokens[:INDEX_TOKENS]:
                    postings[t][s] = None
        else:
            story = self.stories[s]
            story.add(i, f, entry.feed_id, self.feats[story.members[0]])
            cent = self.cents[s]
            if not cent:  # pruned, and now joined as the same article: prune it again later
                heappush(self.expiry, (self.times[i], s))
            before = list(map(cent.get, tokens, _ZEROS))
            dot = sum(map(mul, weights, before))
            cent.update(zip(tokens, map(add, before, weights), strict=True))
            # |S + f|² = |S|² + 2 S·f + |f|²
            self.norms[s] = math.sqrt(self.norms[s] ** 2 + 2.0 * dot + fnorm * fnorm)
            if self.times[i] > self.lasts[s]:
                self.lasts[s] = self.times[i]
            if dated:
                for t in tokens[:INDEX_TOKENS]:
                    plist = postings[t]
                    plist.pop(s, None)  # to the end: most recently joined
                    plist[s] = None
        if key:
            self.by_article.setdefault(key, s)
        return True

    def prune(self, now: float) -> None:
        """Drop stories older than the window from the index and free their centroids."""
        oldest = now - self.window
        cents, lasts, expiry = self.cents, self.lasts, self.expiry
        stale = []
        while expiry and expiry[0][0] < oldest:
            _, s = heappop(expiry)
            if lasts[s] >= oldest:
                heappush(expiry, (lasts[s], s))  # joined since: look again later
            else:
                stale.append(s)
        postings = self.postings
        for s in stale:
            # A story is posted under some of its centroid's tokens only.
            for t in cents[s]:
                plist = postings.get(t)
                if plist is not None and plist.pop(s, 0) is None and not plist:
                    del postings[t]
            cents[s] = {}


def _run(
    entries: Sequence[Entry],
    feats: Sequence[Features],
    times: Sequence[float],
    order: Sequence[int],
    window: float,
    threshold: float,
) -> _Pass:
    """The pass over ``order``, deferred posts placed when they are a window old."""
    run = _Pass(entries, feats, times, window, threshold)
    deferred: list[int] = []
    place = run.place
    for n, i in enumerate(order, 1):
        if not place(i, defer=True):
            deferred.append(i)
        if n % _PRUNE_EVERY == 0:
            # Deferred posts a window old have seen every story they could
            # join; then stories two windows old can no longer be joined.
            now = times[i]
            due = [j for j in deferred if times[j] < now - window]
            deferred = deferred[len(due) :]
            for j in due:
                place(j, defer=False)
            run.prune(now - window)
    for i in deferred:
        place(i, defer=False)

    return run


def cluster_entries(
    entries: Iterable[Entry],
    *,
    window_hours: float = 48.0,
    threshold: float = DEFAULT_THRESHOLD,
    priorities: Mapping[str, int] | None = None,
    features: Mapping[int, Features] | None = None,
) -> list[Cluster]:
    """Group ``entries`` into story clusters, newest story first.

    The lead of a cluster is the report from the highest-priority feed, then
    the earliest one; ``others`` follow in the same order. ``features``
    (entry id → :class:`Features`, e.g. loaded from the cache) saves
    computing them; missing ones are computed.
    """
    # The pass makes a few containers per entry and frees none until it
    # ends: the cyclic collector would scan the growing heap again and again
    # (a quarter of the time at 100,000 entries) to find no garbage. It is
    # off until the pass's containers are freed, so that they do not count
    # towards its next collection either.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _cluster(list(entries), window_hours, threshold, priorities or {}, features or {})
    finally:
        if collecting:
            gc.enable()


def _cluster(
    entries: list[Entry],
    window_hours: float,
    threshold: float,
    priorities: Mapping[str, int],
    known: Mapping[int, Features],
) -> list[Cluster]:
    """:func:`cluster_entries` proper."""
    feats = [known.get(e.id) or entry_features(e) for e in entries]
    times = [e.time for e in entries]
    order = canonical_order(entries, times)
    window = window_hours * 3600.0
    run = _run(entries, feats, times, order, window, threshold)
    rank = [0] * len(entries)
    for r, i in enumerate(order):
        rank[i] = r

    # Lead: highest priority, then first in canonical order (the earliest).
    if priorities:
        n = len(entries)
        lead_rank = [
            r - priorities.get(e.feed_url, 0) * n for r, e in zip(rank, entries, strict=True)
        ]
    else:
        lead_rank = rank
    by_lead = lead_rank.__getitem__
    # Most stories have one report: no sorting and no list of others for them.
    made: list[tuple[float, int, int, Sequence[int]]] = []
    lasts = run.lasts
    for s, story in enumerate(run.stories):
        members = story.members
        if len(members) > 1:
            members = sorted(members, key=by_lead)
            made.append((-lasts[s], rank[members[0]], members[0], members[1:]))
        else:
            made.append((-lasts[s], rank[members[0]], members[0], ()))
    # Newest story first, ties in canonical order of their leads.
    made.sort(key=itemgetter(0, 1))
    get = entries.__getitem__
    return [
        Cluster(lead=get(lead), others=list(map(get, others)) if others else [])
        for _, _, lead, others in made
    ]
