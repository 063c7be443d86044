"""Running an ensemble's runs on a ``concurrent.futures.Executor`` and keeping what each left.

The runner knows nothing of processes or clusters: it submits tasks to an executor (a local
process pool, or Dask's ``Client.get_executor()``; :mod:`antaeus.experiments.executors`) and
writes each finished task's rows as one part of the ensemble store. A task is a batch of
(point, replication) cells, replication-major, so that it lasts a few seconds; its runs depend
only on their cells (the seed rule, :mod:`antaeus.experiments.seeds`), so the stored result is
the same whatever the executor, the number of workers or the batch size.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import time
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import pyarrow as pa

from ..data.compare import seat_faction
from ..engine.result import Result
from ..engine.simulate import Run, simulate
from ..scenario import Scenario
from ..scenario.loader import with_parameters
from ..store.duckdb_store import weekly_days
from ..store.ensemble_store import SCHEMAS, EnsembleStore
from .outcomes import Change, changes_of_power, outcome_of, path_label

#: how many capital soviets the figures follow (the regions of greatest capital weight)
CAPITAL_SOVIETS = 2
#: tasks in flight per worker: enough to keep every worker busy, few enough to bound memory
IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class Task:
    """A batch of cells and everything a worker needs to run them, with no file access."""

    cells: tuple[tuple[int, int], ...]       # (point index, replication)
    scenarios: dict[int, Scenario]           # point index -> resolved scenario
    seeds: dict[int, int]                    # replication -> run seed
    draws: dict[int, tuple[int, dict[str, float]]]  # replication -> (particle row, its values)
    keep: dict[int, tuple[str, ...]]         # point index -> paths the point sets itself
    agents: int
    branch: dt.date | None = None            # --from: every point continues the factual from this day


def tasks_of(cells: list[tuple[int, int]], batch: int, scenarios: dict[int, Scenario], seeds: dict[int, int],
             draws: dict[int, tuple[int, dict[str, float]]], keep: dict[int, tuple[str, ...]],
             agents: int, branch: dt.date | None = None) -> list[Task]:
    """Cells in replication-major order, cut into tasks of about ``batch`` runs. With a branch
    date a task holds whole replications, so each runs the factual up to the date once."""
    by_rep: dict[int, list[tuple[int, int]]] = {}
    for cell in sorted(cells, key=lambda c: (c[1], c[0])):
        by_rep.setdefault(cell[1], []).append(cell)
    units = list(by_rep.values()) if branch is not None else [[c] for cs in by_rep.values() for c in cs]
    out, chunk = [], []
    for unit in units:
        chunk.extend(unit)
        if len(chunk) >= batch:
            out.append(_task(chunk, scenarios, seeds, draws, keep, agents, branch))
            chunk = []
    if chunk:
        out.append(_task(chunk, scenarios, seeds, draws, keep, agents, branch))
    return out


def _task(cells, scenarios, seeds, draws, keep, agents, branch) -> Task:
    points, reps = {p for p, _ in cells} | ({0} if branch is not None else set()), {r for _, r in cells}
    return Task(tuple(cells), {p: scenarios[p] for p in points}, {r: seeds[r] for r in reps},
                {r: draws[r] for r in reps if r in draws}, {p: keep[p] for p in points}, agents, branch)


def run_task(task: Task) -> dict[str, pa.Table]:
    """Simulate a task's cells (in a worker) and return the rows of every store table."""
    rows: dict[str, dict[str, list]] = {name: {f.name: [] for f in schema} for name, schema in SCHEMAS.items()}
    worker = f"{socket.gethostname()}:{os.getpid()}"
    snapshots: dict[int, bytes] = {}  # replication -> the factual's state on the branch day
    for point, rep in task.cells:
        started = time.perf_counter()
        scenario, particle = _scenario_of(task, point, rep)
        if task.branch is None:
            result = simulate(scenario, task.seeds[rep], task.agents, threads=1)
        else:
            if rep not in snapshots:
                factual = Run.start(_scenario_of(task, 0, rep)[0], task.seeds[rep], task.agents)
                snapshots[rep] = factual.advance(factual.day_of(task.branch)).snapshot()
            branch = Run.resume(scenario, snapshots[rep])
            result = branch.advance(branch.days).result()
        record_run(rows, result, scenario, point, rep, particle)
        _append(rows["timing"], point, rep, runtime_s=time.perf_counter() - started, worker=worker)
    return {name: pa.table(cols, schema=SCHEMAS[name]) for name, cols in rows.items()}


def _scenario_of(task: Task, point: int, rep: int) -> tuple[Scenario, int]:
    """A point's scenario in a replication: with the replication's posterior particle, if
    drawn, except where the point sets a path itself."""
    scenario = task.scenarios[point]
    if rep not in task.draws:
        return scenario, -1
    particle, values = task.draws[rep]
    kept = set(task.keep[point])
    return with_parameters(scenario, {p: v for p, v in values.items() if p not in kept}), particle


