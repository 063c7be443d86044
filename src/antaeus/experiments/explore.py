"""``antaeus.explore``: which paths were open, and how likely each was.

An ensemble runs every design point (the factual first, then each counterfactual) for the same
replications, on common random numbers, into an ensemble store, and answers with distributions:
outcome probabilities with intervals, paired differences from the factual, regime paths, the
date of the first soviet government and every observable's interval (docs/explore.md).
Every option is checked before anything is simulated or written.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .._kernel_cache import source_digest
from ..options import MAX_SEED, check_memory, date_in_window, days_of, several, whole_number
from ..scenario import InputError, Scenario
from ..scenario.loader import builtin_scenarios, committed_particles, posterior_folder, scenario_toml
from ..store.ensemble_store import EnsembleStore
from . import design as design_module
from . import seeds as seed_rule
from .ensemble import capital_regions, run_all, soviet_power_parties, tasks_of
from .executors import check_executor, default_workers, executor_for, worker_ready
from .outcomes import OUTCOMES

if TYPE_CHECKING:  # pandas is imported when an ensemble is read back, not before
    from .exploration import Exploration

DEFAULT_REPLICATIONS = 100
DEFAULT_AGENTS = 10_000
DEFAULT_FOLDER = Path("antaeus-results") / "ensembles"
#: the most replications of one point (docs/explore.md, "Limits")
MAX_REPLICATIONS = 100_000
#: the most runs of one ensemble, all points together
MAX_RUNS = 1_000_000
#: disk per stored run at the default recorders (measured on russia1917, rounded up; docs/explore.md)
STORE_BYTES_PER_RUN = 32_000
#: a task lasts about this long, so that the executor's overhead per task stays small
TASK_SECONDS = 3.0


def explore(scenario: str | Path = "russia1917", *, overlays: Iterable[str] = (), sets: Iterable[str] = (),
            patches: Iterable[str | Path] = (), design: str | Path | None = None, replications: int = DEFAULT_REPLICATIONS,
            agents: int = DEFAULT_AGENTS, seed: int = 0, posterior: bool = False, from_: dt.date | str | None = None,
            workers: int | None = None, executor: str = "local", scheduler: str | None = None,
            store: str | Path | None = None, resume: bool = False, batch: int | None = None,
            calibrated: bool = True,
            progress: Callable[[int, int], None] | None = None, command: str | None = None) -> Exploration:
    """Run an ensemble (or finish one with ``resume=True``) and return its :class:`Exploration`
    (``antaeus.explore`` adds the plots and ``summary.json``).

    ``from_`` (``--from``): run the factual of each replication up to that date once, and continue
    every point from its state then, so a change acts only from that date on (a juncture).
    ``progress(done, total)`` is called as runs finish. ``store`` is a folder; by default
    ``antaeus-results/ensembles/<scenario>-<digest of the ensemble>``, so that the same call
    finds its own store again. Raises :class:`InputError` (or :class:`ScenarioError`) for any
    bad option before anything is simulated or written."""
    if isinstance(scenario, Scenario):
        raise InputError("explore() resolves each design point itself", source="explore()",
                         hint="give the scenario's name or TOML path, with overlays, sets or a design")
    replications = whole_number(replications, "--replications", 1, MAX_REPLICATIONS,
                                f"give 1 to {MAX_REPLICATIONS:,} replications per point, e.g. {DEFAULT_REPLICATIONS}")
    agents = whole_number(agents, "--agents", 1, None, f"give a positive number of agents, e.g. {DEFAULT_AGENTS}")
    seed = whole_number(seed, "--seed", 0, MAX_SEED, "give a seed from 0 to 2**63-1")
    check_executor(executor, scheduler)
    workers = whole_number(default_workers() if workers is None else workers, "--workers", 1, 1024,
                           "give 1 or more worker processes (default: one per core)")
    if batch is not None:
        batch = whole_number(batch, "--batch", 1, 100_000, "give 1 or more runs per task, or leave it out")
    if posterior and not calibrated:
        raise InputError("--posterior draws the calibrated parameters, --uncalibrated keeps the guesses",
                         source="--posterior", hint="give one of the two options, not both")
    points = design_module.design_points(several(overlays), several(sets), design, several(patches))
    runs = len(points) * replications
    if runs > MAX_RUNS:
        raise InputError(f"{len(points)} points × {replications:,} replications = {runs:,} runs, more than "
                         f"{MAX_RUNS:,}", source="--replications", hint="run fewer replications or fewer points")
    scenarios = design_module.resolve(scenario, points, calibrated)
    days = max(days_of(s) for s in scenarios)
    if executor == "local" or scheduler is None:  # a cluster's workers are checked when it answers
        check_memory(agents, days, workers)
    branch = None
    if from_ is not None:
        branch = date_in_window(from_, "--from", scenarios[0])
        design_module.check_branchable(scenarios, points)
    draws = _posterior_draws(scenarios[0], seed, replications) if posterior else {}
    manifest = _manifest(scenario, points, scenarios, replications, agents, seed, posterior, draws, calibrated,
                         branch, command)
    path = Path(store) if store is not None else DEFAULT_FOLDER / f"{_safe(scenarios[0].scenario.name)}-{_identity_digest(manifest)}"
    existing = EnsembleStore.check(path, manifest, resume=resume)
    missing = existing.missing() if existing is not None else [(p, r) for p in range(len(points)) for r in range(replications)]
    if missing:
        if executor == "local" or scheduler is None:
            _check_disk(path, len(missing))
        _warm(scenarios[0])
        batch = batch or _auto_batch(agents, len(missing), workers)
        seeds = {r: seed_rule.replication_seed(seed, r) for r in range(replications)}
        keep = {i: p.keeps() for i, p in enumerate(points)}
        tasks = tasks_of(missing, batch, dict(enumerate(scenarios)), seeds, draws, keep, agents, branch)
        done = [len(existing.cells) - len(missing) if existing else 0]
        total = len(points) * replications
        if progress is not None:
            progress(done[0], total)

        def advance(n: int) -> None:
            done[0] += n
            if progress is not None:
                progress(done[0], total)

        with executor_for(executor, workers, scheduler, scenarios[0], memory=(agents, days)) as (pool, n_workers):
            target = EnsembleStore.prepare(path, manifest, resume=resume)
            run_all(target, tasks, pool, n_workers, advance)
    from .exploration import Exploration
    return Exploration(EnsembleStore.open(path))


# ---------------------------------------------------------------------------- pieces


def _posterior_draws(factual: Scenario, seed: int, replications: int) -> dict[int, tuple[int, dict[str, float]]]:
    committed = committed_particles(factual.scenario.name) if factual.scenario.name in builtin_scenarios() else None
    if committed is None:
        raise InputError(f"scenario '{factual.scenario.name}' has no committed posterior", source="--posterior",
                         hint="calibrate and export it ('antaeus calibrate', 'antaeus posterior --export'), "
                              "or leave --posterior out to run the posterior median")
    paths, particles, weights = committed
    rows = seed_rule.posterior_rows(weights, seed, range(replications))
    return {r: (int(row), {p: float(v) for p, v in zip(paths, particles[row])}) for r, row in enumerate(rows)}


def _manifest(scenario, points, scenarios, replications, agents, seed, posterior, draws, calibrated, branch,
              command) -> dict:
    posterior_digest = None
    if posterior:
        posterior_digest = hashlib.sha256((posterior_folder() / f"{scenarios[0].scenario.name}.csv").read_bytes()).hexdigest()[:16]
    identity = {
        "scenario": str(scenario), "calibrated": calibrated,
        "points": [{**dataclasses.asdict(p), "scenario_hash": design_module.scenario_hash(scenario_toml(s))}
                   for p, s in zip(points, scenarios)],
        "replications": replications, "agents": agents, "seed": seed,
        "posterior": posterior_digest, "from": branch.isoformat() if branch else None, "code_version": source_digest(), "outcomes": sorted(OUTCOMES),
    }
    manifest = {
        "format": "antaeus-ensemble", "format_version": 1, "identity": identity,
        "antaeus_version": _version(), "command": command or "",
        "seed_rule": "run seed of replication r = antaeus.experiments.seeds.replication_seed(seed, r), "
                     "the same for every point",
        "seeds": [seed_rule.replication_seed(seed, r) for r in range(replications)],
        "particles": [draws[r][0] for r in range(replications)] if draws else None,
        "capital_soviets": capital_regions(scenarios[0]),
        "soviet_power": soviet_power_parties(scenarios[0]),
    }
    return json.loads(json.dumps(manifest))  # as it reads back from the store: lists, not tuples


def _identity_digest(manifest: dict) -> str:
    return hashlib.sha256(json.dumps(manifest["identity"], sort_keys=True).encode()).hexdigest()[:10]


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "scenario"


def _version() -> str:
    from importlib.metadata import version
    return version("antaeus")


def _check_disk(path: Path, runs: int) -> None:
    """Refuse an ensemble whose store the disk cannot hold."""
    disk = runs * STORE_BYTES_PER_RUN
    anchor = next(p for p in [path, *path.parents] if p.exists()) if not path.exists() else path
    free = shutil.disk_usage(anchor).free
    if disk > free:
        raise InputError(f"{runs:,} runs need about {disk / 2**10:,.0f} KiB in the store; {free / 2**10:,.0f} KiB "
                         "are free there", source="--store", hint="free disk space, run fewer replications, "
                                                                 "or give a --store on another disk")


def _auto_batch(agents: int, runs: int, workers: int) -> int:
    """Runs per task: about TASK_SECONDS of work each, and at least four tasks per worker."""
    per_run = 0.03 + 1.7e-5 * agents  # seconds, measured on russia1917 (docs/explore.md)
    by_time = max(1, int(TASK_SECONDS / per_run))
    by_balance = max(1, math.ceil(runs / (4 * workers)))
    return min(by_time, by_balance)


def _warm(scenario: Scenario) -> None:
    """Compile (or load) the kernels once here, so the workers only load them from the cache."""
    import numba
    before = numba.get_num_threads()
    try:
        worker_ready(scenario)
    finally:
        numba.set_num_threads(before)
