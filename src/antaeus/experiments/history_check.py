"""The model against the historical record over many runs: ``antaeus check history``.

Each run of the scenario (replications 0..runs-1 of the seed rule,
:mod:`antaeus.experiments.seeds`) is compared with every observation of
the record in use by :func:`antaeus.data.compare.compare_all`; the comparisons are then pooled
per (observation, category) into the simulated median and 90% prediction interval (order
statistics of the runs that produced a value, :mod:`antaeus.experiments.intervals`), beside
the observed value. Whether the
observation was a calibration target or is out of sample comes from the record
(:attr:`Comparison.target`), so the check reports both kinds side by side and never mixes
them in one figure of merit. docs/history-check.md says how to read the result.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from antaeus.data.compare import Comparison, compare, compare_all
from antaeus.data.record import Observation, load_mapping, observations
from antaeus.experiments import seeds as seed_rule
from antaeus.engine.simulate import simulate
from antaeus.files import check_writable
from antaeus.options import MAX_SEED, check_memory, days_of, json_ready, several, whole_number
from antaeus.scenario import InputError, Scenario, load_scenario
from antaeus.scenario.loader import committed_particles, user_paths, with_parameters

from .executors import check_executor, default_workers, executor_for
from .intervals import bootstrap_mean_error, coverage, median_interval, prediction_interval

DEFAULT_RUNS = 20
DEFAULT_AGENTS = 20_000
DEFAULT_OUT = Path("antaeus-results") / "history-check"
INTERVAL = 0.9  # the level of the prediction interval (experiments.intervals)
#: the level of the Monte Carlo intervals: how far the medians, and the mean error of the
#: medians, of these runs can lie from those of infinitely many (experiments.intervals)
MONTE_CARLO_LEVEL = 0.95
#: resamples of the runs for the bootstrap of the mean error
RESAMPLES = 1000
#: |log10 ratio| of a count whose median is within a factor of 2 of the record (issue 16's bar
#: for the magnitudes), with room for the rounding of the ratio
FACTOR_2 = math.log10(2.0) + 1e-12

#: figure (and summary) families: record families drawn together, in the order of the table
PANELS: dict[str, tuple[str, ...]] = {
    "congresses": ("soviet_congress", "soviet_congress_poll", "soviet_congress_presidium", "vtsik",
                   "peasant_congress", "soviet", "soviet_section", "front_congress", "party_council"),
    "municipal": ("municipal", "turnout"),
    "constituent_assembly": ("constituent_assembly", "ca_session"),
    "membership": ("membership",),
    "unrest": ("unrest", "land_seizures"),
    "other": ("strikes", "strikers", "deserters", "army", "mobilised"),
}
PANEL_TITLES = {"congresses": "Congresses and soviets", "municipal": "Municipal elections",
                "constituent_assembly": "Constituent Assembly", "membership": "Party membership",
                "unrest": "Peasant unrest by month", "other": "Strikes, army and desertion"}
FAMILY_ORDER = [f for families in PANELS.values() for f in families]
#: the elections whose out-of-sample rows make issue 16's measure: the Constituent Assembly by
#: region and front and the city elections (the Moscow district dumas)
ELECTIONS = ("constituent_assembly", "municipal")


def panel_of(family: str) -> str:
    return next((p for p, families in PANELS.items() if family in families), "other")


@dataclass(frozen=True)
class CheckRow:
    """One compared quantity of one observation, pooled over the runs.

    ``values`` are the simulated values of the runs that produced one (``len(values)`` of
    ``runs``); ``note`` says why the others (or all) did not. ``starting_value`` marks a
    figure the run starts from (membership on the first day): an input, not an outcome, so
    it is shown but left out of the summaries.
    """

    id: str
    version: str
    family: str
    constituency: str
    date: dt.date
    date_end: dt.date | None
    section: str
    status: str
    category: str
    unit: str          # the compared unit: "share", or a count ("members", "people", "incidents")
    record_unit: str   # the unit as the record reports it (seats, votes, percent_of_period ...)
    target: bool
    observed: float | None
    values: tuple[float, ...]
    runs: int
    note: str = ""
    starting_value: bool = False
    #: the replication each of ``values`` came from (the bootstrap resamples whole runs)
    run_ids: tuple[int, ...] = ()

    @property
    def panel(self) -> str:
        return panel_of(self.family)

    @property
    def n_runs(self) -> int:
        """Runs that produced a simulated value."""
        return len(self.values)

    @cached_property
    def _q(self) -> tuple[float, float, float] | None:
        if not self.values:
            return None
        values = np.asarray(self.values, dtype=float)
        q05, q95 = prediction_interval(values, INTERVAL)
        return q05, float(np.median(values)), q95

    @property
    def q05(self) -> float | None:
        return None if self._q is None else self._q[0]

    @property
    def median(self) -> float | None:
        return None if self._q is None else self._q[1]

    @property
    def q95(self) -> float | None:
        return None if self._q is None else self._q[2]

    @cached_property
    def median_interval(self) -> tuple[float, float] | None:
        """The 95% confidence interval of the median: where the median of infinitely many runs
        lies, given these (the Monte Carlo error of :attr:`median`; ``intervals.median_interval``)."""
        return median_interval(self.values, MONTE_CARLO_LEVEL) if self.values else None

    @property
    def compared(self) -> bool:
        """An observed value and at least one run's simulated value."""
        return self.observed is not None and bool(self.values)

    @property
    def scored(self) -> bool:
        """Counted in the summaries: compared, and an outcome of the run, not its input."""
        return self.compared and not self.starting_value

    @property
    def inside(self) -> bool | None:
        """Observed within the simulated 90% interval; None when not compared."""
        if not self.compared:
            return None
        q05, _, q95 = self._q
        return bool(q05 <= self.observed <= q95)

    @property
    def error_points(self) -> float | None:
        """Shares: median - observed in percentage points."""
        if not self.compared or self.unit != "share":
            return None
        return (self.median - self.observed) * 100.0

    @property
    def log10_ratio(self) -> float | None:
        """Counts: log10(median / observed); a factor of 2 is 0.30 either way."""
        if not self.compared or self.unit == "share" or self.observed <= 0 or self.median <= 0:
            return None
        return math.log10(self.median / self.observed)

    def to_json_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "family": self.family, "panel": self.panel,
                "constituency": self.constituency, "date": self.date, "date_end": self.date_end,
                "section": self.section, "status": self.status, "category": self.category,
                "unit": self.unit, "record_unit": self.record_unit,
                "role": "target" if self.target else "out_of_sample", "target": self.target,
                "observed": self.observed, "median": self.median, "q05": self.q05, "q95": self.q95,
                "median_lo": None if self.median_interval is None else self.median_interval[0],
                "median_hi": None if self.median_interval is None else self.median_interval[1],
                "runs_with_value": self.n_runs, "runs": self.runs, "inside": self.inside,
                "compared": self.compared, "scored": self.scored, "starting_value": self.starting_value,
                "error_points": self.error_points, "log10_ratio": self.log10_ratio,
                "note": self.note}


