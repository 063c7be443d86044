"""``antaeus calibrate`` and ``antaeus posterior``: thin commands over :mod:`antaeus.calibration`."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..calibration.abc import GenerationReport, calibrate, database_path
from ..calibration.budget import parse_budget
from ..calibration.default import check_fitted_versions, export as export_default
from ..calibration.posterior import load_posterior, predictive_check, write_posterior_plots
from ..calibration.tail import RELIABLE_BELOW
from ..scenario import load_scenario
from ..store import DEFAULT_STORE_PATH
from .progress import ProgressBar, duration

BudgetOpt = Annotated[str, typer.Option(help="quick (CI-sized), full, or a number of simulations.")]
StoreOpt = Annotated[Path, typer.Option(help="The results database; the calibration lives beside it.")]


def register(app: typer.Typer) -> None:
    app.command("calibrate")(calibrate_command)
    app.command("posterior")(posterior_command)


def calibrate_command(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario or a scenario TOML file.")] = "russia1917",
    budget: BudgetOpt = "quick",
    workers: Annotated[int, typer.Option(help="Worker processes; the seed fixes the result whatever their number.")] = 1,
    executor: Annotated[str, typer.Option(help="local (this process, or forked worker processes) or dask.")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(help="A Dask scheduler address (with --executor dask); default: a local cluster of --workers processes.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the last calibration from its last finished generation.")] = False,
    store: StoreOpt = DEFAULT_STORE_PATH,
    seed: Annotated[int, typer.Option(help="Seed of the sampler and of the simulations.")] = 0,
) -> None:
    """Fit the scenario's declared free parameters to the record's targets by ABC-SMC."""
    plan = parse_budget(budget)
    # about three simulations per accepted particle, the larger last generation included
    expected = plan.max_simulations or sum(plan.populations() or [plan.population]) * 3
    bar = ProgressBar(f"calibrating {scenario} ({plan.label})", "simulations")
    with bar as progress:
        out = calibrate(scenario, budget=budget, workers=workers, executor=executor, scheduler=scheduler,
                        resume=resume, store=store, seed=seed,
                        progress=lambda n: progress(n, max(expected, n + 1)),
                        on_generation=lambda g: bar.note(generation_line(g)))
    if out.already_finished:
        print(f"calibration of {out.scenario} ({out.budget.label}) is already finished: nothing to resume")
    print(f"calibration of {out.scenario} ({out.budget.label}): {out.generations} generations, "
          f"{out.simulations} simulations, final epsilon {out.epsilon:.4g}")
    if out.scales_refitted:
        print(f"note: {out.database.name} kept no scale weights for the generation it resumed with, so they were "
              "fitted again from the last generation's accepted particles: the resumed generations use another "
              "distance than an uninterrupted run would (docs/calibration.md, Interruption and resume)")
    print(f"history: {out.database} (run {out.abc_id}); summarise with "
          f"'antaeus posterior {out.scenario} --budget {out.budget.label} --store {store}'")


def generation_line(g: GenerationReport) -> str:
    """One line a generation, for the terminal and for a long run's log alike."""
    return (f"generation {g.number}{'' if g.of is None else f' of {g.of}'}: {g.particles} particles accepted "
            f"from {g.simulations:,} simulations ({100 * g.acceptance:.1f}%) under tolerance {g.tolerance:.4g}, "
            f"{g.effective_particles:.1f} effective, in {duration(g.seconds)}")


