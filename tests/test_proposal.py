"""The calibration's proposal: it draws what its density says, keeps only the correlations
that stand out of the noise, widens only what the data narrowed, keeps the importance weights
even, and with it ABC-SMC finds a posterior that is known."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from antaeus.calibration.proposal import GenerationT, thresholded_covariance


def _population(n: int, d: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    gen = np.random.default_rng(seed)
    mixing = gen.normal(size=(d, d)) * 0.4 + np.eye(d)
    values = gen.normal(size=(n, d)) @ mixing.T + np.arange(d)
    weights = gen.uniform(0.5, 1.5, n)
    return pd.DataFrame(values, columns=[f"p{i}" for i in range(d)]), weights / weights.sum()


def test_draws_follow_the_density_and_the_generations_moments():
    X, w = _population(400, 3, 1)
    t = GenerationT(tempering=1.0)  # untempered: the proposal is the generation itself
    t.fit(X, w)
    mean, cov = thresholded_covariance(X.to_numpy(), w)
    np.random.seed(3)
    draws = pd.DataFrame([dict(t.rvs_single()) for _ in range(20000)])[X.columns].to_numpy()
    assert np.allclose(draws.mean(axis=0), mean, atol=0.05)
    assert np.allclose(np.cov(draws, rowvar=False), cov, rtol=0.08, atol=0.05)
    # the density the weights use is the density the draws come from: mass in a cube
    inside = np.all(np.abs(draws - mean) < 0.5, axis=1).mean()
    grid = cube_grid(mean, 0.5, 40)
    assert inside == pytest.approx(t.pdf(pd.DataFrame(grid, columns=X.columns)).mean(), rel=0.1)
    one = t.pdf(pd.Series(grid[0], index=X.columns))
    assert one == pytest.approx(t.pdf(pd.DataFrame(grid[:1], columns=X.columns))[0])


def test_only_correlations_above_the_noise_are_kept():
    gen = np.random.default_rng(4)
    n = 200
    values = gen.normal(size=(n, 6))
    values[:, 1] = 0.9 * values[:, 0] + np.sqrt(1 - 0.81) * values[:, 1]
    _, cov = thresholded_covariance(values, np.full(n, 1.0 / n))
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    assert corr[0, 1] == pytest.approx(0.9, abs=0.06)
    off = corr[2:, 2:][~np.eye(4, dtype=bool)]
    assert np.all(np.abs(off) < 0.05)  # sampling noise of independent parameters is dropped
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_tempering_widens_only_what_the_data_narrowed():
    """Half-tempered, the proposal's precision is halfway between the prior's and the
    generation's, and its mean moves halfway from the prior's: a parameter the data did not
    narrow keeps the prior's spread."""
    gen = np.random.default_rng(6)
    n = 4000
    values = np.column_stack([gen.normal(1.0, 0.5, n), gen.logistic(size=n)])
    X = pd.DataFrame(values, columns=["narrowed", "free"])
    t = GenerationT(tempering=0.5)
    t.fit(X, np.full(n, 1.0 / n))
    cov = t._chol @ t._chol.T * t.df / (t.df - 2.0)
    prior_precision = 3 / np.pi ** 2
    post_precision = 1 / values[:, 0].var()
    assert 1 / cov[0, 0] == pytest.approx((prior_precision + post_precision) / 2, rel=0.02)
    assert t._mean[0] == pytest.approx(cov[0, 0] * 0.5 * post_precision * values[:, 0].mean(), rel=0.02)
    assert cov[1, 1] == pytest.approx(np.pi ** 2 / 3, rel=0.05)
    assert cov[0, 1] == pytest.approx(0.0, abs=1e-12)


def cube_grid(centre: np.ndarray, half: float, k: int) -> np.ndarray:
    """A regular grid of k points a side over the cube of half-width ``half`` around ``centre``."""
    axes = [np.linspace(c - half, c + half, k, endpoint=False) + half / k for c in centre]
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(centre))


def test_weights_stay_even_where_the_data_say_nothing():
    """A generation that is a sample of the logit-space prior (the data did not narrow it):
    proposals weighed by prior over proposal keep most of the sample effective in 27
    dimensions (a multivariate t with every sampled correlation keeps about 7%)."""
    d, n = 27, 200
    gen = np.random.default_rng(5)
    X = pd.DataFrame(gen.logistic(size=(n, d)), columns=[f"p{i}" for i in range(d)])
    t = GenerationT()
    t.fit(X, np.full(n, 1.0 / n))
    np.random.seed(5)
    proposed = pd.DataFrame([dict(t.rvs_single()) for _ in range(2000)])[X.columns]
    w = np.exp(stats.logistic.logpdf(proposed.to_numpy()).sum(axis=1) - np.log(t.pdf(proposed)))
    assert w.sum() ** 2 / (w ** 2).sum() / len(w) > 0.5


