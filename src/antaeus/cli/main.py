"""The ``antaeus`` command: a thin Typer shell over :mod:`antaeus.api`.

Exit codes (ARCHITECTURE.md, "Errors"): 0 success; 2 a mistake in the input (one line
``error: ...`` on stderr naming where it is and how to fix it, nothing written); 1 a bug
(the traceback is printed, because then it is ours to read).
"""
from __future__ import annotations

import shlex
import sys
import traceback
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from antaeus import api
from antaeus.core import calendar
from antaeus.files import write_fault
from antaeus.calibration.abc import CalibrationStopped
from antaeus.cli.run_summary import render_summary
from antaeus.scenario import ScenarioError, builtin_overlays, builtin_scenarios, load_scenario
from antaeus.store import DEFAULT_STORE_PATH

from .calibration import register as register_calibration
from .output import print_json
from .progress import ProgressBar

#: columns of the summary when it goes to a file or a pipe rather than a terminal
SUMMARY_WIDTH = 100

app = typer.Typer(name="antaeus", add_completion=False, pretty_exceptions_enable=False,
                  help="Agent-based simulation of revolutionary constellations: Russia, 1917.")

ScenarioArg = Annotated[str, typer.Argument(
    help="A built-in scenario (see 'antaeus scenarios') or a path to a scenario TOML file.")]
OverlayOpt = Annotated[Optional[list[str]], typer.Option(
    "--overlay", help="A named counterfactual overlay; repeat for several.")]
SetOpt = Annotated[Optional[list[str]], typer.Option(
    "--set", help="Change one value: dotted.path=value (TOML syntax); repeat for several.")]
PatchOpt = Annotated[Optional[str], typer.Option(
    "--patch", help="A TOML file merged over the scenario (after the overlays).")]
WorkersOpt = Annotated[Optional[int], typer.Option(
    help="Worker processes (default: one per core); never changes the result.")]
ExecutorOpt = Annotated[str, typer.Option(help="local (a process pool) or dask.")]
SchedulerOpt = Annotated[Optional[str], typer.Option(
    help="A Dask scheduler address (with --executor dask); default: a local cluster.")]
UncalibratedOpt = Annotated[bool, typer.Option(
    "--uncalibrated", help="Keep the declared guesses instead of the committed calibration (built-in scenarios).")]


@app.command("run")
def run_command(
    scenario: ScenarioArg = api.DEFAULT_SCENARIO,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same run.")] = 0,
    agents: Annotated[int, typer.Option(help="Person-agents standing for the whole population.")] = api.DEFAULT_AGENTS,
    until: Annotated[Optional[str], typer.Option(help="Last day to simulate, YYYY-MM-DD (Gregorian).")] = None,
    at: Annotated[Optional[list[str]], typer.Option(
        "--at", help="Report support by region and by social group on this date, YYYY-MM-DD; repeat for several.")] = None,
    overlay: OverlayOpt = None,
    set_: SetOpt = None,
    patch: PatchOpt = None,
    store: Annotated[Path, typer.Option(help="The results database (DuckDB); plots go beside it.")] = DEFAULT_STORE_PATH,
    no_store: Annotated[bool, typer.Option("--no-store", help="Write nothing: no database, no plots.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document (docs/json.md) and nothing else.")] = False,
    threads: Annotated[Optional[int], typer.Option(help="Worker threads (default: every core); never changes the result.")] = None,
    chunk: Annotated[int, typer.Option(help="Locales per parallel work item; never changes the result.")] = 64,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Do not draw support.png and gaps.png.")] = False,
    posterior_draws: Annotated[int, typer.Option(help="Spread over K draws from the calibrated posterior (0: its median).")] = 0,
    uncalibrated: UncalibratedOpt = False,
) -> None:
    """Simulate a scenario, store the run, draw its plots and summarise it."""
    options = dict(seed=seed, agents=agents, until=until, at=at or (), overlays=overlay or (),
                   sets=set_ or (), patch=patch, store=None if no_store else store,
                   plots=not no_plots, threads=threads, chunk=chunk, posterior_draws=posterior_draws,
                   calibrated=not uncalibrated,
                   command=shlex.join(["antaeus", *sys.argv[1:]]))
    if as_json:
        out = api.run(scenario, **options)
        print_json(out.to_json_dict())
        return
    with ProgressBar(f"simulating {scenario}", "days", last="writing results") as progress:
        out = api.run(scenario, progress=progress, **options)
    written = [("Results", f"{out.store} (run {out.run_id})")] if out.store else []
    written += [("Plot", path) for path in out.plots]
    console = Console(highlight=False)
    if not console.is_terminal:  # a file or a pipe: wide enough that no table is squeezed
        console.width = max(console.width, SUMMARY_WIDTH)
    render_summary(out.result, console, at=out.at, written=written, draws=out.draws)


