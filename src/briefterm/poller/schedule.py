"""When each feed is asked again: intervals, backoff with jitter, due feeds.

* a feed is due when ``next_due`` is empty or has passed; ``force`` ignores it;
* success: ``next_due = now + interval`` and ``error_count`` resets to 0;
* 429/503 with Retry-After: ``next_due = now + Retry-After`` (capped by
  ``poll.max_retry_after``); without the header they back off like any error;
* any other failure: ``next_due = now + min(interval * 2**(errors-1), 24 h)``
  with ±10 % jitter, so a dead host is asked less and less often and many
  feeds that failed together do not retry in lockstep;
* 410 Gone marks the feed ``gone``. A gone feed is skipped by every poll,
  including ``force`` (``briefterm poll --all``): the server said it will never
  come back, so asking again is rude and pointless. It is polled again only
  when named explicitly in ``feeds`` *and* ``force`` is set, which is what
  re-adding a subscription should do (and a successful fetch clears the mark).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

from briefterm.config import Config, FeedConfig
from briefterm.models import FeedState
from briefterm.poller.report import FeedResult
from briefterm.store import Store
from briefterm.urls import host_and_port

MAX_BACKOFF = 24 * 3600
"""Longest wait between attempts of a failing feed, in seconds."""
JITTER = 0.10
"""Backoff delays vary by this fraction either way."""

_RNG = random.Random()
"""The jitter's source when the caller passes none: one per process, seeded
from the OS, because jitter only has to differ between feeds and runs (tests
that need exact delays pass their own ``rng``)."""


@dataclass(frozen=True, slots=True)
class DueFeed:
    """A feed a poll will fetch: its settings and its row in the cache."""

    feed: FeedConfig
    state: FeedState


def interval_seconds(feed: FeedConfig, config: Config) -> float:
    """Seconds between polls of ``feed``."""
    minutes = feed.interval if feed.interval else config.poll.default_interval
    return max(1.0, float(minutes) * 60.0)


def backoff_delay(interval: float, error_count: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``error_count``-th failure in a row (±10 % jitter)."""
    rng = rng or _RNG
    exponent = min(max(error_count - 1, 0), 32)
    base = min(interval * (2**exponent), MAX_BACKOFF)
    return float(base * (1.0 + rng.uniform(-JITTER, JITTER)))


def gone_message(url: str) -> str:
    """What a feed that answered 410 says in ``last_error``."""
    return f"the feed is gone (HTTP 410); remove it with `briefterm remove {url}`"


def select_feeds(
    store: Store,
    config: Config,
    *,
    feeds: Sequence[str] | None = None,
    force: bool = False,
    now: float | None = None,
) -> tuple[list[DueFeed], list[FeedResult]]:
    """Ensure feed rows exist and split subscriptions into due feeds and skipped results.

    ``feeds`` restricts the poll to these URLs (a URL not in the config is
    polled with default settings). Used by :func:`~briefterm.poller.poll_async`;
    the CLI may call it to size a progress bar (``len(due)``).
    """
    now = time.time() if now is None else now
    if feeds is None:
        targets = list(config.feeds)
    else:
        wanted = list(dict.fromkeys(feeds))
        targets = [config.feed(url) or FeedConfig(url=url) for url in wanted]
    store.sync_feeds([f.url for f in targets])
    states = {s.url: s for s in store.feeds(with_counts=False)}
    explicit = set(feeds or ())
    due: list[DueFeed] = []
    skipped: list[FeedResult] = []
    for feed in targets:
        state = states[feed.url]
        name = feed.name or state.title or feed.url
        if state.gone and not (force and feed.url in explicit):
            skipped.append(
                FeedResult(feed.url, name, "skipped", error=gone_message(feed.url), http_status=410)
            )
        elif not force and state.next_due is not None and state.next_due > now:
            skipped.append(FeedResult(feed.url, name, "skipped"))
        else:
            due.append(DueFeed(feed, state))
    return _interleave_hosts(due), skipped


def _interleave_hosts(due: list[DueFeed]) -> list[DueFeed]:
    """Round-robin over hosts so one big host cannot hold every slot in line."""
    by_host: dict[str, deque[DueFeed]] = defaultdict(deque)
    for job in due:
        by_host[host_and_port(job.state.effective_url)].append(job)
    queues = list(by_host.values())
    out: list[DueFeed] = []
    while queues:
        queues = [q for q in queues if q]
        for q in queues:
            out.append(q.popleft())
    return out
