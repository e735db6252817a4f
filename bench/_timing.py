"""Timing for the benchmarks (a helper, not a benchmark: `make bench` skips files named _*):
medians measured in one run, never judged by a test."""

from __future__ import annotations

import statistics
import time


def paired_median_ms(*functions, runs: int) -> list[float]:
    """Median milliseconds of each function, measured turn about: each round calls them all,
    in an order that rotates, so that a noisy moment weighs on every one of them alike."""
    samples: list[list[float]] = [[] for _ in functions]
    for function in functions:
        function()  # warm caches and plans
    for turn in range(runs):
        for step in range(len(functions)):
            index = (turn + step) % len(functions)
            started = time.perf_counter()
            functions[index]()
            samples[index].append((time.perf_counter() - started) * 1000)
    return [statistics.median(taken) for taken in samples]
