"""The Python side: build the state, advance it, and summarise a run (outbursts, extinction)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import kernels as K
from .params import Params, resolve, schedule
from .schedules import populate, run_ticks


@dataclass(frozen=True)
class Outbursts:
    """Outbursts after Epstein (2002): one starts when actives exceed ``threshold`` and ends
    when they fall below it. ``size`` is the total activation (actives summed over the
    outburst's ticks), ``waits`` the ticks from one outburst's end to the next one's start.
    Only finished outbursts are counted; ``open`` says whether one is under way at the end."""

    threshold: int
    starts: np.ndarray
    ends: np.ndarray
    sizes: np.ndarray
    waits: np.ndarray
    peaks: np.ndarray
    open: bool

    @property
    def count(self) -> int:
        return int(self.sizes.size)

    @property
    def mean_wait(self) -> float:
        return float(self.waits.mean()) if self.waits.size else float("nan")

    @property
    def mean_size(self) -> float:
        return float(self.sizes.mean()) if self.sizes.size else float("nan")


def outbursts(active, threshold: int = 50) -> Outbursts:
    """Find the outbursts in a series of active counts (index = tick)."""
    a = np.asarray(active, dtype=np.int64)
    starts, ends = [], []
    inside = False
    for t, x in enumerate(a):                    # a loop over ticks, not agents
        if not inside and x > threshold:
            inside = True
            starts.append(t)
        elif inside and x < threshold:
            inside = False
            ends.append(t)
    done = len(ends)
    st = np.array(starts[:done], dtype=np.int64)
    en = np.array(ends, dtype=np.int64)
    csum = np.concatenate([[0], np.cumsum(a)])
    sizes = csum[en] - csum[st]
    peaks = np.array([a[s:e].max() for s, e in zip(st, en)], dtype=np.int64)
    waits = np.array(starts[1:], dtype=np.int64)[: max(len(starts) - 1, 0)] - en[: max(len(starts) - 1, 0)]
    return Outbursts(threshold, st, en, sizes, waits, peaks, inside)


@dataclass(frozen=True)
class Result:
    """Series per tick, index 0 the initial state: actives, jailed, quiet (free and quiet)
    citizens, cops, living citizens of each group (Model II), kills, tension (mean grievance
    x quiet share / mean risk aversion over free citizens) and legitimacy."""

    params: Params
    seed: int
    steps: int
    active: np.ndarray
    jailed: np.ndarray
    quiet: np.ndarray
    cops: np.ndarray
    groups: np.ndarray            # [steps + 1, 2]
    kills: np.ndarray
    tension: np.ndarray
    legitimacy: np.ndarray
    outbursts: Outbursts
    agents: int                   # citizens + cops at the start
    extinction: int | None = None  # Model II: first tick a group has no living member
    victor: int | None = None      # Model II: the surviving group (0 blue, 1 green)
    extra: dict = field(default_factory=dict)

    @property
    def citizens(self) -> np.ndarray:
        return self.active + self.jailed + self.quiet


class Simulation:
    """The model's state on the torus, advanced in place by the Numba kernels."""

    def __init__(self, params: Params | str | dict, seed: int = 0):
        p = resolve(params)
        if seed < 0:
            raise ValueError("seed must be non-negative")
        self.params, self.seed, self.tick = p, int(seed), 0
        W, H = p.width, p.height
        N = W * H
        self.vc = K.offsets(p.vision_shape, p.vision, W)
        self.vp = K.offsets(p.vision_shape, p.cop_vision, W)
        self.moore = K.offsets("moore", 1, W)
        same = self.vc.shape == self.vp.shape and bool(np.all(self.vc == self.vp))
        cap = 2 * N
        self.ia = np.zeros((cap, K.NI), np.int32)
        self.fa = np.zeros((cap, 2), np.float64)
        self.cell = np.full(N, -1, np.int32)
        self.occ = np.zeros(N, np.uint8)           # 1 where cell >= 0: pick_empty's small copy
        # counts within vision, as small as the largest vision set allows (bytes: see
        # kernels.field_add); rows padded to whole 64-bit words plus three
        n = max(self.vc[0, 0], self.vp[0, 0])
        kind = np.uint8 if n <= 255 else (np.int16 if n < 2**15 - 1 else np.int32)
        self.fields = np.zeros((3, 8 * (-(-N // 8)) + 24), kind)
        self.fld = self.fields[:, :N]
        self.meta = np.array([0, cap, 0], np.int64)
        self.freelist = np.arange(cap - 1, -1, -1, dtype=np.int64)   # pops 0, 1, 2, ...
        pi = np.zeros(K.NPI, np.int64)
        pi[K.P_W], pi[K.P_H] = W, H
        pi[K.P_MOVE] = p.movement
        pi[K.P_RATIO] = ("literal", "floor", "round").index(p.arrest_ratio)
        pi[K.P_DOUBLE] = p.self_count == "double"
        pi[K.P_KEEP] = p.jail == "keep"
        pi[K.P_INCL] = p.jail_term == "inclusive"
        pi[K.P_TICKCD] = p.jail_countdown == "tick"
        pi[K.P_MOVEFIRST] = p.move_first
        pi[K.P_COPTO] = p.cop_moves_to_arrest
        pi[K.P_JMAX] = -1 if p.max_jail_term is None else p.max_jail_term
        pi[K.P_MODEL2] = p.model == "II"
        pi[K.P_MAXAGE] = p.max_age
        pi[K.P_SEED] = self.seed
        pi[K.P_SAME] = same
        pi[K.P_VECTOR] = p.update == "vectorised"
        pi[K.P_BATCHES] = p.batches
        self.pi = pi
        self.pf = np.array([p.k, p.threshold, p.clone_probability], np.float64)
        cellwise = p.placement == "cellwise"
        n_cop = int(round(p.cop_density * N))
        n_cit = min(int(round(p.citizen_density * N)), N - n_cop)
        populate(self.ia, self.fa, self.cell, self.occ, self.fields, self.meta, self.freelist,
                 self.vc, pi, n_cit, n_cop, cellwise, p.citizen_density, p.cop_density)
        self.legitimacy = schedule(p.legitimacy_path, p.legitimacy, 1)[0] if p.legitimacy_path else p.legitimacy
        self.initial = np.zeros((1, K.NREC))
        from .schedules import record
        record(self.initial, 0, self.ia, self.fa, self.meta, self.legitimacy, 0)

    def advance(self, steps: int) -> np.ndarray:
        """Run ``steps`` ticks; returns their records [steps, NREC]."""
        p, t0 = self.params, self.tick
        full = t0 + steps
        legit = np.array(schedule(p.legitimacy_path, p.legitimacy, full)[t0:], np.float64)
        N = p.width * p.height
        if p.cop_path:
            dens = schedule(p.cop_path, p.cop_density, full)[t0:]
            cops = np.array([int(round(x * N)) for x in dens], np.int64)
        else:
            cops = np.full(steps, -1, np.int64)
        rec = np.zeros((steps, K.NREC), np.float64)
        run_ticks(self.ia, self.fa, self.cell, self.occ, self.fields, self.meta, self.freelist,
                  self.vc, self.vp, self.moore, self.pi, self.pf, legit, cops, t0, rec)
        self.tick = full
        if steps:
            self.legitimacy = float(legit[-1])
        return rec

    # views of the state, for checks and tests
    def citizens(self) -> np.ndarray:
        return np.flatnonzero(self.ia[: self.meta[K.M_SLOTS], K.KIND] == K.CITIZEN)

    def column(self, name: str) -> np.ndarray:
        return self.ia[: self.meta[K.M_SLOTS], getattr(K, name)]


def summarise(sim: Simulation, rec: np.ndarray, steps: int) -> Result:
    p = sim.params
    r = np.vstack([sim.initial, rec])
    col = lambda c: r[:, c].astype(np.int64)  # noqa: E731
    active = col(K.R_ACTIVE)
    groups = np.stack([col(K.R_GROUP0), col(K.R_GROUP1)], axis=1)
    extinction = victor = None
    if p.model == "II":
        gone = np.flatnonzero((groups == 0).any(axis=1))
        if gone.size:
            extinction = int(gone[0])
            g = groups[extinction]
            victor = None if (g == 0).all() else int(np.argmax(g))
    return Result(params=p, seed=sim.seed, steps=steps, active=active, jailed=col(K.R_JAILED),
                  quiet=col(K.R_QUIET), cops=col(K.R_COPS), groups=groups, kills=col(K.R_KILLS),
                  tension=r[:, K.R_TENSION], legitimacy=r[:, K.R_LEGITIMACY],
                  outbursts=outbursts(active, p.outburst_threshold),
                  agents=int(r[0, K.R_ACTIVE] + r[0, K.R_JAILED] + r[0, K.R_QUIET] + r[0, K.R_COPS]),
                  extinction=extinction, victor=victor)


def run(preset_or_params: str | Params | dict = "run2", steps: int = 1000, seed: int = 0,
        **overrides) -> Result:
    """Run Epstein's civil-violence model.

    ``preset_or_params``: a preset name (``run1`` .. ``run8``, ``netlogo``, ``mesa``), a
    :class:`Params`, or a dict of fields (with an optional ``preset`` key); keyword
    ``overrides`` replace fields (``update="vectorised"``, ``arrest_ratio="floor"``, ...).
    Returns a :class:`Result`: actives, jailed and quiet per tick and the outbursts.
    """
    p = resolve(preset_or_params)
    if overrides:
        p = Params(**{**p.model_dump(), **overrides})
    sim = Simulation(p, seed)
    steps = int(steps)
    if p.model == "II" and p.stop_at_extinction:
        chunks, done = [], 0
        while done < steps:
            chunk = sim.advance(min(25, steps - done))
            chunks.append(chunk)
            done += chunk.shape[0]
            if (chunk[-1, [K.R_GROUP0, K.R_GROUP1]] == 0).any():
                break
        rec = np.vstack(chunks)
        return summarise(sim, rec, rec.shape[0])
    rec = sim.advance(steps)
    return summarise(sim, rec, steps)