@dataclass
class HistoryCheck:
    """Observed against simulated over many runs: rows, summaries, and the simulated
    Constituent Assembly of every region and front the record has no figure for."""

    scenario: str
    calibrated: bool
    calibration_note: str
    runs: int
    agents: int
    seed: int               # the ensemble seed
    seeds: tuple[int, ...]  # the run seed of each replication (the seed rule)
    overlays: tuple[str, ...]
    sets: tuple[str, ...]
    rows: list[CheckRow]
    #: simulated CA shares of the regions and fronts without a record, national observed as reference
    ca_regions: list[CheckRow] = field(default_factory=list)
    #: whether the record in use has CA figures for any of the model's regions or fronts
    ca_regional_record: bool = False
    #: whether each replication ran its posterior draw (False: every run at the posterior median)
    posterior: bool = False
    #: with posterior draws, the summary of the same check at the posterior median (seeds only)
    seeds_only: dict | None = None
    #: the patch file merged over the scenario, if any
    patch: str | None = None
    #: the Monte Carlo intervals of the mean errors (:func:`monte_carlo`); None where not computed
    monte_carlo: dict | None = None

    @property
    def summary(self) -> dict[str, Any]:
        """Overall, per figure family and per observation: MAE of the median (shares, in
        percentage points), mean |log10 ratio| (counts), and coverage of the 90% intervals;
        targets and out-of-sample apart."""
        by_role = _split(self.rows)
        panels = {}
        for panel in PANELS:
            members = [r for r in self.rows if r.panel == panel]
            if members:
                split = _split(members)
                panels[panel] = {"targets": split[0], "out_of_sample": split[1]}
        per_observation = []
        for (oid, version), members in by_observation(self.rows).items():
            per_observation.append({"id": oid, "version": version, "family": members[0].family,
                                    "role": "target" if members[0].target else "out_of_sample",
                                    **stats(members)})
        elections = [r for r in self.rows if not r.target and r.panel in ELECTIONS]
        return {"targets": by_role[0], "out_of_sample": by_role[1], "elections_out_of_sample": stats(elections),
                "all": stats(self.rows),
                "by_panel": panels, "observations": per_observation,
                "not_compared": [{"id": r.id, "category": r.category, "note": r.note}
                                 for r in self.rows if not r.compared]}

    def to_json_dict(self) -> dict[str, Any]:
        """The document of ``antaeus check history --json`` (floats rounded to 6 decimals,
        dates as ISO strings, NaN as null)."""
        return json_ready({
            "scenario": self.scenario, "calibrated": self.calibrated,
            "calibration_note": self.calibration_note, "runs": self.runs, "agents": self.agents,
            "seed": self.seed, "seeds": list(self.seeds), "overlays": list(self.overlays),
            "sets": list(self.sets), "patch": self.patch, "interval": {"level": INTERVAL, "coverage": coverage(self.runs, INTERVAL)},
            "posterior": self.posterior,
            "monte_carlo": self.monte_carlo,
            "seeds_only": None if self.seeds_only is None else {k: self.seeds_only[k] for k in ("targets", "out_of_sample", "elections_out_of_sample", "all")},
            "rows": [r.to_json_dict() for r in self.rows],
            "summary": self.summary,
            "ca_regional_record": self.ca_regional_record,
            "ca_regions": [{k: v for k, v in r.to_json_dict().items()
                            if k in ("id", "constituency", "category", "median", "q05", "q95",
                                     "runs_with_value", "note")} for r in self.ca_regions],
        })


