"""Mesa's own Epstein civil-violence example against antaeus.models.civil_violence.

Benchmark only, not a test (``make bench-mesa``; needs ``pip install '.[mesa]'``). On the
same machine, in one run, it measures

(a) speed: agent-steps per second (agents x steps / wall seconds, and per CPU second of
    the process) of Mesa's ``mesa.examples.advanced.epstein_civil_violence`` model and of
    antaeus' preset ``mesa`` (Mesa's defaults and rules), faithful sequential and
    vectorised, at 40x40 and 400x400 (same densities), and their ratios;
(b) science: over ``--seeds`` seeds at 40x40, the distributions of mean active share, mean
    jailed share, peak actives, number of outbursts, outburst sizes and waits, compared with
    two-sample tests (Mann-Whitney U and Kolmogorov-Smirnov, scipy.stats), for Mesa's
    defaults and for Mesa's model with run 2's inputs (legitimacy 0.82, J 30, cops 0.04),
    the setting where outbursts happen.

Writes bench-results/mesa.json and prints a table. See benchmarks/MESA.md for the method.

    .venv/bin/python benchmarks/mesa_epstein.py                  # 20 seeds x 1000 steps
    .venv/bin/python benchmarks/mesa_epstein.py --quick          # 4 seeds x 200 steps, smoke run
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-results" / "mesa.json"
TARGETS = {"ratio_40": 100.0, "ratio_400": 1000.0, "p_min": 0.05}
#: the two settings compared: Mesa's defaults, and Mesa's model with run 2's inputs
CONFIGS = {"mesa-defaults": {}, "mesa-run2": {"legitimacy": 0.82, "max_jail_term": 30, "cop_density": 0.04}}
MODES = {"sequential": {}, "vectorised": {"update": "vectorised"},
         "synchronous": {"update": "vectorised", "batches": 1}}


# ----------------------------------------------------------------------------------------------
# Mesa
# ----------------------------------------------------------------------------------------------
def mesa_model():
    """Mesa's EpsteinCivilViolence class. ``mesa.examples/__init__`` imports every example (one
    needs networkx); if that fails, the example's own package is loaded without it."""
    try:
        from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence
        return EpsteinCivilViolence
    except ModuleNotFoundError as err:
        if err.name == "mesa":
            raise
        import mesa

        examples = types.ModuleType("mesa.examples")
        examples.__path__ = [str(Path(mesa.__file__).parent / "examples")]
        sys.modules["mesa.examples"] = examples
        return importlib.import_module("mesa.examples.advanced.epstein_civil_violence.model").EpsteinCivilViolence


def mesa_run(args: tuple) -> dict:
    """One Mesa run: series of actives, quiet and arrested citizens (index 0 = the start)."""
    seed, steps, kw = args
    model = mesa_model()(seed=seed, **kw)
    agents = len(model.agents)
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    wall = time.perf_counter() - t0
    df = model.datacollector.get_model_vars_dataframe()
    return {"seed": seed, "agents": agents, "wall_s": wall, "active": df["active"].tolist(),
            "quiet": df["quiet"].tolist(), "jailed": df["arrested"].tolist()}


def mesa_speed(size: int, steps: int) -> dict:
    """Wall time of Mesa's first step (it fills its neighbourhood caches) and of the next ones,
    and the CPU time of this process over the same steps (not counting time another process
    held the core)."""
    t0 = time.perf_counter()
    model = mesa_model()(width=size, height=size, seed=0)
    init = time.perf_counter() - t0
    agents = len(model.agents)
    t0 = time.perf_counter()
    model.step()
    first = time.perf_counter() - t0
    times = []
    c0 = time.process_time()
    for _ in range(steps):
        t0 = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - c0
    later = float(np.sum(times))
    return {"size": size, "agents": agents, "init_s": init, "first_step_s": first, "steps": steps,
            "steps_s": later, "step_s_min": float(np.min(times)), "step_s_max": float(np.max(times)),
            "agent_steps_per_s": agents * steps / later,
            "agent_steps_per_s_incl_first": agents * (steps + 1) / (later + first),
            "steps_cpu_s": cpu, "agent_steps_per_cpu_s": agents * steps / cpu}


