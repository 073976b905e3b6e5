"""Keep the cyclic garbage collector off the reader's long-lived heap, within a bound.

Measured with bench/bench_tui.py on 100,000 entries: without freezing, a
full collection every ~26 keypresses took 50-80 ms (the p99 of
keypress-to-repaint). Objects that outlive a view are the app, its widgets
and the row model (arrays, freed by reference counting when replaced), so
after a view loads the heap is frozen (``gc.freeze``) and the collector
skips it.

Frozen objects are never collected, so cyclic garbage frozen along with
them would stay for good; a reader left open for days would grow. So each
settle first unfreezes, and when the frozen heap has doubled since the first
load (or the last full collection), collects fully (once, paid by one view
load) before freezing again. Otherwise only the young generations are
collected: a full collection at every search keystroke would cost tens of
milliseconds, and one at start-up about 0.1 s on a 10,000-entry brief.

Between view loads the oldest generation is collected ten times less often
than Python's default (every ~100 young collections, not ~10): a jump to the
bottom of a million-row view allocates enough for a full collection every
dozen keys, and each took 20-60 ms (bench_tui G/g p90 45-75 ms → 22-50 ms).
"""

from __future__ import annotations

import gc

OLD_THRESHOLD = 100
"""``gc.set_threshold``'s third value while the reader runs (Python's default: 10)."""


class HeapSettler:
    """Call :meth:`settle` after each view load."""

    def __init__(self) -> None:
        self._baseline = 0  # frozen objects after the first load or the last full collection

    @staticmethod
    def _thresholds() -> None:
        young, middle, _old = gc.get_threshold()
        gc.set_threshold(young, middle, OLD_THRESHOLD)

    def settle(self) -> None:
        """Freeze the heap as it is now; collect fully when it has doubled since last time."""
        self._thresholds()
        frozen = gc.get_freeze_count()
        gc.unfreeze()
        if self._baseline and frozen >= 2 * self._baseline:
            gc.collect()
            gc.freeze()
            self._baseline = gc.get_freeze_count()
            return
        gc.collect(1)
        gc.freeze()
        self._baseline = self._baseline or gc.get_freeze_count()