def monte_carlo(rows: list[CheckRow], runs: int, seed: int) -> dict[str, Any]:
    """How far the mean errors of the medians (the ``mae_points`` of the targets and of the
    elections out of sample) could lie from those of infinitely many runs: a basic
    bootstrap over whole runs (``intervals.bootstrap_mean_error``), its resamples fixed by the
    check's ``seed``. A bar such as a mean error of 4 points is then read against the interval,
    not against the one figure."""
    out: dict[str, Any] = {"level": MONTE_CARLO_LEVEL, "resamples": RESAMPLES, "runs": runs}
    groups = {"targets": [r for r in rows if r.target],
              "elections_out_of_sample": [r for r in rows if not r.target and r.panel in ELECTIONS]}
    for name, members in groups.items():
        shares = [r for r in members if r.scored and r.error_points is not None]
        interval = None
        if shares and runs > 1:
            by_run = np.full((len(shares), runs), np.nan)
            for k, r in enumerate(shares):
                by_run[k, list(r.run_ids)] = r.values
            observed = np.array([r.observed for r in shares])
            lo, hi = bootstrap_mean_error(by_run, observed, seed, MONTE_CARLO_LEVEL, RESAMPLES)
            interval = [lo * 100.0, hi * 100.0]
        out[f"{name}_mae_points"] = interval
    return out


def stats(rows: list[CheckRow]) -> dict[str, Any]:
    """Counts, coverage and errors of a set of rows (only scored rows enter the figures)."""
    scored = [r for r in rows if r.scored]
    shares = [abs(r.error_points) for r in scored if r.error_points is not None]
    logs = [abs(r.log10_ratio) for r in scored if r.log10_ratio is not None]
    inside = sum(bool(r.inside) for r in scored)
    return {"rows": len(rows), "compared": sum(r.compared for r in rows), "scored": len(scored),
            "inside": inside, "coverage": inside / len(scored) if scored else None,
            "share_rows": len(shares), "mae_points": float(np.mean(shares)) if shares else None,
            "count_rows": len(logs), "mean_abs_log10_ratio": float(np.mean(logs)) if logs else None,
            "counts_within_factor_2": sum(x <= FACTOR_2 for x in logs)}


