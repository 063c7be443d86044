"""The prediction interval of the predictive check and of `check history` holds a further
draw as often as it says, for any distribution; sample quantiles of few draws do not."""
import numpy as np
import pytest

from antaeus.experiments.intervals import coverage, prediction_interval, rank


def test_ranks_and_their_coverage():
    assert [rank(n) for n in (5, 19, 20, 39, 60, 200)] == [1, 1, 1, 2, 3, 10]
    assert coverage(19) == pytest.approx(0.9)
    assert coverage(20) == pytest.approx(19 / 21)
    assert coverage(60) == pytest.approx(55 / 61)
    assert coverage(200) == pytest.approx(181 / 201)
    assert coverage(10) == pytest.approx(9 / 11)  # too few draws: even the range holds less than 90%
    for n in range(19, 400):
        assert 0.9 - 1e-12 <= coverage(n) < 0.9 + 2 / (n + 1)


def test_interval_ends_are_order_statistics():
    values = [7.0, 1.0, 3.0, 9.0, 5.0]
    assert prediction_interval(values) == (1.0, 9.0)
    draws = np.arange(60.0)[::-1]
    assert prediction_interval(draws) == (2.0, 57.0)  # ranks 3 and 58
    with pytest.raises(ValueError):
        prediction_interval([])


@pytest.mark.parametrize("draw", [lambda g, s: g.normal(size=s), lambda g, s: g.exponential(size=s),
                                  lambda g, s: g.beta(0.5, 3.0, size=s)])
@pytest.mark.parametrize("n", [20, 60])
def test_a_further_draw_falls_inside_as_often_as_promised(draw, n):
    g = np.random.default_rng(1917)
    reps = 20_000
    x = draw(g, (reps, n + 1))
    sample, further = np.sort(x[:, :n], axis=1), x[:, n]
    k = rank(n)
    inside = (sample[:, k - 1] <= further) & (further <= sample[:, n - k])
    assert inside.mean() == pytest.approx(coverage(n), abs=0.007)  # about 3 standard errors
    # the 5% and 95% sample quantiles of the same draws hold clearly less than 90%
    q05, q95 = np.quantile(x[:, :n], [0.05, 0.95], axis=1)
    quantile_cover = ((q05 <= further) & (further <= q95)).mean()
    assert quantile_cover < 0.9 - 0.02
    assert quantile_cover == pytest.approx((n - 1) * 0.9 / (n + 1), abs=0.01)
