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

A different question is how far a figure of n runs lies from the one infinitely many runs
would give, its Monte Carlo error: :func:`median_interval` answers it for a median (order
statistics again), :func:`bootstrap_mean_error` for the mean error of many medians against the
record (a bootstrap over whole runs).
"""
from __future__ import annotations

import math
import warnings

import numpy as np


def rank(n: int, level: float = 0.9) -> int:
    """The rank k from each end (1 = the extremes) whose interval holds a further draw with
    probability at least ``level``; 1 when even the range holds less (n < 2 / (1 - level) - 1)."""
    return max(1, math.floor((1.0 - level) / 2.0 * (n + 1) + 1e-9))


def coverage(n: int, level: float = 0.9) -> float:
    """Probability that the interval of :func:`prediction_interval` over ``n`` draws holds a
    further draw of the same distribution."""
    return (n + 1 - 2 * rank(n, level)) / (n + 1) if n >= 2 else 0.0


def _ends(values, rank_of, what: str) -> tuple[float, float]:
    """The k-th smallest and k-th largest of ``values``, k = ``rank_of(n)``."""
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0:
        raise ValueError(f"{what} needs at least one value")
    k = rank_of(x.size)
    return float(x[k - 1]), float(x[x.size - k])


def prediction_interval(values, level: float = 0.9) -> tuple[float, float]:
    """The ends of the distribution-free prediction interval of ``values`` (at least one)."""
    return _ends(values, lambda n: rank(n, level), "a prediction interval")


def median_rank(n: int, level: float = 0.95) -> int:
    """The rank j from each end whose order statistics enclose the distribution's median with
    probability at least ``level``: that probability is 1 - 2 P(Bin(n, 1/2) < j) (David &
    Nagaraja 2003, Order Statistics, §7.1; Conover 1999, Practical Nonparametric Statistics,
    §3.2). 1 (the range) when even the range encloses it less often (n <= 5 for 95%)."""
    # whole numbers: 2 ** n as a float overflows from n = 1024 on
    ways, below, total, j = 1, 0, 1 << n, 0  # ways = C(n, j); below = C(n, 0) + ... + C(n, j)
    while j < n // 2:
        below += ways
        if 1.0 - 2.0 * (below / total) < level:
            break
        ways = ways * (n - j) // (j + 1)
        j += 1
    return max(1, j)


def median_interval(values, level: float = 0.95) -> tuple[float, float]:
    """A distribution-free confidence interval of the median of the distribution ``values`` are
    drawn from (:func:`median_rank`): how far the simulated median of so many runs can lie from
    the one infinitely many runs would give."""
    return _ends(values, lambda n: median_rank(n, level), "an interval of the median")


def bootstrap_mean_error(by_run: np.ndarray, observed: np.ndarray, seed: int, level: float = 0.95,
                         resamples: int = 1000) -> tuple[float, float]:
    """Where the mean over rows of |median over runs - observed| of infinitely many runs lies,
    given these: the basic bootstrap interval (Davison & Hinkley 1997, Bootstrap Methods and
    their Application, §5.2), resampling whole runs. ``by_run`` [rows, runs] holds each run's
    value of each row (NaN where a run gave none), so the rows of one run stay together;
    ``seed`` fixes the resamples.

    Each median carries Monte Carlo noise, and the absolute value turns noise into error: the
    mean error of a finite number of runs lies above that of infinitely many, and the
    resamples' (noisier still) above it again. The percentile interval would put the figure
    where the resamples lie, above the estimate, so the basic interval reflects the resamples'
    spread around the estimate instead: [2 e - q_hi, 2 e - q_lo] for the estimate e and the
    resamples' quantiles q (at 12 runs the percentile interval did not even hold the estimate)."""
    rows, runs = by_run.shape
    if rows == 0 or runs == 0:
        raise ValueError("a bootstrap needs at least one row and one run")
    with warnings.catch_warnings():  # a resample may hold none of a row's few values: NaN, left out
        warnings.simplefilter("ignore", RuntimeWarning)
        estimate = float(np.nanmean(np.abs(np.nanmedian(by_run, axis=1) - observed)))
        rng = np.random.Generator(np.random.PCG64(seed))
        picks = rng.integers(0, runs, size=(resamples, runs))
        means = np.empty(resamples)
        for start in range(0, resamples, 100):  # a hundred resamples at a time bounds the memory
            block = by_run[:, picks[start:start + 100]]                   # [rows, block, runs]
            medians = np.nanmedian(block, axis=2)
            means[start:start + 100] = np.nanmean(np.abs(medians - observed[:, None]), axis=0)
    tail = (1.0 - level) / 2.0
    q_lo, q_hi = np.quantile(means, [tail, 1.0 - tail])
    return max(0.0, 2.0 * estimate - float(q_hi)), 2.0 * estimate - float(q_lo)
