"""antaeus' synchronous update, in random batches (``update = "vectorised"``).

Each live agent draws a batch in 0..batches-1; the batches take their turns one after the
other, and all agents of a batch at once: citizens decide on the state at the start of the
phase, cops arrest at once, agents move at once. Conflicts are resolved by random priority
in rounds: two cops choosing the same active, two killers the same victim or two movers the
same empty cell: the lowest draw wins, the losers choose again among what is left (up to 4
rounds for arrests and kills, 8 for moves). One batch is the fully synchronous update; with
many (default 128) it is statistically the random-sequential schedule (docs and tests).
Within a batch order does not matter, so agents go in slot order, which :func:`renumber`
keeps close to the lattice's order.
"""
from __future__ import annotations

import numpy as np

from ...core.compiled import kernel
from .kernels import (ACTIVE, CITIZEN, COP, F_ACTC, F_ACTP, GROUP, INF_TERM, JAILED, KIND, M_FREE,
                      M_SLOTS, POS, P_BATCHES, P_H, P_MODEL2, P_MOVE, P_MOVEFIRST, P_SAME, P_SEED,
                      P_TICKCD, P_W, S_ARREST, S_JAIL, S_KILL, S_MOVE, S_ORDER, TERM, agent_key,
                      arrest, decision, draw, move_to, pick_agent, pick_empty, release,
                      remove, set_active, tick_key)

MOVE_ROUNDS = 8
PICK_ROUNDS = 4
RENUMBER = 16          # renumber the agents in lattice order every 16 ticks


@kernel()
def _claim(slots, n, target, prio, claim):
    """Resolve conflicts: claim[target] = the index j (into slots) with the lowest priority."""
    for j in range(n):
        t = target[j]
        if t >= 0 and (claim[t] < 0 or prio[j] < prio[claim[t]]):
            claim[t] = j


@kernel()
def _unclaim(n, target, claim):
    """Clear the claims of one round, so the next round starts from an empty claim map."""
    for j in range(n):
        if target[j] >= 0:
            claim[target[j]] = -1


@kernel()
def vec_move(ia, cell, occ, fld, vc, vp, pi, tick, seg, slots, target, prio, claim, who):
    """Rule M for cops (who = COP), citizens (who = CITIZEN) or both (who = 0) at once."""
    W, H = pi[P_W], pi[P_H]
    n = 0
    for q in range(seg.shape[0]):
        i = seg[q]
        k = ia[i, KIND]
        if k == 0 or ia[i, POS] < 0 or (who != 0 and k != who):
            continue
        if k == COP or (pi[P_MOVE] == 1 and ia[i, JAILED] == 0):
            slots[n] = i
            n += 1
    tk = tick_key(pi[P_SEED], S_MOVE, tick)
    for rnd in range(MOVE_ROUNDS):
        if n == 0:
            break
        for j in range(n):                       # proposals: independent, data-parallel
            i = slots[j]
            key = agent_key(tk, i)
            d = rnd * 64
            prio[j] = draw(key, d)
            off = vp if ia[i, KIND] == COP else vc
            target[j], d = pick_empty(ia[i, POS], off, occ, W, H, key, d + 1)
        _claim(slots, n, target, prio, claim)
        m = 0
        for j in range(n):
            t = target[j]
            if t < 0:
                continue
            if claim[t] == j:
                move_to(slots[j], t, ia, cell, occ, fld, vc, vp, pi)
            else:
                slots[m] = slots[j]              # lost: choose again next round
                m += 1
        _unclaim(n, target, claim)
        n = m


@kernel()
def vec_decide(ia, fa, fld, vc, vp, pi, pf, legitimacy, seg, slots, target):
    n = 0
    for q in range(seg.shape[0]):
        i = seg[q]
        if ia[i, KIND] == CITIZEN and ia[i, JAILED] == 0 and ia[i, POS] >= 0:
            slots[n] = i
            n += 1
    for j in range(n):                           # all decide on the same state
        target[j] = decision(slots[j], ia, fa, fld, pi, pf, legitimacy)
    for j in range(n):
        if target[j] != ia[slots[j], ACTIVE]:
            set_active(slots[j], target[j], ia, fld, vc, vp, pi)


@kernel()
def vec_pick(ia, cell, occ, fld, meta, freelist, vc, vp, pi, tick, seg, slots, target, prio, claim,
             kill):
    """Arrests (kill False: every cop picks an active within its vision) or kills (kill True:
    every active picks a citizen of the other group within its vision), all at once."""
    W, H = pi[P_W], pi[P_H]
    n = 0
    for q in range(seg.shape[0]):
        i = seg[q]
        if ia[i, KIND] == 0 or ia[i, POS] < 0:
            continue
        if (not kill and ia[i, KIND] == COP) or (kill and ia[i, KIND] == CITIZEN and ia[i, ACTIVE] == 1):
            slots[n] = i
            n += 1
    tk = tick_key(pi[P_SEED], S_KILL if kill else S_ARREST, tick)
    row = F_ACTC if pi[P_SAME] == 1 else F_ACTP
    done = 0
    for rnd in range(PICK_ROUNDS):
        if n == 0:
            break
        for j in range(n):
            i = slots[j]
            key = agent_key(tk, i)
            d = rnd * 64
            prio[j] = draw(key, d)
            target[j] = -1
            if kill:
                o, d = pick_agent(ia[i, POS], vc, cell, ia, 1 - ia[i, GROUP], 0, W, H, key, d + 1)
            else:
                o, d = pick_agent(ia[i, POS], vp, cell, ia, -1, fld[row, ia[i, POS]], W, H, key, d + 1)
            if o >= 0:
                target[j] = ia[o, POS]           # claims are by the victim's cell
        _claim(slots, n, target, prio, claim)
        m = 0
        for j in range(n):
            t = target[j]
            if t < 0:
                continue
            i = slots[j]
            if claim[t] == j:
                o = cell[t]
                if kill:
                    remove(o, ia, cell, occ, fld, vc, vp, pi, meta, freelist)
                else:
                    arrest(i, o, ia, cell, occ, fld, vc, vp, pi, agent_key(tk, i), rnd * 64 + 40)
                done += 1
            elif ia[i, KIND] != 0:               # lost (and still alive): choose again
                slots[m] = i
                m += 1
        _unclaim(n, target, claim)
        n = m
    return done


