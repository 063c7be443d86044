"""Opinion dynamics with bounded confidence: Deffuant et al. (2000) and Hegselmann-Krause (2002).

Both models move an opinion towards others only when they lie within the confidence bound
``epsilon``; both do it through the 1917 model's own kernel,
:func:`antaeus.mechanisms.influence.bounded_confidence` (``own + mu * (other - own)`` when
``|other - own| < epsilon``):

* **Deffuant, Neau, Amblard & Weisbuch (2000)**, Adv. Complex Syst. 3: 87-98. A random pair
  (i, j) meets; if ``|x_i - x_j| < epsilon`` both move ``mu`` of the way towards each other,
  simultaneously. This *is* the kernel, called once for each of the two:
  ``x_i' = bounded_confidence(x_i, x_j, epsilon, mu)`` and the same for j.
* **Hegselmann & Krause (2002)**, JASSS 5(3). Synchronously, every agent takes the mean of
  all opinions within ``epsilon`` of its own (itself included, ``|x_j - x_i| <= epsilon``).
  The 1917 model moves each person towards the mean of their locale through the kernel; here
  the surrounding opinion is the mean ``m_i`` of the agent's confidence set and the step is
  the kernel with ``mu = 1``: ``x_i' = bounded_confidence(x_i, m_i, epsilon, 1.0) = m_i``
  (the gate always opens, because ``m_i`` is a mean of opinions within ``epsilon`` of
  ``x_i``, ``x_i`` among them).

Hegselmann-Krause on the complete graph keeps the order of opinions, so the opinions are
sorted once and each step finds every confidence set as a window of the sorted array with two
pointers and takes its mean from prefix sums: O(N) per step after an O(N log N) sort. A
sparse graph (``graph=(indptr, indices)``, CSR) costs O(edges) per step instead.

Random pairs for Deffuant come from the project's counter-based generator
(:mod:`antaeus.core.rng`): encounter ``t`` draws from the key (seed, STREAM_DEFFUANT, 0, t),
so a seed fixes the run bit for bit.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from antaeus.core import rng
from antaeus.mechanisms import influence

from . import ModelInputError
from .claims import Claim, Outcome

NAME = "bounded_confidence"
CITATION = ("Deffuant, Neau, Amblard & Weisbuch (2000) Adv. Complex Syst. 3:87-98; "
            "Hegselmann & Krause (2002) JASSS 5(3):2")

#: random stream of the Deffuant encounters (apart from the 1917 model's streams 1-4)
STREAM_DEFFUANT = 101


# ==========================================================================================
# Input checks
# ==========================================================================================
def _opinions(opinions) -> np.ndarray:
    x = np.array(opinions, dtype=np.float64, copy=True).reshape(-1)
    if x.size == 0:
        raise ModelInputError("opinions are empty", source="opinions", hint="pass at least one opinion")
    if not np.all(np.isfinite(x)):
        raise ModelInputError("opinions contain NaN or infinity", source="opinions",
                              hint="pass finite numbers (the papers use U[0,1])")
    return x


def _number(value, name: str, low: float, high: float = math.inf, *, low_open=False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ModelInputError(f"{name} must be a number, not {value!r}", source=name) from None
    if not math.isfinite(v) or v < low or v > high or (low_open and v == low):
        span = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
        raise ModelInputError(f"{name} must lie in {span}, not {value!r}", source=name)
    return v


def _count(value, name: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ModelInputError(f"{name} must be a whole number >= {low}, not {value!r}", source=name)
    return int(value)


# ==========================================================================================
# Hegselmann-Krause
# ==========================================================================================
@dataclass(frozen=True)
class HKRun:
    """A Hegselmann-Krause run: the final opinions (in the caller's agent order), the number of
    synchronous updates that changed an opinion, and whether the run stopped at a fixed point
    (rather than at ``max_steps``)."""
    opinions: np.ndarray
    steps: int
    converged: bool


@njit(cache=True)
def _hk_complete_step(x, prefix, out, epsilon):
    """One synchronous HK step on sorted opinions ``x``; returns True if anything moved."""
    n = x.size
    prefix[0] = 0.0
    for k in range(n):
        prefix[k + 1] = prefix[k] + x[k]
    lo = 0
    hi = 0
    moved = False
    for i in range(n):
        xi = x[i]
        while x[lo] < xi - epsilon:
            lo += 1
        if hi < i + 1:
            hi = i + 1
        while hi < n and x[hi] <= xi + epsilon:
            hi += 1
        if x[lo] == x[hi - 1]:
            m = x[lo]  # a settled cluster: its mean is its value, exactly
        else:
            m = (prefix[hi] - prefix[lo]) / (hi - lo)
            m = min(max(m, x[lo]), x[hi - 1])  # rounding never leaves the window
        out[i] = influence.bounded_confidence(xi, m, epsilon, 1.0) if epsilon > 0.0 else xi
        if out[i] != xi:
            moved = True
    return moved


@njit(cache=True)
def _hk_complete(x, perm, epsilon, max_steps):
    """Run HK on sorted ``x`` (agent ids ``perm``) in place; returns (steps, converged)."""
    n = x.size
    prefix = np.empty(n + 1)
    out = np.empty(n)
    steps = 0
    while steps < max_steps:
        if not _hk_complete_step(x, prefix, out, epsilon):
            return steps, True
        steps += 1
        ordered = True
        for k in range(1, n):
            if out[k] < out[k - 1]:
                ordered = False
                break
        if ordered:
            x[:] = out
        else:  # HK keeps the order; a rounding slip of one ulp is put back in order here
            order = np.argsort(out, kind="mergesort")
            x[:] = out[order]
            perm[:] = perm[order]
    # at max_steps: converged if one more step would change nothing
    return steps, not _hk_complete_step(x, prefix, out, epsilon)


@njit(cache=True)
def _hk_graph_step(x, out, indptr, indices, epsilon):
    n = x.size
    change = 0.0
    for i in range(n):
        xi = x[i]
        total = xi
        count = 1
        for e in range(indptr[i], indptr[i + 1]):
            xj = x[indices[e]]
            if abs(xj - xi) <= epsilon:
                total += xj
                count += 1
        m = total / count
        out[i] = influence.bounded_confidence(xi, m, epsilon, 1.0) if epsilon > 0.0 else xi
        change = max(change, abs(out[i] - xi))
    return change


@njit(cache=True)
def _hk_graph(x, indptr, indices, epsilon, max_steps, tol):
    out = np.empty_like(x)
    steps = 0
    while steps < max_steps:
        change = _hk_graph_step(x, out, indptr, indices, epsilon)
        if change <= tol:
            return steps, True
        x[:] = out
        steps += 1
    return steps, _hk_graph_step(x, out, indptr, indices, epsilon) <= tol


def hegselmann_krause_run(opinions, epsilon: float, max_steps: int = 1000, *, graph=None,
                          tol: float = 0.0) -> HKRun:
    """Hegselmann-Krause dynamics until no opinion moves (or ``max_steps``): see :class:`HKRun`.

    ``epsilon`` is the confidence bound (opinion units; the papers use opinions in [0, 1]).
    On the complete graph (``graph=None``) HK reaches a fixed point in finite time and the
    run stops there exactly (``tol`` is ignored). With ``graph=(indptr, indices)``, a
    symmetric adjacency in CSR form (see :func:`square_lattice`), each agent averages itself and
    its neighbours within ``epsilon``; convergence there may be asymptotic, so the run stops
    once no opinion moves by more than ``tol`` in a step.
    """
    x = _opinions(opinions)
    epsilon = _number(epsilon, "epsilon", 0.0)
    max_steps = _count(max_steps, "max_steps")
    tol = _number(tol, "tol", 0.0)
    if graph is None:
        perm = np.argsort(x, kind="mergesort")
        xs = x[perm]
        steps, converged = _hk_complete(xs, perm, epsilon, max_steps)
        final = np.empty_like(xs)
        final[perm] = xs
        return HKRun(final, int(steps), bool(converged))
    indptr, indices = _graph(graph, x.size)
    steps, converged = _hk_graph(x, indptr, indices, epsilon, max_steps, tol)
    return HKRun(x, int(steps), bool(converged))


def hegselmann_krause(opinions, epsilon: float, max_steps: int = 1000, *, graph=None,
                      tol: float = 0.0) -> np.ndarray:
    """Final opinions of synchronous Hegselmann-Krause dynamics (Hegselmann & Krause 2002).

    ``x_i(t+1)`` is the mean of all ``x_j(t)`` with ``|x_i(t) - x_j(t)| <= epsilon``, ``i``
    included. Stops at convergence or after ``max_steps`` synchronous updates; returns the
    opinions in the order given. Options as in :func:`hegselmann_krause_run`, which also
    reports the number of steps.
    """
    return hegselmann_krause_run(opinions, epsilon, max_steps, graph=graph, tol=tol).opinions


def _graph(graph, n: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        indptr, indices = (np.asarray(a, dtype=np.int64) for a in graph)
    except (TypeError, ValueError):
        raise ModelInputError("graph must be a pair (indptr, indices) of integer arrays (CSR)",
                              source="graph", hint="build one with square_lattice(side)") from None
    if indptr.shape != (n + 1,) or indptr[0] != 0 or np.any(np.diff(indptr) < 0) or indptr[-1] != indices.size \
            or (indices.size and (indices.min() < 0 or indices.max() >= n)):
        raise ModelInputError(f"graph is not a CSR adjacency of {n} agents", source="graph",
                              hint="indptr has n + 1 rising entries from 0 to len(indices); indices lie in [0, n)")
    return indptr, indices


def square_lattice(side: int) -> tuple[np.ndarray, np.ndarray]:
    """A periodic square lattice of ``side * side`` agents (four neighbours each, the finite
    average degree of Fortunato 2005) as CSR arrays ``(indptr, indices)`` for
    ``hegselmann_krause(..., graph=...)``; agent ``r * side + c`` sits at row r, column c."""
    side = _count(side, "side", 3)
    n = side * side
    r, c = np.divmod(np.arange(n), side)
    neighbours = np.stack([((r - 1) % side) * side + c, r * side + (c - 1) % side,
                           r * side + (c + 1) % side, ((r + 1) % side) * side + c], axis=1)
    return np.arange(0, 4 * n + 1, 4, dtype=np.int64), neighbours.reshape(-1).astype(np.int64)


# ==========================================================================================
# Deffuant
# ==========================================================================================
@njit(cache=True)
def _groups(x, epsilon, tol):
    """Split sorted opinions wherever consecutive ones lie ``epsilon`` or more apart: such groups
    never meet again. Returns (number of groups, True if every group is narrower than ``tol``,
    when nothing can move by more than ``tol`` again)."""
    y = np.sort(x)
    start = 0
    groups = 0
    frozen = True
    for k in range(1, y.size + 1):
        if k == y.size or y[k] - y[k - 1] >= epsilon:
            groups += 1
            if y[k - 1] - y[start] > tol:
                frozen = False
            start = k
    return groups, frozen


@njit(cache=True)
def _deffuant(x, epsilon, mu, start, steps, seed, tol, check_every):
    n = x.size
    for t in range(start, start + steps):
        if tol >= 0.0 and (t - start) % check_every == 0 and _groups(x, epsilon, tol)[1]:
            return t - start
        i = min(int(rng.uniform(seed, STREAM_DEFFUANT, 0, t, 0) * n), n - 1)
        j = min(int(rng.uniform(seed, STREAM_DEFFUANT, 0, t, 1) * (n - 1)), n - 2)
        if j >= i:
            j += 1
        xi = x[i]
        xj = x[j]
        x[i] = influence.bounded_confidence(xi, xj, epsilon, mu)
        x[j] = influence.bounded_confidence(xj, xi, epsilon, mu)
    return steps


@dataclass(frozen=True)
class DeffuantRun:
    """A Deffuant run: the final opinions and the number of pairwise encounters made (fewer
    than ``steps`` when ``tol`` stopped it at a frozen configuration)."""
    opinions: np.ndarray
    encounters: int


def deffuant_run(opinions, epsilon: float, mu: float, steps: int, seed: int, *,
                 tol: float | None = None, start: int = 0) -> DeffuantRun:
    """Deffuant dynamics over ``steps`` random pairwise encounters: see :func:`deffuant`.

    ``start`` numbers the first encounter: a run of ``a`` encounters continued with
    ``start=a`` for ``b`` more gives exactly the run of ``a + b`` encounters.
    """
    x = _opinions(opinions)
    epsilon = _number(epsilon, "epsilon", 0.0)
    mu = _number(mu, "mu", 0.0, 0.5)
    steps = _count(steps, "steps")
    seed = _count(seed, "seed")
    start = _count(start, "start")
    tol_value = -1.0 if tol is None else _number(tol, "tol", 0.0)
    if x.size < 2:
        return DeffuantRun(x, 0)
    made = _deffuant(x, epsilon, mu, start, steps, seed, tol_value, max(x.size, 1000))
    return DeffuantRun(x, int(made))


def deffuant(opinions, epsilon: float, mu: float, steps: int, seed: int, *,
             tol: float | None = None, start: int = 0) -> np.ndarray:
    """Final opinions after ``steps`` random pairwise encounters (Deffuant et al. 2000).

    Each encounter picks a uniformly random pair i != j; if ``|x_i - x_j| < epsilon`` both
    move ``mu`` (0 to 0.5) of the way towards the other, simultaneously. ``steps`` counts
    encounters (the paper's time unit; N encounters make one sweep). The run is a pure
    function of its arguments: ``seed`` keys the counter-based stream. With ``tol`` the run
    stops early once the opinions are frozen to within ``tol`` (every group of opinions
    within ``epsilon`` of each other is narrower than ``tol``, so no further encounter can
    move anyone by more than ``tol``); checked every max(N, 1000) encounters. ``start``
    continues a run from encounter number ``start`` (see :func:`deffuant_run`).
    """
    return deffuant_run(opinions, epsilon, mu, steps, seed, tol=tol, start=start).opinions


# ==========================================================================================
# Clusters
# ==========================================================================================
def clusters(opinions, tol: float = 1e-3) -> list[np.ndarray]:
    """Group final opinions into clusters: a list of 1-D arrays, one per cluster, ascending.

    Sorted opinions belong to the same cluster while consecutive ones lie within ``tol`` of
    each other (single linkage). Each array holds the cluster's opinions, sorted, so
    ``len(clusters(x))`` is the number of clusters, ``[c.mean() for c in clusters(x)]`` their
    centres and ``[c.size for c in clusters(x)]`` their sizes.
    """
    x = np.sort(_opinions(opinions))
    tol = _number(tol, "tol", 0.0)
    cuts = np.flatnonzero(np.diff(x) > tol) + 1
    return np.split(x, cuts)


def major_clusters(opinions, tol: float = 1e-3, share: float = 0.05) -> int:
    """The number of clusters holding at least ``share`` of the agents (mechanisms.md: 5%)."""
    x = _opinions(opinions)
    return sum(1 for c in clusters(x, tol) if c.size >= share * x.size)


def uniform_opinions(n: int, seed: int) -> np.ndarray:
    """``n`` opinions drawn from U(0,1), the papers' initial condition, from the project's
    counter-based generator (stream STREAM_DEFFUANT, day 1), so that a seed fixes them."""
    return rng.uniforms(_count(seed, "seed"), STREAM_DEFFUANT, 1, _count(n, "n", 1), 0)


# ==========================================================================================
# Published results (rows of ``antaeus validate``)
# ==========================================================================================
DEFFUANT_N = 1000
DEFFUANT_MU = 0.5                 # Lorenz's NetLogo models: pairs meet at their mean
DEFFUANT_ENCOUNTERS = 20_000_000  # a cap; runs stop once frozen to within DEFFUANT_TOL
DEFFUANT_TOL = 1e-6
HK_N = 625                        # Hegselmann & Krause's figures (a replication script)


@functools.lru_cache(maxsize=4096)
def _deffuant_final(epsilon: float, seed: int, n: int = DEFFUANT_N, mu: float = DEFFUANT_MU) -> DeffuantRun:
    """Run to a frozen configuration from U(0,1) opinions (cached: several claims share runs)."""
    return deffuant_run(uniform_opinions(n, seed), epsilon, mu, DEFFUANT_ENCOUNTERS, seed, tol=DEFFUANT_TOL)


@functools.lru_cache(maxsize=4096)
def _deffuant_split(epsilon: float, seed: int, n: int) -> tuple[bool, float]:
    """Whether a run from U(0,1) opinions ends in complete consensus, and the share of the
    largest group. Runs in sweeps of 2N encounters until either the opinions have split into
    groups ``epsilon`` or more apart (which never meet again: no consensus) or everyone is
    frozen into one group (consensus). Far cheaper than waiting for stragglers to settle."""
    x = uniform_opinions(n, seed)
    done = 0
    while done < DEFFUANT_ENCOUNTERS:
        x = deffuant(x, epsilon, DEFFUANT_MU, 2 * n, seed, start=done)
        done += 2 * n
        groups, frozen = _groups(x, epsilon, DEFFUANT_TOL)
        if groups > 1 or frozen:
            break
    y = np.sort(x)
    cuts = np.flatnonzero(np.diff(y) >= epsilon) + 1
    largest = max(part.size for part in np.split(y, cuts)) / n
    return groups == 1 and frozen, largest


def _hk_final(epsilon: float, seed: int, n: int = HK_N) -> HKRun:
    return hegselmann_krause_run(uniform_opinions(n, seed), epsilon, max_steps=100_000)


def _median(values) -> float:
    return float(np.median(np.asarray(values, dtype=float)))


def _consensus(x: np.ndarray, tol: float = 1e-3) -> bool:
    return float(x.max() - x.min()) <= tol


def _check_deffuant_half_rule(seeds: int) -> Outcome:
    rows, ok = [], True
    for eps in (0.5, 0.3, 0.25, 0.2, 0.15, 0.1):
        med, rule = _median([major_clusters(_deffuant_final(eps, s).opinions) for s in range(seeds)]), \
            math.floor(1 / (2 * eps))
        ok &= abs(med - rule) <= 1
        rows.append(f"eps {eps}: {med:g} vs {rule}")
    return Outcome("median major clusters vs the rule: " + "; ".join(rows), bool(ok))


def _check_deffuant_table(seeds: int) -> Outcome:
    expected = {0.5: 1, 0.3: 1, 0.25: 2, 0.2: 2, 0.15: 3, 0.1: 4}
    rows, ok = [], True
    for eps, want in expected.items():
        counts = [major_clusters(_deffuant_final(eps, s).opinions) for s in range(seeds)]
        ok &= _median(counts) == want
        rows.append(f"eps {eps}: {_median(counts):g} ({min(counts)}-{max(counts)})")
    return Outcome("median (range) of major clusters: " + "; ".join(rows), bool(ok))


def _check_deffuant_half(seeds: int) -> Outcome:
    above = {n: sum(_deffuant_split(0.55, s, n)[0] for s in range(seeds)) for n in (1000, 10_000)}
    below = {n: sum(_deffuant_split(0.45, s, n)[0] for s in range(seeds)) for n in (100, 1000, 10_000)}
    ok = all(k == seeds for k in above.values()) and below[100] >= below[1000] >= below[10_000] \
        and below[10_000] <= 0.1 * seeds
    return Outcome(f"complete consensus at eps 0.55: {above[1000]}/{seeds} (N=1000), {above[10_000]}/{seeds} "
                   f"(N=10000); at eps 0.45: " + ", ".join(f"{k}/{seeds} (N={n})" for n, k in below.items()), ok)


def _check_deffuant_bifurcation(seeds: int) -> Outcome:
    grid = (0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.30)
    one = {eps: sum(major_clusters(_deffuant_final(eps, s).opinions) == 1 for s in range(seeds)) / seeds
           for eps in grid}
    crossing = next((eps for eps in grid if one[eps] >= 0.5), math.nan)
    split = [_deffuant_split(0.3, s, 10_000) for s in range(seeds)]
    side = sum(not consensus for consensus, _ in split)
    largest = min(share for _, share in split)
    ok = 0.25 <= crossing <= 0.29 and one[0.3] >= 0.9 and side >= 0.9 * seeds and largest >= 0.9
    return Outcome(f"one major cluster in half the seeds from eps {crossing:g} (N=1000; 2 major at 0.24 in "
                   f"{1 - one[0.24]:.0%}); at eps 0.3, N=10000: minor side groups split off in {side}/{seeds}, "
                   f"the major one keeping >= {largest:.1%}", ok)


def _check_deffuant_mean(seeds: int) -> Outcome:
    worst = 0.0
    for s in range(seeds):
        x0 = uniform_opinions(DEFFUANT_N, s)
        worst = max(worst, abs(deffuant(x0, 0.2, 0.3, 200_000, s).mean() - x0.mean()))
    return Outcome(f"largest change of the mean over {seeds} runs: {worst:.1e}", bool(worst < 1e-12))


def _settling_time(epsilon: float, mu: float, seed: int, n: int = DEFFUANT_N) -> int:
    """Encounters until 95% of agents lie within 0.01 of their final opinion (a convergence
    time that a straggler or two left to meet at random does not dominate)."""
    final = _deffuant_final(epsilon, seed, n, mu).opinions
    x, done = uniform_opinions(n, seed), 0
    while np.mean(np.abs(x - final) < 0.01) < 0.95:
        x = deffuant(x, epsilon, mu, n, seed, start=done)
        done += n
    return done


def _check_deffuant_mu(seeds: int) -> Outcome:
    rows, ok = [], True
    for eps in (0.25, 0.15):
        majors = {mu: _median([major_clusters(_deffuant_final(eps, s, mu=mu).opinions) for s in range(seeds)])
                  for mu in (0.5, 0.1)}
        times = {mu: _median([_settling_time(eps, mu, s) for s in range(seeds)]) for mu in (0.5, 0.1)}
        ok &= majors[0.5] == majors[0.1] and times[0.1] > 1.5 * times[0.5]
        rows.append(f"eps {eps}: major clusters {majors[0.5]:g} vs {majors[0.1]:g}, "
                    f"settling {times[0.5]:.2g} vs {times[0.1]:.2g} encounters")
    return Outcome("mu 0.5 vs 0.1: " + "; ".join(rows), bool(ok))


def _consensus_crossing(n: int, seeds: int, grid) -> float:
    for eps in grid:
        if sum(_consensus(_hk_final(eps, s, n).opinions) for s in range(seeds)) >= 0.5 * seeds:
            return eps
    return math.nan


def _check_hk_threshold(seeds: int) -> Outcome:
    grid = [round(e, 2) for e in np.arange(0.17, 0.2801, 0.01)]
    crossing = {n: _consensus_crossing(n, seeds, grid) for n in (625, 2500, 10_000)}
    ok = crossing[625] >= crossing[2500] >= crossing[10_000] and 0.19 <= crossing[10_000] <= 0.22
    return Outcome("consensus in half the seeds from eps " + ", ".join(f"{e:g} (n={n})" for n, e in crossing.items()),
                   bool(ok))


def _check_hk_sparse(seeds: int) -> Outcome:
    side = 30
    share = {}
    for eps in (0.3, 0.45, 0.55):
        runs = [hegselmann_krause_run(uniform_opinions(side * side, s), eps, max_steps=50_000,
                                      graph=square_lattice(side), tol=1e-9) for s in range(seeds)]
        share[eps] = sum(r.converged and _consensus(r.opinions) for r in runs) / seeds
    ok = share[0.55] >= 0.9 and share[0.45] <= 0.2 and share[0.3] == 0.0
    return Outcome(f"consensus on a 30x30 periodic lattice: {share[0.3]:.0%} at eps 0.3, {share[0.45]:.0%} "
                   f"at 0.45, {share[0.55]:.0%} at 0.55", bool(ok))


def _check_hk_figures(seeds: int) -> Outcome:
    ranges = {0.01: (36, 43), 0.05: (6, 11), 0.15: (2, 3), 0.25: (1, 1)}
    rows, ok = [], True
    for eps, (lo, hi) in ranges.items():
        counts = [len(clusters(_hk_final(eps, s).opinions)) for s in range(seeds)]
        q05, q95 = np.quantile(counts, [0.05, 0.95])
        ok &= lo - 2 <= q05 and q95 <= hi + 2 and lo <= _median(counts) <= hi
        rows.append(f"eps {eps}: {min(counts)}-{max(counts)} (median {_median(counts):g})")
    consensus = sum(_consensus(_hk_final(0.25, s).opinions) for s in range(seeds))
    never = sum(_consensus(_hk_final(0.15, s).opinions) for s in range(seeds))
    ok &= consensus >= 0.95 * seeds and never == 0
    return Outcome("clusters: " + "; ".join(rows) + f"; consensus {consensus}/{seeds} at 0.25, {never}/{seeds} at 0.15",
                   bool(ok))


def _check_hk_steps(seeds: int) -> Outcome:
    grid = (0.1, 0.15, 0.2, 0.21, 0.22, 0.23, 0.24, 0.25, 0.3)
    runs = {eps: [_hk_final(eps, s) for s in range(seeds)] for eps in grid}
    done = all(r.converged for rs in runs.values() for r in rs)
    mean = {eps: float(np.mean([r.steps for r in rs])) for eps, rs in runs.items()}
    peak = max(mean, key=mean.get)
    ok = done and 0.2 <= peak <= 0.26 and mean[peak] >= 3 * max(mean[0.1], mean[0.3])
    rows = ", ".join(f"{eps}: {m:.0f}" for eps, m in mean.items())
    return Outcome(f"every run at a fixed point: {done}; mean steps {rows} (peak at {peak}, "
                   f"max {max(r.steps for r in runs[0.25])} at 0.25)", bool(ok))


def _check_hk_mean(seeds: int) -> Outcome:
    drift = [abs(_hk_final(0.15, s).opinions.mean() - uniform_opinions(HK_N, s).mean()) for s in range(seeds)]
    moved = sum(d > 1e-9 for d in drift)
    # the check passes when the non-reproduction is confirmed: the mean moves far beyond rounding
    return Outcome(f"does not hold: the mean moved by more than 1e-9 in {moved}/{seeds} runs "
                   f"(median {_median(drift):.1e}; eps 0.15, n=625)", bool(moved >= 0.5 * seeds))


CLAIMS: list[Claim] = [
    Claim("deffuant", "complete consensus requires eps > 1/2",
          "Fortunato (2004) cond-mat/0406054 abstract; Lanchier, 'The critical value of the Deffuant "
          "model equals one half' (on Z)", "SRC",
          "consensus in every seed at eps 0.55; below 1/2 (eps 0.45) the consensus share falls as N grows, "
          "<= 10% at N=10000", _check_deffuant_half),
    Claim("deffuant", "one major cluster from eps ~0.27, with minor extremist clusters; periodic bifurcations",
          "Ben-Naim, Krapivsky & Redner (2003) Physica D 183:190 abstract (Delta_c ~ 1.87, i.e. eps ~ 0.267, "
          "UNVERIFIED)", "SRC",
          "1 -> 2 major clusters as eps falls through 0.25-0.29; at eps 0.3 minor side clusters beside the one "
          "major cluster (N=10000: >= 90% of seeds)", _check_deffuant_bifurcation),
    Claim("deffuant", "number of major clusters ~ floor(1/(2 eps))",
          "Deffuant et al. (2000), as commonly quoted (mechanisms.md 4.1)", "UNVERIFIED",
          "median major clusters (>= 5% of agents) within 1 of floor(1/(2 eps)) for eps 0.1-0.5 (N=1000, mu=0.5)",
          _check_deffuant_half_rule),
    Claim("deffuant", "mu changes the convergence time, not the final configuration",
          "Deffuant et al. (2000), as commonly quoted (mechanisms.md 4.1)", "UNVERIFIED",
          "same median number of major clusters at mu 0.1 and 0.5 (eps 0.25, 0.15); settling takes > 1.5x "
          "longer at mu 0.1", _check_deffuant_mu),
    Claim("deffuant", "major clusters by eps (N=1000, mu=0.5)", "mechanisms.md 4.1 independent runs", "CALC",
          "median 1, 1, 2, 2, 3, 4 at eps 0.5, 0.3, 0.25, 0.2, 0.15, 0.1", _check_deffuant_table),
    Claim("deffuant", "the mean opinion is conserved (symmetric pairs)", "mechanisms.md 4.2 checks", "CALC",
          "|change of the mean| < 1e-12", _check_deffuant_mean),
    Claim("hegselmann_krause", "consensus threshold eps_c ~ 0.2 on the complete graph",
          "Fortunato (2005) IJMPC 16(2), cond-mat/0408648 abstract", "SRC",
          "the eps where half the seeds reach consensus falls with n, to 0.19-0.22 at n=10000",
          _check_hk_threshold),
    Claim("hegselmann_krause", "with finite average degree eps_c = 1/2",
          "Fortunato (2005) IJMPC 16(2), cond-mat/0408648 abstract", "SRC",
          "on a periodic square lattice (degree 4): consensus in >= 90% of seeds at eps 0.55, <= 20% at 0.45, "
          "none at 0.3", _check_hk_sparse),
    Claim("hegselmann_krause", "fragmentation, polarisation, consensus at eps 0.01 / 0.15 / 0.25 (n=625)",
          "Hegselmann & Krause (2002) figures (UNVERIFIED; a replication script); mechanisms.md 4.2 runs", "CALC",
          "clusters 36-43 at eps 0.01, 6-11 at 0.05, 2-3 at 0.15, 1 at 0.25 (medians in range, 5-95% within 2); "
          "consensus in >= 95% of seeds at 0.25, never at 0.15", _check_hk_figures),
    Claim("hegselmann_krause", "converges in finite time, slowly near the consensus transition",
          "Hegselmann & Krause (2002); mechanisms.md 4.2 runs (77-85 steps at eps 0.21-0.22, ~10 elsewhere)",
          "CALC", "every run reaches a fixed point; mean steps peak between eps 0.2 and 0.26 at >= 3x those at "
          "0.1 and 0.3 (the CALC figures 77-85 at 0.21-0.22 are not matched: here the peak, ~40, is at 0.23-0.24)",
          _check_hk_steps),
    Claim("hegselmann_krause", "the mean opinion stays constant to machine precision",
          "mechanisms.md 4.2 checks (no published source)", "CALC",
          "does not hold: the HK average is row- but not column-stochastic, so the mean drifts",
          _check_hk_mean, reproduces=False),
]