@app.command("explore")
def explore_command(
    scenario: ScenarioArg = api.DEFAULT_SCENARIO,
    overlay: Annotated[Optional[list[str]], typer.Option(
        "--overlay", help="Add a design point: the scenario with this overlay; repeat for several.")] = None,
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", help="Add a design point: the scenario with this one change, dotted.path=value; repeat for several.")] = None,
    patch: Annotated[Optional[list[str]], typer.Option(
        "--patch", help="Add a design point: the scenario with this TOML file merged over it, named after the file; "
                        "repeat for several.")] = None,
    design: Annotated[Optional[str], typer.Option(help="A design TOML file of named points (docs/explore.md).")] = None,
    replications: Annotated[int, typer.Option(help="Runs per design point, paired across points.")] = 100,
    agents: Annotated[int, typer.Option(help="Person-agents per run.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Ensemble seed: fixes every run of every point.")] = 0,
    posterior: Annotated[bool, typer.Option("--posterior", help="Draw each replication's parameters from the committed posterior.")] = False,
    from_: Annotated[Optional[str], typer.Option("--from", help="A juncture, YYYY-MM-DD: every point continues the factual's state of that day.")] = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    store: Annotated[Optional[Path], typer.Option(help="The ensemble store, a folder (default: antaeus-results/ensembles/<scenario>-<digest>).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Run only what the store is missing.")] = False,
    batch: Annotated[Optional[int], typer.Option(help="Runs per task (default: a few seconds of work); never changes the result.")] = None,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Do not draw the figures.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document (docs/json.md) and nothing else.")] = False,
    uncalibrated: UncalibratedOpt = False,
) -> None:
    """Run an ensemble: every design point for the same replications, outcome probabilities with intervals."""
    from antaeus.cli.explore_summary import render_exploration
    options = dict(overlays=overlay or (), sets=set_ or (), patches=patch or (), design=design, replications=replications, agents=agents,
                   seed=seed, posterior=posterior, from_=from_, workers=workers, executor=executor, scheduler=scheduler,
                   store=store, resume=resume, batch=batch, plots=not no_plots, calibrated=not uncalibrated,
                   command=shlex.join(["antaeus", *sys.argv[1:]]))
    try:
        if as_json:
            ex = api.explore(scenario, **options)
        else:
            with ProgressBar(f"exploring {scenario}", "runs", last="summarising and plotting") as progress:
                ex = api.explore(scenario, progress=progress, **options)
    except KeyboardInterrupt:
        _fail("interrupted; every finished task is stored: rerun the same command with --resume to continue")
        raise typer.Exit(130) from None
    if as_json:
        print_json(ex.to_json_dict())
        return
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 160)
    render_exploration(ex, console, [("Store", ex.store.path)] + [("Plot", p) for p in ex.plots])


@app.command("scenarios")
def scenarios_command() -> None:
    """List the built-in scenarios and the counterfactual overlays."""
    print("Scenarios:")
    for name, title in builtin_scenarios().items():
        print(f"  {name:<30} {title}")
    print("Overlays (--overlay NAME):")
    for name, overlay in builtin_overlays().items():
        print(f"  {name:<30} {overlay.description}")