@kernel()
def batched_agents(ia, meta, order, bounds, batches, seed, stream, tick):
    """order[:n] = the live slots grouped by a random batch each (counting sort; ascending
    slots within a batch), bounds[b]:bounds[b+1] = batch b; returns n."""
    tk = tick_key(seed, stream, tick)
    bounds[:batches + 1] = 0
    m = meta[M_SLOTS]
    which = np.empty(m, np.int64)
    for i in range(m):
        if ia[i, KIND] != 0:
            b = int(draw(tk, i) * batches)
            which[i] = b
            bounds[b + 1] += 1
        else:
            which[i] = -1
    for b in range(batches):
        bounds[b + 1] += bounds[b]
    fill = bounds[:batches].copy()
    for i in range(m):
        b = which[i]
        if b >= 0:
            order[fill[b]] = i
            fill[b] += 1
    return bounds[batches]


@kernel()
def renumber(ia, fa, cell, meta, freelist):
    """Give the agents new slots in the order of their cells (those off the lattice last), so
    that agents near each other on the lattice are near each other in memory."""
    m = meta[M_SLOTS]
    new = np.full(m, -1, np.int64)
    k = 0
    for c in range(cell.shape[0]):
        o = cell[c]
        if o >= 0:
            new[o] = k
            k += 1
    for i in range(m):
        if ia[i, KIND] != 0 and new[i] < 0:
            new[i] = k
            k += 1
    ia2 = ia[:m].copy()
    fa2 = fa[:m].copy()
    ia[:m] = 0
    for i in range(m):
        if new[i] >= 0:
            ia[new[i]] = ia2[i]
            fa[new[i]] = fa2[i]
    for c in range(cell.shape[0]):
        if cell[c] >= 0:
            cell[c] = new[cell[c]]
    meta[M_SLOTS] = k
    free = 0
    for i in range(ia.shape[0] - 1, k - 1, -1):     # pops k, k+1, ...
        freelist[free] = i
        free += 1
    meta[M_FREE] = free


@kernel()
def vec_tick(ia, fa, cell, occ, fld, meta, freelist, order, bounds, vc, vp, pi, pf, legitimacy,
             tick, slots, target, prio, claim):
    """Each live agent draws a batch in 0..batches-1; the batches take their turns one
    after the other, and all agents of a batch at once (one synchronous update). One batch
    is the fully synchronous update; with many, it tends to the sequential schedule. Within
    a batch the order does not matter, so agents go in slot order, which
    :func:`renumber` keeps close to the lattice's order (memory locality)."""
    batches = max(1, pi[P_BATCHES])
    n = batched_agents(ia, meta, order, bounds, batches, pi[P_SEED], S_ORDER, tick)
    tk = tick_key(pi[P_SEED], S_JAIL, tick)
    first = pi[P_MOVEFIRST] == 1
    kills = 0
    for b in range(batches):
        seg = order[bounds[b]:bounds[b + 1]]
        if seg.shape[0] == 0:
            continue
        for q in range(seg.shape[0]):            # jail: count down or walk out
            i = seg[q]
            if ia[i, KIND] == CITIZEN and ia[i, JAILED] == 1:
                term = ia[i, TERM]
                if term > 0:
                    if pi[P_TICKCD] == 0 and term < INF_TERM:
                        ia[i, TERM] = term - 1
                    continue
                release(i, ia, cell, occ, vc, pi, agent_key(tk, i), 0)
        # Phases in the order that lets each agent see what it sees in the sequential
        # schedule: there a cop finds an active where the active went after deciding, and
        # (move_first) a citizen decides where it has just moved.
        if first:
            vec_move(ia, cell, occ, fld, vc, vp, pi, tick, seg, slots, target, prio, claim, 0)
        vec_decide(ia, fa, fld, vc, vp, pi, pf, legitimacy, seg, slots, target)
        if pi[P_MODEL2] == 1:
            kills += vec_pick(ia, cell, occ, fld, meta, freelist, vc, vp, pi, tick, seg, slots,
                              target, prio, claim, True)
        if not first:
            vec_move(ia, cell, occ, fld, vc, vp, pi, tick, seg, slots, target, prio, claim, CITIZEN)
        vec_pick(ia, cell, occ, fld, meta, freelist, vc, vp, pi, tick, seg, slots, target, prio,
                 claim, False)
        if not first:
            vec_move(ia, cell, occ, fld, vc, vp, pi, tick, seg, slots, target, prio, claim, COP)
    return n, kills