def record_run(rows: dict[str, dict[str, list]], result: Result, scenario: Scenario, point: int, rep: int,
               particle: int) -> None:
    """Append one run's rows: its outcome and path, its power log, observables, attempts
    (decisions that acted) and weekly series for the fan charts."""
    path = [Change(c.holder, c.route) for c in result.power_log]
    first_soviet = next((c.date for c in result.power_log if c.holder.startswith("soviet_government")), None)
    _append(rows["runs"], point, rep, seed=result.seed, particle=particle, outcome=outcome_of(path),
            path=path_label(path), first_soviet=first_soviet, changes=changes_of_power(path))
    won = {(d.date, "insurrection" if d.action == "rising" else d.action): d.actor
           for d in result.decisions if d.outcome == "success"}  # a rising that wins is an insurrection
    action = {"insurrection": "insurrection", "soviet_transfer": "soviet_power", "coup": "coup"}
    for step, c in enumerate(result.power_log):
        _append(rows["power"], point, rep, step=step, date=c.date, holder=c.holder, route=c.route,
                actor=won.get((c.date, action.get(c.route))), breadth=c.breadth)
    for o in result.observables:
        for party, share in o.simulated.items():
            _append(rows["observables"], point, rep, id=o.id, party=party, simulated=share)
    for d in result.decisions:
        if d.acted:
            _append(rows["decisions"], point, rep, date=d.date, actor=d.actor, action=d.action, p_true=d.p_true,
                    p_perceived=d.p_perceived, threshold=d.threshold, outcome=d.outcome)
    weeks = np.asarray(weekly_days(result.days), np.int64)
    national = result.support[weeks].sum(axis=(1, 2))  # [W,P]
    national = national / np.maximum(national.sum(axis=1, keepdims=True), 1e-300)
    series = [("national_support", national)]
    soviets = seated_soviets(result, scenario, weeks)
    series += [(f"soviet:{r}", soviets[:, i]) for i, r in enumerate(result.regions)]
    # whole columns at once: one row per (series, week, party), in that order
    cells = len(weeks) * len(result.parties)
    columns = rows["series"]
    dates = np.repeat(np.asarray(result.dates, dtype="datetime64[D]")[weeks], len(result.parties))
    for name, values in series:
        columns["point"].extend([point] * cells)
        columns["replication"].extend([rep] * cells)
        columns["series"].extend([name] * cells)
        columns["date"].extend(dates.tolist())
        columns["party"].extend(result.parties * len(weeks))
        columns["value"].extend(np.asarray(values, np.float64).ravel().tolist())


def seated_soviets(result: Result, scenario: Scenario, days) -> np.ndarray:
    """The soviets' deputies [len(days), R, P] on ``days`` with a faction that sat apart before
    its party split seated on its own: the parent's deputies are split as the parent's
    supporters among the soviets' electors lean to the faction (as the record's comparisons
    seat the Left SRs, docs/data.md item 10)."""
    soviets = result.soviets[np.asarray(days)]
    electors = [g for g, group in scenario.groups.items() if group.soviet_constituency]
    for faction, spec in scenario.parties.items():
        if spec.action == "split" and spec.split_from and faction in result.parties:
            soviets = seat_faction(result, soviets, days, {"of": spec.split_from, "as": faction, "groups": electors})
    return soviets


def capital_regions(scenario: Scenario) -> list[str]:
    """The regions whose soviets the figures follow: those of greatest capital weight."""
    ranked = sorted(((-spec.capital_weight, name) for name, spec in scenario.regions.items()
                     if spec.capital_weight > 0))
    return [name for _, name in ranked[:CAPITAL_SOVIETS]]


def soviet_power_parties(scenario: Scenario) -> list[str]:
    """The parties whose plank of soviet power, before or after a turn, reaches the cut from which
    the engine counts a party into the insurgent bloc (``power.ally_power_cut``): whose majority
    in a capital's soviet the summaries follow."""
    cut = scenario.parameters.power.ally_power_cut
    return [name for name, party in scenario.parties.items()
            if max(party.platform.power, party.platform_after_turn.power if party.platform_after_turn else 0.0) >= cut]


def _append(columns: dict[str, list], point: int, rep: int, **values) -> None:
    columns["point"].append(point)
    columns["replication"].append(rep)
    for k, v in values.items():
        columns[k].append(v)


def run_all(store: EnsembleStore, tasks: Iterable[Task], executor: Executor, workers: int,
            progress: Callable[[int], None] | None = None) -> int:
    """Submit the tasks (a bounded number in flight), store each finished one as a part, and
    return the runs stored. An interrupt cancels what has not started; finished parts stay."""
    pending = iter(tasks)
    in_flight: dict = {}
    stored = 0
    limit = max(1, workers * IN_FLIGHT_PER_WORKER)
    try:
        while True:
            while len(in_flight) < limit:
                task = next(pending, None)
                if task is None:
                    break
                in_flight[executor.submit(run_task, task)] = task
            if not in_flight:
                return stored
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                task = in_flight.pop(future)
                store.write_part(future.result())
                stored += len(task.cells)
                if progress is not None:
                    progress(len(task.cells))
    finally:
        for future in in_flight:
            future.cancel()