@app.command("show")
def show_command(scenario: ScenarioArg = api.DEFAULT_SCENARIO, overlay: OverlayOpt = None,
                 set_: SetOpt = None, patch: PatchOpt = None, uncalibrated: UncalibratedOpt = False) -> None:
    """Print the resolved scenario as TOML (it loads back unchanged: save it, edit, run it)."""
    resolved = load_scenario(scenario, overlays=overlay or [], sets=set_ or [], patch=patch, calibrated=not uncalibrated)
    sys.stdout.write(api.scenario_toml(resolved))


data_app = typer.Typer(invoke_without_command=True,
                       help="The historical record of 1917: list the observations in use, or show one.")
app.add_typer(data_app, name="data")


@data_app.callback()
def data_command(ctx: typer.Context) -> None:
    """List the record: one line per observation in use, with its values, status and role
    (calibration target or out of sample)."""
    if ctx.invoked_subcommand is not None:
        return
    from antaeus.data import observations
    rows = [(o.id, o.version, "target" if o.target else "out-of-sample", o.status, _data_values(o))
            for o in observations()]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])


@data_app.command("show")
def data_show_command(observation: Annotated[str, typer.Argument(
        help="An observation id, as 'antaeus data' lists them.")]) -> None:
    """Show one observation: every version, its rows, statuses and sources."""
    from antaeus.data import load_sources, versions
    found = versions(observation)
    first, sources = found[0], load_sources()
    end = f" to {first.date_end} (O.S. to {calendar.julian(first.date_end)})" if first.date_end else ""
    print(f"{first.id}: {first.family}, {first.constituency}, {first.date} (O.S. {first.date_julian}){end}")
    print(f"data1917.md \N{SECTION SIGN}{first.section}; "
          f"{'calibration target' if first.target else 'out of sample'}; {len(found)} version(s)")
    for o in found:
        total = f", total {_data_number(o.total)}" if o.total is not None else ""
        print(f"\nversion {o.version}{' (in use)' if o.in_use else ''}: {o.unit}{total}; status {o.status}")
        shared = _data_shared_note([r.note for r in o.rows])
        if shared:
            print(f"  {shared}")
        width = max(len(r.grouping) for r in o.rows)
        for r in o.rows:
            own = r.note[:len(r.note) - len(shared)].removesuffix("; ") if shared else r.note
            note = f"  {own}" if own else ""
            print(f"  {r.grouping.ljust(width)}  {_data_number(r.value):>12}  {r.status:<10}  {r.source}{note}")
    print("\nsources:")
    for key in dict.fromkeys(s for o in found for s in o.sources):
        entry = sources[key]
        print(f"  {key}: {entry['citation']}. {entry['url'] or '(no page read)'} ({entry['via']})")


def _data_shared_note(notes: list[str]) -> str:
    """The longest note every row of a version ends with (the version's own note), printed once."""
    tails = {n for n in notes} | {n[i + 2:] for n in notes for i in range(len(n)) if n.startswith("; ", i)}
    for tail in sorted(filter(None, tails), key=len, reverse=True):
        if all(n == tail or n.endswith("; " + tail) for n in notes):
            return tail
    return ""


def _data_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _data_values(o) -> str:
    of = f" of {_data_number(o.total)}" if o.total is not None else ""
    return ", ".join(f"{g} {_data_number(v)}" for g, v in o.values.items()) + f" ({o.unit}{of})"


register_calibration(app)


check_app = typer.Typer(help="Hold the model against the historical record.")
app.add_typer(check_app, name="check")


