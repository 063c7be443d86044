"""The faithful schedule, Model II's population, and the multi-tick driver kernel.

* **sequential** (faithful): every live agent, citizens and cops together, in a fresh random
  order each tick (Fisher-Yates on counter-based draws), acts on the state left by those
  before it, as in the paper ("random asynchronous activation"), NetLogo (``ask turtles``)
  and Mesa (``shuffle_do``). A citizen moves (rule M) and decides (rule A), in the order
  ``move_first`` says; a cop moves and arrests (rule C).
* **vectorised**: antaeus' synchronous update in random batches (:mod:`.vectorised`).

Model II adds killing (an active citizen kills a random citizen of the other group within
vision) and, after the agents' turns, cloning onto an empty Moore neighbour with probability
p, ageing and death at a drawn age.
"""
from __future__ import annotations

import numpy as np

from ...core.compiled import kernel
from .kernels import (ACTIVE, AGE, CITIZEN, COP, DEATH, F_ACTC, F_ACTP, GROUP, HARD,
                      INF_TERM, JAILED, KIND, M_AHEAD, M_SLOTS, POS, P_BATCHES, P_H,
                      P_MAXAGE, P_MODEL2, P_MOVE, P_MOVEFIRST, P_SAME, P_SEED, P_TICKCD, P_VECTOR, P_W,
                      Q_CLONE, RISK, R_ACTIVE, R_COPS, R_GROUP0, R_GROUP1, R_JAILED, R_KILLS,
                      R_LEGITIMACY, R_QUIET, R_TENSION, S_ATTR, S_BIRTH, S_COPS, S_INIT, S_ORDER,
                      S_POP, S_TURN, TERM, agent_key, arrest, decision, draw, grievance,
                      inline, move_to, new_agent, pick_agent, pick_empty, release, remove,
                      set_active, shuffled_agents, tick_key)
from .vectorised import RENUMBER, renumber, vec_tick

AHEAD = 4        # seq_tick loads the agent this many turns ahead


# ----------------------------------------------------------------------------------------------
# initial state
# ----------------------------------------------------------------------------------------------
@kernel()
def populate(ia, fa, cell, occ, fld, meta, freelist, vc, pi, n_cit, n_cop, cellwise, d_cit, d_cop):
    """Place cops and citizens: ``cellwise`` (each cell a citizen with probability d_cit, a
    cop with d_cop, else empty, as Mesa) or exactly n_cop cops then n_cit citizens on distinct
    random cells (NetLogo). Citizens draw H, R ~ U(0,1), a group (1/2 each) and a death age."""
    W, H = pi[P_W], pi[P_H]
    N = W * H
    seed = pi[P_SEED]
    tk = tick_key(seed, S_INIT, 0)
    kinds = np.zeros(N, np.int64)
    if cellwise:
        for c in range(N):
            u = draw(agent_key(tk, c), 0)
            kinds[c] = CITIZEN if u < d_cit else (COP if u < d_cit + d_cop else 0)
    else:
        perm = np.arange(N)
        for j in range(N - 1, 0, -1):
            r = int(draw(tk, j) * (j + 1))
            perm[j], perm[r] = perm[r], perm[j]
        for j in range(n_cop):
            kinds[perm[j]] = COP
        for j in range(n_cop, n_cop + n_cit):
            kinds[perm[j]] = CITIZEN
    ta = tick_key(seed, S_ATTR, 0)
    for c in range(N):
        if kinds[c] == 0:
            continue
        i = new_agent(kinds[c], c, ia, fa, cell, occ, fld, vc, pi, meta, freelist)
        if kinds[c] == CITIZEN:
            key = agent_key(ta, i)
            fa[i, HARD] = draw(key, 0)
            fa[i, RISK] = draw(key, 1)
            ia[i, GROUP] = 1 if draw(key, 2) < 0.5 else 0
            ia[i, DEATH] = 1 + int(draw(key, 3) * pi[P_MAXAGE])


# ----------------------------------------------------------------------------------------------
# the faithful schedule
# ----------------------------------------------------------------------------------------------
@inline
def move(i, vision, ia, cell, occ, fld, vc, vp, pi, key, d):
    """Rule M: agent i moves to a random empty cell within ``vision``, if there is one."""
    t, d = pick_empty(ia[i, POS], vision, occ, pi[P_W], pi[P_H], key, d)
    if t >= 0:
        move_to(i, t, ia, cell, occ, fld, vc, vp, pi)
    return d


