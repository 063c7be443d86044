"""The public Python API: anything the CLI can do, a notebook can do with the same names.

:func:`run` goes from a scenario name to stored results. It checks every option before the
engine starts, so a mistake costs no simulation time and leaves the store untouched
(ARCHITECTURE.md, "Errors").
"""
from __future__ import annotations

import datetime as dt
import functools
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np

from .core import calendar
from .experiments import seeds as seed_rule
from .scenario.loader import committed_particles, scenario_toml, user_paths, with_parameters
from .files import check_writable
from .options import MAX_SEED, check_memory, date_in_window, days_of, json_ready, several, whole_number
from .engine.result import Result
from .engine.simulate import simulate
from .experiments.explore import explore as explore_ensemble
from .report.summary import decision_summary, final_membership, group_support_rows, support_rows
from .scenario import InputError, Scenario, load_scenario
from .store import DEFAULT_STORE_PATH, check_store, run_directory, write_run

if TYPE_CHECKING:  # pandas is imported only by a command that reads an ensemble back
    from .experiments.exploration import Exploration

DEFAULT_SCENARIO = "russia1917"
DEFAULT_AGENTS = 100_000


@dataclass(frozen=True)
class RunOutput:
    """One finished run: the resolved scenario, the engine's Result, and what was written."""

    scenario: Scenario
    result: Result
    at: tuple[dt.date, ...] = ()
    run_id: str | None = None
    store: Path | None = None
    plots: tuple[Path, ...] = ()
    #: with --posterior-draws K: the K runs, one per draw from the posterior (``result`` is the first)
    draws: tuple[Result, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        """The document of ``antaeus run --json`` (docs/json.md): plain JSON types, floats
        rounded to 6 decimals, NaN as null."""
        r = self.result
        return json_ready({
            "scenario": r.scenario, "seed": r.seed, "agents": r.agents, "days": r.days,
            "start": r.dates[0] if r.days else None, "end": r.dates[-1] if r.days else None,
            "runtime_s": r.runtime_s, "calibrated": r.calibrated,
            "parameters": r.parameters,
            "observables": [{"id": o.id, "family": o.family, "constituency": o.constituency,
                             "date": o.date, "simulated": o.simulated, "observed": o.observed,
                             "source": o.source, "turnout": o.turnout} for o in r.observables],
            "support": support_rows(r, self.at),
            "support_by_group": group_support_rows(r, self.at),
            "power_log": [{"date": c.date, "julian": _julian(c.date), "holder": c.holder,
                           "route": c.route, "breadth": c.breadth, "note": c.note}
                          for c in r.power_log],
            "decisions": decision_summary(r),
            "mobilisation": r.mobilisation_by_month(),
            "membership": final_membership(r),
            "run_id": self.run_id, "store": self.store, "plots": list(self.plots),
            **({"posterior_draws": len(self.draws), "ensemble": ensemble_observables(self.draws)}
               if self.draws else {}),
        })


def run(scenario: str | Path | Scenario = DEFAULT_SCENARIO, *, seed: int = 0,
        agents: int = DEFAULT_AGENTS, until: dt.date | str | None = None,
        at: Iterable[dt.date | str] = (), overlays: Iterable[str] = (),
        sets: Iterable[str] = (), patch: str | Path | None = None,
        store: str | Path | None = DEFAULT_STORE_PATH, plots: bool = True,
        threads: int | None = None, chunk: int = 64,
        progress: Callable[[int, int], None] | None = None,
        command: str | None = None, posterior_draws: int = 0, calibrated: bool = True) -> RunOutput:
    """Load, check, simulate, then store the run and draw its plots.

    ``store=None`` keeps everything in memory (no database, no plots). Plots go beside the
    database, in ``<store dir>/runs/<run_id>/``. ``command`` is recorded in the store; by
    default a description of this call. Raises :class:`ScenarioError` (or its sibling
    :class:`InputError`) for any bad input, before anything is simulated or written.
    """
    at, overlays, sets = several(at), several(overlays), several(sets)
    if isinstance(scenario, Scenario):
        if overlays or sets or patch is not None or not calibrated:
            raise InputError("overlays, --set values, a patch and --uncalibrated apply while loading", source="run()",
                             hint="pass them to load_scenario(), or give run() the scenario's name")
        resolved = scenario
    else:
        resolved = load_scenario(scenario, overlays=overlays, sets=sets, patch=patch, calibrated=calibrated)
    seed = whole_number(seed, "--seed", 0, MAX_SEED, "give a seed from 0 to 2**63-1")
    agents = whole_number(agents, "--agents", 1, None,
                           f"give a positive number of agents, e.g. {DEFAULT_AGENTS} (the default)")
    if threads is not None:
        threads = whole_number(threads, "--threads", 1, None, "give 1 or more, or leave it out to use every core")
    chunk = whole_number(chunk, "--chunk", 1, None, "give 1 or more locales per work item (default 64)")
    last = date_in_window(until, "--until", resolved) if until is not None else resolved.scenario.end
    at_dates = tuple(sorted({date_in_window(d, "--at", resolved) for d in at}))
    if at_dates and at_dates[-1] > last:
        raise InputError(f"{at_dates[-1]} comes after the last simulated day {last}", source="--at",
                         hint="give --at dates up to --until, or a later --until")
    check_memory(agents, days_of(resolved, last))
    store_path = _store_path(store)
    posterior_draws = whole_number(posterior_draws, "--posterior-draws", 0, 10_000,
                                    "give a number of draws such as 20, or 0 for the posterior median")
    if posterior_draws and not calibrated:
        raise InputError("--posterior-draws draws the calibrated parameters, --uncalibrated keeps the guesses",
                         source="--posterior-draws", hint="give one of the two options, not both")
    scenarios = [resolved] if posterior_draws == 0 else \
        posterior_scenarios(resolved, posterior_draws, seed, keep=user_paths(overlays, sets, patch))

    seeds = [seed] if posterior_draws == 0 else [seed_rule.replication_seed(seed, i) for i in range(posterior_draws)]
    results = tuple(simulate(sc, s, agents, until=last, threads=threads, chunk=chunk, progress=progress)
                    for s, sc in zip(seeds, scenarios))
    result = results[0]
    draws = results if posterior_draws else ()
    if store_path is None:
        return RunOutput(resolved, result, at_dates, draws=draws)
    name = resolved.scenario.name if isinstance(scenario, Scenario) else str(scenario)
    call = command or f"antaeus.run({name!r}, seed={seed}, agents={agents}, until='{last}')"
    run_ids = [write_run(r, store_path, scenario_toml=scenario_toml(sc), command=call)
               for r, sc in zip(results, scenarios)]
    figures = ()
    if plots:
        from .report.plots import write_plots  # matplotlib only when a figure is drawn
        figures = tuple(write_plots(result, run_directory(store_path, run_ids[0])))
    return RunOutput(resolved, result, at_dates, run_ids[0], store_path, figures, draws)


@functools.wraps(explore_ensemble)
def explore(scenario: str | Path = DEFAULT_SCENARIO, *, plots: bool = True, **options) -> Exploration:
    """Run an ensemble (``antaeus explore``), draw its figures beside the store (``plots``) and
    return its :class:`~antaeus.experiments.exploration.Exploration`. Every other option is that
    of :func:`antaeus.experiments.explore.explore`; docs/explore.md describes them all."""
    exploration = explore_ensemble(scenario, **options)
    if plots and len(exploration.runs):
        from .report.explore_plots import write_explore_plots  # matplotlib only when a figure is drawn
        exploration.plots = write_explore_plots(exploration, exploration.store.path / "plots")
    exploration.write_summary()
    return exploration


_inner = inspect.signature(explore_ensemble).parameters
explore.__signature__ = inspect.signature(explore_ensemble).replace(parameters=[
    *[p for name, p in _inner.items() if name not in ("progress", "command")],
    inspect.Parameter("plots", inspect.Parameter.KEYWORD_ONLY, default=True, annotation="bool"),
    _inner["progress"], _inner["command"]])


def posterior_scenarios(resolved: Scenario, k: int, seed: int, keep: Iterable[str] = ()) -> list[Scenario]:
    """k copies of the scenario, each with its calibrated parameters drawn from the committed
    posterior by the seed rule (replication i draws ``experiments.seeds.posterior_rows``); paths in ``keep``
    (set by the user) stay."""
    committed = committed_particles(resolved.scenario.name)
    if committed is None:
        raise InputError(f"scenario '{resolved.scenario.name}' has no calibrated posterior", source="--posterior-draws",
                         hint="calibrate it ('antaeus calibrate', then 'antaeus posterior --export'), or leave the option out")
    paths, particles, weights = committed
    rows = seed_rule.posterior_rows(weights, seed, range(k))
    kept = set(keep)
    return [with_parameters(resolved, {p: float(v) for p, v in zip(paths, particles[i]) if p not in kept})
            for i in rows]


def ensemble_observables(draws: Iterable[Result]) -> list[dict]:
    """Per observable and party: median and 90% interval over the posterior draws."""
    by_id: dict[str, dict[str, list[float]]] = {}
    for r in draws:
        for o in r.observables:
            for party, share in o.simulated.items():
                by_id.setdefault(o.id, {}).setdefault(party, []).append(share)
    out = []
    for oid, parties in by_id.items():
        q = {p: np.quantile(v, [0.05, 0.5, 0.95]) for p, v in parties.items()}
        out.append({"id": oid, "runs": len(next(iter(parties.values()))),
                    "median": {p: float(v[1]) for p, v in q.items()},
                    "q05": {p: float(v[0]) for p, v in q.items()},
                    "q95": {p: float(v[2]) for p, v in q.items()}})
    return out


# ------------------------------------------------------------------------- checking


def _store_path(store: str | Path | None) -> Path | None:
    """The database path, refused now if it can never be written (a folder, under a file, or in a
    folder that cannot be written)."""
    if store is None:
        return None
    path = Path(store)
    check_writable(path.parent, "--store", f"give a database file path such as {DEFAULT_STORE_PATH}")
    check_store(path)  # a folder or a foreign file is refused now, before the simulation, and left as it was
    return path


# ------------------------------------------------------------------------ conversion


def _julian(date: dt.date) -> str | None:
    try:
        return calendar.julian(date).isoformat()
    except ValueError:  # outside the years where the 13-day lag holds
        return None
