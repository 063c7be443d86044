"""The Pareto tail index of the posterior's weights (calibration.tail)."""
import numpy as np
import pytest
from scipy import stats

from antaeus.calibration.tail import RELIABLE_BELOW, generalized_pareto_shape, pareto_k, tail_size


@pytest.mark.parametrize("shape", [-0.3, 0.0, 0.5, 1.0])
def test_the_fit_recovers_a_generalized_paretos_shape(shape):
    rng = np.random.default_rng(3)
    fits = [generalized_pareto_shape(stats.genpareto.rvs(shape, scale=2.0, size=400, random_state=rng))[0]
            for _ in range(10)]
    # the weak prior pulls towards 0.5 by 10 in 410 observations: at most 0.04 here
    assert np.mean(fits) == pytest.approx(shape, abs=0.08)


def test_even_weights_are_reliable_and_a_heavy_tail_is_not():
    rng = np.random.default_rng(4)
    even = 1.0 + 0.1 * rng.random(300)
    lognormal = rng.lognormal(0.0, 0.5, 300)
    infinite_mean = rng.pareto(0.8, 300) + 1.0  # tail index 1 / 0.8
    assert pareto_k(even) < 0.0
    assert pareto_k(lognormal) < RELIABLE_BELOW
    assert pareto_k(infinite_mean) >= RELIABLE_BELOW
    assert pareto_k(infinite_mean) == pytest.approx(pareto_k(1e-9 * infinite_mean))  # scale-free


def test_too_few_weights_give_no_tail_index():
    assert tail_size(300) == 52 and tail_size(20) == 4
    assert np.isnan(pareto_k(np.ones(20))) and not np.isnan(pareto_k(np.arange(1.0, 22.0)))