def _split(rows: list[CheckRow]) -> tuple[dict, dict]:
    return stats([r for r in rows if r.target]), stats([r for r in rows if not r.target])


def by_observation(rows: list[CheckRow]) -> dict[tuple[str, str], list[CheckRow]]:
    """The rows of each observation (id and version), in the order they come."""
    out: dict[tuple[str, str], list[CheckRow]] = {}
    for r in rows:
        out.setdefault((r.id, r.version), []).append(r)
    return out


# ---------------------------------------------------------------------------- the check


def history_check(scenario: str | Path | Scenario = "russia1917", *, runs: int = DEFAULT_RUNS,
                  agents: int = DEFAULT_AGENTS, seed: int = 0, overlays: Iterable[str] = (),
                  sets: Iterable[str] = (), patch: str | Path | None = None, calibrated: bool = True,
                  posterior: bool = True, workers: int | None = None, executor: str = "local",
                  scheduler: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> HistoryCheck:
    """Simulate ``runs`` replications of ensemble seed ``seed`` and hold each against the
    record in use. With ``posterior`` (the default, for a calibrated built-in scenario with a
    committed posterior) replication i runs the posterior particle that replication i of
    ``antaeus explore --posterior`` draws, so the intervals carry the parameters' uncertainty
    as well as chance; the seeds-only figure (every run at the posterior median) is then
    computed too and kept beside it (``seeds_only``). The runs go to ``workers`` processes (None:
    one per core; 1: this process alone) of the ``local`` pool or a ``dask`` cluster (at
    ``scheduler``, or a local one), as those of ``antaeus explore`` do; they never change the
    result. Every option is checked before the first run: a mistake raises
    :class:`InputError` (or :class:`ScenarioError`) and costs no simulation."""
    runs = whole_number(runs, "--runs", 1, None, f"give 1 or more runs, e.g. {DEFAULT_RUNS} (the default)")
    agents = whole_number(agents, "--agents", 1, None,
                           f"give a positive number of agents, e.g. {DEFAULT_AGENTS} (the default)")
    seed = whole_number(seed, "--seed", 0, MAX_SEED, "give a seed from 0 to 2**63-1")
    overlays, sets = tuple(several(overlays)), tuple(several(sets))
    if isinstance(scenario, Scenario):
        if overlays or sets or patch is not None or not calibrated:
            raise InputError("overlays, --set values, a patch and --uncalibrated apply while loading",
                             source="history_check()",
                             hint="pass them to load_scenario(), or give history_check() the scenario's name")
        resolved = scenario
    else:
        resolved = load_scenario(scenario, overlays=list(overlays), sets=list(sets), patch=patch,
                                 calibrated=calibrated)
    check_executor(executor, scheduler)
    workers = whole_number(default_workers() if workers is None else workers, "--workers", 1, 1024,
                           "give 1 or more worker processes (default: one per core)")
    days = days_of(resolved)
    check_memory(agents, days, workers if executor == "local" else 1)

    draws = _posterior_draws(resolved, seed, runs, user_paths(overlays, sets, patch)) \
        if posterior and calibrated and not isinstance(scenario, Scenario) else None
    in_use = observations()
    reference = _ca_reference(in_use)
    seeds = tuple(seed_rule.replication_seed(seed, i) for i in range(runs))
    # with posterior draws, the same seeds at the posterior median follow: the seeds-only figure
    scenarios = [resolved] * runs if draws is None else \
        [with_parameters(resolved, d) for d in draws] + [resolved] * runs
    checked = _run_all(scenarios, seeds * (len(scenarios) // runs), agents, reference, workers, executor,
                       scheduler, days, progress)
    rows, ca_regions, recorded = _pooled(checked[:runs], in_use, reference, runs)
    seeds_only = None
    if draws is not None:  # the summary reads the rows alone
        median_rows = _pooled(checked[runs:], in_use, reference, runs)[0]
        seeds_only = HistoryCheck(resolved.scenario.name, True, "", runs, agents, seed, seeds, overlays, sets,
                                  median_rows).summary
    return HistoryCheck(resolved.scenario.name, bool(resolved.scenario.calibrated),
                        getattr(resolved.scenario, "calibration_note", "") or "", runs, agents, seed, seeds,
                        overlays, sets, rows, ca_regions, recorded, draws is not None, seeds_only,
                        None if patch is None else str(patch), monte_carlo(rows, runs, seed))


@dataclass(frozen=True)
class RunCheck:
    """One run held against the record: its first day, every comparison of
    :func:`compare_all`, the Constituent Assembly of each region and front the record has no
    figure for (region, comparison) and the regions and fronts it has one for."""

    first_day: dt.date | None
    comparisons: list[Comparison]
    regional: list[tuple[str, Comparison]]
    recorded: frozenset[str]


def check_run(scenario: Scenario, seed: int, agents: int, reference: tuple) -> RunCheck:
    """Simulate one run and compare it (a task of the check, in this process or a worker)."""
    national, regional_ids, mapping = reference
    result = simulate(scenario, seed, agents)
    regional, recorded = [], set()
    if national is not None:
        present = {o.id for o in result.observables}
        for region in result.regions:
            rid = _regional_id(national, region)
            if rid in regional_ids:
                recorded.add(region)
            elif rid in present:
                fake = dataclasses.replace(national, id=rid, constituency=region, target=False)
                regional += [(region, c) for c in compare(result, fake, _with_observable(mapping, national.id, rid))]
    return RunCheck(result.dates[0] if result.dates else None, compare_all(result), regional, frozenset(recorded))


def _run_all(scenarios: list[Scenario], seeds: tuple[int, ...], agents: int, reference: tuple, workers: int,
             executor: str, scheduler: str | None, days: int,
             progress: Callable[[int, int], None] | None) -> list[RunCheck]:
    """Every run's check, in the runs' order: in this process with one local worker, else on
    the executor's workers (experiments.executors). A run's check depends on its scenario and
    seed alone, so the workers never change the result."""
    total = len(scenarios)
    if workers == 1 and executor == "local":
        out = []
        for i, (sc, s) in enumerate(zip(scenarios, seeds)):
            out.append(check_run(sc, s, agents, reference))
            if progress is not None:
                progress(i + 1, total)
        return out
    with executor_for(executor, workers, scheduler, scenarios[0], memory=(agents, days)) as (pool, _):
        futures = [pool.submit(check_run, sc, s, agents, reference) for sc, s in zip(scenarios, seeds)]
        for done, _ in enumerate(as_completed(futures), 1):
            if progress is not None:
                progress(done, total)
        return [f.result() for f in futures]


def _pooled(checked: list[RunCheck], in_use: list[Observation], reference: tuple,
            runs: int) -> tuple[list[CheckRow], list[CheckRow], bool]:
    """The rows of the runs' comparisons pooled per (observation, category), in the table's
    order; the rows of the regions' Constituent Assembly without a record; and whether the
    record has the Assembly of any region or front."""
    national = reference[0]
    meta = {(o.id, o.version): o for o in in_use}
    order: dict[tuple[str, str, str], Comparison] = {}
    samples: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    sampled_runs: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    notes: dict[tuple[str, str, str], str] = {}
    regions: dict[tuple[str, str], list[float]] = defaultdict(list)
    region_notes: dict[tuple[str, str], str] = {}
    for i, run in enumerate(checked):
        for c in run.comparisons:
            key = (c.id, c.version, c.category)
            order.setdefault(key, c)
            if c.simulated is not None and math.isfinite(c.simulated):
                samples[key].append(float(c.simulated))
                sampled_runs[key].append(i)
            elif c.note:
                notes.setdefault(key, c.note)
        for region, c in run.regional:
            if c.simulated is not None and math.isfinite(c.simulated):
                regions[(region, c.category)].append(float(c.simulated))
            else:
                regions.setdefault((region, c.category), [])
                region_notes.setdefault((region, c.category), c.note)
    first_day = next((run.first_day for run in checked if run.first_day is not None), None)
    rows = [_row(c, meta[(c.id, c.version)], tuple(samples.get(key, ())), runs,
                 notes.get(key, ""), first_day, tuple(sampled_runs.get(key, ()))) for key, c in order.items()]
    rank = {f: i for i, f in enumerate(FAMILY_ORDER)}
    position = {key: i for i, key in enumerate(order)}
    rows.sort(key=lambda r: (rank.get(r.family, len(rank)), r.family, r.date, r.id,
                             position[(r.id, r.version, r.category)]))
    ca_regions = []
    if national is not None:
        for (region, category), values in regions.items():
            ca_regions.append(CheckRow(_regional_id(national, region), national.version, national.family,
                                       region, national.date, national.date_end, national.section,
                                       national.status, category, "share", national.unit, False, None,
                                       tuple(values), runs,
                                       region_notes.get((region, category), "") or
                                       f"no record for {region}; national observed as reference"))
    return rows, ca_regions, any(run.recorded for run in checked)


def _posterior_draws(scenario: Scenario, seed: int, runs: int,
                     keep: Iterable[str] = ()) -> list[dict[str, float]] | None:
    """The parameters of each replication's posterior particle (the seed rule's draw), less the
    paths in ``keep`` (those an overlay, a patch or a --set value sets: the draw leaves them as set, as
    ``antaeus explore --posterior`` does), or None when the scenario has no committed posterior."""
    committed = committed_particles(scenario.scenario.name)
    if committed is None or not scenario.scenario.calibrated:
        return None
    paths, particles, weights = committed
    kept = set(keep)
    rows = seed_rule.posterior_rows(weights, seed, range(runs))
    return [{p: float(v) for p, v in zip(paths, particles[r]) if p not in kept} for r in rows]


def _row(c: Comparison, o: Observation, values: tuple[float, ...], runs: int, note: str,
         first_day: dt.date | None, run_ids: tuple[int, ...] = ()) -> CheckRow:
    starting = bool(values) and c.unit == "members" and first_day is not None \
        and _on_or_before(o.id, first_day)
    if starting:
        note = note or "the run's starting membership (an input), not an outcome; not scored"
    return CheckRow(c.id, c.version, o.family, o.constituency, o.date, o.date_end, o.section, o.status,
                    c.category, c.unit, o.unit, c.target, c.observed, values, runs,
                    note if len(values) < runs or starting else "", starting, run_ids)


def _on_or_before(observation_id: str, first: dt.date) -> bool:
    """A day-dated id on or before the run's first day (same rule as the calibration's)."""
    stamp = observation_id.rsplit(":", 1)[-1]
    return len(stamp) == 10 and stamp <= first.isoformat()


def _ca_reference(in_use: list[Observation]) -> tuple[Observation | None, set[str], dict]:
    """The national CA observation, the ids of regional CA observations the record has,
    and the mapping."""
    national = next((o for o in in_use if o.family == "constituent_assembly" and o.constituency == "national"),
                    None)
    regional = {o.id for o in in_use if o.family == "constituent_assembly" and o.constituency != "national"}
    return national, regional, load_mapping()


def _regional_id(national: Observation, region: str) -> str:
    return f"{national.family}:{region}:{national.id.rsplit(':', 1)[-1]}"


def _with_observable(mapping: dict, national_id: str, regional_id: str) -> dict:
    """The mapping with the national CA's categories applied to a region's observable."""
    ids = dict(mapping.get("ids", {}))
    spec = {k: v for k, v in ids.get(national_id, {}).items() if k != "versions"}
    spec["observable"] = regional_id
    ids[regional_id] = spec
    return {**mapping, "ids": ids}


# ---------------------------------------------------------------------------- input


def check_out_dir(out: str | Path) -> Path:
    """The figures' folder, refused now if it can never be written (a file stands in the way, or
    a read-only folder)."""
    return check_writable(out, "--out", f"give a folder path such as {DEFAULT_OUT}")
