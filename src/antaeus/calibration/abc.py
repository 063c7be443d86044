"""Fitting the declared free parameters by ABC-SMC (Beaumont et al. 2009; Toni et al. 2009)
with pyabc (Klinger, Rickert & Hasenauer 2018; Schälte et al. 2022).

The distance is pyabc's adaptive p-norm (Prangle 2017), which rescales the targets so that
none dominates by its units. It is the L1 norm, robust to targets the model cannot reach
(Schälte, Alamoudi & Hasenauer 2021): a target's scale is its spread in the generation *plus*
its median distance to the record (pyabc's ``cmad``). Every target but the membership counts
is a share, in one unit, so the shares take one scale, the median of theirs
(:func:`pooled_share_scales`): the distance over them is then their summed miss in points,
the figure ``antaeus check history`` judges the fit by, and a share every particle misses by
far still counts point for point instead of weighing little. The ratio of the largest to the
smallest weight is bounded as well. On top of the
adaptive weights, a scenario may give chosen target observations a fixed weight
(``[calibration.weights]``): every row of such an observation counts that many times.

The fit runs in logit space: each parameter is the logit of its position in its prior range,
so the uniform prior becomes the standard logistic distribution and no proposal can leave the
range. Proposals come from one distribution fitted to the whole last generation and tempered
halfway towards the prior, independent t draws whitened by its covariance
(`proposal.GenerationT`, population Monte Carlo), not from a kernel around each particle: in
27 dimensions kernels around particles left 7 to 30 effective particles of 200, the t proposal
94 to 131 (4 December 2026; the proposal's module says why). The importance weights correct
for whichever proposal is used, so the posterior's target is the same. The last generation,
which is the posterior, may have more particles than the others (``Budget.final_population``),
and grows until its weights are worth the budget's effective particles (``Budget.growth``;
:mod:`antaeus.calibration.sampler`).

The history lives in SQLite beside the results store; each generation is written when it
completes, so a calibration killed at any moment resumes with ``--resume`` from its last
finished generation.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..data.record import Observation, data_version, observations
from ..engine.simulate import simulate
from ..experiments.executors import check_executor, check_scheduler, executor_for
from ..files import check_writable, folder_for_files, write_fault
from ..options import check_memory, days_of
from ..scenario import InputError, Scenario, builtin_scenarios, load_scenario
from ..scenario.loader import model_version, with_parameters
from ..store import DEFAULT_STORE_PATH
from . import targets
from .budget import Budget, parse_budget
from .scale_log import logged_scales, scale_log_path
from .tail import effective_particles


class CalibrationStopped(RuntimeError):
    """pyabc could not complete a generation (not a mistake in the input)."""


@dataclass(frozen=True)
class CalibrationRun:
    scenario: str
    budget: Budget
    database: Path
    abc_id: int
    generations: int
    simulations: int
    epsilon: float
    already_finished: bool = False  # --resume found the budget spent: nothing was run
    #: --resume found no logged scale weights for the next generation (logged_scales) and fitted them again
    scales_refitted: bool = False


@dataclass(frozen=True)
class GenerationReport:
    """A finished generation, as ``calibrate(on_generation=...)`` reports it once it is stored:
    its number (1 is the first, counted over a resumed history's earlier generations too), of
    how many (None: until a simulation budget is spent), its accepted particles, the
    simulations they took, the tolerance they met, the wall-clock seconds its sampling took,
    and its effective particles (Kish's, from the stored importance weights)."""

    number: int
    of: int | None
    particles: int
    simulations: int
    tolerance: float
    seconds: float
    effective_particles: float = float("nan")

    @property
    def acceptance(self) -> float:
        return self.particles / self.simulations if self.simulations else float("nan")


def parameter_name(path: str) -> str:
    """pyabc's parameter names become SQL columns: no dots."""
    return path.replace(".", "__")


def parameter_path(name: str) -> str:
    return name.replace("__", ".")


#: the largest ratio between two targets' distance weights (see the module's docstring)
MAX_WEIGHT_RATIO = 20.0


def to_natural(z: float, lo: float, hi: float) -> float:
    """A parameter's value from its logit-space coordinate (0 is the middle of the range)."""
    return lo + (hi - lo) / (1.0 + float(np.exp(-z)))


def natural_values(parameters, ranges: dict[str, tuple[float, float]]) -> dict[str, float]:
    """pyabc's logit-space parameters as ``{path: value}`` in the parameters' own units."""
    out = {}
    for name, z in dict(parameters).items():
        path = parameter_path(name)
        out[path] = to_natural(float(z), *ranges[path])
    return out


def database_path(store: str | Path, scenario: str, budget: Budget) -> Path:
    return Path(store).parent / "calibration" / f"{scenario}-{budget.label}.db"


def particle_seed(values: dict[str, float], base: int) -> int:
    """A seed fixed by the particle's values, so a particle's simulation is reproducible."""
    text = repr(sorted(values.items())) + f"|{base}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:7], "little")


def _model(scenario: Scenario, agents: int, base_seed: int, keys: list[str], record: list[Observation], progress,
           threads: int | None):
    calls = [0]
    ranges = {p: tuple(r) for p, r in scenario.calibration.parameters.items()}

    def model(parameters) -> dict[str, float]:
        values = natural_values(parameters, ranges)
        result = simulate(with_parameters(scenario, values), particle_seed(values, base_seed), agents,
                          threads=threads)
        calls[0] += 1
        if progress is not None:
            progress(calls[0])
        return targets.simulated_statistics(result, keys, record)
    return model


def pooled_share_scales(samples: np.ndarray, s0: np.ndarray, s_ids: list[str], **kwargs) -> np.ndarray:
    """Each target's robust scale (pyabc's ``cmad``), except that the shares, which are all in
    the same unit, share one: the median of their scales. So the distance over the shares is
    proportional to their mean absolute miss in points, the figure the record is judged by,
    and the membership counts (log10) keep scales of their own."""
    import pyabc
    scales = np.array(pyabc.distance.scale.cmad(samples=samples, s0=s0, s_ids=s_ids, **kwargs), dtype=float)
    shares = np.array([not targets.is_membership(k) for k in s_ids], dtype=bool)
    if shares.any():
        scales[shares] = np.median(scales[shares])
    return scales


def robust_distance(weights: dict[str, float], keys: list[str], scale_log: Path | None = None):
    """pyabc's adaptive L1 distance with robust scales pooled over the shares (see the module's
    docstring), each target's term times its observation's fixed weight (``[calibration.weights]``).
    ``scale_log``: where the scale weights fitted for each generation are written
    (:mod:`antaeus.calibration.distance`)."""
    from .distance import LoggedScalesDistance  # imports pyabc too
    return LoggedScalesDistance(p=1, scale_function=pooled_share_scales, max_scale_weight_ratio=MAX_WEIGHT_RATIO,
                                fixed_weights=targets.distance_weights(weights, keys), scale_log=scale_log)


def calibrate(scenario: str | Scenario = "russia1917", *, budget: str | int = "quick", workers: int = 1,
              executor: str = "local", scheduler: str | None = None,
              resume: bool = False, store: str | Path = DEFAULT_STORE_PATH, seed: int = 0,
              progress: Callable[[int], None] | None = None,
              on_generation: Callable[[GenerationReport], None] | None = None) -> CalibrationRun:
    """Run (or resume) ABC-SMC for the scenario's ``[calibration]`` parameters.

    ``executor``: ``local`` runs the simulations in this process (``workers`` 1) or on
    ``workers`` forked processes; ``dask`` on a Dask cluster, at ``scheduler`` or a local one
    of ``workers`` processes. ``progress(simulations)`` is called with the simulations run so
    far: after each one run in this process, or, where they run elsewhere, as each particle is
    accepted. ``on_generation`` is called with a :class:`GenerationReport` as each generation
    is stored (a generation whose storing fails is not reported). The seed fixes the history bit for bit
    whatever the executor and the number of workers (:mod:`antaeus.calibration.sampler`).
    """
    plan = parse_budget(budget)
    if not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive whole number, not {workers!r}", source="--workers",
                         hint="give 1 or more worker processes")
    check_executor(executor, scheduler)
    check_scheduler(scheduler)  # before the pilot run and pyabc's import, not after them
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if s.calibration is None:
        raise InputError(f"scenario '{s.scenario.name}' declares no [calibration] parameters", source="scenario",
                         hint="add a [calibration.parameters] table with prior ranges")
    store_path = Path(store)
    if store_path.is_dir():
        raise InputError(f"{store} is a folder", source="--store", hint="give the path of a .duckdb file")
    db = database_path(store_path, s.scenario.name, plan)
    check_writable(db.parent, "--store", "give a --store in a folder you can write to")
    if resume and not db.exists():
        raise InputError(f"there is no calibration to resume at {db}", source="--resume",
                         hint="run without --resume first, with the same --budget and --store")
    if resume and (spent := _spent_run(db, plan)) is not None:  # answered without pyabc or a pilot run
        return CalibrationRun(s.scenario.name, plan, db, *spent, already_finished=True)
    agents = plan.agents_for(s.calibration.agents)
    if executor == "local" or scheduler is None:  # a cluster's workers are checked when it answers
        check_memory(agents, days_of(s), workers)
    weights = targets.observation_weights(s)
    elsewhere = executor == "dask" or workers > 1  # the simulations run in other processes

    if executor == "local" and workers > 1:
        # worker processes are forked: GNU OpenMP does not survive a fork, Numba's own
        # work queue does (this holds when nothing parallel has run in this process yet)
        import numba
        numba.config.THREADING_LAYER = "workqueue"
    import pyabc  # imported here: it is slow to import and only calibration needs it
    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)

    # the record as the calibration starts: an edit of record.csv while it runs (for hours) must not
    # change what its later simulations are held against, nor meet a mapping read before the edit
    record = observations()
    pilot = simulate(s, seed, min(agents, 2000))
    observed = targets.observed_statistics(pilot, record)
    # uniform on each range = standard logistic on the logit of the position in the range
    priors = pyabc.Distribution(**{parameter_name(p): pyabc.RV("logistic", 0.0, 1.0)
                                   for p in s.calibration.parameters})
    from .proposal import GenerationT  # imports pyabc too
    from .sampler import SeededSampler
    proposal = GenerationT()
    # with several worker processes each simulation runs on one thread: the cores are shared out
    # (and the sampler counts their simulations as each particle comes back)
    model = (_model(s, agents, seed, sorted(observed), record, None, 1) if elsewhere else
             _model(s, agents, seed, sorted(observed), record, progress, None))
    counted = [0]

    def particle_done(count: int) -> None:
        counted[0] += count
        progress(counted[0])
    sampled: list[GenerationReport] = []  # sampled, reported once pyabc has stored them

    def generation_done(t: int, particles: int, simulations: int, seconds: float) -> None:
        if t >= 0 and on_generation is not None:  # t = -1: the distance's calibration sample
            sampled.append(GenerationReport(t + 1, plan.generations, particles, simulations, float(abc.eps(t)),
                                            seconds))

    def report_stored(*_) -> None:
        while sampled:
            weights = abc.history.get_distribution(m=0, t=sampled[0].number - 1)[1]
            on_generation(dataclasses.replace(sampled.pop(0), effective_particles=effective_particles(weights)))
    # the same history whatever the executor and the workers
    sampler = SeededSampler(seed, workers, progress=particle_done if elsewhere and progress is not None else None,
                            generation_done=generation_done, generation_begins=report_stored,
                            growth=plan.growth())
    np.random.seed(seed % 2**32)
    distance = robust_distance(weights, sorted(observed), scale_log_path(db))
    sizes = plan.populations()
    population = (plan.population if sizes is None else
                  pyabc.populationstrategy.ListPopulationSize(sizes, nr_calibration_particles=plan.population))
    abc = pyabc.ABCSMC(model, priors, distance, population_size=population, sampler=sampler,
                       transitions=proposal)
    new = not db.exists()
    refitted = False
    cluster = (executor_for("dask", workers, scheduler, s, memory=(agents, days_of(s))) if executor == "dask"
               else contextlib.nullcontext((None, workers)))
    with folder_for_files(db.parent), cluster as (pool, _):  # a folder made here goes again if it stays empty
        sampler.executor = pool
        try:
            url = f"sqlite:///{db.resolve()}"
            if resume:
                history = abc.load(url, _latest_run(url))
                distance.initial_scale_weights = logged_scales(scale_log_path(db), history.max_t + 1)
                refitted = distance.initial_scale_weights is None and history.max_t >= 0
            else:
                scale_log_path(db).unlink(missing_ok=True)  # a new run's log starts empty
                builtin = isinstance(scenario, str) and scenario in builtin_scenarios()
                meta = {"scenario": s.scenario.name, "budget": plan.label, "seed": seed, "agents": agents,
                        "workers": workers, "executor": executor, "space": "logit",
                        "model_version": model_version(scenario) if builtin else None,
                        "data_version": data_version()}
                history = abc.new(url, observed, meta_info=meta)
            done = history.max_t + 1
            remaining = None if plan.generations is None else plan.generations - done
            finished = resume and plan.spent(done, history.total_nr_simulations or 0)
            if not finished and (remaining is None or remaining > 0):
                # one call for all remaining generations: pyabc calibrates distance and epsilon at the
                # start of a call, so splitting a run into calls would restart that calibration
                limits = {"max_nr_populations": remaining} if remaining is not None else {}
                if plan.max_simulations is not None:
                    limits["max_total_nr_simulations"] = plan.max_simulations
                try:
                    history = abc.run(**limits)
                    report_stored()
                except AssertionError as err:  # pyabc: the new population's weights degenerated
                    raise CalibrationStopped(
                        f"calibration stopped in generation {history.max_t + 1}: {err} Every finished generation "
                        f"({history.max_t + 1}) is kept in {db}; summarise them with 'antaeus posterior', or "
                        "retry with --resume or a larger --budget") from None
        except CalibrationStopped:
            raise
        except Exception as err:  # a full disk or a lost folder while the history is written
            fault = write_fault(err, db)
            if fault is None:
                raise
            kept = _finished_generations(db)
            if new and not kept:  # a history this call began, with nothing in it worth keeping
                for leftover in (db, db.with_name(db.name + "-journal"), db.with_name(db.name + "-wal"),
                                 scale_log_path(db)):
                    leftover.unlink(missing_ok=True)
            elif kept:
                fault.hint += f"; the {kept} finished generation(s) in {db} are kept: then go on with --resume"
            raise fault from None
    eps = float(history.get_all_populations()["epsilon"].iloc[-1]) if history.max_t >= 0 else float("nan")
    return CalibrationRun(s.scenario.name, plan, db, history.id, history.max_t + 1,
                          history.total_nr_simulations, eps, finished, refitted and not finished)


