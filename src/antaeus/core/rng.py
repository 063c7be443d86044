"""Counter-based random numbers: every draw is a pure function of (seed, stream, day, index).

A draw does not depend on which thread or chunk computes it, nor on how many draws came
before, so a seed fixes the result bit for bit whatever the thread count or chunking
(Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3", SC'11, give the idea;
the mixing function here is SplitMix64's finaliser, Steele, Lea & Flood 2014, OOPSLA).
"""
from __future__ import annotations

import numpy as np
from numba import njit, uint64

#: Stream ids: one per mechanism that draws random numbers. Never reuse a number.
STREAM_POPULATION = 1
STREAM_SUPPORT = 2
STREAM_PERCEPTION = 3
STREAM_RESOLUTION = 4
STREAM_VILLAGE = 5

_GOLDEN = uint64(0x9E3779B97F4A7C15)
_M1 = uint64(0xBF58476D1CE4E5B9)
_M2 = uint64(0x94D049BB133111EB)
_INV52 = 1.0 / 4503599627370496.0  # 2**-52: (2**52 - 1 + 0.5) * 2**-52 = 1 - 2**-53 is exact


@njit(inline="always", cache=True)
def _mix(z):
    z = (z ^ (z >> uint64(30))) * _M1
    z = (z ^ (z >> uint64(27))) * _M2
    return z ^ (z >> uint64(31))


@njit(inline="always", cache=True)
def key(seed, stream, day, index):
    """Hash a (seed, stream, day, index) tuple into a 64-bit counter key."""
    z = _mix(uint64(seed) * _GOLDEN + uint64(stream))
    z = _mix(z + uint64(day) * _GOLDEN)
    return _mix(z + uint64(index) * _GOLDEN)


@njit(inline="always", cache=True)
def uniform(seed, stream, day, index, draw):
    """U(0,1), never exactly 0 or 1: draw number ``draw`` for agent ``index`` on ``day``."""
    z = _mix(key(seed, stream, day, index) + uint64(draw) * _GOLDEN)
    return (float(z >> uint64(12)) + 0.5) * _INV52


@njit(inline="always", cache=True)
def normal(seed, stream, day, index, draw):
    """N(0,1) by Box-Muller from two uniforms of the same counter."""
    u1 = uniform(seed, stream, day, index, 2 * draw)
    u2 = uniform(seed, stream, day, index, 2 * draw + 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True)
def normals(seed, stream, day, n, draw):
    """Vector of ``n`` N(0,1) draws, one per index: ``normal(seed, stream, day, i, draw)``."""
    out = np.empty(n, np.float64)
    for i in range(n):
        out[i] = normal(seed, stream, day, i, draw)
    return out


@njit(cache=True)
def uniforms(seed, stream, day, n, draw):
    """Vector of ``n`` uniforms, one per index (used by tests and initialisation)."""
    out = np.empty(n, np.float64)
    for i in range(n):
        out[i] = uniform(seed, stream, day, i, draw)
    return out
