"""What the benchmark scripts share: timing a function N times."""

from __future__ import annotations

import time


def timed(fn, repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` calls of `fn`."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples
