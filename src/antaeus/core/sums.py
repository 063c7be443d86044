"""Sums of small selections, compiled, added in exactly NumPy's order.

The engine's day reads many small sums (a bloc's seats in a soviet, the workers behind the
soviet parties). ``np.sum`` adds a contiguous run of numbers pairwise: up to 7 one after the
other; up to 128 in eight interleaved partial sums that are then combined in a fixed tree,
with the leftover added one by one; beyond that, split in halves (a multiple of 8 long) and
recursed. These functions gather a selection in the order NumPy reads it and add it the same way, so
they give NumPy's result bit for bit without its temporary arrays and calls.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .compiled import kernel

_BLOCK = 128  # NumPy's PW_BLOCKSIZE


@kernel()  # called with a literal start of 0 and with variables: compiled once (core.compiled)
def _block(a, start, n):
    """NumPy's sum of at most 128 numbers: one by one below 8, else eight interleaved sums."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += a[i]
        return total
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = 8
    while i < n - n % 8:
        j = start + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        total += a[start + i]
        i += 1
    return total


@kernel()
def pairwise(a, start, n):
    """The sum of ``a[start:start + n]`` in the order of NumPy's pairwise summation.

    NumPy recurses into halves; this walks the same tree with a stack of its own (a cached
    compiled function must not call itself)."""
    if n <= _BLOCK:
        return _block(a, start, n)
    first, length, phase = np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64, np.int64)
    left = np.empty(64)
    top = 0
    first[0], length[0], phase[0] = start, n, 0
    while True:
        m = length[top]
        if m > _BLOCK:  # descend into the left half
            half = m // 2 - (m // 2) % 8
            phase[top] = 1
            top += 1
            first[top], length[top], phase[top] = first[top - 1], half, 0
            continue
        value = _block(a, first[top], m)
        while True:  # climb: a finished left half starts its right half, a right half is added
            top -= 1
            if top < 0:
                return value
            m = length[top]
            half = m // 2 - (m // 2) % 8
            if phase[top] == 1:
                left[top], phase[top] = value, 2
                top += 1
                first[top], length[top], phase[top] = first[top - 1] + half, m - half, 0
                break
            value = left[top] + value


@njit(cache=True)
def picked(row, parties):
    """``row[parties].sum()``: the sum of the listed entries of a 1-D array."""
    buf = np.empty(parties.size)
    for j in range(parties.size):
        buf[j] = row[parties[j]]
    return pairwise(buf, 0, buf.size)


@njit(cache=True)
def party_total(people, party):
    """``people[:, :, party].sum()`` for people [R,G,P]: one party's people in every cell,
    in C order (NumPy reads the strided view as one run)."""
    buf = np.empty(people.shape[0] * people.shape[1])
    k = 0
    for r in range(people.shape[0]):
        for g in range(people.shape[1]):
            buf[k] = people[r, g, party]
            k += 1
    return pairwise(buf, 0, k)