# ----------------------------------------------------------------------------------------------
# antaeus
# ----------------------------------------------------------------------------------------------
def antaeus_run(seed: int, steps: int, size: int = 40, **over) -> dict:
    from antaeus.models import civil_violence as cv

    p = cv.preset("mesa", width=size, height=size, **over)
    sim = cv.Simulation(p, seed)
    t0 = time.perf_counter()
    rec = sim.advance(steps)
    wall = time.perf_counter() - t0
    r = cv.simulation.summarise(sim, rec, steps)
    return {"seed": seed, "agents": r.agents, "wall_s": wall, "active": r.active.tolist(),
            "quiet": r.quiet.tolist(), "jailed": r.jailed.tolist()}


def antaeus_speed(size: int, steps: int, window: int, **over) -> dict:
    """The same window as Mesa's (steps 2..window+1, after a first step), and a longer run."""
    from antaeus.models import civil_violence as cv

    p = cv.preset("mesa", width=size, height=size, **over)
    sim = cv.Simulation(p, 0)
    agents = int(sim.initial[0, :4].sum())
    t0 = time.perf_counter()
    sim.advance(1)
    first = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    sim.advance(window)
    win, cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    sim.advance(steps)
    long = time.perf_counter() - t0
    return {"size": size, "agents": agents, "first_step_s": first, "window_steps": window,
            "window_s": win, "agent_steps_per_s": agents * window / win, "window_cpu_s": cpu,
            "agent_steps_per_cpu_s": agents * window / cpu, "long_steps": steps,
            "long_s": long, "agent_steps_per_s_long": agents * steps / long}


# ----------------------------------------------------------------------------------------------
# statistics
# ----------------------------------------------------------------------------------------------
def summarise(runs: list[dict], threshold: int) -> dict:
    from antaeus.models.civil_violence import outbursts

    per = {"active_share": [], "jailed_share": [], "peak": [], "outbursts": [], "mean_size": [],
           "mean_wait": []}
    sizes, waits = [], []
    for r in runs:
        a, q, j = (np.asarray(r[k], float)[1:] for k in ("active", "quiet", "jailed"))
        citizens = a + q + j
        per["active_share"].append(float(np.mean(a / citizens)))
        per["jailed_share"].append(float(np.mean(j / citizens)))
        per["peak"].append(int(a.max()))
        o = outbursts(np.asarray(r["active"]), threshold)
        per["outbursts"].append(o.count)
        per["mean_size"].append(o.mean_size)          # NaN without outbursts: left out of tests
        per["mean_wait"].append(o.mean_wait)
        sizes += o.sizes.tolist()
        waits += o.waits.tolist()
    return {"per_run": per, "sizes": sizes, "waits": waits}