@kernel()
def seq_tick(ia, fa, cell, occ, fld, meta, freelist, order, vc, vp, pi, pf, legitimacy, tick):
    W, H = pi[P_W], pi[P_H]
    movement = pi[P_MOVE] == 1
    move_first = pi[P_MOVEFIRST] == 1
    n = shuffled_agents(ia, meta, order, pi[P_SEED], S_ORDER, tick)
    tk = tick_key(pi[P_SEED], S_TURN, tick)
    kills = 0
    ahead = 0
    for idx in range(n):
        if idx + AHEAD < n:
            # Load the agent AHEAD turns on now (a prefetch by hand): the order is random, so
            # its row is a cache miss, and the turns between hide it. The sum is stored in
            # meta only so that the compiler keeps the loads.
            j = order[idx + AHEAD]
            ahead += ia[j, POS] + (fa[j, HARD] > 2.0)
        i = order[idx]
        kind = ia[i, KIND]
        if kind == 0:                                  # killed earlier this tick
            continue
        key = agent_key(tk, i)
        d = 0
        if kind == CITIZEN:
            if ia[i, JAILED] == 1:
                term = ia[i, TERM]
                if term > 0:
                    if pi[P_TICKCD] == 0 and term < INF_TERM:
                        ia[i, TERM] = term - 1
                    continue
                out, d = release(i, ia, cell, occ, vc, pi, key, d)
                if not out:
                    continue
            if movement and move_first:
                d = move(i, vc, ia, cell, occ, fld, vc, vp, pi, key, d)
            v = decision(i, ia, fa, fld, pi, pf, legitimacy)
            if v != ia[i, ACTIVE]:
                set_active(i, v, ia, fld, vc, vp, pi)
            if pi[P_MODEL2] == 1 and ia[i, ACTIVE] == 1:
                v, d = pick_agent(ia[i, POS], vc, cell, ia, 1 - ia[i, GROUP], 0, W, H, key, d)
                if v >= 0:
                    remove(v, ia, cell, occ, fld, vc, vp, pi, meta, freelist)
                    kills += 1
            if movement and not move_first:
                d = move(i, vc, ia, cell, occ, fld, vc, vp, pi, key, d)
        else:
            if move_first:
                d = move(i, vp, ia, cell, occ, fld, vc, vp, pi, key, d)
            row = F_ACTC if pi[P_SAME] == 1 else F_ACTP
            seen = fld[row, ia[i, POS]]
            if seen > 0:
                o, d = pick_agent(ia[i, POS], vp, cell, ia, -1, seen, W, H, key, d)
                if o >= 0:
                    d = arrest(i, o, ia, cell, occ, fld, vc, vp, pi, key, d)
            if not move_first:
                d = move(i, vp, ia, cell, occ, fld, vc, vp, pi, key, d)
    meta[M_AHEAD] = ahead
    return n, kills


# ----------------------------------------------------------------------------------------------
# Model II population, jail countdown, cop schedules, records
# ----------------------------------------------------------------------------------------------
@kernel()
def population(ia, fa, cell, occ, fld, meta, freelist, order, n, moore, vc, vp, pi, pf, tick):
    """Cloning with probability p onto an empty Moore neighbour (the child keeps group and
    hardship, draws its own risk aversion and death age), then ageing and death."""
    W, H = pi[P_W], pi[P_H]
    tk = tick_key(pi[P_SEED], S_POP, tick)
    tb = tick_key(pi[P_SEED], S_BIRTH, tick)
    for idx in range(n):
        i = order[idx]
        if ia[i, KIND] != CITIZEN:
            continue
        key = agent_key(tk, i)
        if ia[i, JAILED] == 0 and draw(key, 0) < pf[Q_CLONE]:
            t, _ = pick_empty(ia[i, POS], moore, occ, W, H, key, 1)
            if t >= 0:
                child = new_agent(CITIZEN, t, ia, fa, cell, occ, fld, vc, pi, meta, freelist)
                if child >= 0:
                    kc = agent_key(tb, child)
                    ia[child, GROUP] = ia[i, GROUP]
                    fa[child, HARD] = fa[i, HARD]
                    fa[child, RISK] = draw(kc, 0)
                    ia[child, DEATH] = 1 + int(draw(kc, 1) * pi[P_MAXAGE])
        ia[i, AGE] += 1
        if ia[i, AGE] >= ia[i, DEATH]:
            remove(i, ia, cell, occ, fld, vc, vp, pi, meta, freelist)