def _spent_run(db: Path, plan: Budget) -> tuple[int, int, int, float] | None:
    """The latest run in a history, if it has spent ``plan``: its id, generations, simulations
    and last tolerance, read from pyabc's tables with SQLite alone; None if it has not (or
    cannot be read so), and pyabc then resumes it."""
    import sqlite3
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            run = con.execute("SELECT max(id) FROM abc_smc").fetchone()[0]
            if run is None:
                return None
            generations, simulations = con.execute(
                "SELECT count(*) FILTER (WHERE t >= 0), coalesce(sum(nr_samples), 0) FROM populations"
                " WHERE abc_smc_id = ?", (run,)).fetchone()
            last = con.execute("SELECT epsilon FROM populations WHERE abc_smc_id = ? AND t >= 0 ORDER BY t DESC"
                               " LIMIT 1", (run,)).fetchone()
    except sqlite3.Error:
        return None
    if not plan.spent(generations, simulations):
        return None
    return int(run), int(generations), int(simulations), float(last[0])


def _finished_generations(db: Path) -> int:
    """Generations a calibration history holds whole (SQLite commits each one), 0 if none or unreadable."""
    import sqlite3
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            return int(con.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()[0])
    except sqlite3.Error:
        return 0


def _latest_run(url: str) -> int:
    import pyabc
    history = pyabc.History(url)
    runs = history.all_runs()
    return max(r.id for r in runs) if runs else 1
