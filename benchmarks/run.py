"""Benchmarks of the engine (``make bench``): speed, memory per agent, and the default command.

Measures, each size in a fresh subprocess so that memory figures are not polluted:

* agent-steps per second (agents x simulated days / seconds) of the fused daily kernel
  ``antaeus.engine.step.advance`` alone, and of the whole ``simulate`` call (population,
  kernel, soviets, actors, recording) at 1e5, 1e6 and 1e7 agents;
* peak memory in bytes per agent: (peak RSS during the run - RSS before it) / agents, after
  the imports and a warm-up run at small N (so compiled code and libraries are in the
  baseline); the kernel's peak-RSS mark is reset before the run (Linux ``clear_refs``);
* wall time of the default command ``antaeus run russia1917 --seed 7 --store <tmp>``, once with
  an empty Numba cache (compilation included) and once with the cache that run filled.

Prints a table with the targets beside the figures and writes ``bench-results/bench.json``.
Not a test: nothing fails when a target is missed (use ``--strict`` for a non-zero exit).

    .venv/bin/python benchmarks/run.py                # the full set (a few minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick        # 1e4 and 1e5 agents, a smoke run
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-results" / "bench.json"
PY = sys.executable

TARGETS = {
    "cli_cached_s": 3.0,              # default run, Numba cache warm: at most 3 s
    "agent_steps_per_s_1e6": 2e7,     # at 1e6 agents: at least 2e7 agent-steps/s
    "bytes_per_agent": 64.0,          # peak memory: at most 64 bytes per agent
}
#: simulated days per size: the whole scenario up to 1e6 agents, about a month at 1e7
DAYS = {10_000: None, 100_000: None, 1_000_000: None, 10_000_000: 30}
WARMUP_AGENTS = 5_000


# ----------------------------------------------------------------------------------------------
# The worker: one size, in its own process
# ----------------------------------------------------------------------------------------------
def _status_kib(field: str) -> int | None:
    try:
        m = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
        return int(m.group(1)) if m else None
    except OSError:
        return None


def _reset_peak() -> bool:
    """Reset the peak-RSS mark (VmHWM) to the current RSS: Linux >= 4.0, ``clear_refs`` 5."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _rss_bytes() -> int:
    kib = _status_kib("VmRSS")
    if kib is not None:
        return kib * 1024
    import psutil  # noqa: PLC0415 - only where /proc is missing

    return psutil.Process().memory_info().rss


def _peak_bytes() -> int:
    kib = _status_kib("VmHWM")
    if kib is not None:
        return kib * 1024
    import resource  # noqa: PLC0415

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


def worker(agents: int, days: int | None, seed: int) -> dict:
    import gc

    import numba

    from antaeus.engine import simulate as sim_module
    from antaeus.engine import step
    from antaeus.scenario import load_scenario

    scenario = load_scenario("russia1917")
    start = scenario.scenario.start
    until = start + dt.timedelta(days=days - 1) if days else None

    # warm-up: load the compiled kernels and touch every code path once at small N
    sim_module.simulate(scenario, seed, agents=WARMUP_AGENTS, until=start + dt.timedelta(days=20))
    gc.collect()

    kernel = {"s": 0.0, "calls": 0}
    advance = step.advance

    def timed_advance(*args):
        t = time.perf_counter()
        advance(*args)
        kernel["s"] += time.perf_counter() - t
        kernel["calls"] += 1

    step.advance = timed_advance
    reset = _reset_peak()
    baseline = _rss_bytes()
    baseline_peak = _peak_bytes()
    t0 = time.perf_counter()
    result = sim_module.simulate(scenario, seed, agents=agents, until=until)
    wall = time.perf_counter() - t0
    peak = _peak_bytes()
    step.advance = advance
    n, d = result.agents, result.days
    # without a reset the peak mark may predate the run: then only a lower bound is known
    grown = peak - (baseline if reset else max(baseline, baseline_peak))
    return {
        "agents": n, "days": d, "agent_steps": n * d, "threads": numba.get_num_threads(),
        "simulate_s": wall, "kernel_s": kernel["s"], "kernel_calls": kernel["calls"],
        "kernel_agent_steps_per_s": n * kernel["calls"] / kernel["s"] if kernel["s"] else None,
        "simulate_agent_steps_per_s": n * d / wall,
        "baseline_rss_bytes": baseline, "peak_rss_bytes": peak, "peak_reset": reset,
        "bytes_per_agent": max(grown, 0) / n,
    }


# ----------------------------------------------------------------------------------------------
# The driver
# ----------------------------------------------------------------------------------------------
def run_size(agents: int, days: int | None, seed: int, timeout: float) -> dict:
    cmd = [PY, str(Path(__file__).resolve()), "--worker", str(agents), "--seed", str(seed)]
    if days:
        cmd += ["--days", str(days)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        return {"agents": agents, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cli_available(antaeus: Path) -> str | None:
    """None when ``antaeus run`` can be called, otherwise why not."""
    if not antaeus.exists():
        return f"{antaeus} not found (run 'make setup')"
    try:
        proc = subprocess.run([str(antaeus), "run", "--help"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"'antaeus run --help' failed: {err}"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ["no output"])[-1]
        return f"'antaeus run' is not available yet: {last}"
    return None


def time_cli(seed: int, timeout: float) -> dict:
    antaeus = Path(PY).parent / "antaeus"
    why = cli_available(antaeus)
    if why:
        return {"skipped": why}
    out = {}
    with tempfile.TemporaryDirectory(prefix="antaeus-bench-") as tmp:
        cache = Path(tmp) / "numba-cache"
        cache.mkdir()
        env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))  # empty: everything is compiled
        for label in ("uncached", "cached"):
            store = Path(tmp) / f"store-{label}" / "antaeus.duckdb"
            cmd = [str(antaeus), "run", "russia1917", "--seed", str(seed), "--store", str(store)]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=tmp)
            wall = time.perf_counter() - t0
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                return {"skipped": f"'{' '.join(cmd[1:])}' exited {proc.returncode}: {last}", **out}
            out[f"{label}_s"] = wall
        out["command"] = "antaeus run russia1917 --seed 7 --store <tmp>/antaeus.duckdb"
        out["cache_files"] = sum(1 for _ in cache.rglob("*.nbc"))
    return out


