"""Epstein (2002) civil violence: exact tests of the deterministic pieces, invariants of the
state, and statistical tests over many seeds (``-m statistical``) of the published results.
"""
from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from pydantic import ValidationError

from antaeus.core import rng
from antaeus.core.compiled import by_type
from antaeus.models import civil_violence as cv
from antaeus.models.civil_violence import kernels as K
from antaeus.models.civil_violence.claims import CLAIMS


# ----------------------------------------------------------------------------------------------
# exact: geometry, random numbers, the rule variants, outbursts
# ----------------------------------------------------------------------------------------------
def test_a_kernel_called_with_constants_is_compiled_once_per_argument_type():
    """Three constant arguments are three literal types: plain, the callee is compiled three
    times; under ``by_type`` once, for int64, and it computes the same."""
    def shifted(x, by):
        return x + by

    for wrapped, signatures in ((njit(shifted), 3), (by_type(njit(shifted)), 1)):
        @njit
        def caller(x):
            return wrapped(x, 1) + wrapped(x, 2) + wrapped(x, 3)

        assert caller(10) == 36
        assert len(wrapped.signatures) == signatures
    assert [str(t) for t in wrapped.signatures[0]] == ["int64", "int64"]


@pytest.mark.parametrize("shape, radius, size", [
    ("euclidean", 1.7, 8), ("euclidean", 7, 148), ("von_neumann", 7, 112), ("moore", 7, 224),
    ("moore", 1, 8), ("von_neumann", 1, 4)])
def test_vision_sets_have_the_documented_sizes(shape, radius, size):
    off = K.offsets(shape, radius, 50)
    n, rows = off[0]
    assert n == size and off.shape == (1 + 2 * n + 25 * rows, 2)
    cells = {tuple(x) for x in off[1:1 + n]}
    assert (0, 0) not in cells and len(cells) == n
    assert all((-dy, -dx) in cells for dy, dx in cells)            # symmetric: "c sees a" = "a sees c"
    spans = {(dy, dx) for dy, w in off[1 + n:1 + n + rows] for dx in range(-w, w + 1)}
    assert spans - {(0, 0)} == cells                                 # row spans cover the same set
    lin = off[1 + n + rows:1 + 2 * n + rows, 0]
    assert (lin == off[1:1 + n, 0] * 50 + off[1:1 + n, 1]).all()    # linear offsets, same order


@njit
def _draws(seed, stream, tick, index, n):
    out = np.empty(n)
    key = K.agent_key(K.tick_key(seed, stream, tick), index)
    for d in range(n):
        out[d] = K.draw(key, d)
    return out


def test_draws_are_the_engines_counter_based_uniforms():
    for seed, stream, tick, index in [(0, 101, 0, 0), (7, 104, 12, 345), (2**31, 111, 10**6, 7)]:
        expected = [rng.uniform(seed, stream, tick, index, d) for d in range(5)]
        assert _draws(seed, stream, tick, index, 5).tolist() == expected


def _decide(rule: str, cops: int, others: int, *, active=0, double=False, hardship=1.0, risk=1.0,
            legitimacy=0.0, k=2.3, threshold=0.1):
    """Rule A for one citizen on a hand-made 1-cell state (fields say what it sees)."""
    ia = np.zeros((1, K.NI), np.int32)
    ia[0, K.KIND], ia[0, K.ACTIVE] = K.CITIZEN, active
    fa = np.array([[hardship, risk]])
    fld = np.array([[cops], [others], [others]], np.int32)
    pi = np.zeros(K.NPI, np.int64)
    pi[K.P_RATIO] = ("literal", "floor", "round").index(rule)
    pi[K.P_DOUBLE] = double
    pf = np.array([k, threshold, 0.05])
    return K.decision(0, ia, fa, fld, pi, pf, legitimacy), int(ia[0, K.SEEN])


@pytest.mark.parametrize("cops, others, literal, floor, rnd", [
    (1, 0, 1.0, 1, 1), (3, 1, 1.5, 1, 2), (1, 1, 0.5, 0, 0), (5, 1, 2.5, 2, 2), (7, 1, 3.5, 3, 4),
    (0, 4, 0.0, 0, 0), (2, 4, 0.4, 0, 0)])
