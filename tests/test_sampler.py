"""The seeded sampler (antaeus.calibration.sampler): the same particles wherever they run, and
progress counted as each particle comes back."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from pyabc.parameters import Parameter
from pyabc.population import Particle

from antaeus.calibration.sampler import SeededSampler
from antaeus.calibration.tail import effective_particles


def _generation():
    """A stand-in for pyabc's simulate_one: a draw from the global stream, accepted when it
    falls under 0.3, so a particle takes a random number of simulations."""
    def simulate_one() -> Particle:
        x = float(np.random.uniform())
        return Particle(m=0, parameter=Parameter(x=x), weight=1.0, sum_stat={"x": x}, distance=x,
                        accepted=x < 0.3)
    return simulate_one


def _values(sample) -> list[float]:
    return [p.parameter["x"] for p in sample.accepted_particles]


def test_particles_and_their_count_do_not_depend_on_where_they_run():
    here = SeededSampler(seed=4)
    expected = _values(here.sample_until_n_accepted(16, _generation(), t=2))
    assert len(expected) == 16 and all(x < 0.3 for x in expected)
    counts: list[int] = []
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        elsewhere = SeededSampler(seed=4, executor=pool, progress=counts.append)
        got = _values(elsewhere.sample_until_n_accepted(16, _generation(), t=2))
    assert got == expected  # each particle from its own stream, joined in the streams' order
    assert len(counts) == 16 and sum(counts) == elsewhere.nr_evaluations_ == here.nr_evaluations_ > 16
    other = SeededSampler(seed=4)  # another generation, another stream
    assert _values(other.sample_until_n_accepted(16, _generation(), t=3)) != expected


def _weighted(heavy_every: int):
    """Like :func:`_generation`, with an importance weight: every particle whose draw falls under
    0.3 / heavy_every weighs 5, the others 1, so a few heavy particles pull the effective
    sample down."""
    def simulate_one() -> Particle:
        x = float(np.random.uniform())
        return Particle(m=0, parameter=Parameter(x=x), weight=5.0 if x < 0.3 / heavy_every else 1.0,
                        sum_stat={"x": x}, distance=x, accepted=x < 0.3)
    return simulate_one


def _effective(sample) -> float:
    return effective_particles(np.array([p.weight for p in sample.accepted_particles]))


def test_the_last_generation_grows_until_its_weights_reach_the_bar_and_is_the_longer_runs_beginning():
    growth = (5, 20.5, 4, 64)  # generation 5 grows by 4 particles while worth fewer than 20.5, up to 64
    grown = SeededSampler(seed=9, growth=growth).sample_until_n_accepted(12, _weighted(8), t=5)
    n = len(grown.accepted_particles)
    assert 12 < n <= 64 and (n - 12) % 4 == 0
    assert _effective(grown) >= 20.5
    # it stopped at the first batch that reached the bar: the same streams asked for at once
    whole = SeededSampler(seed=9).sample_until_n_accepted(n, _weighted(8), t=5)
    assert _values(whole) == _values(grown)
    shorter = SeededSampler(seed=9).sample_until_n_accepted(n - 4, _weighted(8), t=5)
    assert _effective(shorter) < 20.5
    # only that generation grows, and never past its cap
    assert len(SeededSampler(seed=9, growth=growth).sample_until_n_accepted(12, _weighted(8), t=4)
               .accepted_particles) == 12
    capped = SeededSampler(seed=9, growth=(5, 1e9, 4, 20)).sample_until_n_accepted(12, _weighted(8), t=5)
    assert len(capped.accepted_particles) == 20
    # and it grows the same on worker processes
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        elsewhere = SeededSampler(seed=9, executor=pool, growth=growth)
        assert _values(elsewhere.sample_until_n_accepted(12, _weighted(8), t=5)) == _values(grown)
