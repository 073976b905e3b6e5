"""The canonical order of entries for clustering: by time, ties by who they are.

The online pass of ``cluster.py`` takes entries one by one, and which
story an entry starts or joins depends on what came before it. Time
decides most of the order; entries of the same time (feeds that stamp
posts to the minute or the day, a backlog fetched at once) are ordered by
a hash of their feed and guid, not by their ids, which follow the order in
which the store met them: the same entries polled in another order, or on
another machine, make the same clusters.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b
from itertools import groupby

from briefterm.models import Entry


def tie_key(entry: Entry) -> tuple[bytes, int]:
    """What orders entries of the same time: a hash of who they are, then the id.

    Ids follow the order in which the store met the entries, which another
    poll order or another machine changes; the feed's URL and the entry's
    own id in it (its guid, the store's key) do not, nor does an edit of
    its title or link. A hash rather than the text itself, so that tied
    entries come in no systematic order (one feed's after another's).
    """
    text = f"{entry.feed_url}\0{entry.entry_key}"
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), entry.id


def canonical_order(entries: Sequence[Entry], times: Sequence[float] | None = None) -> list[int]:
    """Indices of ``entries`` by time, entries of the same time by :func:`tie_key`.

    The order the online pass takes entries in: the same entries in any
    order, with any ids, come in the same order, so make the same clusters.
    ``times`` are the entries' times when the caller has them.
    """
    if times is None:
        times = [e.time for e in entries]
    order = sorted(range(len(entries)), key=times.__getitem__)
    if len(set(times)) == len(times):
        return order
    ordered: list[int] = []
    for _, tied in groupby(order, key=times.__getitem__):
        same = list(tied)
        if len(same) > 1:
            same.sort(key=lambda i: tie_key(entries[i]))
        ordered += same
    return ordered
