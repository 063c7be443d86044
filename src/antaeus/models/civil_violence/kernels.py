"""Numba kernels shared by both schedules: random draws, the lattice, rules A, C and M.

State (see :class:`.simulation.Simulation`): ``ia`` int32 [slots, NI] (the columns
below), ``fa`` float64 [slots, 2] (hardship, risk aversion), ``cell`` int32 [cells] (the
slot on a cell, -1 empty), ``occ`` uint8 [cells] (1 where ``cell`` >= 0: a copy a quarter the size,
which is all that the search for an empty cell reads), and ``fld`` [3, cells + padding]:
for every cell c, the cops within the citizens' vision of c, the actives within the
citizens' vision of c, and the actives within the cops' vision of c (the last row is unused
when both visions are the same); uint8 where no vision set holds more than 255 cells (see
:func:`field_add`), else int16 or int32. The fields are kept up to date whenever an agent
moves, changes state or leaves the lattice, so rule A reads C and A in O(1) and a cop with
no active in sight costs O(1). Vision sets exclude the agent's own cell and are symmetric,
so "c sees a" equals "a sees c".

Random numbers are counter-based: a draw is ``antaeus.core.rng.uniform(seed, stream, tick,
slot, draw)``, computed here with the tick's part of the key hoisted out of the agent loop.
"""
from __future__ import annotations

import numpy as np
from numba import uint64

from ...core.compiled import kernel
from ...core.rng import _GOLDEN, _INV52, _mix
from ...mechanisms.mobilisation import arrest_probability, grievance, is_active

#: The per-agent kernels are compiled without Numba's reference counting (``_nrt=False``):
#: they allocate nothing, and a call that passes arrays would otherwise increment and
#: decrement each array's count atomically, which cost more than the work of a small kernel.
#: The smallest and most frequent ones are also inlined into their callers.
hot = kernel(_nrt=False)
inline = kernel(_nrt=False, forceinline=True)

# columns of ia
KIND, POS, GROUP, ACTIVE, JAILED, TERM, AGE, DEATH, HOME, SEEN = range(10)
NI = 10
HARD, RISK = 0, 1
CITIZEN, COP = 1, 2
F_COPS, F_ACTC, F_ACTP = 0, 1, 2
INF_TERM = 2**31 - 1                  # an infinite jail term (ia is int32)
# integer parameters (pi)
(P_W, P_H, P_MOVE, P_RATIO, P_DOUBLE, P_KEEP, P_INCL, P_TICKCD, P_MOVEFIRST, P_COPTO, P_JMAX,
 P_MODEL2, P_MAXAGE, P_SEED, P_SAME, P_VECTOR, P_BATCHES) = range(17)
NPI = 17
Q_K, Q_T, Q_CLONE = range(3)      # float parameters (pf)
M_SLOTS, M_FREE, M_AHEAD = range(3)  # meta: slots in use (high-water mark), free-list length,
#                                     and the sum of the loads ahead (:func:`seq_tick`)
RATIO_LITERAL, RATIO_FLOOR, RATIO_ROUND = range(3)
# record columns, one row per tick
(R_ACTIVE, R_JAILED, R_QUIET, R_COPS, R_GROUP0, R_GROUP1, R_KILLS, R_TENSION,
 R_LEGITIMACY) = range(9)
NREC = 9
# random streams of this model (separate from the 1917 model's 1-4)
S_INIT, S_ATTR, S_ORDER, S_TURN, S_POP, S_BIRTH, S_COPS, S_MOVE, S_ARREST, S_KILL, S_JAIL = range(
    101, 112)