def test_arrest_ratio_variants(cops, others, literal, floor, rnd):
    """G - R P > T with G = 1, R = 1, T = 0.1 is active iff P < 0.9, so the decision reads P off
    exactly: the literal ratio C/A, floor(C/A), and round(C/A) half to even as Python's round."""
    assert rnd == round(cops / (1 + others))
    for rule, ratio in (("literal", literal), ("floor", floor), ("round", rnd)):
        p = 1 - np.exp(-2.3 * ratio)
        decided, seen = _decide(rule, cops, others, threshold=1 - p - 1e-9)
        assert decided == 1 and seen == cops
        decided, _ = _decide(rule, cops, others, threshold=1 - p + 1e-9)
        assert decided == 0


def test_netlogo_counts_an_active_agent_twice():
    # C = 2, one other active: A = 2 once, 3 when the active agent counts itself again
    once, _ = _decide("floor", 2, 1, active=1, threshold=0.5)        # floor(2/2) = 1: P = 0.90
    double, _ = _decide("floor", 2, 1, active=1, double=True, threshold=0.5)  # floor(2/3) = 0
    assert (once, double) == (0, 1)
    quiet, _ = _decide("floor", 2, 1, active=0, double=True, threshold=0.5)   # quiet: A = 2
    assert quiet == 0


def test_k_gives_p_of_0_9_at_c_equal_a():
    decided, _ = _decide("literal", 1, 0, threshold=1 - 0.8997 - 1e-4)
    assert decided == 1
    assert _decide("literal", 1, 0, threshold=1 - 0.8997 + 1e-4)[0] == 0


@njit
def _terms(pi, n):
    out = np.empty(n, np.int64)
    tk = K.tick_key(1, K.S_JAIL, 1)
    for i in range(n):
        out[i] = K.jail_term(pi, K.agent_key(tk, i), 0)[0]
    return out


@pytest.mark.parametrize("jmax, inclusive, values", [(3, True, {0, 1, 2, 3}), (3, False, {0, 1, 2}),
                                                     (0, True, {0}), (0, False, {0}),
                                                     (-1, True, {K.INF_TERM})])
def test_jail_terms(jmax, inclusive, values):
    """U{0..J} (Mesa's randint), U{0..J-1} (NetLogo's random), or never released."""
    pi = np.zeros(K.NPI, np.int64)
    pi[K.P_JMAX], pi[K.P_INCL] = jmax, inclusive
    assert set(_terms(pi, 400).tolist()) == values


def test_outbursts_follow_the_papers_definition():
    a = [0, 51, 60, 50, 50, 49, 10, 70, 80, 49, 0, 55, 51]
    o = cv.outbursts(a, 50)
    # starts above 50 (t = 1, 7, 11); ends below 50 (t = 5, 9); 50 itself neither starts nor ends
    assert o.starts.tolist() == [1, 7] and o.ends.tolist() == [5, 9]
    assert o.sizes.tolist() == [51 + 60 + 50 + 50, 70 + 80]
    assert o.peaks.tolist() == [60, 80]
    assert o.waits.tolist() == [7 - 5, 11 - 9]           # the last wait ends at the open outburst
    assert o.count == 2 and o.open
    assert cv.outbursts([0, 10, 50, 50], 50).count == 0


# ----------------------------------------------------------------------------------------------
# parameters and presets
# ----------------------------------------------------------------------------------------------
def test_presets_and_mesa_defaults():
    assert set(cv.PRESETS) == {f"run{i}" for i in range(1, 9)} | {"netlogo", "mesa"}
    m = cv.preset("mesa")
    assert (m.cop_density, m.legitimacy, m.max_jail_term, m.vision, m.vision_shape, m.arrest_ratio,
            m.jail, m.jail_term, m.move_first, m.placement) == (
        0.074, 0.8, 1000, 7, "von_neumann", "round", "keep", "inclusive", False, "cellwise")
    n = cv.preset("netlogo")
    assert (n.arrest_ratio, n.self_count, n.jail_term, n.cop_moves_to_arrest, n.legitimacy) == (
        "floor", "double", "exclusive", True, 0.82)
    assert cv.preset("run1").movement is False and cv.preset("run7").model == "II"
    assert cv.resolve({"preset": "run2", "arrest_ratio": "floor"}).arrest_ratio == "floor"


def test_bad_parameters_are_refused():
    with pytest.raises(KeyError):
        cv.preset("run9")
    with pytest.raises(ValidationError):
        cv.Params(citizen_density=0.9, cop_density=0.2)
    with pytest.raises(ValidationError):
        cv.Params(arrest_ratio="ceil")
    with pytest.raises(ValidationError):
        cv.Params(width=10, height=10, vision=7)
    with pytest.raises(ValueError):
        cv.run("run2", steps=1, seed=-1)