def posterior_command(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario or a scenario TOML file.")] = "russia1917",
    budget: BudgetOpt = "quick",
    store: StoreOpt = DEFAULT_STORE_PATH,
    draws: Annotated[int, typer.Option(help="Posterior draws simulated for the predictive check (0: skip).")] = 20,
    agents: Annotated[Optional[int], typer.Option(help="Agents per predictive simulation (default: the scenario's calibration agents).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of tables.")] = False,
    export: Annotated[bool, typer.Option("--export", help="Make this posterior the scenario's calibrated default (writes scenario/builtin/posteriors/).")] = False,
) -> None:
    """Summarise a calibration's posterior, plot it, and check it against the targets."""
    s = load_scenario(scenario)
    plan = parse_budget(budget)
    posterior = load_posterior(database_path(store, s.scenario.name, plan), s)
    if export:  # before the plots and the predictive check, which a refused export would waste
        check_fitted_versions(posterior, s.scenario.name)
    check = predictive_check(posterior, s, draws=draws, agents=agents) if draws > 0 else None
    plots = write_posterior_plots(posterior, posterior.database.parent / f"{s.scenario.name}-{plan.label}")
    if export:
        written = export_default(posterior, s.scenario.name, budget=plan.label, seed=int(posterior.meta.get("seed", 0)),
                                 agents=int(posterior.meta.get("agents", 0)),
                                 workers=posterior.meta.get("workers"))
        for f in written:
            print(f"calibrated default written: {f}", file=sys.stderr)
    if as_json:
        print(json.dumps({"scenario": s.scenario.name, "budget": plan.label, "generation": posterior.generation,
                          "particles": len(posterior.weights), "effective_particles": posterior.effective_particles,
                          "pareto_k": None if np.isnan(posterior.pareto_k) else posterior.pareto_k,
                          "parameters": posterior.summary(), "generations": posterior.generations,
                          "plots": [str(p) for p in plots],
                          "predictive": None if check is None else {
                              "coverage_90": check.coverage, "mae_share_points": check.mae_share_points,
                              "coverage_90_with_model_error": check.coverage_with_error,
                              "targets": check.rows}}, indent=2))
        return
    console = Console()
    if not console.is_terminal:  # a file or a pipe: wide enough for the parameter paths
        console.width = max(console.width, 110)
    table = Table(title=f"Posterior of {s.scenario.name} ({plan.label}, generation {posterior.generation})")
    table.add_column("parameter", no_wrap=True)
    for col in ("median", "5%", "95%", "prior"):
        table.add_column(col, justify="right")
    for row in posterior.summary():
        table.add_row(row["parameter"], f"{row['median']:.4g}", f"{row['q05']:.4g}", f"{row['q95']:.4g}",
                      f"[{row['prior_low']:.3g}, {row['prior_high']:.3g}]")
    console.print(table)
    schedule = Table(title="Generations")
    for col in ("generation", "tolerance", "simulations", "accepted", "effective particles", "time"):
        schedule.add_column(col, justify="right")
    for g in posterior.generations:
        schedule.add_row(str(g["generation"]), f"{g['tolerance']:.4g}", f"{g['simulations']:,}",
                         f"{100 * g['acceptance']:.1f}%", f"{g['effective_particles']:.1f} of {g['particles']}",
                         duration(g["seconds"]))
    console.print(schedule)
    console.print(f"{len(posterior.weights)} particles, worth {posterior.effective_particles:.0f} of equal weight "
                  "(Kish's effective sample size)")
    k = posterior.pareto_k
    if np.isnan(k):  # a tail of fewer than tail.MIN_TAIL particles
        console.print("Too few particles to judge the tail of the weights: a Pareto fit needs 21 or more")
    elif k < RELIABLE_BELOW:
        console.print(f"Pareto tail index of the weights k = {k:.2f}: below {RELIABLE_BELOW}, the weighted estimates "
                      "are reliable (Vehtari et al. 2024)")
    else:
        console.print(f"[bold red]Pareto tail index of the weights k = {k:.2f}: {RELIABLE_BELOW} or more, a few "
                      "particles decide this posterior (Vehtari et al. 2024)[/]; rerun with another --seed or a "
                      "larger --budget and compare")
    if check is not None:
        inside, n = sum(r["inside"] for r in check.rows), len(check.rows)
        console.print(f"Posterior predictive ({draws} draws): {check.coverage:.1%} of targets ({inside} of {n}) inside "
                      f"their 90% prediction interval; mean absolute error of the median "
                      f"{check.mae_share_points:.2f} percentage points")
        console.print(f"With each family's model error added (the root-mean-square miss of its other targets): "
                      f"{check.coverage_with_error:.1%} inside")
    for p in plots:
        console.print(f"Plot: {p}")
