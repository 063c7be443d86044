"""The seed rule and the statistics of ensembles: outcomes, intervals, paired differences."""
from __future__ import annotations

import numpy as np
import pytest

from antaeus.experiments.outcomes import (Change, changes_of_power, outcome_of, paired_difference, path_label,
                                          variance_split, wilson)
from antaeus.experiments.seeds import posterior_rows, replication_seed

START = [Change("imperial_government", "inherited"), Change("provisional_government", "abdication")]


def test_replication_seeds_are_fixed_distinct_and_63_bit():
    seeds = [replication_seed(7, r) for r in range(1000)]
    assert seeds == [replication_seed(7, r) for r in range(1000)]
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    assert replication_seed(8, 0) != replication_seed(7, 0)


def test_a_replication_draws_its_particle_whatever_the_ensemble_holds():
    w = np.array([0.7, 0.1, 0.1, 0.1])
    rows = posterior_rows(w, 3, range(4000))
    assert list(posterior_rows(w, 3, [17, 5])) == [rows[17], rows[5]]
    share = np.bincount(rows, minlength=4) / rows.size
    assert share[0] == pytest.approx(0.7, abs=0.03) and share[1:] == pytest.approx([0.1] * 3, abs=0.02)


@pytest.mark.parametrize("path, outcome", [
    (START[:1], "old_regime_holds"),
    (START, "provisional_government_holds"),
    (START + [Change("soviet_government:bolsheviks", "insurrection")], "soviet_insurrection"),
    (START + [Change("soviet_government:mensheviks+srs", "soviet_transfer")], "soviet_transfer"),
    (START + [Change("soviet_government:bolsheviks", "insurrection"), Change("military_government", "coup")],
     "military_dictatorship"),
    (START + [Change("military_government", "coup"), Change("soviet_government:bolsheviks", "insurrection")],
     "soviet_insurrection"),
])
def test_the_outcome_is_who_holds_power_at_the_end_and_how_they_came(path, outcome):
    assert outcome_of(path) == outcome


def test_a_path_names_every_government_after_the_old_regime():
    path = START + [Change("soviet_government:bolsheviks", "insurrection"), Change("military_government", "coup")]
    assert path_label(path) == "provisional → soviet: bolsheviks (insurrection) → military (coup)"
    assert changes_of_power(path) == 2
    assert path_label(START[:1]) == "imperial"


def test_wilson_interval_matches_its_formula_at_known_points():
    # Wilson (1927); values as in Newcombe (1998a), Table II: 0/10 -> (0, 0.2775), 5/10 -> (0.2366, 0.7634)
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(10, 10)[1] == 1.0
    for n in (1, 7, 10, 1000, 12345):
        for k in {0, 1, n // 2, n - 1, n}:
            lo, hi = wilson(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0, (k, n)


def test_paired_difference_is_zero_for_identical_runs_and_tighter_when_pairs_agree():
    rng = np.random.default_rng(0)
    x = rng.random(200) < 0.4
    diff, lo, hi = paired_difference(x, x)
    assert diff == 0 and lo < 0 < hi and hi - lo < 0.05  # identical pairs: a narrow interval
    y = x.copy()
    flip = rng.choice(200, 30, replace=False)
    y[flip] = ~y[flip]
    d_paired = paired_difference(x, y)
    d_unpaired = paired_difference(x, rng.permutation(y))
    assert d_paired[0] == pytest.approx(x.mean() - y.mean())
    assert d_paired[2] - d_paired[1] < d_unpaired[2] - d_unpaired[1]
    assert -1 <= d_paired[1] <= d_paired[0] <= d_paired[2] <= 1


def test_paired_difference_covers_the_truth_about_95_percent_of_the_time():
    # correlated pairs: x = u < 0.35, y = u + 0.1 v < 0.30, so P(x) - P(y) = 0.35 - 0.25 = 0.10
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(400):
        u, v = rng.random(150), rng.random(150)
        _, lo, hi = paired_difference(u < 0.35, (u + 0.1 * v) < 0.30)
        hits += lo <= 0.10 <= hi
    assert 0.92 <= hits / 400 <= 0.99


def test_variance_split_tells_parameters_from_chance():
    rng = np.random.default_rng(2)
    particle = np.repeat(np.arange(20), 30)
    decided = (particle % 2 == 0).astype(float)  # the particle decides the outcome
    par, chance = variance_split(decided, particle)
    assert par == pytest.approx(0.25, abs=0.03) and chance == 0
    coin = (rng.random(particle.size) < 0.5).astype(float)  # chance decides, whatever the particle
    par, chance = variance_split(coin, particle)
    assert par < 0.02 and chance == pytest.approx(0.25, abs=0.03)
    assert np.isnan(variance_split(coin, np.zeros(coin.size))[0])