def test_schedules_of_legitimacy_and_cops():
    jump = cv.run("run4", steps=80, seed=0)
    assert jump.legitimacy[76] == pytest.approx(0.9) and jump.legitimacy[77] == pytest.approx(0.7)
    salami = cv.run("run3", steps=150, seed=0)
    assert salami.legitimacy[78] == pytest.approx(0.89) and salami.legitimacy[147] == pytest.approx(0.2)
    cops = cv.run("run5", steps=560, seed=0, arrest_ratio="floor").cops
    assert cops[0] == cops[50] == round(0.074 * 1600) and cops[300] == round(0.037 * 1600)
    assert cops[550] == 0 and (np.diff(cops) <= 0).all()


# ----------------------------------------------------------------------------------------------
# the state: determinism, conservation, fields
# ----------------------------------------------------------------------------------------------
def _recomputed_fields(sim: cv.Simulation) -> np.ndarray:
    """Cops in the citizens' vision, actives in the citizens' and in the cops' vision."""
    W, H = sim.params.width, sim.params.height
    f = np.zeros((3, W * H), np.int64)
    occ = np.full(W * H, -1)
    ia = sim.ia[: sim.meta[K.M_SLOTS]]
    vc, vp = sim.vc[1:1 + sim.vc[0, 0]], sim.vp[1:1 + sim.vp[0, 0]]
    for i in np.flatnonzero((ia[:, K.KIND] != 0) & (ia[:, K.POS] >= 0)):
        c = ia[i, K.POS]
        occ[c] = i
        y, x = divmod(c, W)
        rows = ((0, vc),) if ia[i, K.KIND] == K.COP else (((1, vc), (2, vp)) if ia[i, K.ACTIVE] else ())
        for row, off in rows:
            np.add.at(f[row], ((y + off[:, 0]) % H) * W + (x + off[:, 1]) % W, 1)
    assert (occ == sim.cell).all()
    return f


@pytest.mark.parametrize("name, over", [
    ("mesa", {}), ("mesa", {"update": "vectorised"}), ("run2", {"arrest_ratio": "floor"}),
    ("netlogo", {"update": "vectorised"}), ("run8", {}), ("run7", {"update": "vectorised"}),
    ("run2", {"arrest_ratio": "floor", "cop_vision": 5}),
    ("run2", {"arrest_ratio": "floor", "vision_shape": "moore", "vision": 8, "cop_vision": 8})])
def test_fields_and_lattice_stay_consistent(name, over):
    sim = cv.Simulation(cv.preset(name, **over), 3)
    n = max(sim.vc[0, 0], sim.vp[0, 0])
    assert sim.fld.dtype == (np.uint8 if n <= 255 else np.int16)   # bytes: 8 cells a word
    for _ in range(3):
        rec = sim.advance(40)
        f = _recomputed_fields(sim)
        assert (f[0] == sim.fld[K.F_COPS]).all() and (f[1] == sim.fld[K.F_ACTC]).all()
        if sim.pi[K.P_SAME] == 0:
            assert (f[2] == sim.fld[K.F_ACTP]).all()
        assert not sim.fields[:, sim.cell.size:].any()              # the padding stays 0
        assert ((sim.cell >= 0) == (sim.occ == 1)).all() and sim.occ.max() <= 1
    assert rec[:, K.R_ACTIVE].max() > 0 or name == "mesa"


@pytest.mark.parametrize("update", ["sequential", "vectorised"])
def test_runs_are_deterministic_and_conserve_agents(update):
    a = cv.run("run2", steps=300, seed=5, arrest_ratio="floor", update=update)
    b = cv.run("run2", steps=300, seed=5, arrest_ratio="floor", update=update)
    c = cv.run("run2", steps=300, seed=6, arrest_ratio="floor", update=update)
    assert np.array_equal(a.active, b.active) and np.array_equal(a.jailed, b.jailed)
    assert not np.array_equal(a.active, c.active)
    assert (a.citizens == a.citizens[0]).all() and (a.cops == a.cops[0]).all()
    assert a.citizens[0] == round(0.7 * 1600) and a.cops[0] == round(0.04 * 1600)
    assert a.agents == a.citizens[0] + a.cops[0] and a.active[0] == 0