@kernel()
def adjust_cops(target, ia, fa, cell, occ, fld, meta, freelist, order, vc, pi, tick):
    """Remove random cops, or add cops on random empty cells, until there are ``target``."""
    n = 0
    for i in range(meta[M_SLOTS]):
        if ia[i, KIND] == COP:
            order[n] = i
            n += 1
    if n == target:
        return
    tk = tick_key(pi[P_SEED], S_COPS, tick)
    N = cell.shape[0]
    d = 0
    while n > target:
        j = int(draw(tk, d) * n)
        d += 1
        i = order[j]
        remove(i, ia, cell, occ, fld, vc, vc, pi, meta, freelist)  # a cop: the citizens' vision is not read
        order[j] = order[n - 1]
        n -= 1
    while n < target:
        c = int(draw(tk, d) * N)
        d += 1
        if d > 64 * N:                            # the lattice is full
            return
        if occ[c] == 0:
            if new_agent(COP, c, ia, fa, cell, occ, fld, vc, pi, meta, freelist) < 0:
                return
            n += 1


@kernel()
def record(rec, s, ia, fa, meta, legitimacy, kills):
    act = jail = quiet = cops = g0 = g1 = 0
    sum_g = sum_r = 0.0
    for i in range(meta[M_SLOTS]):
        k = ia[i, KIND]
        if k == COP:
            cops += 1
        elif k == CITIZEN:
            if ia[i, GROUP] == 0:
                g0 += 1
            else:
                g1 += 1
            if ia[i, JAILED] == 1:
                jail += 1
            else:
                if ia[i, ACTIVE] == 1:
                    act += 1
                else:
                    quiet += 1
                sum_g += grievance(fa[i, HARD], legitimacy)
                sum_r += fa[i, RISK]
    free = act + quiet
    rec[s, R_ACTIVE] = act
    rec[s, R_JAILED] = jail
    rec[s, R_QUIET] = quiet
    rec[s, R_COPS] = cops
    rec[s, R_GROUP0] = g0
    rec[s, R_GROUP1] = g1
    rec[s, R_KILLS] = kills
    # tension: mean grievance x quiet share / mean risk aversion, over free citizens
    rec[s, R_TENSION] = (sum_g / free) * (quiet / free) / (sum_r / free) if free > 0 and sum_r > 0 else 0.0
    rec[s, R_LEGITIMACY] = legitimacy


@kernel()
def run_ticks(ia, fa, cell, occ, fld, meta, freelist, vc, vp, moore, pi, pf, legit, cop_target,
              t0, rec):
    """Ticks t0+1 .. t0+len(legit): the cop schedule, one tick, the population, a record."""
    M = ia.shape[0]
    order = np.empty(M, np.int64)
    slots = np.empty(M, np.int64)
    target = np.empty(M, np.int64)
    prio = np.empty(M, np.float64)
    claim = np.full(cell.shape[0], -1, np.int32)
    bounds = np.zeros(max(pi[P_BATCHES], 1) + 1, np.int64)
    for s in range(legit.shape[0]):
        tick = t0 + s + 1
        if pi[P_VECTOR] == 1 and tick % RENUMBER == 1:
            renumber(ia, fa, cell, meta, freelist)
        if cop_target[s] >= 0:
            adjust_cops(cop_target[s], ia, fa, cell, occ, fld, meta, freelist, order, vc, pi, tick)
        if pi[P_VECTOR] == 1:
            n, kills = vec_tick(ia, fa, cell, occ, fld, meta, freelist, order, bounds, vc, vp,
                                pi, pf, legit[s], tick, slots, target, prio, claim)
        else:
            n, kills = seq_tick(ia, fa, cell, occ, fld, meta, freelist, order, vc, vp, pi, pf,
                                legit[s], tick)
        if pi[P_TICKCD] == 1:                     # NetLogo: terms fall at the end of the tick
            for i in range(meta[M_SLOTS]):
                if ia[i, KIND] == CITIZEN and ia[i, JAILED] == 1 and 0 < ia[i, TERM] < INF_TERM:
                    ia[i, TERM] -= 1
        if pi[P_MODEL2] == 1:
            population(ia, fa, cell, occ, fld, meta, freelist, order, n, moore, vc, vp, pi, pf,
                       tick)
        record(rec, s, ia, fa, meta, legit[s], kills)
