"""Epstein (2002)'s published results as rows of ``antaeus validate`` (mechanisms.md §1).

Each check runs the model over ``seeds`` seeds (0..seeds-1) and says what it saw. Results
that no implementation reproduces (the 60-tick mean wait, the "stable but nasty" regime, ...)
are rows with ``reproduces=False``: their check confirms what the model gives instead.
Runs that several checks share are cached (one process, same arguments, same result).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ...mechanisms.mobilisation import arrest_probability
from ..claims import Claim, Outcome
from . import kernels as K
from .params import preset
from .simulation import Result, Simulation, run

MODEL = "civil_violence"
PAPER = "Epstein 2002 PNAS 99 s3"
SS = "SugarScape civil-violence spec, 20 seeds"
NL = "NetLogo-faithful re-implementation (mechanisms.md §1.3)"


@lru_cache(maxsize=512)
def _run(name: str, steps: int, seed: int, overrides: tuple = ()) -> Result:
    return run(preset(name, **dict(overrides)), steps=steps, seed=seed)


def _seeds(n: int) -> range:
    return range(max(int(n), 1))              # seeds 0 .. n-1, as antaeus validate says


FLOOR = (("arrest_ratio", "floor"),)


def _run2_floor(seeds: int) -> list[Result]:
    return [_run("run2", 3000, s, FLOOR) for s in _seeds(seeds)]


# ----------------------------------------------------------------------------------------------
# Model I
# ----------------------------------------------------------------------------------------------
def check_k(_: int) -> Outcome:
    p = arrest_probability(2.3, 1.0, 0.0)           # C = 1 cop, A = 1 (the agent itself)
    p_exact = arrest_probability(-math.log(0.1), 1.0, 0.0)
    return Outcome(f"P = {p:.4f}; with k = -ln 0.1 = {-math.log(0.1):.4f}: P = {p_exact:.4f}",
                   abs(p - 0.8997) < 5e-5 and abs(p_exact - 0.9) < 1e-12)


def check_deception(seeds: int) -> Outcome:
    """Aggrieved citizens (G > T: active whenever no cop is in sight) over 200 ticks of run 1:
    share active with and without a cop in sight at their decision, and the switches."""
    shares0, shares1, hides, emerges = [], [], [], []
    for s in _seeds(seeds):
        sim = Simulation("run1", s)
        sim.advance(20)
        cit = sim.citizens()
        agg = cit[sim.fa[cit, K.HARD] * (1 - sim.params.legitimacy) > sim.params.threshold]
        a0 = n0 = a1 = n1 = hide = emerge = 0
        prev_act, prev_seen = sim.ia[agg, K.ACTIVE].copy(), sim.ia[agg, K.SEEN].copy()
        for _ in range(200):
            sim.advance(1)
            free = sim.ia[agg, K.JAILED] == 0
            act, seen = sim.ia[agg, K.ACTIVE].copy(), sim.ia[agg, K.SEEN].copy()
            a0 += act[free & (seen == 0)].sum()
            n0 += (free & (seen == 0)).sum()
            a1 += act[free & (seen > 0)].sum()
            n1 += (free & (seen > 0)).sum()
            hide += (free & (prev_act == 1) & (act == 0) & (seen > 0)).sum()
            emerge += (free & (prev_act == 0) & (act == 1) & (prev_seen > 0) & (seen == 0)).sum()
            prev_act, prev_seen = act, seen
        shares0.append(a0 / max(n0, 1))
        shares1.append(a1 / max(n1, 1))
        hides.append(int(hide))
        emerges.append(int(emerge))
    ok = min(shares0) > 0.95 and max(shares1) < 0.05 and min(hides) > 0 and min(emerges) > 0
    return Outcome(f"active share of aggrieved: {min(shares0):.3f}+ with no cop in sight, "
                   f"{max(shares1):.3f} or less with one; per seed {min(hides)}-{max(hides)} "
                   f"turn quiet as a cop comes, {min(emerges)}-{max(emerges)} turn active as it "
                   f"leaves ({seeds} seeds x 200 ticks)", bool(ok))


def check_movement(seeds: int) -> Outcome:
    on = [_run("run2", 1000, s, FLOOR).outbursts.count for s in _seeds(seeds)]
    off = [_run("run2", 1000, s, FLOOR + (("movement", False),)).outbursts.count for s in _seeds(seeds)]
    ratio = np.mean(on) / max(np.mean(off), 1e-9)
    return Outcome(f"outbursts per 1000 ticks: {np.mean(on):.1f} with movement, {np.mean(off):.1f} "
                   f"without (ratio {ratio:.2f}; {seeds} seeds)", bool(0.8 <= ratio <= 1.25))


def check_punctuated(seeds: int) -> Outcome:
    rs = _run2_floor(seeds)
    counts = [r.outbursts.count for r in rs]
    quiet = [float((r.active[1:] < 10).mean()) for r in rs]
    waits = [r.outbursts.mean_wait for r in rs]
    ok = min(counts) > 80 and min(quiet) >= 0.5 and 12 <= min(waits) and max(waits) <= 35
    return Outcome(f"{min(counts)}-{max(counts)} outbursts per 3000 ticks; {min(quiet):.0%}-"
                   f"{max(quiet):.0%} of ticks with < 10 actives; mean wait {min(waits):.1f}-"
                   f"{max(waits):.1f} ({seeds} seeds)", bool(ok))


def check_literal(seeds: int) -> Outcome:
    rs = [_run("run2", 3000, s) for s in _seeds(seeds)]
    counts = [r.outbursts.count for r in rs]
    peaks = [int(r.active.max()) for r in rs]
    return Outcome(f"{max(counts)} outbursts at most; peak actives {min(peaks)}-{max(peaks)} "
                   f"({seeds} seeds x 3000 ticks)", bool(max(counts) == 0 and max(peaks) < 50))


def check_waits(seeds: int) -> Outcome:
    w = np.concatenate([r.outbursts.waits for r in _run2_floor(seeds)]).astype(float)
    tail = w[w >= 30]
    slope = -1.0 / (tail - 30).mean() if tail.size else float("nan")
    return Outcome(f"mean {w.mean():.1f}, s.d. {w.std():.1f} over {w.size} waits; waits >= 30: "
                   f"{tail.size / max(w.size, 1):.0%}, log-frequency slope {slope:.2f} "
                   f"({seeds} seeds)", bool(12 <= w.mean() <= 35 and w.std() < 30))


def check_activation(seeds: int) -> Outcome:
    sz = np.concatenate([r.outbursts.sizes for r in _run2_floor(seeds)]).astype(float)
    return Outcome(f"mean {sz.mean():.0f}, s.d. {sz.std():.0f} over {sz.size} outbursts ({seeds} seeds)",
                   bool(750 <= sz.mean() <= 1300 and sz.std() > 1.5 * 230))


def check_tension(seeds: int) -> Outcome:
    before, calm = [], []
    for r in _run2_floor(seeds):
        starts = r.outbursts.starts[r.outbursts.starts > 5]
        before.append(float(np.mean([r.tension[s - 5:s].mean() for s in starts])))
        calm.append(float(r.tension[1:][r.active[1:] < r.params.outburst_threshold].mean()))
    up = sum(b > c for b, c in zip(before, calm))
    return Outcome(f"tension in the 5 ticks before an outburst {np.mean(before):.4f} against "
                   f"{np.mean(calm):.4f} over calm ticks; higher in {up} of {len(before)} seeds",
                   bool(up == len(before)))


def _legitimacy_runs(seeds: int) -> tuple[list[Result], list[Result]]:
    return ([_run("run3", 300, s, FLOOR) for s in _seeds(seeds)],
            [_run("run4", 300, s, FLOOR) for s in _seeds(seeds)])


def check_salami(seeds: int) -> Outcome:
    sal, _ = _legitimacy_runs(seeds)
    spikes = sum(int(r.active[77:].max()) > 50 for r in sal)
    smooth = all((np.diff(r.jailed[77:]) >= 0).all() for r in sal)
    return Outcome(f"actives exceed 50 in {spikes} of {seeds} seeds; jailed never falls: {smooth}",
                   bool(spikes < 0.5 * seeds and smooth))


def check_jump(seeds: int) -> Outcome:
    sal, jmp = _legitimacy_runs(seeds)
    higher = sum(int(j.active[77:].max()) > int(s.active[77:].max()) for s, j in zip(sal, jmp))
    boom = sum(int(j.active[77:].max()) > 50 for j in jmp)
    return Outcome(f"jump's peak higher in {higher} of {seeds} paired seeds; jump exceeds 50 "
                   f"actives in {boom}", bool(higher >= 0.7 * seeds))


def check_jump_jail(seeds: int) -> Outcome:
    sal, jmp = _legitimacy_runs(seeds)
    more = sum(int(j.jailed[-1]) > int(s.jailed[-1]) for s, j in zip(sal, jmp))
    return Outcome(f"jailed at t = 300 larger after the jump in {more} of {seeds} paired seeds",
                   bool(more < 0.7 * seeds))


def check_tipping(seeds: int) -> Outcome:
    tips, cops, peaks = [], [], []
    for s in _seeds(seeds):
        r = _run("run5", 600, s, FLOOR)
        over = np.flatnonzero(r.active[51:] > 50)
        peaks.append(int(r.active.max()))
        if over.size:
            tips.append(int(over[0]) + 51)
            cops.append(int(r.cops[over[0] + 51]))
    ok = len(tips) >= 0.9 * seeds
    where = (f"first above 50 at t = {min(tips)}-{max(tips)} with {min(cops)}-{max(cops)} of "
             f"{int(r.cops[0])} cops left; peak {min(peaks)}-{max(peaks)}") if tips else "never"
    return Outcome(f"tips in {len(tips)} of {seeds} seeds: {where}", bool(ok))


# ----------------------------------------------------------------------------------------------
# Model II
# ----------------------------------------------------------------------------------------------
STOP = (("stop_at_extinction", True),)


def check_peace(seeds: int) -> Outcome:
    kills = [int(_run("run6", 500, s).kills.sum()) for s in _seeds(seeds)]
    return Outcome(f"kills in 500 ticks: {max(kills)} at most ({seeds} seeds)", max(kills) == 0)


def _run7(seeds: int) -> list[Result]:
    return [_run("run7", 1000, s, STOP) for s in _seeds(seeds)]


def check_genocide(seeds: int) -> Outcome:
    ext = [r.extinction for r in _run7(seeds)]
    done = [e for e in ext if e is not None]
    span = f" at t = {min(done)}-{max(done)}" if done else ""
    return Outcome(f"a group dies out in {len(done)} of {seeds} seeds{span}", len(done) == seeds)


def check_victor(seeds: int) -> Outcome:
    from scipy.stats import binomtest

    victors = [r.victor for r in _run7(seeds) if r.victor is not None]
    blue = sum(v == 0 for v in victors)
    p = binomtest(blue, len(victors), 0.5).pvalue if victors else 0.0
    return Outcome(f"blue wins {blue}, green {len(victors) - blue} (binomial p = {p:.2f})",
                   bool(0 < blue < len(victors) and p >= 0.01))


def _extinctions(overrides: tuple, seeds: int, cap: int = 3000) -> list[int | None]:
    return [_run("run7", cap, s, overrides + STOP).extinction for s in _seeds(seeds)]


def check_havens(seeds: int) -> Outcome:
    ext = _extinctions((("cop_path", ((49, 0.0), (50, 0.04))),), seeds)
    done = [e for e in ext if e is not None]
    return Outcome(f"with cops at 0.04 from t = 50 a group still dies out in {len(done)} of "
                   f"{seeds} seeds (by t = {max(done) if done else '-'}; 3000-tick cap)",
                   len(done) == seeds)


def check_nasty(seeds: int) -> Outcome:
    ext = [_run("run8", 3000, s, STOP).extinction for s in _seeds(seeds)]
    done = [e for e in ext if e is not None]
    return Outcome(f"a group dies out in {len(done)} of {seeds} seeds (t = "
                   f"{min(done) if done else '-'}-{max(done) if done else '-'}; 3000-tick cap)",
                   len(done) == seeds)


SWEEP = (0.0, 0.02, 0.04, 0.06)


def check_sweep(seeds: int) -> Outcome:
    from scipy.stats import spearmanr

    cap = 3000
    rows = {d: [e if e is not None else cap for e in _extinctions((("cop_density", d),), seeds, cap)]
            for d in SWEEP}
    x = [d for d in SWEEP for _ in rows[d]]
    y = [e for d in SWEEP for e in rows[d]]
    rho, p = spearmanr(x, y)
    means = [float(np.mean(rows[d])) for d in SWEEP]
    sds = [float(np.std(rows[d])) for d in SWEEP]
    ok = rho > 0 and p < 0.01 and means[-1] > means[0] and sds[-1] > sds[0]
    return Outcome("mean (s.d.) time to genocide at densities " + ", ".join(
        f"{d:g}: {m:.0f} ({s:.0f})" for d, m, s in zip(SWEEP, means, sds))
        + f"; Spearman rho = {rho:.2f}, p = {p:.1g} ({seeds} seeds each, {cap}-tick cap)", bool(ok))


def _c(claim, source, label, expected, check, reproduces=True, slow=False) -> Claim:
    return Claim(MODEL, claim, source, label, expected, check, reproduces, slow)


CLAIMS: list[Claim] = [
    _c("k = 2.3 gives P = 0.9 at C = A = 1", f"{PAPER}, rule A; NetLogo Info tab", "2ND",
       "1 - exp(-2.3) = 0.8997", check_k),
    _c("run 1: deceptive behaviour (aggrieved agents hide from cops)", f"{PAPER}, Figs 1-2; {SS}",
       "2ND", "aggrieved agents quiet when a cop is in sight, active when it leaves", check_deception),
    _c("free movement catalyses outbursts", f"{PAPER}, text; {SS}", "2ND",
       "more outbursts with movement (does not reproduce: run 2 floored gives the same count "
       "with and without; ratio 0.8-1.25)", check_movement, reproduces=False),
    _c("run 2: punctuated equilibrium (floored C/A)", f"{PAPER}, Figs 3-4; {NL}", "2ND",
       "> 80 outbursts per 3000 ticks, >= 50% of ticks with < 10 actives, mean wait 12-35",
       check_punctuated, slow=True),
    _c("run 2 with the literal rule: no outbursts", f"{SS}; {NL}", "2ND",
       "0 outbursts, peak actives < 50 (about 11-34)", check_literal, slow=True),
    _c("waiting time between outbursts: mean 60, s.d. 55; tail slope -0.07", f"{PAPER}, Figs 5-6",
       "2ND", "does not reproduce in any variant: mean about 22 (12-35), s.d. < 30",
       check_waits, reproduces=False, slow=True),
    _c("total activation per outburst: mean 708, s.d. 230", f"{PAPER}, Fig 7", "2ND",
       "reproduces only roughly: mean 750-1300 (NetLogo-faithful 988-1177, SugarScape "
       "779-1107) and s.d. over 1.5 x 230", check_activation, reproduces=False, slow=True),
    _c("tension rises before outbursts", f"{PAPER}, Fig 8 (tension = mean G x quiet share / "
       "mean R, SugarScape's reading; UNVERIFIED)", "2ND",
       "tension before an outburst above its calm-tick mean in every seed", check_tension, slow=True),
    _c("run 3: legitimacy 0.9 -> 0.2 by 1% a tick: no spike, jail rises smoothly",
       f"{PAPER}, Fig 9; {NL}; {SS}", "2ND",
       "actives exceed 50 in a minority of seeds (CALC 2/10, SugarScape 3/20); jailed never falls",
       check_salami),
    _c("run 4: one jump 0.9 -> 0.7 at t = 77: explosion of actives", f"{PAPER}, Fig 10; {NL}; {SS}",
       "2ND", "jump's peak above salami's in >= 70% of paired seeds (CALC 8/10, SugarScape 17/20)",
       check_jump),
    _c("run 4: the jump leaves more jailed than salami", f"{PAPER}, Fig 10; {NL}; {SS}", "2ND",
       "does not reproduce: more jailed after the jump in < 70% of seeds (CALC 1/10, "
       "SugarScape 7/20)", check_jump_jail, reproduces=False),
    _c("run 5: walking cops down tips society into rebellion", f"{PAPER}, Fig 11; {SS}", "2ND",
       "actives exceed 50 during the cop ramp (0.074 -> 0 over t = 50-550) in >= 90% of seeds "
       "(SugarScape 20 of 20; a seed whose aggrieved are all jailed before the ramp cannot tip)",
       check_tipping),
    _c("run 6: peaceful coexistence", f"{PAPER}, Fig 12; {SS}", "2ND", "no kills in any seed",
       check_peace),
    _c("run 7: genocide in every run", f"{PAPER}, Fig 13 (n = 30); {SS}", "2ND",
       "one group dies out in every seed (SugarScape t = 30-190)", check_genocide),
    _c("run 7: the victor is random", f"{PAPER}, Fig 13; {SS}", "2ND",
       "both groups win in some seeds (binomial p >= 0.01)", check_victor),
    _c("peacekeepers at t = 50 create safe havens", f"{PAPER}, Fig 14; {SS}", "2ND",
       "does not reproduce: with cops at 0.04 from t = 50 a group still dies out in every seed",
       check_havens, reproduces=False),
    _c("run 8: cops at 0.04 give a stable but nasty regime", f"{PAPER}, text; {SS}", "2ND",
       "does not reproduce: a group dies out in every seed (SugarScape by t <= 882)",
       check_nasty, reproduces=False, slow=True),
    _c("time to genocide and its s.d. rise with cop density", f"{PAPER}, Figs 15-17", "2ND",
       "Spearman rho > 0 (p < 0.01) over densities 0-0.06; mean and s.d. higher at 0.06 than at 0",
       check_sweep, slow=True),
]
