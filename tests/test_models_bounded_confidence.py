"""Deffuant et al. (2000) and Hegselmann-Krause (2002): the rules against plain reference
implementations (exact), then the published results over many seeds (statistical).

The published results and their labels are in ../shared/research/mechanisms.md section 4.
Runs that take more than a few seconds are marked ``statistical`` (make test-statistical).
"""
from __future__ import annotations

import numpy as np
import pytest

from antaeus.core import rng
from antaeus.mechanisms import influence
from antaeus.models import ModelInputError
from antaeus.models import bounded_confidence as bc
from antaeus.models.bounded_confidence import (clusters, deffuant, deffuant_run, hegselmann_krause,
                                               hegselmann_krause_run, major_clusters, square_lattice,
                                               uniform_opinions)


# ------------------------------------------------------------------------------------------
# Plain reference implementations, straight from the papers' formulas
# ------------------------------------------------------------------------------------------
def hk_reference(x, epsilon, max_steps=10_000):
    """O(N^2) synchronous HK: x_i <- mean{x_j : |x_i - x_j| <= epsilon}; stops when nothing moves."""
    x = np.array(x, dtype=float)
    for step in range(max_steps):
        near = np.abs(x[:, None] - x[None, :]) <= epsilon
        new = (near @ x) / near.sum(axis=1)
        if np.allclose(new, x, rtol=0, atol=1e-13):
            return x, step
        x = new
    return x, max_steps


def deffuant_reference(x, epsilon, mu, steps, seed):
    """One encounter at a time in plain Python, with the same counter-based draws."""
    x = np.array(x, dtype=float)
    n = x.size
    for t in range(steps):
        i = min(int(rng.uniform(seed, bc.STREAM_DEFFUANT, 0, t, 0) * n), n - 1)
        j = min(int(rng.uniform(seed, bc.STREAM_DEFFUANT, 0, t, 1) * (n - 1)), n - 2)
        j += j >= i
        if abs(x[i] - x[j]) < epsilon:
            x[i], x[j] = x[i] + mu * (x[j] - x[i]), x[j] + mu * (x[i] - x[j])
    return x


# ------------------------------------------------------------------------------------------
# Hegselmann-Krause: the rule
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("epsilon", [0.02, 0.08, 0.15, 0.22, 0.3])
def test_hk_matches_the_quadratic_reference(epsilon):
    for seed in range(4):
        x0 = np.random.default_rng(seed).uniform(0, 1, 300)
        run = hegselmann_krause_run(x0, epsilon)
        expected, steps = hk_reference(x0, epsilon)
        assert run.converged and run.steps == steps
        np.testing.assert_allclose(run.opinions, expected, rtol=0, atol=1e-12)  # same agent order


def test_hk_stops_at_an_exact_fixed_point():
    for seed in range(5):
        run = hegselmann_krause_run(uniform_opinions(625, seed), 0.12)
        again = hegselmann_krause_run(run.opinions, 0.12)
        assert run.converged and again.steps == 0 and np.array_equal(again.opinions, run.opinions)


def test_hk_keeps_the_order_of_opinions():
    x0 = uniform_opinions(2000, 3)
    final = hegselmann_krause(x0, 0.07)
    order = np.argsort(x0, kind="stable")
    assert np.all(np.diff(final[order]) >= 0)


def test_hk_limits():
    x0 = uniform_opinions(500, 1)
    assert np.array_equal(hegselmann_krause(x0, 0.0), x0)           # nobody listens to anyone
    whole = hegselmann_krause_run(x0, 1.0)                          # everyone listens to everyone
    assert whole.steps == 1 and np.allclose(whole.opinions, x0.mean(), atol=1e-14)
    capped = hegselmann_krause_run(x0, 0.2, max_steps=2)
    assert capped.steps == 2 and not capped.converged


def test_hk_step_is_the_1917_kernel_towards_the_confidence_set_mean():
    """x_i' = bounded_confidence(x_i, m_i, epsilon, 1): the kernel's gate never shuts, since m_i
    is a mean of opinions within epsilon of x_i."""
    x0 = np.sort(uniform_opinions(200, 5))
    eps = 0.1
    near = np.abs(x0[:, None] - x0[None, :]) <= eps
    m = (near @ x0) / near.sum(axis=1)
    one = hegselmann_krause_run(x0, eps, max_steps=1).opinions
    kernel = np.array([influence.bounded_confidence.py_func(a, b, eps, 1.0) for a, b in zip(x0, m)])
    np.testing.assert_allclose(one, kernel, rtol=0, atol=1e-14)


