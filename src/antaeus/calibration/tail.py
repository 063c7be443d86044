"""How far the posterior's importance weights can be trusted: the Pareto tail index k.

The particles of an ABC-SMC generation weigh prior over proposal density. Kish's effective
sample size says how many equal particles they are worth, but not whether a rerun would find
a different heaviest particle: when the weights' upper tail is heavy enough their variance
is infinite, and then a few particles decide the posterior and the next seed moves it.

Vehtari, Simpson, Gelman, Yao & Gabry (2024, "Pareto smoothed importance sampling", JMLR 25)
fit a generalized Pareto distribution to the largest weights and read its shape k:

- k < 0.5: the weights have a finite variance, the weighted estimates converge as usual;
- 0.5 <= k < 0.7: finite mean, slower but usable convergence;
- k >= 0.7: the estimates are unreliable; with k >= 1 even the mean weight is infinite.

The tail is the ``min(S/5, 3 sqrt(S))`` largest of ``S`` weights, over the next largest. The
shape is fitted with the estimator of Zhang & Stephens (2009, Technometrics 51): for a grid
of values of ``theta = -k / sigma``, each with its profile likelihood, the posterior mean of
theta under their data-driven prior; then k given theta is the mean of ``log(1 - theta x)``,
shrunk towards 0.5 by the weak prior of Vehtari et al. (ten pseudo-observations).
"""
from __future__ import annotations

import math

import numpy as np

def effective_particles(weights: np.ndarray) -> float:
    """Kish's effective sample size 1 / sum(w^2) of the weights normalised to sum to 1 (Kish
    1965): how many equally weighted particles the weighted sample is worth."""
    w = np.asarray(weights, dtype=np.float64)
    return float(1.0 / np.sum((w / w.sum()) ** 2))


#: below it the weights behave; at or above it the weighted estimates are unreliable (Vehtari et al. 2024)
RELIABLE_BELOW = 0.7
#: fewer tail weights than this and no shape is fitted
MIN_TAIL = 5
#: the weak prior on k: this many pseudo-observations at 0.5 (Vehtari et al. 2024, appendix)
PRIOR_COUNT, PRIOR_K = 10, 0.5


def tail_size(n: int) -> int:
    """How many of ``n`` weights form the fitted tail."""
    return int(math.ceil(min(0.2 * n, 3.0 * math.sqrt(n))))


def generalized_pareto_shape(exceedances: np.ndarray) -> tuple[float, float]:
    """Zhang & Stephens' estimate of (k, sigma) for positive exceedances over a threshold."""
    x = np.sort(np.asarray(exceedances, float))
    n = len(x)
    if n < MIN_TAIL or x[-1] <= 0:
        return float("nan"), float("nan")
    grid = 20 + int(math.floor(math.sqrt(n)))
    quartile = x[max(int(math.floor(n / 4 + 0.5)) - 1, 0)]
    if quartile <= 0:  # more than a quarter of the tail sits on the threshold
        quartile = x[x > 0][0]
    j = np.arange(1, grid + 1)
    theta = 1.0 / x[-1] + (1.0 - np.sqrt(grid / (j - 0.5))) / (3.0 * quartile)
    shape = np.array([np.mean(np.log1p(-t * x)) for t in theta])  # k given theta
    profile = n * (np.log(-theta / shape) - shape - 1.0)
    posterior = np.exp(profile - profile.max())
    posterior /= posterior.sum()
    t = float(posterior @ theta)
    k = float(np.mean(np.log1p(-t * x)))
    sigma = -k / t
    k = (n * k + PRIOR_COUNT * PRIOR_K) / (n + PRIOR_COUNT)
    return k, sigma


def pareto_k(weights: np.ndarray) -> float:
    """The tail index of importance weights (any scale); nan when too few differ."""
    w = np.sort(np.asarray(weights, float))
    m = tail_size(len(w))
    if m < MIN_TAIL or len(w) <= m:
        return float("nan")
    w = w / w[-1]  # the fit is scale-free; this keeps the logarithms tame
    threshold = w[-m - 1]
    return generalized_pareto_shape(w[-m:] - threshold)[0]