def test_jail_semantics():
    keep = cv.Simulation(cv.preset("mesa", max_jail_term=5000), 2)
    keep.advance(200)
    jailed = keep.column("JAILED") == 1
    assert jailed.any() and (keep.column("POS")[jailed] >= 0).all()        # they keep their cell
    vacate = cv.Simulation(cv.preset("run2", arrest_ratio="floor"), 2)
    vacate.advance(200)
    jailed = vacate.column("JAILED") == 1
    assert jailed.any() and (vacate.column("POS")[jailed] == -1).all()      # they leave the lattice
    terms = vacate.column("TERM")[jailed]
    assert terms.max() < 30


def test_mesa_placement_is_cellwise_and_netlogo_exact():
    sizes = {cv.run("mesa", steps=0, seed=s).agents for s in range(5)}
    assert len(sizes) > 1                                    # Mesa draws each cell: counts vary
    assert {cv.run("netlogo", steps=0, seed=s).agents for s in range(5)} == {1120 + 64}


def test_model_two_groups():
    r = cv.run("run6", steps=200, seed=1)                    # G = 0.1 H <= T: nobody ever kills
    assert r.kills.sum() == 0 and r.extinction is None and (r.groups[-1] > 0).all()
    r = cv.run("run7", steps=600, seed=1, stop_at_extinction=True)
    assert r.extinction is not None and r.steps == r.active.size - 1 < 600
    assert r.groups[r.extinction, 1 - r.victor] == 0 and r.groups[r.extinction, r.victor] > 0


# ----------------------------------------------------------------------------------------------
# the published results
# ----------------------------------------------------------------------------------------------
def test_every_claim_is_labelled_and_listed():
    assert len(CLAIMS) >= 15
    assert all(c.model == "civil_violence" and c.label in {"SRC", "2ND"} for c in CLAIMS)
    assert sum(not c.reproduces for c in CLAIMS) >= 5            # 60-tick wait, run 8, ...
    from antaeus.models import MODELS

    assert MODELS["civil_violence"].CLAIMS is CLAIMS


#: seeds for the quick claims in the default run (the full check runs with 20: -m statistical)
QUICK = {"k = 2.3": 1, "deceptive": 3, "movement": 3, "run 3: legitimacy": 10, "run 4: one jump": 10,
         "run 4: the jump leaves": 10, "run 5": 10, "run 6": 3, "genocide in every": 5,
         "victor": 10, "peacekeepers": 4}


@pytest.mark.parametrize("claim", [c for c in CLAIMS if not c.slow], ids=lambda c: c.claim[:40])
def test_quick_claims(claim):
    seeds = next(n for key, n in QUICK.items() if key in claim.claim)
    outcome = claim.check(seeds)
    assert outcome.passed, outcome.observed


@pytest.mark.statistical
@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.claim[:40])
def test_claims_over_20_seeds(claim):
    outcome = claim.check(20)
    assert outcome.passed, outcome.observed


@pytest.mark.statistical
def test_vectorised_mode_matches_the_sequential_one():
    """Over 20 seeds the batched synchronous update gives the same outbursts as the faithful
    random-sequential schedule (two-sample tests), the fully synchronous one does not."""
    from scipy.stats import mannwhitneyu

    def stats(**over):
        rs = [cv.run("run2", steps=1000, seed=s, arrest_ratio="floor", **over) for s in range(20)]
        return (np.array([r.outbursts.count for r in rs]), np.array([r.active.max() for r in rs]),
                np.array([r.active[1:].mean() for r in rs]))

    seq, vec, sync = stats(), stats(update="vectorised"), stats(update="vectorised", batches=1)
    for a, b in zip(seq, vec):
        assert mannwhitneyu(a, b).pvalue > 0.01
    assert mannwhitneyu(seq[0], sync[0]).pvalue < 0.01


@pytest.mark.statistical
def test_punctuated_equilibrium_quantiles():
    """Run 2 floored, 20 seeds x 3000 ticks: the 10% and 90% quantiles of the per-seed outburst
    count, mean wait and mean size stay in the bands mechanisms.md §1.3 reports."""
    rs = [cv.run("run2", steps=3000, seed=s, arrest_ratio="floor") for s in range(20)]
    counts = np.quantile([r.outbursts.count for r in rs], [0.1, 0.9])
    waits = np.quantile([r.outbursts.mean_wait for r in rs], [0.1, 0.9])
    sizes = np.quantile([r.outbursts.mean_size for r in rs], [0.1, 0.9])
    assert 85 <= counts[0] and counts[1] <= 140
    assert 15 <= waits[0] and waits[1] <= 30
    assert 600 <= sizes[0] and sizes[1] <= 1300