def test_hk_on_a_graph_equals_the_complete_graph_when_the_graph_is_complete():
    n = 150
    x0 = uniform_opinions(n, 9)
    indices = np.array([j for i in range(n) for j in range(n) if j != i])
    indptr = np.arange(0, n * (n - 1) + 1, n - 1)
    on_graph = hegselmann_krause_run(x0, 0.18, graph=(indptr, indices), tol=1e-13)
    complete = hegselmann_krause_run(x0, 0.18)
    assert on_graph.converged
    np.testing.assert_allclose(on_graph.opinions, complete.opinions, rtol=0, atol=1e-9)


def test_square_lattice():
    indptr, indices = square_lattice(5)
    assert indptr.size == 26 and np.all(np.diff(indptr) == 4)
    pairs = {(i, int(j)) for i in range(25) for j in indices[indptr[i]:indptr[i + 1]]}
    assert all((j, i) in pairs for i, j in pairs) and all(i != j for i, j in pairs)
    assert {int(j) for j in indices[indptr[0]:indptr[1]]} == {1, 4, 5, 20}  # wraps around


# ------------------------------------------------------------------------------------------
# Deffuant: the rule
# ------------------------------------------------------------------------------------------
def test_deffuant_matches_the_reference_encounter_by_encounter():
    x0 = uniform_opinions(60, 2)
    for eps, mu in [(0.2, 0.5), (0.35, 0.3), (0.1, 0.1)]:
        np.testing.assert_allclose(deffuant(x0, eps, mu, 3000, 7), deffuant_reference(x0, eps, mu, 3000, 7),
                                   rtol=0, atol=1e-15)


def test_deffuant_encounter_is_the_1917_kernel():
    x0 = np.array([0.2, 0.5])
    for eps, mu in [(0.31, 0.5), (0.31, 0.2), (0.3, 0.5), (0.29, 0.5)]:
        out = deffuant(x0, eps, mu, 1, 0)
        expected = [influence.bounded_confidence.py_func(0.2, 0.5, eps, mu),
                    influence.bounded_confidence.py_func(0.5, 0.2, eps, mu)]
        np.testing.assert_array_equal(out, expected)
    np.testing.assert_allclose(deffuant(x0, 0.3 + 1e-12, 0.5, 1, 0), [0.35, 0.35], rtol=0, atol=1e-15)
    assert np.array_equal(deffuant(x0, 0.29, 0.5, 1, 0), x0)  # |gap| >= epsilon: no move (strict <)


def test_deffuant_is_reproducible_and_continues_exactly():
    x0 = uniform_opinions(500, 4)
    a = deffuant(x0, 0.25, 0.5, 20_000, 11)
    assert np.array_equal(a, deffuant(x0, 0.25, 0.5, 20_000, 11))
    assert not np.array_equal(a, deffuant(x0, 0.25, 0.5, 20_000, 12))
    half = deffuant(x0, 0.25, 0.5, 7_000, 11)
    assert np.array_equal(a, deffuant(half, 0.25, 0.5, 13_000, 11, start=7_000))
    assert np.array_equal(x0, uniform_opinions(500, 4))  # the input is not changed


def test_deffuant_conserves_the_mean():
    for seed in range(5):
        x0 = uniform_opinions(1000, seed)
        assert abs(deffuant(x0, 0.2, 0.3, 100_000, seed).mean() - x0.mean()) < 1e-13


def test_deffuant_stops_only_when_frozen():
    x0 = uniform_opinions(1000, 6)
    run = deffuant_run(x0, 0.25, 0.5, 20_000_000, 6, tol=1e-6)
    assert run.encounters < 20_000_000
    later = deffuant(run.opinions, 0.25, 0.5, 500_000, 6, start=run.encounters)
    assert np.abs(later - run.opinions).max() <= 1e-6
    assert len(clusters(later, 1e-3)) == len(clusters(run.opinions, 1e-3))


def test_deffuant_limits():
    x0 = uniform_opinions(100, 0)
    assert np.array_equal(deffuant(x0, 0.3, 0.0, 5000, 0), x0)
    assert np.array_equal(deffuant(x0, 0.0, 0.5, 5000, 0), x0)
    assert np.array_equal(deffuant(x0, 0.3, 0.5, 0, 0), x0)
    assert np.array_equal(deffuant([0.4], 0.3, 0.5, 10, 0), [0.4])


