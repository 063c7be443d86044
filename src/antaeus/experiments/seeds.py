"""The project's one seed rule for many runs.

The seed of a run of an ensemble is a function of (ensemble seed, replication) and of nothing
else: not of the design point, the executor, the worker or the batch. Every design point
therefore meets the same random numbers in the same replication (common random numbers), so
each counterfactual run is paired with its factual run (Law 2015, *Simulation Modeling and
Analysis*, 5th ed., §11.2). With ``--posterior``, the posterior particle a replication uses is
drawn by the same rule, so it too is shared by every point.

The seeds are hashes of the counter-based generator of :mod:`antaeus.core.rng` (SplitMix64's
finaliser over a (seed, stream, day, index) counter), on streams of their own.
``antaeus run --seed <run seed>`` reruns any replication alone.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..core import rng

#: Streams of the seed rule. They lie far above the engine's stream ids (1, 2, ...) so that a
#: mechanism's stream never meets them.
STREAM_REPLICATION = 1001
STREAM_POSTERIOR = 1002


def replication_seed(seed: int, replication: int) -> int:
    """The run seed of replication ``replication`` (0, 1, ...) of an ensemble with seed ``seed``:
    63 bits, as the stores keep seeds as signed 64-bit integers."""
    return int(rng.key(seed, STREAM_REPLICATION, 0, replication)) >> 1


def posterior_rows(weights: np.ndarray, seed: int, replications: Iterable[int]) -> np.ndarray:
    """The particle of a weighted posterior that each replication draws: by weight, with one
    uniform keyed by (ensemble seed, replication), so a replication draws the same particle
    whatever else the ensemble holds."""
    cdf = np.cumsum(np.asarray(weights, np.float64))
    u = np.array([rng.uniform(seed, STREAM_POSTERIOR, 0, int(r), 0) for r in replications], np.float64)
    return np.minimum(np.searchsorted(cdf, u * cdf[-1]), len(cdf) - 1).astype(np.int64)