def compare(x, y) -> dict:
    from scipy.stats import ks_2samp, mannwhitneyu

    x, y = np.asarray(x, float), np.asarray(y, float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    out = {"n": [int(x.size), int(y.size)],
           "mean": [float(x.mean()) if x.size else None, float(y.mean()) if y.size else None]}
    if x.size < 2 or y.size < 2:
        out["note"] = "n/a"
        return out
    if np.all(x == x[0]) and np.all(y == y[0]) and x[0] == y[0]:
        out.update(mw_p=1.0, ks_p=1.0, note="identical constants")
        return out
    out["mw_p"] = float(mannwhitneyu(x, y, alternative="two-sided").pvalue)
    out["ks_p"] = float(ks_2samp(x, y).pvalue)
    return out


def tests(mesa: dict, ours: dict) -> dict:
    res = {k: compare(mesa["per_run"][k], ours["per_run"][k]) for k in mesa["per_run"]}
    res["outburst_sizes"] = compare(mesa["sizes"], ours["sizes"])
    res["outburst_waits"] = compare(mesa["waits"], ours["waits"])
    return res


# ----------------------------------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------------------------------
def meta() -> dict:
    import mesa
    import numba
    import scipy

    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "python": platform.python_version(),
            "mesa": mesa.__version__, "numba": numba.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "cpu": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "load_average_start": os.getloadavg()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--steps", type=int, default=1000, help="steps per run at 40x40 (Mesa's max_iters)")
    ap.add_argument("--speed-steps-40", type=int, default=300, help="Mesa steps timed at 40x40")
    ap.add_argument("--speed-steps-400", type=int, default=20, help="Mesa steps timed at 400x400")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                    help="processes for the Mesa runs of part (b) (not used for timing)")
    ap.add_argument("--quick", action="store_true", help="4 seeds x 200 steps; 5 steps at 400x400")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    if a.quick:
        a.seeds, a.steps, a.speed_steps_40, a.speed_steps_400 = 4, 200, 100, 5
    try:
        mesa_model()
    except ModuleNotFoundError as err:
        print(f"Mesa is not installed ({err}); run 'make bench-mesa' or "
              "'.venv/bin/pip install \".[mesa]\"'", file=sys.stderr)
        return 2
    result = {"meta": meta(), "targets": TARGETS, "args": {k: str(v) for k, v in vars(a).items()}}

    # warm-up: load (or compile) antaeus' kernels, both schedules
    for mode in MODES.values():
        antaeus_run(0, 3, **mode)

    # (a) speed, in this process, one thing at a time
    print("(a) speed ...", flush=True)
    speed = {"mesa_40": mesa_speed(40, a.speed_steps_40)}
    speed["mesa_400"] = mesa_speed(400, a.speed_steps_400)
    for name, mode in MODES.items():
        if name == "synchronous":
            continue
        speed[f"antaeus_{name}_40"] = antaeus_speed(40, a.steps, a.speed_steps_40, **mode)
        speed[f"antaeus_{name}_400"] = antaeus_speed(400, 200, a.speed_steps_400, **mode)
        for size in (40, 400):
            ours, theirs = speed[f"antaeus_{name}_{size}"], speed[f"mesa_{size}"]
            speed[f"ratio_{name}_{size}"] = ours["agent_steps_per_s"] / theirs["agent_steps_per_s"]
            speed[f"ratio_cpu_{name}_{size}"] = (ours["agent_steps_per_cpu_s"]
                                                / theirs["agent_steps_per_cpu_s"])
    result["speed"] = speed

    # (b) statistics at 40x40
    stats = {}
    for cname, kw in CONFIGS.items():
        print(f"(b) {cname}: Mesa, {a.seeds} seeds x {a.steps} steps ...", flush=True)
        jobs = [(s, a.steps, kw) for s in range(a.seeds)]
        with ProcessPoolExecutor(max_workers=max(a.workers, 1)) as pool:
            mesa_runs = list(pool.map(mesa_run, jobs))
        runs = {"mesa": mesa_runs}
        for name, mode in MODES.items():
            runs[name] = [antaeus_run(s, a.steps, **kw, **mode) for s in range(a.seeds)]
        block = {"agents_mean": {k: float(np.mean([r["agents"] for r in v])) for k, v in runs.items()}}
        for threshold in (50, 10):
            sm = {k: summarise(v, threshold) for k, v in runs.items()}
            block[f"threshold_{threshold}"] = {
                "summary": {k: {m: float(np.nanmean(x)) if np.isfinite(x).any() else None
                                for m, x in v["per_run"].items()}
                            | {"n_outbursts": len(v["sizes"])} for k, v in sm.items()},
                "tests": {name: tests(sm["mesa"], sm[name]) for name in MODES}}
        block["mesa_wall_s_per_run"] = float(np.mean([r["wall_s"] for r in mesa_runs]))
        stats[cname] = block
    result["stats"] = stats
    result["meta"]["load_average_end"] = os.getloadavg()
    result["checks"] = checks(result)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=1))
    print(table(result))
    print(f"\nwritten to {a.out}")
    return 0


def checks(r: dict) -> dict:
    sp = r["speed"]
    out = {}
    for mode in ("sequential", "vectorised"):
        out[f"{mode}: >= 100x at 40x40"] = sp[f"ratio_{mode}_40"] >= TARGETS["ratio_40"]
        out[f"{mode}: >= 1000x at 400x400"] = sp[f"ratio_{mode}_400"] >= TARGETS["ratio_400"]
        ps = [v[k] for c in r["stats"].values() for th in (50, 10)
              for v in c[f"threshold_{th}"]["tests"][mode].values() for k in ("mw_p", "ks_p") if k in v]
        level = TARGETS["p_min"] / max(len(ps), 1)           # Bonferroni over all the tests
        out[f"{mode}: indistinguishable (min p = {min(ps):.3g} over {len(ps)} tests, "
            f"Bonferroni level {level:.2g})"] = bool(ps) and min(ps) >= level
    return out


def _p(v: dict | None) -> str:
    if not v:
        return "-"
    if "mw_p" not in v:
        return v.get("note", "-")[:15]
    return f"{v['mw_p']:.2f} / {v['ks_p']:.2f}"


