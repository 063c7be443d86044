"""The prediction interval of the predictive check and of `check history` holds a further
draw as often as it says, for any distribution; sample quantiles of few draws do not."""
import numpy as np
import pytest

from antaeus.experiments.intervals import (bootstrap_mean_error, coverage, median_interval, median_rank,
                                          prediction_interval, rank)


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


def test_the_median_s_interval_holds_the_distribution_s_median_as_often_as_promised():
    """Order statistics j and n + 1 - j enclose the median with probability 1 - 2 P(Bin(n, 1/2) < j):
    ranks 86 and 115 of 200 (the textbook's), the range of 6 draws (96.9%), and of 5 (93.8%: too
    few for 95%, the range is all there is)."""
    assert [median_rank(n) for n in (5, 6, 20, 60, 100, 200, 400)] == [1, 1, 6, 22, 40, 86, 180]
    assert median_rank(2000) == 956 and median_rank(10_000) == 4902  # past 1,023 runs as well
    assert median_interval(np.arange(200.0)[::-1]) == (85.0, 114.0)
    with pytest.raises(ValueError):
        median_interval([])
    rng = np.random.default_rng(11)
    held = [lo <= 1.0 <= hi for lo, hi in (median_interval(rng.exponential(size=50) / np.log(2)) for _ in range(2000))]
    assert 0.95 <= np.mean(held) <= 0.985  # 96.7% exactly for n = 50


def test_the_mean_error_s_interval_holds_that_of_infinitely_many_runs():
    """Rows whose true medians miss the record by a known mean error, each run adding noise: the
    basic bootstrap interval holds the true mean error in most repetitions. The percentile
    interval of the same resamples would hold it in about 5%: the noise inflates every
    resample's error, and it would put the figure there."""
    rng = np.random.default_rng(3)
    rows, runs = 30, 100
    truth = rng.uniform(0.1, 0.6, rows)
    observed = truth + rng.normal(0.0, 0.03, rows)
    error = np.mean(np.abs(truth - observed))
    held, widths = [], []
    for repetition in range(40):
        by_run = truth[:, None] + rng.normal(0.0, 0.15, (rows, runs))
        lo, hi = bootstrap_mean_error(by_run, observed, repetition, 0.95, 200)
        held.append(lo <= error <= hi)
        widths.append(hi - lo)
    assert np.mean(held) >= 0.8
    by_run[3, :40] = np.nan  # a row some runs gave no value for
    assert bootstrap_mean_error(by_run, observed, 7, 0.95, 200) == bootstrap_mean_error(by_run, observed, 7, 0.95, 200)
    more = truth[:, None] + rng.normal(0.0, 0.15, (rows, 4 * runs))
    lo, hi = bootstrap_mean_error(more, observed, 1, 0.95, 200)
    assert hi - lo < 0.7 * np.mean(widths)  # four times the runs: about half the width
