"""Granovetter (1978) and Kuran (1989, 1991) threshold models: exact tests (both are deterministic).

The published examples come from ../shared/research/mechanisms.md sections 2 and 3; the
equivalence with the 1917 model's Granovetter term is checked on the 1917 kernel itself
(:func:`antaeus.mechanisms.mobilisation.is_active`).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit

from antaeus.mechanisms import mobilisation
from antaeus.models import ModelInputError, granovetter, kuran
from antaeus.models.granovetter import cascade, trajectory
from antaeus.models.kuran import EXAMPLE, equilibrium
from antaeus.scenario import ScenarioError


# ------------------------------------------------------------------------------------------
# Granovetter: the published examples
# ------------------------------------------------------------------------------------------
def test_uniform_thresholds_make_a_domino_effect():
    assert cascade(np.arange(100)) == 100
    assert cascade(list(range(100))) == 100
    assert trajectory(np.arange(100)) == list(range(101))


def test_removing_the_threshold_one_agent_stops_the_riot_at_the_instigator():
    thresholds = np.arange(100)
    thresholds[1] = 2
    assert cascade(thresholds) == 1
    assert trajectory(thresholds) == [0, 1]


def test_the_same_examples_as_fractions_of_the_population():
    assert cascade(np.arange(100) / 100) == 100
    perturbed = np.arange(100) / 100
    perturbed[1] = 0.02
    assert cascade(perturbed) == 1


def test_normal_thresholds_have_granovetters_critical_sigma():
    sd = granovetter.critical_sd(25.0, 100.0)
    assert sd == pytest.approx(12.2, abs=0.05)
    # the tangency is where the iterated map jumps from a few to nearly everyone
    assert granovetter.normal_equilibrium(25.0, sd - 0.01) < 10 < 99 < granovetter.normal_equilibrium(25.0, sd + 0.01)


def test_the_miscoded_cdf_explains_the_notebook_value():
    """mechanisms.md: erf(x / (sigma sqrt(pi))) instead of erf(x / (sigma sqrt(2))) gives 0.098
    (as a share of N = 100): the wrong CDF is the CDF of a normal with sd sigma sqrt(pi/2)."""
    assert granovetter.critical_sd(25.0, 100.0) / math.sqrt(math.pi / 2) / 100 == pytest.approx(0.098, abs=0.001)


def test_the_cascade_stops_at_the_smallest_fixed_point_and_never_falls():
    gen = np.random.default_rng(7)
    for _ in range(300):
        n = int(gen.integers(1, 80))
        thresholds = gen.integers(0, n + 1, n)
        F = np.array([(thresholds <= r).sum() for r in range(n + 1)])
        smallest = int(np.flatnonzero(F == np.arange(n + 1))[0])
        path = trajectory(thresholds)
        assert cascade(thresholds) == smallest == path[-1]
        assert all(b > a for a, b in zip(path, path[1:]))


def test_counts_and_fractions_agree():
    gen = np.random.default_rng(11)
    for _ in range(200):
        n = int(gen.integers(1, 200))
        counts = gen.integers(0, n + 1, n)
        assert cascade(counts) == cascade(counts / n, kind="fraction") == cascade(counts.astype(float), kind="count")


# ------------------------------------------------------------------------------------------
# Granovetter: counts or fractions, and bad input
# ------------------------------------------------------------------------------------------
def test_auto_reads_integers_as_counts_and_unit_floats_as_fractions():
    _, kind = granovetter.as_thresholds(np.array([0, 1, 5]))
    assert kind == "count"
    _, kind = granovetter.as_thresholds([0.0, 0.5, 1.0])
    assert kind == "fraction"
    # the same numbers mean different things: three people needing 0, 1 and 1 others ...
    assert cascade([0, 1, 1]) == 3
    # ... or needing none, all, and all of the group
    assert cascade([0.0, 1.0, 1.0]) == 1
    assert cascade([0.0, 0.5]) == 2  # 1 of 2 acting is half the group


def test_floats_above_one_must_say_what_they_are():
    with pytest.raises(ModelInputError, match="kind='count'"):
        cascade([0.0, 2.5, 3.0])
    assert cascade([0.0, 0.5, 2.5], kind="count") == 2
    assert cascade([0.0, 1.0, 1.5], kind="count") == 3


def test_explicit_kinds_allow_people_who_act_alone_and_people_who_never_act():
    with pytest.raises(ModelInputError):
        cascade(np.array([-1, 1, 2]))
    assert cascade(np.array([-1, 1, 2]), kind="count") == 3
    assert cascade([0.0, 0.1, 1.7], kind="fraction") == 2


def test_strict_thresholds_need_more_than_the_threshold():
    assert cascade(np.arange(100), strict=True) == 0  # nobody acts when nobody else does
    assert cascade(np.arange(100) - 0.5, kind="count", strict=True) == 100


@pytest.mark.parametrize("bad, kind", [([0, float("nan")], "auto"), (["a", "b"], "auto"), ([True, False], "auto"),
                                       ([0, 1], "counts")])
def test_bad_thresholds_are_input_errors(bad, kind):
    with pytest.raises(ModelInputError) as err:
        cascade(bad, kind=kind)
    assert isinstance(err.value, ScenarioError) and isinstance(err.value, ValueError)


def test_no_one_means_no_one_acts():
    assert cascade([]) == 0
    assert trajectory([]) == [0]


def test_a_million_thresholds_cascade_quickly():
    import time
    start = time.perf_counter()
    assert cascade(np.arange(1_000_000)) == 1_000_000  # a million steps of the map
    assert time.perf_counter() - start < 5.0


# ------------------------------------------------------------------------------------------
# The 1917 model's Granovetter term
# ------------------------------------------------------------------------------------------
@njit
def _settle_1917(grievance, risk, p_arrest, threshold, cascade_weight):
    """The 1917 kernel's mobilisation rule on one locale, synchronously from nobody active:
    active today iff is_active(G, R, P, T - c * yesterday's active share)."""
    n = grievance.size
    active = 0
    while True:
        share = active / n
        now = 0
        for i in range(n):
            if mobilisation.is_active(grievance[i], risk[i], p_arrest, threshold[i] - cascade_weight * share):
                now += 1
        if now == active:
            return active
        active = now


def test_the_1917_rule_is_a_strict_granovetter_cascade():
    """With P fixed, the 1917 activation rule settles exactly where Granovetter's cascade over
    the converted thresholds does (strict inequality, fractions of the locale)."""
    gen = np.random.default_rng(1917)
    checked = 0
    for _ in range(200):
        n = int(gen.integers(20, 400))
        grievance = gen.uniform(0.0, 1.0, n)
        risk = gen.uniform(0.0, 1.0, n)
        p_arrest = float(gen.uniform(0.0, 0.5))
        threshold = gen.normal(gen.uniform(0.0, 0.6), 0.2, n)
        weight = float(gen.uniform(0.2, 2.0))
        theta = granovetter.activation_thresholds(grievance, risk, p_arrest, threshold, weight)
        expected = _settle_1917(grievance, risk, p_arrest, threshold, weight)
        assert cascade(theta, kind="fraction", strict=True) == expected
        checked += 0 < expected < n
    assert checked > 20  # enough locales stop part way, where the rule matters


def test_activation_thresholds_need_a_cascade_term():
    with pytest.raises(ModelInputError):
        granovetter.activation_thresholds([0.5], [0.1], 0.2, [0.1], 0.0)


# ------------------------------------------------------------------------------------------
# Kuran
# ------------------------------------------------------------------------------------------
def test_kurans_worked_example():
    assert equilibrium(EXAMPLE) == 10.0
    sparked = list(EXAMPLE)
    sparked[1] = 10
    assert equilibrium(sparked) == 90.0  # the threshold-100 person never joins


def test_hysteresis_two_starts_two_equilibria():
    assert equilibrium(EXAMPLE, start=0.0) == 10.0
    assert equilibrium(EXAMPLE, start=90.0) == 90.0  # person 2 back at 20 after the cascade
    # from anywhere at or above 20 the bandwagon runs up; below it falls back to 10
    assert [equilibrium(EXAMPLE, start=s) for s in (5, 15, 19.9, 20, 55, 100)] == [10, 10, 10, 90, 90, 100]


def test_kuran_on_a_unit_scale():
    assert equilibrium(np.array(EXAMPLE) / 100, scale=1.0) == pytest.approx(0.1)
    assert equilibrium(np.array(EXAMPLE) / 100, start=0.9, scale=1.0) == pytest.approx(0.9)


def test_equilibrium_is_a_fixed_point_reached_in_the_direction_of_travel():
    gen = np.random.default_rng(1989)
    for _ in range(200):
        n = int(gen.integers(1, 60))
        t = gen.uniform(-10, 110, n)
        start = float(gen.uniform(0, 100))
        s = equilibrium(t, start)
        assert 100 * np.mean(t <= s) == pytest.approx(s)  # S* = 100 F(S*)
        first = 100 * np.mean(t <= start)
        grid = np.arange(n + 1) * 100 / n
        fixed = grid[np.isclose(100 * (t[:, None] <= grid).mean(axis=0), grid)]
        if first >= start:  # upwards: the smallest equilibrium at or above start
            assert s == pytest.approx(fixed[fixed >= start].min())
        else:  # downwards: the largest equilibrium at or below start
            assert s == pytest.approx(fixed[fixed <= start].max())


def test_kuran_thresholds_follow_from_the_utilities():
    """T_i is the smallest S at which opposing publicly pays: R(100,S) + E(100,x) >= R(0,S) + E(0,x)."""
    gen = np.random.default_rng(3)
    x, w, rho = gen.uniform(0, 100, 50), gen.uniform(0, 2, 50), 1.3
    t = kuran.thresholds(x, w, rho)
    S = np.linspace(0, 100, 100_001)
    for xi, wi, ti in zip(x, w, t):
        gain = rho * S / 100 - wi * abs(100 - xi) / 100 - (rho * (100 - S) / 100 - wi * abs(0 - xi) / 100)
        pays = S[gain >= -1e-12]
        if 0 <= ti <= 100:
            assert pays.min() == pytest.approx(ti, abs=2e-3)
        elif ti < 0:
            assert pays.min() == 0
        else:
            assert pays.size == 0


@pytest.mark.parametrize("kwargs", [dict(start=-1), dict(start=101), dict(start=float("nan")), dict(scale=0),
                                    dict(start="x")])
def test_kuran_bad_input(kwargs):
    with pytest.raises(ModelInputError):
        equilibrium(EXAMPLE, **kwargs)
    with pytest.raises(ModelInputError):
        equilibrium([])


@pytest.mark.parametrize("module", [granovetter, kuran], ids=["granovetter", "kuran"])
def test_every_claim_passes(module):
    for claim in module.CLAIMS:
        outcome = claim.check(5)
        assert outcome.passed, (claim.claim, outcome.observed)
        assert claim.reproduces and claim.label in {"SRC", "2ND", "CALC"}