def _n(agents: int) -> str:
    """1e+06 -> 1e6."""
    return f"{agents:.0e}".replace("e+0", "e").replace("e+", "e")


def _fmt_rate(x):
    return "-" if x is None else f"{x:.3g}"


def report(sizes: list[dict], cli: dict) -> tuple[list[str], dict]:
    lines, checks = [], {}
    row = "{:<46} {:>14} {:>14}  {}"
    lines.append(row.format("measure", "value", "target", "status"))
    lines.append("-" * 86)
    for r in sizes:
        if "error" in r:
            lines.append(row.format(f"{_n(r['agents'])} agents", "error", "", r["error"][:60]))
            continue
        tag = f"{_n(r['agents'])} agents x {r['days']} days"
        at_1e6 = abs(r["agents"] - 1_000_000) < 1000
        target = f">= {TARGETS['agent_steps_per_s_1e6']:.0e}" if at_1e6 else ""
        for what, key in (("kernel", "kernel_agent_steps_per_s"), ("simulate", "simulate_agent_steps_per_s")):
            value = r[key]
            status = ""
            if at_1e6 and value is not None:
                ok = value >= TARGETS["agent_steps_per_s_1e6"]
                checks[f"{what}_agent_steps_per_s_1e6"] = ok
                status = "ok" if ok else "MISSED"
            lines.append(row.format(f"{what} agent-steps/s, {tag}", _fmt_rate(value), target, status))
        if r["agents"] >= 1_000_000:
            ok = r["bytes_per_agent"] <= TARGETS["bytes_per_agent"]
            checks[f"bytes_per_agent_{_n(r['agents'])}"] = ok
            note = "" if r["peak_reset"] else " (peak not reset: lower bound)"
            lines.append(row.format(f"peak memory bytes/agent, {_n(r['agents'])} agents",
                                    f"{r['bytes_per_agent']:.1f}", f"<= {TARGETS['bytes_per_agent']:.0f}",
                                    ("ok" if ok else "MISSED") + note))
        lines.append(row.format(f"  wall: simulate {r['simulate_s']:.2f} s, kernel {r['kernel_s']:.2f} s",
                                "", "", f"{r['threads']} threads"))
    if "skipped" in cli:
        lines.append(row.format("default 'antaeus run'", "skipped", "", cli["skipped"][:70]))
    else:
        lines.append(row.format("default 'antaeus run', empty Numba cache (s)", f"{cli['uncached_s']:.2f}", "", ""))
        ok = cli["cached_s"] <= TARGETS["cli_cached_s"]
        checks["cli_cached_s"] = ok
        lines.append(row.format("default 'antaeus run', cached (s)", f"{cli['cached_s']:.2f}",
                                f"<= {TARGETS['cli_cached_s']:.0f}", "ok" if ok else "MISSED"))
    return lines, checks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1e4 and 1e5 agents only, no memory target")
    ap.add_argument("--sizes", help="comma-separated agent counts, e.g. 1e5,1e6")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-cli", action="store_true", help="skip timing the 'antaeus run' command")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per subprocess")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--days", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.days, args.seed)))
        return 0

    if args.sizes:
        sizes = [int(float(s)) for s in args.sizes.split(",")]
    else:
        sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000, 10_000_000]
    results = []
    for n in sizes:
        print(f"... {_n(n)} agents", file=sys.stderr, flush=True)
        results.append(run_size(n, DAYS.get(n, 30 if n >= 10_000_000 else None), args.seed, args.timeout))
    if args.no_cli:
        cli = {"skipped": "--no-cli"}
    else:
        print("... antaeus run (uncached, then cached)", file=sys.stderr, flush=True)
        cli = time_cli(args.seed, args.timeout)

    import numba
    import numpy

    meta = {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "numpy": numpy.__version__, "numba": numba.__version__,
            "machine": platform.machine(), "processor": _cpu_name(), "cpus": os.cpu_count(),
            "numba_threads": numba.config.NUMBA_NUM_THREADS}
    lines, checks = report(results, cli)
    print(f"antaeus benchmarks: Python {meta['python']}, NumPy {meta['numpy']}, Numba {meta['numba']}, "
          f"{meta['cpus']} CPUs ({meta['processor']}), {meta['numba_threads']} Numba threads")
    print("\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"meta": meta, "targets": TARGETS, "sizes": results, "cli": cli, "checks": checks}
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(args.out)
    print(f"written {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 1 if args.strict and not all(checks.values()) else 0


def _cpu_name() -> str:
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        if m:
            return m.group(1).strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
