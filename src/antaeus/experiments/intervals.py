"""Prediction intervals from a finite number of simulated draws.

Whether an observed value "falls inside the 90% interval" of n simulated draws asks whether it
is consistent with one more draw of the same distribution. The 5% and 95% sample quantiles do
not answer that for small n: they sit inside the sample's extremes, and for 20 draws the
interval between them holds a further draw only about 81% of the time, whatever the
distribution (numpy's default interpolation puts them at ranks 1.95 and 19.05 of 20, and a
further draw falls between ranks i and j with probability (j - i) / (n + 1)). A model that
were exactly right would then put only about 81% of its targets inside "90%" intervals.

The distribution-free prediction interval uses order statistics instead (Wilks 1941, Annals of
Mathematical Statistics 12:91-96; David & Nagaraja 2003, Order Statistics, §7.2): of n
independent draws, the k-th smallest and the k-th largest enclose a further independent draw
with probability (n + 1 - 2k) / (n + 1), for any continuous distribution. Taking the largest k
with that probability at least the level gives an interval whose coverage is the level or just
above it: for 90%, the range of 19 or 20 draws, ranks 3 and 58 of 60, 10 and 191 of 200.
"""
from __future__ import annotations

import math

import numpy as np


def rank(n: int, level: float = 0.9) -> int:
    """The rank k from each end (1 = the extremes) whose interval holds a further draw with
    probability at least ``level``; 1 when even the range holds less (n < 2 / (1 - level) - 1)."""
    return max(1, math.floor((1.0 - level) / 2.0 * (n + 1) + 1e-9))


def coverage(n: int, level: float = 0.9) -> float:
    """Probability that the interval of :func:`prediction_interval` over ``n`` draws holds a
    further draw of the same distribution."""
    return (n + 1 - 2 * rank(n, level)) / (n + 1) if n >= 2 else 0.0


def prediction_interval(values, level: float = 0.9) -> tuple[float, float]:
    """The ends of the distribution-free prediction interval of ``values`` (at least one)."""
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0:
        raise ValueError("a prediction interval needs at least one value")
    k = rank(x.size, level)
    return float(x[k - 1]), float(x[x.size - k])
