"""Ensemble throughput: runs per second of ``antaeus explore`` on all cores, and where a run's
time goes.

    .venv/bin/python benchmarks/ensemble.py                   # 200 runs at 1e4 agents, 1 and 2 workers
    .venv/bin/python benchmarks/ensemble.py --runs 1000 --workers 1 2
    .venv/bin/python benchmarks/ensemble.py --profile-only    # the per-run breakdown alone

For each worker count the ensemble (the factual of russia1917, ``--runs`` replications at
``--agents`` agents, a fresh store in a temporary folder) is timed from the call to the
finished store, pool start-up and the JIT warm-up included; the rate over the runs is
reported, and the time 10,000 runs would take at it. The breakdown times one run on one
thread: the fused agent kernel (``step.advance``) against everything else the engine does
each day in Python. Writes ``bench-results/ensemble.json``.
"""
from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

#: the issue's bar: 10,000 runs at 1e4 agents within 10 minutes on this 2-core machine
TARGET_RUNS, TARGET_SECONDS = 10_000, 600.0


def breakdown(agents: int, runs: int = 5) -> dict:
    """Seconds per run inside the agent kernel and outside it (one thread)."""
    from antaeus import load_scenario
    from antaeus.engine import simulate as sim_module
    from antaeus.engine import step

    scenario = load_scenario("russia1917")
    sim_module.simulate(scenario, 0, agents, threads=1)  # load the kernels
    inside = [0.0]
    original = step.advance

    def timed(*args):
        t = time.perf_counter()
        original(*args)
        inside[0] += time.perf_counter() - t

    step.advance = timed
    try:
        t = time.perf_counter()
        for seed in range(runs):
            sim_module.simulate(scenario, seed, agents, threads=1)
        total = (time.perf_counter() - t) / runs
    finally:
        step.advance = original
    kernel = inside[0] / runs
    return {"agents": agents, "seconds_per_run": total, "kernel_s": kernel, "outside_kernel_s": total - kernel}


def throughput(agents: int, runs: int, workers: int) -> dict:
    from antaeus import explore

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        explore("russia1917", replications=runs, agents=agents, workers=workers, store=Path(tmp) / "s", plots=False)
        wall = time.perf_counter() - t
    return {"workers": workers, "runs": runs, "agents": agents, "wall_s": wall, "runs_per_s": runs / wall,
            f"projected_{TARGET_RUNS}_runs_s": TARGET_RUNS / (runs / wall)}


def main() -> None:
    from antaeus.files import write_text_atomic

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--profile-only", action="store_true")
    args = ap.parse_args()
    out = {"meta": {"python": platform.python_version(), "machine": platform.machine()},
           "breakdown": breakdown(args.agents)}
    b = out["breakdown"]
    print(f"one run at {args.agents:,} agents, one thread: {b['seconds_per_run']:.3f} s "
          f"(agent kernel {b['kernel_s']:.3f} s, the rest {b['outside_kernel_s']:.3f} s)")
    if not args.profile_only:
        out["ensembles"] = [throughput(args.agents, args.runs, w) for w in args.workers]
        for e in out["ensembles"]:
            print(f"{e['workers']} worker(s): {e['runs']} runs in {e['wall_s']:.1f} s = {e['runs_per_s']:.2f} runs/s; "
                  f"{TARGET_RUNS:,} runs would take {e[f'projected_{TARGET_RUNS}_runs_s'] / 60:.1f} min "
                  f"(bar: {TARGET_SECONDS / 60:.0f} min)")
        if len(out["ensembles"]) > 1:
            base = out["ensembles"][0]
            for e in out["ensembles"][1:]:
                print(f"speed-up {base['workers']} -> {e['workers']} workers: {e['runs_per_s'] / base['runs_per_s']:.2f}x")
    folder = Path("bench-results")
    folder.mkdir(exist_ok=True)
    write_text_atomic(folder / "ensemble.json", json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