def _ridge_share(tempering: float, seed: int = 5, d: int = 27, n: int = 200, k: int = 6) -> float:
    """One step of ABC on a known problem: a logistic prior in d dimensions and a smooth
    acceptance that ties the first k parameters along a ridge (correlation 0.8), as a noisy
    simulator does. The last generation is a sample of the posterior; proposals are accepted
    with the acceptance's probability and weighed by prior over proposal. Returns Kish's
    effective share of the accepted sample."""
    gen = np.random.default_rng(seed)
    ridge = np.full((k, k), 0.8) + 0.2 * np.eye(k)
    precision = np.linalg.inv(0.25 * ridge)
    X = gen.logistic(size=(n, d))
    X[:, :k] = 1.0 + 0.5 * gen.normal(size=(n, k)) @ np.linalg.cholesky(ridge).T
    X = pd.DataFrame(X, columns=[f"p{i}" for i in range(d)])
    t = GenerationT(tempering=tempering)
    t.fit(X, np.full(n, 1.0 / n))
    np.random.seed(seed)
    proposed = pd.DataFrame([dict(t.rvs_single()) for _ in range(4000)])[X.columns].to_numpy()
    off = proposed[:, :k] - 1.0
    kept = gen.uniform(size=len(proposed)) < np.exp(-0.5 * np.einsum("ij,jk,ik->i", off, precision, off))
    w = np.exp(stats.logistic.logpdf(proposed[kept]).sum(axis=1)
               - t.log_pdf(proposed[kept]))
    return float(w.sum() ** 2 / (w ** 2).sum() / kept.sum())


def test_tempering_keeps_a_ridges_weights_even():
    assert _ridge_share(0.5) > 0.3
    assert _ridge_share(1.0) < 0.15  # a proposal as narrow as the generation: a few far points weigh all


def test_abc_smc_with_it_finds_a_known_posterior(tmp_path):
    """pyabc with this proposal on a normal model whose posterior is known: a wrong density
    would leave the importance weights wrong and the posterior biased towards the proposal."""
    import pyabc

    observed, noise = 1.0, 0.5
    prior = pyabc.Distribution(a=pyabc.RV("norm", 0.0, 1.0), b=pyabc.RV("norm", 0.0, 1.0))

    def model(p):
        return {"y": p["a"] + p["b"] + noise * np.random.normal()}

    np.random.seed(1)
    abc = pyabc.ABCSMC(model, prior, pyabc.PNormDistance(p=1), population_size=400,
                       transitions=GenerationT(), sampler=pyabc.sampler.SingleCoreSampler())
    abc.new(pyabc.create_sqlite_db_id(file_="abc-test.db", dir_=str(tmp_path)), {"y": observed})
    history = abc.run(minimum_epsilon=0.05, max_nr_populations=8)
    df, w = history.get_distribution()
    total = (df["a"] + df["b"]).to_numpy()
    # a + b has prior variance 2; with the observation's noise the posterior of a + b has
    # mean 2 / (2 + 0.25) and variance 2 * 0.25 / 2.25 (the ABC tolerance adds a little)
    assert np.sum(w * total) == pytest.approx(2 / 2.25 * observed, abs=0.08)
    spread = np.sqrt(np.sum(w * (total - np.sum(w * total)) ** 2))
    assert spread == pytest.approx(np.sqrt(2 * 0.25 / 2.25), rel=0.2)
    # a - b is not informed: it keeps its prior spread (variance 2)
    diff = (df["a"] - df["b"]).to_numpy()
    assert np.sqrt(np.sum(w * diff ** 2)) == pytest.approx(np.sqrt(2), rel=0.2)


def test_few_particles_still_give_a_proper_density():
    X, w = _population(12, 27, 2)  # fewer particles than parameters: the quick budget
    t = GenerationT()
    t.fit(X, w)
    np.random.seed(0)
    x = pd.DataFrame([dict(t.rvs_single()) for _ in range(50)])[X.columns]
    density = t.pdf(x)
    assert np.all(np.isfinite(density)) and np.all(density > 0)