def _g(x, width: int = 14, fmt: str = ".3g", unit: str = "") -> str:
    """x formatted in a column; '-' where a result (an older JSON) lacks it."""
    return f"{'-':>{width}}" if x is None else f"{format(x, fmt) + unit:>{width}}"


def table(r: dict) -> str:
    """The printed table, from the JSON that main() writes (older files lack some fields)."""
    sp = r["speed"]
    m = r.get("meta", {})
    load = lambda k: ", ".join(f"{x:.2f}" for x in m[k]) if k in m else "-"  # noqa: E731
    lines = ["", f"{m.get('date', '?')}: Mesa {m.get('mesa', '?')}, numba {m.get('numba', '?')}, "
             f"{m.get('cpus', '?')} CPUs; load average (1, 5, 15 min) at the start {load('load_average_start')}, "
             f"at the end {load('load_average_end')}",
             "", "(a) agent-steps per second (Mesa 40x40: steps 2.."
             f"{sp['mesa_40']['steps'] + 1}, 400x400: steps 2..{sp['mesa_400']['steps'] + 1}; "
             "antaeus the same window)",
             f"{'':30}{'40x40':>14}{'400x400':>14}   {'per CPU second: 40x40':>22}{'400x400':>10}"]
    m40, m400 = sp["mesa_40"], sp["mesa_400"]
    lines.append(f"{'Mesa 3.3':30}{_g(m40['agent_steps_per_s'])}{_g(m400['agent_steps_per_s'])}   "
                 f"{_g(m40.get('agent_steps_per_cpu_s'), 22)}{_g(m400.get('agent_steps_per_cpu_s'), 10)}")
    for mode in ("sequential", "vectorised"):
        a40, a400 = sp[f"antaeus_{mode}_40"], sp[f"antaeus_{mode}_400"]
        lines.append(f"{'antaeus ' + mode:30}{_g(a40['agent_steps_per_s'])}{_g(a400['agent_steps_per_s'])}   "
                     f"{_g(a40.get('agent_steps_per_cpu_s'), 22)}{_g(a400.get('agent_steps_per_cpu_s'), 10)}")
        lines.append(f"{'  ratio to Mesa':30}{_g(sp[f'ratio_{mode}_40'], fmt='.0f', unit='x')}"
                     f"{_g(sp[f'ratio_{mode}_400'], fmt='.0f', unit='x')}   "
                     f"{_g(sp.get(f'ratio_cpu_{mode}_40'), 22, '.0f', 'x')}"
                     f"{_g(sp.get(f'ratio_cpu_{mode}_400'), 10, '.0f', 'x')}")
        lines.append(f"{'  (longer run, same process)':30}{_g(a40['agent_steps_per_s_long'])}"
                     f"{_g(a400['agent_steps_per_s_long'])}")
    lines.append(f"Mesa first step at 400x400: {m400['first_step_s']:.1f} s "
                 f"(then {m400['steps_s'] / m400['steps']:.1f} s a step, "
                 f"{m400['step_s_min']:.1f} to {m400['step_s_max']:.1f})")
    metrics = ["active_share", "jailed_share", "peak", "outbursts", "mean_size", "mean_wait",
               "n_outbursts"]
    names = ["active_share", "jailed_share", "peak", "outbursts", "mean_size", "mean_wait",
             "outburst_sizes", "outburst_waits"]
    for cname, c in r["stats"].items():
        for th in (50, 10):
            block = c[f"threshold_{th}"]
            lines += ["", f"(b) {cname}, outbursts above {th} actives: means over seeds, then p-values "
                      "Mann-Whitney / KS against Mesa (per-run values; outburst_sizes and "
                      "outburst_waits pool all outbursts of all runs)"]
            lines.append(f"{'':14}" + "".join(f"{x[:15]:>16}" for x in metrics))
            for who, s in block["summary"].items():
                lines.append(f"{who:14}" + "".join(_g(s.get(x), 16, ".4g") for x in metrics))
            lines.append(f"{'p (MW / KS)':14}" + "".join(f"{x[:15]:>16}" for x in names))
            for mode, tests_ in block["tests"].items():
                lines.append(f"{mode:14}" + "".join(f"{_p(tests_.get(x)):>16}" for x in names))
    lines += ["", "checks:"] + [f"  {'met ' if ok else 'MISSED'} {name}" for name, ok in r["checks"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
