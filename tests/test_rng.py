"""The counter-based random streams (antaeus.core.rng).

Every draw is a pure function of (seed, stream, day, index, draw): same key, same number;
any change of key, a different number; and the numbers look like U(0,1) and N(0,1).
The draws are fixed by their keys, so these statistical checks are deterministic too.
"""
from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from antaeus.core import rng

N = 1_000_000


@njit(cache=True)
def _normals(seed, stream, day, n, draw):
    out = np.empty(n, np.float64)
    for i in range(n):
        out[i] = rng.normal(seed, stream, day, i, draw)
    return out


@pytest.fixture(scope="module")
def u():
    return rng.uniforms(7, rng.STREAM_SUPPORT, 3, N, 0)


@pytest.fixture(scope="module")
def z():
    return _normals(7, rng.STREAM_POPULATION, 0, N, 1)


def test_uniform_strictly_inside_unit_interval(u):
    assert u.dtype == np.float64 and u.shape == (N,)
    assert 0.0 < u.min() and u.max() < 1.0
    assert u.min() < 1e-5 and u.max() > 1 - 1e-5  # and it does cover the interval


def test_same_key_same_value():
    for key in [(0, 1, 0, 0, 0), (7, 2, 100, 123456, 3), (2**40, 4, 267, 9_999_999, 8)]:
        a = rng.uniform(*key)
        assert a == rng.uniform(*key)
        assert rng.normal(*key) == rng.normal(*key)
    v = rng.uniforms(11, rng.STREAM_SUPPORT, 5, 1000, 2)
    assert np.array_equal(v, rng.uniforms(11, rng.STREAM_SUPPORT, 5, 1000, 2))
    # the vector form is the scalar form, index by index (no hidden sequential state)
    assert all(v[i] == rng.uniform(11, rng.STREAM_SUPPORT, 5, i, 2) for i in (0, 1, 17, 999))
    assert rng.uniform(11, rng.STREAM_SUPPORT, 5, 17, 2) == v[17]  # order of calls does not matter


@pytest.mark.parametrize("position", ["seed", "stream", "day", "index", "draw"])
def test_any_change_of_key_changes_the_value(position):
    base = dict(seed=7, stream=rng.STREAM_SUPPORT, day=10, index=500, draw=1)
    ref = rng.uniform(*base.values())
    for delta in (1, 2, 3, 1000):
        key = dict(base)
        key[position] += delta
        assert rng.uniform(*key.values()) != ref, f"{position}+{delta} gives the same draw"


def test_streams_are_distinct_and_uncorrelated():
    streams = (rng.STREAM_POPULATION, rng.STREAM_SUPPORT, rng.STREAM_PERCEPTION, rng.STREAM_RESOLUTION)
    assert len(set(streams)) == len(streams)
    n = 200_000
    vs = [rng.uniforms(7, s, 1, n, 0) for s in streams]
    vs.append(rng.uniforms(7, rng.STREAM_SUPPORT, 2, n, 0))  # next day
    vs.append(rng.uniforms(7, rng.STREAM_SUPPORT, 1, n, 1))  # next draw
    vs.append(rng.uniforms(8, rng.STREAM_SUPPORT, 1, n, 0))  # next seed
    c = np.corrcoef(np.array(vs))
    off = c[~np.eye(len(vs), dtype=bool)]
    assert np.abs(off).max() < 5 / np.sqrt(n)
    for a in vs:  # adjacent indices are not correlated either
        assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 5 / np.sqrt(n)


def test_uniform_moments_and_histogram(u):
    assert u.mean() == pytest.approx(0.5, abs=5 * np.sqrt(1 / 12 / N))
    assert u.var() == pytest.approx(1 / 12, abs=5 * np.sqrt((1 / 80 - 1 / 144) / N))
    counts = np.histogram(u, bins=1000, range=(0.0, 1.0))[0]
    chi2 = ((counts - N / 1000) ** 2 / (N / 1000)).sum()
    assert 999 - 5 * np.sqrt(2 * 999) < chi2 < 999 + 5 * np.sqrt(2 * 999)


def test_normal_moments_and_tails(z):
    assert np.isfinite(z).all()
    assert z.mean() == pytest.approx(0.0, abs=5 / np.sqrt(N))
    assert z.std() == pytest.approx(1.0, abs=5 / np.sqrt(2 * N))
    assert (np.abs(z) > 1.959964).mean() == pytest.approx(0.05, abs=5 * np.sqrt(0.05 * 0.95 / N))
    assert (z > 3.0).mean() == pytest.approx(0.0013499, abs=5 * np.sqrt(0.00135 / N))
    assert ((z ** 3).mean()) == pytest.approx(0.0, abs=5 * np.sqrt(15 / N))
    assert ((z ** 4).mean()) == pytest.approx(3.0, abs=5 * np.sqrt(96 / N))


# The counter for which SplitMix64's finaliser gives 2**64 - 1, found by inverting it.
def _draw_hitting_top(seed, stream, day, index):
    m64 = (1 << 64) - 1
    golden, m1, m2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB

    def unshift(y, s):
        x, done = y, s
        while done < 64:
            x, done = y ^ (x >> s), done + s
        return x

    def unmix(v):
        v = unshift(v, 31)
        v = (v * pow(m2, -1, 1 << 64)) & m64
        v = unshift(v, 27)
        v = (v * pow(m1, -1, 1 << 64)) & m64
        return unshift(v, 30)

    k = int(rng.key(seed, stream, day, index))
    return ((unmix(m64) - k) * pow(golden, -1, 1 << 64)) & m64


def test_uniform_never_exactly_one_even_at_the_top_counter():
    draw = _draw_hitting_top(7, rng.STREAM_SUPPORT, 1, 0)
    assert rng.uniform(7, rng.STREAM_SUPPORT, 1, 0, draw) < 1.0
