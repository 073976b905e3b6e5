"""Speed checks that hold on a busy machine: how cost grows, and cost against a reference.

An absolute limit ("under 0.1 s") flakes when other processes share the
cores. These helpers compare two measurements taken side by side in this
process instead: CPU time (so waiting for a core does not count), per call
over batches long enough for the clock (so tiny calls are not noise) with
the garbage collector paused, the best of alternating rounds (so a burst
of load slows one round, not the answer).

Linear work grows about as much as its input; quadratic work (a
backtracking regex, a list searched once per item) grows with its square,
so a test checks that ``growth(run, n, 4 * n)`` stays below
:data:`LINEAR_FOR_4X`, between 4 and 16.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

LINEAR_FOR_4X = 10.0
"""Growth for four times the input that still passes as linear.

Linear code measures 3-4.6 here, with rare outliers up to 6.5 while both
cores are busy with other work; quadratic code measures 16.
"""

_BATCH_SECONDS = 0.01
_MAX_CALLS = 1000


def _per_call(func: Callable[[], object], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        func()
    return (time.process_time() - start) / calls


def _calls_per_batch(func: Callable[[], object]) -> int:
    once = _per_call(func, 1)  # also the warm-up: imports, caches
    if once <= 0:
        return _MAX_CALLS
    return max(1, min(_MAX_CALLS, math.ceil(_BATCH_SECONDS / once)))


def cpu_seconds(
    first: Callable[[], object], second: Callable[[], object], *, rounds: int = 5
) -> tuple[float, float]:
    """The best per-call CPU seconds of ``first`` and ``second``, measured in alternation."""
    # Garbage left by earlier tests would be collected in whichever batch
    # happens to cross the threshold, so collect it first and pause the
    # collector while measuring.
    gc.collect()
    gc.disable()
    try:
        calls = (_calls_per_batch(first), _calls_per_batch(second))
        best = [math.inf, math.inf]
        for _ in range(rounds):
            for index, func in enumerate((first, second)):
                best[index] = min(best[index], _per_call(func, calls[index]))
    finally:
        gc.enable()
    return best[0], best[1]


def growth(run: Callable[[T], object], small: T, large: T) -> float:
    """How many times more CPU time ``run(large)`` takes than ``run(small)``."""
    small_time, large_time = cpu_seconds(lambda: run(small), lambda: run(large))
    return large_time / max(small_time, 1e-9)
