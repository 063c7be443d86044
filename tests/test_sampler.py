"""The seeded sampler (antaeus.calibration.sampler): the same particles wherever they run, and
progress counted as each particle comes back."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from pyabc.parameters import Parameter
from pyabc.population import Particle

from antaeus.calibration.sampler import SeededSampler


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