def offsets(shape: str, radius: float, width: int) -> np.ndarray:
    """A vision set, the agent's own cell excluded, on a lattice ``width`` cells wide, as one
    int64 array [1 + 2 n + 25 rows, 2]: row 0 = (n, rows); then the n offsets (dy, dx); then,
    per dy, the half-width w of the row's span dx in [-w, w] (every shape here is a symmetric
    interval on each row; the dy = 0 row's span includes the centre, which :func:`field_add`
    takes out again); then the n linear offsets (dy * width + dx, 0), used where the whole set
    lies inside the lattice and no coordinate wraps (see :func:`locate`); then, per row span
    and per start s mod 8 of the span, three 64-bit words with a 1 in each byte that the span
    covers, the centre left out (:func:`field_add` uses them for spans of up to 17 cells)."""
    r = int(np.floor(radius + 1e-9))
    out = []
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dy == 0 and dx == 0:
                continue
            if shape == "euclidean":
                ok = dy * dy + dx * dx <= radius * radius + 1e-9
            elif shape == "von_neumann":
                ok = abs(dy) + abs(dx) <= r
            elif shape == "moore":
                ok = True
            else:
                raise ValueError(f"unknown vision shape {shape!r}")
            if ok:
                out.append((dy, dx))
    if not out:
        raise ValueError(f"vision {radius} sees no cell")
    rows = []
    for dy in range(-r, r + 1):
        dxs = sorted(dx for y, dx in out if y == dy)
        if dxs:
            w = dxs[-1]
            assert dxs == [x for x in range(-w, w + 1) if (dy, x) != (0, 0)]
            rows.append((dy, w))
    lin = [(dy * width + dx, 0) for dy, dx in out]
    masks = []
    for dy, w in rows:
        for a in range(8):
            words = [0, 0, 0]
            for lane in range(a, a + 2 * w + 1):
                if lane < 24 and not (dy == 0 and lane == a + w):
                    words[lane // 8] |= 1 << (8 * (lane % 8))
            masks += [(x, 0) for x in words]
    return np.array([(len(out), len(rows))] + out + rows + lin + masks, dtype=np.int64)


# ----------------------------------------------------------------------------------------------
# random draws (bit for bit antaeus.core.rng.uniform)
# ----------------------------------------------------------------------------------------------
@kernel()
def tick_key(seed, stream, tick):
    z = _mix(uint64(seed) * _GOLDEN + uint64(stream))
    return _mix(z + uint64(tick) * _GOLDEN)


@kernel()
def agent_key(tk, index):
    return _mix(tk + uint64(index) * _GOLDEN)


@kernel()
def draw(key, d):
    z = _mix(key + uint64(d) * _GOLDEN)
    return (float(z >> uint64(12)) + 0.5) * _INV52


# ----------------------------------------------------------------------------------------------
# the lattice
# ----------------------------------------------------------------------------------------------
@inline
def wrap(y, x, W, H):
    if y < 0:
        y += H
    elif y >= H:
        y -= H
    if x < 0:
        x += W
    elif x >= W:
        x -= W
    return y * W + x


@inline
def locate(c, off, W, H):
    """(y0, x0, inner): c's row and column, and whether its whole vision set lies inside the
    lattice, so that a cell of it is c plus a linear offset, with no wrapping (see :func:`at`)."""
    y0 = c // W
    x0 = c - y0 * W
    r = off[0, 1] // 2                            # rows = 2 r + 1 and |dx| <= r
    return y0, x0, r <= y0 and y0 < H - r and r <= x0 and x0 < W - r


@inline
def at(j, c, off, y0, x0, inner, W, H):
    """The cell of c's j-th vision offset."""
    if inner:
        return c + off[1 + off[0, 0] + off[0, 1] + j, 0]
    return wrap(y0 + off[1 + j, 0], x0 + off[1 + j, 1], W, H)


@hot
def field_add(fld, row, c, off, delta, W, H):
    """Add delta (+1 or -1) to fld[row] over the vision set of c, row span by row span.

    Where the set does not wrap around the torus, fld counts in bytes (uint8: the simulation
    uses it for vision sets of up to 255 cells) and a span is at most 17 cells wide, a span is
    three 64-bit words, each plus or minus its mask from :func:`offsets`: a 1 in each byte of
    the span. No byte carries into the next: a count stays within 0..n <= 255, and 1 is taken
    only from cells that count the agent. Scalar +-1 per cell elsewhere."""
    y0, x0, inner = locate(c, off, W, H)
    n = off[0, 0]
    rows = off[0, 1]
    f = fld[row]
    if inner and fld.itemsize == 1 and off[1 + n + rows // 2, 1] <= 8:
        g = f.view(np.uint64)                     # rows padded: three words past any cell
        m = 1 + 2 * n + rows
        for k in range(rows):
            w = off[1 + n + k, 1]
            s = c + off[1 + n + k, 0] * W - w
            b = s >> 3
            p = m + 24 * k + 3 * (s & 7)
            if delta > 0:
                g[b] += uint64(off[p, 0])
                g[b + 1] += uint64(off[p + 1, 0])
                g[b + 2] += uint64(off[p + 2, 0])
            else:
                g[b] -= uint64(off[p, 0])
                g[b + 1] -= uint64(off[p + 1, 0])
                g[b + 2] -= uint64(off[p + 2, 0])
        return
    for k in range(rows):
        w = off[1 + n + k, 1]
        if inner:
            base = c + off[1 + n + k, 0] * W
            for x in range(base - w, base + w + 1):
                f[x] += delta
            continue
        y = y0 + off[1 + n + k, 0]
        if y < 0:
            y += H
        elif y >= H:
            y -= H
        base = y * W
        if x0 - w >= 0 and x0 + w < W:
            for x in range(base + x0 - w, base + x0 + w + 1):
                f[x] += delta
        else:
            for x in range(x0 - w, x0 + w + 1):
                xx = x + W if x < 0 else (x - W if x >= W else x)
                f[base + xx] += delta
    f[c] -= delta                                 # the centre is not in the vision set


@inline
def pick_empty(c, off, occ, W, H, key, d):
    """A uniformly random empty cell of c's vision set, or -1: (cell, next draw index)."""
    n = off[0, 0]
    y0, x0, inner = locate(c, off, W, H)
    for _ in range(16):                         # rejection: uniform over the empty cells
        z = _mix(key + uint64(d) * _GOLDEN)     # two 32-bit draws per mix
        d += 1
        j = int(((z & uint64(0xFFFFFFFF)) * uint64(n)) >> uint64(32))
        t = at(j, c, off, y0, x0, inner, W, H)
        if occ[t] == 0:
            return t, d
        j = int(((z >> uint64(32)) * uint64(n)) >> uint64(32))
        t = at(j, c, off, y0, x0, inner, W, H)
        if occ[t] == 0:
            return t, d
    count = 0                                   # crowded: count, then take the r-th
    for j in range(n):
        if occ[at(j, c, off, y0, x0, inner, W, H)] == 0:
            count += 1
    if count == 0:
        return -1, d
    r = int(draw(key, d) * count)
    d += 1
    for j in range(n):
        t = at(j, c, off, y0, x0, inner, W, H)
        if occ[t] == 0:
            if r == 0:
                return t, d
            r -= 1
    return -1, d


@hot
def pick_agent(c, off, cell, ia, want_group, expected, W, H, key, d):
    """A uniformly random free citizen in c's vision set: active ones (want_group < 0; the
    caller knows their number, ``expected``) or any of group ``want_group``. (slot or -1, d)."""
    n = off[0, 0]
    y0, x0, inner = locate(c, off, W, H)
    count = expected
    if want_group >= 0:
        count = 0
        for j in range(n):
            o = cell[at(j, c, off, y0, x0, inner, W, H)]
            if (o >= 0 and ia[o, KIND] == CITIZEN and ia[o, JAILED] == 0
                    and ia[o, GROUP] == want_group):
                count += 1
    if count <= 0:
        return -1, d
    r = int(draw(key, d) * count)
    d += 1
    for j in range(n):
        o = cell[at(j, c, off, y0, x0, inner, W, H)]
        if o >= 0 and ia[o, KIND] == CITIZEN and ia[o, JAILED] == 0:
            ok = ia[o, ACTIVE] == 1 if want_group < 0 else ia[o, GROUP] == want_group
            if ok:
                if r == 0:
                    return o, d
                r -= 1
    return -1, d


@hot
def set_active(i, value, ia, fld, vc, vp, pi):
    """Change a citizen's state and keep the active fields up to date. Hot loops call it
    only when the state changes (a call that passes arrays is costly in Numba)."""
    if ia[i, ACTIVE] == value:
        return
    ia[i, ACTIVE] = value
    delta = 1 if value else -1
    W, H = pi[P_W], pi[P_H]
    field_add(fld, F_ACTC, ia[i, POS], vc, delta, W, H)
    if pi[P_SAME] == 0:
        field_add(fld, F_ACTP, ia[i, POS], vp, delta, W, H)


@inline
def step_to(i, t, ia, cell, occ):
    """Move agent i to the empty cell t; enough for a quiet citizen (no field changes)."""
    c = ia[i, POS]
    cell[c] = -1
    occ[c] = 0
    cell[t] = i
    occ[t] = 1
    ia[i, POS] = t


@hot
def relocate(i, t, ia, cell, occ, fld, vc, vp, pi):
    """Move agent i from its cell to the empty cell t (fields follow cops and actives)."""
    c = ia[i, POS]
    step_to(i, t, ia, cell, occ)
    W, H = pi[P_W], pi[P_H]
    if ia[i, KIND] == COP:
        field_add(fld, F_COPS, c, vc, -1, W, H)
        field_add(fld, F_COPS, t, vc, 1, W, H)
    elif ia[i, ACTIVE] == 1:
        field_add(fld, F_ACTC, c, vc, -1, W, H)
        field_add(fld, F_ACTC, t, vc, 1, W, H)
        if pi[P_SAME] == 0:
            field_add(fld, F_ACTP, c, vp, -1, W, H)
            field_add(fld, F_ACTP, t, vp, 1, W, H)


@inline
def move_to(i, t, ia, cell, occ, fld, vc, vp, pi):
    """Move agent i to the empty cell t: a quiet citizen changes no field, so it takes the
    inlined fast path; cops and actives carry their vision counts along (``relocate``)."""
    if ia[i, KIND] == CITIZEN and ia[i, ACTIVE] == 0:
        step_to(i, t, ia, cell, occ)
    else:
        relocate(i, t, ia, cell, occ, fld, vc, vp, pi)


@inline
def decision(i, ia, fa, fld, pi, pf, legitimacy):
    """Rule A for the citizen in slot i, from the fields as they are: 1 active, 0 quiet.

    With G <= T the citizen is quiet whatever P is (G - R P <= G in floating point too, as
    R P >= 0), so P is only computed for those with G > T: the same decisions, fewer exps."""
    c = ia[i, POS]
    cops = fld[F_COPS, c]
    g = grievance(fa[i, HARD], legitimacy)
    v = 0
    if g > pf[Q_T]:
        actives = 1 + fld[F_ACTC, c]
        if pi[P_DOUBLE] == 1 and ia[i, ACTIVE] == 1:
            actives += 1
        mode = pi[P_RATIO]
        if mode == RATIO_LITERAL:
            p = arrest_probability(pf[Q_K], float(cops), float(actives - 1))
        else:
            ratio = cops / actives
            ratio = np.floor(ratio) if mode == RATIO_FLOOR else np.rint(ratio)  # half to even
            p = arrest_probability(pf[Q_K], ratio, 0.0)
        v = 1 if is_active(g, fa[i, RISK], p, pf[Q_T]) else 0
    ia[i, SEEN] = cops                 # written last: a store before the reads costs 10x here
    return v


@hot
def jail_term(pi, key, d):
    j = pi[P_JMAX]
    if j < 0:
        return INF_TERM, d
    u = draw(key, d)
    if pi[P_INCL] == 1:
        return int(u * (j + 1)), d + 1
    return (int(u * j) if j > 0 else 0), d + 1


@hot
def arrest(cop, o, ia, cell, occ, fld, vc, vp, pi, key, d):
    """Cop in slot ``cop`` jails citizen o."""
    set_active(o, 0, ia, fld, vc, vp, pi)
    term, d = jail_term(pi, key, d)
    ia[o, JAILED] = 1
    ia[o, TERM] = term
    if pi[P_KEEP] == 0:
        c = ia[o, POS]
        ia[o, HOME] = c
        cell[c] = -1
        occ[c] = 0
        ia[o, POS] = -1
        if pi[P_COPTO] == 1:
            relocate(cop, c, ia, cell, occ, fld, vc, vp, pi)
    return d


@hot
def remove(i, ia, cell, occ, fld, vc, vp, pi, meta, freelist):
    """Agent i dies (killed or of age): off the lattice, its slot back on the free list."""
    if ia[i, POS] >= 0:
        if ia[i, KIND] == CITIZEN:
            set_active(i, 0, ia, fld, vc, vp, pi)
        else:
            field_add(fld, F_COPS, ia[i, POS], vc, -1, pi[P_W], pi[P_H])
        cell[ia[i, POS]] = -1
        occ[ia[i, POS]] = 0
    ia[i, KIND] = 0
    ia[i, POS] = -1
    freelist[meta[M_FREE]] = i
    meta[M_FREE] += 1


@hot
def release(i, ia, cell, occ, vc, pi, key, d):
    """A jailed citizen whose term is over walks out: on its cell already (jail 'keep'), else
    back to its cell or a random empty cell within vision of it; it waits if there is none."""
    if pi[P_KEEP] == 0:
        home = ia[i, HOME]
        if occ[home] == 0:
            t = home
        else:
            t, d = pick_empty(home, vc, occ, pi[P_W], pi[P_H], key, d)
            if t < 0:
                return False, d
        cell[t] = i
        occ[t] = 1
        ia[i, POS] = t
    ia[i, JAILED] = 0
    return True, d


@hot
def new_agent(kind, c, ia, fa, cell, occ, fld, vc, pi, meta, freelist):
    """Take a slot from the free list for a new agent on the empty cell c (-1 when full)."""
    if meta[M_FREE] == 0:
        return -1
    meta[M_FREE] -= 1
    i = freelist[meta[M_FREE]]
    if i + 1 > meta[M_SLOTS]:
        meta[M_SLOTS] = i + 1
    ia[i, :] = 0
    ia[i, KIND] = kind
    ia[i, POS] = c
    ia[i, HOME] = c
    cell[c] = i
    occ[c] = 1
    if kind == COP:
        field_add(fld, F_COPS, c, vc, 1, pi[P_W], pi[P_H])
    return i


@hot
def shuffled_agents(ia, meta, order, seed, stream, tick):
    """order[:n] = the live slots in a uniformly random order (Fisher-Yates); returns n."""
    n = 0
    for i in range(meta[M_SLOTS]):
        if ia[i, KIND] != 0:
            order[n] = i
            n += 1
    tk = tick_key(seed, stream, tick)
    for j in range(n - 1, 0, -1):
        r = int(draw(tk, j) * (j + 1))
        order[j], order[r] = order[r], order[j]
    return n
