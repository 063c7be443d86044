"""Granovetter (1978) threshold cascades: how many end up acting, given everyone's threshold.

Each actor ``i`` has a threshold ``theta_i``: how many others (a count) or what share of the
group (a fraction) must already act before ``i`` acts. From nobody acting, participation
follows the synchronous map ``r(t+1) = #{i : theta_i <= r(t)}`` (the thresholds' CDF, F)
and, since it never falls, stops at the smallest fixed point ``r* = F(r*)``: the first
crossing of F with the 45-degree line (Granovetter 1978, AJS 83(6): 1420-1443).

Count or fraction (``kind``):

* ``"auto"`` (default): an integer array is read as counts (each >= 0); a floating array
  whose values all lie in [0, 1] as fractions of the population; anything else is refused
  with a hint to say which it is.
* ``"count"`` / ``"fraction"``: said explicitly; then any finite real is allowed. A
  threshold below zero means the person acts although nobody else does (Granovetter's
  normal thresholds have such a tail); one above the population (or above 1) never acts.

The 1917 model's Granovetter term
---------------------------------
The 1917 kernel (:mod:`antaeus.mechanisms.mobilisation`, :func:`~antaeus.mechanisms.mobilisation.is_active`)
makes a person active when ``G - R P > T - c s``: Epstein's rule A with the threshold ``T``
lowered by ``c`` (``cascade_weight``) per unit of ``s``, the share of the locale active
yesterday. For fixed grievance ``G``, risk aversion ``R`` and arrest probability ``P`` this
is a Granovetter threshold on the active share, ``s > theta = (T - G + R P) / c``, with the
same synchronous update. :func:`activation_thresholds` makes that conversion and
``cascade(theta, kind="fraction", strict=True)`` then gives exactly the number the 1917
rule settles at (tests/test_models_threshold.py runs the two side by side). ``strict``
is the one difference of convention: Epstein's rule needs the share to *exceed* the
threshold, Granovetter's to *reach* it (the default, ``strict=False``).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import ModelInputError
from .claims import Claim, Outcome

NAME = "granovetter"
CITATION = "Granovetter (1978) Threshold models of collective behavior. AJS 83(6):1420-1443"

KINDS = ("auto", "count", "fraction")


@njit(cache=True)
def settle(sorted_thresholds, start_level, scale, strict):
    """The number acting at the fixed point of ``k -> #{theta <= k * scale / N}``.

    ``sorted_thresholds`` ascending; the first step counts those at or below ``start_level``
    (below it when ``strict``). ``scale`` is the level of the whole population: N for count
    thresholds, 1 for fractions, 100 for Kuran's percentages. Shared by Granovetter and Kuran.
    Each step is a binary search (the CDF), so a cascade costs O(steps log N).
    """
    n = sorted_thresholds.size
    if strict:
        k = np.searchsorted(sorted_thresholds, start_level, side="left")
    else:
        k = np.searchsorted(sorted_thresholds, start_level, side="right")
    while True:
        level = k * scale / n
        if strict:
            nxt = np.searchsorted(sorted_thresholds, level, side="left")
        else:
            nxt = np.searchsorted(sorted_thresholds, level, side="right")
        if nxt == k:
            return k
        k = nxt


def as_thresholds(thresholds, kind: str = "auto") -> tuple[np.ndarray, str]:
    """The thresholds as a sorted float array, with their kind resolved ("count" or "fraction")."""
    if kind not in KINDS:
        raise ModelInputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", source="kind")
    raw = np.asarray(thresholds)
    if raw.dtype == bool or not (np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)):
        raise ModelInputError(f"thresholds must be numbers, not {raw.dtype}", source="thresholds")
    values = raw.astype(np.float64).reshape(-1)
    if not np.all(np.isfinite(values)):
        raise ModelInputError("thresholds contain NaN or infinity", source="thresholds",
                              hint="a person who never acts has a threshold above the population")
    if kind == "auto":
        if np.issubdtype(raw.dtype, np.integer):
            if values.size and values.min() < 0:
                raise ModelInputError("count thresholds must be >= 0", source="thresholds",
                                      hint="pass kind='count' to allow people who act on their own (< 0)")
            kind = "count"
        elif values.size == 0 or (values.min() >= 0.0 and values.max() <= 1.0):
            kind = "fraction"
        else:
            raise ModelInputError("cannot tell whether these thresholds are counts or fractions: they are "
                                  "not whole numbers and not all in [0, 1]", source="thresholds",
                                  hint="pass kind='count' or kind='fraction'")
    return np.sort(values), kind


def cascade(thresholds, kind: str = "auto", *, strict: bool = False) -> int:
    """The final number acting in Granovetter's threshold model, starting from nobody.

    ``thresholds``: one per person, counts of others or fractions of the population (see the
    module docstring for ``kind``). ``strict=True`` makes a person act only when the number
    acting *exceeds* their threshold (the 1917 model's Epstein convention) instead of
    reaching it.

    >>> cascade(range(100))             # 0, 1, ..., 99: a domino effect
    100
    >>> cascade([0, 2, *range(2, 100)])   # no one with threshold 1: only the instigator
    1
    """
    values, kind = as_thresholds(thresholds, kind)
    if values.size == 0:
        return 0
    scale = float(values.size) if kind == "count" else 1.0
    return int(settle(values, 0.0, scale, bool(strict)))


def trajectory(thresholds, kind: str = "auto", *, strict: bool = False) -> list[int]:
    """The number acting at t = 0, 1, ... until it settles: ``[0, r(1), ..., r*]``."""
    values, kind = as_thresholds(thresholds, kind)
    n = values.size
    scale = float(n) if kind == "count" else 1.0
    side = "left" if strict else "right"
    path = [0]
    while n:
        nxt = int(np.searchsorted(values, path[-1] * scale / n, side=side))
        if nxt == path[-1]:
            break
        path.append(nxt)
    return path


def activation_thresholds(grievance, risk_aversion, arrest_probability, threshold, cascade_weight) -> np.ndarray:
    """The 1917 model's activation rule as Granovetter thresholds on the active share.

    :func:`antaeus.mechanisms.mobilisation.is_active` makes a person active when
    ``G - R P > T - c s``; for ``c > 0`` that is ``s > (T - G + R P) / c``, which this returns
    (fractions; use ``cascade(..., kind="fraction", strict=True)``).
    """
    c = float(cascade_weight)
    if not c > 0.0:
        raise ModelInputError(f"cascade_weight must be > 0, not {cascade_weight!r}", source="cascade_weight",
                              hint="with no cascade term the rule has no threshold on the active share")
    g, r, p, t = (np.asarray(a, dtype=np.float64) for a in (grievance, risk_aversion, arrest_probability, threshold))
    return (t - (g - r * p)) / c


# ------------------------------------------------------------------------------------------
# Normal thresholds, analytically (Granovetter 1978, the N = 100, mean 25 example)
# ------------------------------------------------------------------------------------------
def normal_equilibrium(mean: float, sd: float, n: float = 100.0) -> float:
    """The equilibrium of ``r -> n Phi((r - mean) / sd)`` from r = 0 (the analytic CDF)."""
    r = 0.0
    for _ in range(1_000_000):
        nxt = n * 0.5 * (1.0 + math.erf((r - mean) / (sd * math.sqrt(2.0))))
        if abs(nxt - r) < 1e-12:
            return nxt
        r = nxt
    return r


def critical_sd(mean: float = 25.0, n: float = 100.0) -> float:
    """The standard deviation above which normal thresholds (``mean``, ``n`` people) cascade
    to (nearly) everyone rather than settling low: Granovetter's sigma_c.

    At sigma_c the curve ``n Phi((r - mean) / sigma)`` touches the 45-degree line: with
    ``z = (r - mean) / sigma``, ``n phi(z) = sigma`` and ``n Phi(z) = mean + sigma z``. So
    ``h(z) = n Phi(z) - n z phi(z) - mean = 0``, and ``h' = n z^2 phi(z) >= 0`` makes the root
    unique (found by bisection); then ``sigma_c = n phi(z)``.
    """
    def phi(z):
        return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)

    def h(z):
        return n * 0.5 * (1.0 + math.erf(z / math.sqrt(2.0))) - n * z * phi(z) - mean

    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if h(mid) < 0.0:
            lo = mid
        else:
            hi = mid
    return n * phi(0.5 * (lo + hi))


# ------------------------------------------------------------------------------------------
# Published results (rows of ``antaeus validate``)
# ------------------------------------------------------------------------------------------
def _check_uniform(seeds: int) -> Outcome:
    r = cascade(np.arange(100))
    return Outcome(f"r* = {r}", r == 100)


def _check_perturbed(seeds: int) -> Outcome:
    thresholds = np.arange(100)
    thresholds[1] = 2
    r = cascade(thresholds)
    return Outcome(f"r* = {r}", r == 1)


def _check_critical_sd(seeds: int) -> Outcome:
    sd = critical_sd(25.0, 100.0)
    below, above = normal_equilibrium(25.0, sd - 0.05), normal_equilibrium(25.0, sd + 0.05)
    return Outcome(f"sigma_c = {sd:.3f} (r* = {below:.1f} at sigma_c - 0.05, {above:.1f} at sigma_c + 0.05)",
                   abs(sd - 12.2) < 0.05 and below < 10 and above > 99)


def _check_smallest_fixed_point(seeds: int) -> Outcome:
    bad = 0
    rng = np.random.default_rng(1978)
    for s in range(max(seeds, 1) * 10):
        n = int(rng.integers(1, 60))
        thresholds = rng.integers(0, n + 1, n)
        counts = np.array([(thresholds <= r).sum() for r in range(n + 1)])
        smallest = int(np.flatnonzero(counts == np.arange(n + 1))[0])
        path = trajectory(thresholds)
        bad += cascade(thresholds) != smallest or path[-1] != smallest or np.any(np.diff(path) < 0)
    cases = max(seeds, 1) * 10
    return Outcome(f"{cases - bad}/{cases} random populations settle at the smallest fixed point, "
                   "never falling on the way", bool(bad == 0))


CLAIMS: list[Claim] = [
    Claim("granovetter", "uniform thresholds 0..99: a domino effect",
          "Granovetter (1978) pp. 1424-1425, via StrahilPeykov/granovetter-thresholds README", "2ND",
          "r* = 100", _check_uniform),
    Claim("granovetter", "uniform thresholds with 1 replaced by 2: only the instigator",
          "Granovetter (1978) pp. 1424-1425, via StrahilPeykov/granovetter-thresholds README", "2ND",
          "r* = 1", _check_perturbed),
    Claim("granovetter", "normal thresholds, mean 25, N = 100: critical sigma",
          "Granovetter (1978) Fig. 2 p. 1428, via StrahilPeykov/granovetter-thresholds README", "2ND",
          "sigma_c ~ 12.2 (analytic normal CDF)", _check_critical_sd),
    Claim("granovetter", "participation settles at the smallest fixed point r* = F(r*), from below",
          "Granovetter (1978), via the replication README and TimRichter/CartesianSeminar notebook", "2ND",
          "r* = min{r : F(r) = r}; r(t) never decreases", _check_smallest_fixed_point),
]