# ------------------------------------------------------------------------------------------
# Clusters
# ------------------------------------------------------------------------------------------
def test_clusters_are_sorted_groups_within_tol():
    found = clusters([0.9, 0.1, 0.1005, 0.5, 0.9002, 0.1002], tol=1e-3)
    assert [c.size for c in found] == [3, 1, 2]
    assert [round(c.mean(), 4) for c in found] == [0.1002, 0.5, 0.9001]
    assert all(np.all(np.diff(c) >= 0) for c in found)
    assert len(clusters([0.1, 0.1005], tol=1e-4)) == 2
    assert major_clusters([0.1] * 19 + [0.5] + [0.9] * 80, share=0.05) == 2


@pytest.mark.parametrize("call", [
    lambda: hegselmann_krause([0.1, float("nan")], 0.1),
    lambda: hegselmann_krause([], 0.1),
    lambda: hegselmann_krause([0.1, 0.2], -0.1),
    lambda: hegselmann_krause([0.1, 0.2], 0.1, max_steps=-1),
    lambda: hegselmann_krause([0.1, 0.2], 0.1, graph=(np.array([0, 1]), np.array([0]))),
    lambda: deffuant([0.1, 0.2], 0.1, 0.6, 10, 0),
    lambda: deffuant([0.1, 0.2], 0.1, 0.5, 10.5, 0),
    lambda: deffuant([0.1, 0.2], 0.1, 0.5, 10, -1),
    lambda: clusters([0.1], tol=-1),
    lambda: square_lattice(2),
])
def test_bad_input_is_an_input_error(call):
    with pytest.raises(ModelInputError):
        call()


# ------------------------------------------------------------------------------------------
# Published results, statistically
# ------------------------------------------------------------------------------------------
def test_hk_canonical_figures_over_seeds():
    """n = 625: fragmentation at 0.01, polarisation at 0.15, consensus at 0.25 (mechanisms.md 4.2)."""
    seeds = range(20)
    counts = {eps: [len(clusters(hegselmann_krause(uniform_opinions(625, s), eps))) for s in seeds]
              for eps in (0.01, 0.15, 0.25)}
    assert 34 <= np.quantile(counts[0.01], 0.05) and np.quantile(counts[0.01], 0.95) <= 45
    assert set(counts[0.15]) <= {2, 3}         # never consensus
    assert counts[0.25].count(1) >= 19          # consensus in >= 95% of seeds


def test_hk_consensus_threshold_falls_towards_a_fifth_with_n():
    seeds = range(10)

    def share(eps, n):
        return np.mean([np.ptp(hegselmann_krause(uniform_opinions(n, s), eps)) < 1e-3 for s in seeds])

    assert share(0.17, 10_000) == 0.0 and share(0.24, 10_000) == 1.0
    assert share(0.21, 625) <= share(0.21, 10_000)


def test_deffuant_major_clusters_over_seeds():
    """N = 1000, mu = 0.5: 1 major cluster at 0.3, 2 at 0.25, 3 at 0.15 (medians over 10 seeds)."""
    for eps, want in ((0.3, 1), (0.25, 2), (0.15, 3)):
        counts = [major_clusters(bc._deffuant_final(eps, s).opinions) for s in range(10)]
        assert np.median(counts) == want and max(counts) - min(counts) <= 1


def test_deffuant_consensus_above_one_half():
    assert all(bc._deffuant_split(0.55, s, 1000)[0] for s in range(10))
    assert sum(bc._deffuant_split(0.45, s, 1000)[0] for s in range(10)) <= 7


@pytest.mark.statistical
@pytest.mark.parametrize("claim", bc.CLAIMS, ids=lambda c: f"{c.model}: {c.claim}"[:60])
def test_every_claim_passes_over_many_seeds(claim):
    for seeds in (20, 40):
        outcome = claim.check(seeds)
        assert outcome.passed, (seeds, outcome.observed)


def test_the_hk_mean_claim_is_marked_as_not_reproducing():
    marked = [c for c in bc.CLAIMS if not c.reproduces]
    assert [c.claim for c in marked] == ["the mean opinion stays constant to machine precision"]