@check_app.command("history")
def check_history_command(
    scenario: ScenarioArg = api.DEFAULT_SCENARIO,
    runs: Annotated[int, typer.Option(help="Replications to pool (their run seeds follow the seed rule from --seed).")] = 20,
    agents: Annotated[int, typer.Option(help="Person-agents per run.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Ensemble seed (the seed rule derives each run's seed and posterior draw).")] = 0,
    overlay: OverlayOpt = None,
    set_: SetOpt = None,
    patch: PatchOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document (rows and summaries) and nothing else.")] = False,
    out: Annotated[Path, typer.Option(help="Folder for the figures, one PNG per family.")] = Path("antaeus-results") / "history-check",
    uncalibrated: UncalibratedOpt = False,
    posterior: Annotated[bool, typer.Option("--posterior/--seeds-only",
                                            help="Run each replication's posterior draw (the default) and report the "
                                                 "seeds-only figure beside it, or run every seed at the posterior "
                                                 "median only.")] = True,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
) -> None:
    """Every observation of the record beside the simulated median and 90% interval over runs."""
    from antaeus.experiments.history_check import check_out_dir, history_check
    from antaeus.report.history_plots import write_history_plots

    from .history import render_history_check
    out = check_out_dir(out)
    options = dict(runs=runs, agents=agents, seed=seed, overlays=overlay or (), sets=set_ or (), patch=patch,
                   calibrated=not uncalibrated, posterior=posterior, workers=workers, executor=executor,
                   scheduler=scheduler)
    if as_json:
        check = history_check(scenario, **options)
    else:
        with ProgressBar(f"simulating {scenario}", "runs", last="plotting") as progress:
            check = history_check(scenario, progress=progress, **options)
    plots = write_history_plots(check, out)
    if as_json:
        print_json({**check.to_json_dict(), "plots": [str(p) for p in plots]})
        return
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 180)
    render_history_check(check, console, plots)


@app.command("validate")
def validate_command(
    model: Annotated[Optional[str], typer.Argument(
        help="A reference model (granovetter, kuran, bounded_confidence, deffuant, ...); all when left out.")] = None,
    seeds: Annotated[int, typer.Option(help="Seeds per stochastic claim (0 .. N-1).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document (the rows) and nothing else.")] = False,
) -> None:
    """Rerun the reference models' published results, one row each; exit 1 if any row fails."""
    from antaeus.models.validate import claims, to_json_dict, validate

    from .validate import TABLE_WIDTH, render_validation
    if as_json:
        rows = validate(model, seeds)
        print_json(to_json_dict(rows, model=model, seeds=seeds))
    else:
        claims(model)  # an unknown model fails here, before the progress bar appears
        with ProgressBar("validating", "claims") as progress:
            rows = validate(model, seeds, progress=lambda done, total, claim: progress(
                done, total, f"{claim.model}: {claim.claim}"[:60] if claim else "done"))
        console = Console(highlight=False)
        if not console.is_terminal:
            console.width = max(console.width, TABLE_WIDTH)
        render_validation(rows, console, seeds=seeds)
    raise typer.Exit(0 if all(r.passed for r in rows) else 1)


def _fail(message: str) -> None:
    """One line on stderr, whatever newlines the message carried."""
    print("error: " + " ".join(message.split()), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the Typer app and turn errors into exit codes (0; 1 a bug, a failed check or a
    calibration the sampler could not finish; 2 input; 130 interrupted)."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = app(args=args or ["--help"], prog_name="antaeus", standalone_mode=False)
    except ScenarioError as err:
        _fail(err.message())
        return 2
    except typer.TyperException as err:  # usage errors from Typer/Click: bad option, missing value
        command = getattr(getattr(err, "ctx", None), "command_path", None) or "antaeus"
        _fail(f"{err.format_message()} Fix: see '{command} --help'.")
        return 2
    except OSError as err:  # a file that cannot be written, met outside the stores' own handling
        fault = write_fault(err, getattr(err, "filename", None) or "a file")
        if fault is None:
            return _internal_error()
        _fail(fault.message())
        return 2
    except CalibrationStopped as err:  # the sampler could not finish a generation: not the input's fault
        _fail(str(err))
        return 1
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted")
        return 130
    except Exception:
        return _internal_error()
    return code if isinstance(code, int) else 0


def _internal_error() -> int:
    traceback.print_exc()
    _fail("internal error (a bug in antaeus, not in your input); please report the traceback above")
    return 1
