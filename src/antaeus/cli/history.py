"""The history check in the terminal: every observation beside the simulated median and 90%
interval, the rows left out and why, and the summaries by role and figure family."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from rich.console import Console
from rich.table import Table

from antaeus.experiments.history_check import PANEL_TITLES, CheckRow, HistoryCheck, by_observation


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "share":
        return f"{100 * value:.1f}%"
    return f"{value:,.0f}"


def _interval(r: CheckRow) -> str:
    if not r.values:
        return "-"
    if r.unit == "share":
        text = f"{100 * r.q05:.1f}–{100 * r.q95:.1f}%"
    else:
        text = f"{r.q05:,.0f}–{r.q95:,.0f}"
    return text + (f" ({r.n_runs}/{r.runs} runs)" if r.n_runs < r.runs else "")


def _median_interval(r: CheckRow) -> str:
    """The median's 95% Monte Carlo interval (where the median of infinitely many runs lies)."""
    if r.median_interval is None:
        return "-"
    lo, hi = r.median_interval
    return f"{100 * lo:.1f}–{100 * hi:.1f}%" if r.unit == "share" else f"{lo:,.0f}–{hi:,.0f}"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _summary_line(label: str, s: dict, monte_carlo: list[float] | None = None) -> str:
    if not s["scored"]:
        return f"{label}: nothing compared ({s['rows']} rows)."
    parts = [f"{s['scored']} of {_n(s['rows'], 'row')} compared"]
    if s["mae_points"] is not None:
        mc = "" if monte_carlo is None else \
            f" (of infinitely many runs: {monte_carlo[0]:.2f}–{monte_carlo[1]:.2f}, 95% Monte Carlo interval)"
        parts.append(f"MAE of the median {s['mae_points']:.2f} pp{mc} over {_n(s['share_rows'], 'share row')}")
    if s["mean_abs_log10_ratio"] is not None:
        parts.append(f"counts off by a factor of {10 ** s['mean_abs_log10_ratio']:.2f} on average "
                     f"(mean |log10 ratio| {s['mean_abs_log10_ratio']:.2f}, {_n(s['count_rows'], 'row')}; "
                     f"{s['counts_within_factor_2']} within a factor of 2)")
    parts.append(f"{s['inside']} of {s['scored']} inside their 90% interval ({100 * s['coverage']:.0f}%)")
    return f"{label}: " + "; ".join(parts) + "."


def render_history_check(check: HistoryCheck, console: Console, plots: Iterable[Path] = ()) -> None:
    """The table of every observation in use, the rows not compared, and the summaries."""
    calibrated = f"calibrated ({check.calibration_note})" if check.calibrated else "not calibrated"
    draws = "posterior draws" if check.posterior else "the posterior median" if check.calibrated else "defaults"
    console.print(f"History check of {check.scenario}: {check.runs} runs × {check.agents:,} agents, "
                  f"ensemble seed {check.seed}, {draws}; {calibrated}"
                  + (f"; overlays {', '.join(check.overlays)}" if check.overlays else "")
                  + (f"; patch {check.patch}" if check.patch else "")
                  + (f"; set {', '.join(check.sets)}" if check.sets else ""))
    table = Table(title="Observed against simulated: the median over runs, where the median of infinitely many "
                        "runs lies (95% Monte Carlo interval), and the 90% prediction interval")
    for name, justify in (("id", "left"), ("category", "left"), ("observed", "right"), ("median", "right"),
                          ("median, 95% MC", "right"), ("90% interval", "right"), ("inside", "center"),
                          ("role", "left")):
        table.add_column(name, justify=justify, overflow="fold", no_wrap=name == "id")
    for r in check.rows:
        inside = "-" if r.inside is None else ("yes" if r.inside else "[red]no[/red]")
        role = "target" if r.target else "out-of-sample"
        if r.starting_value:
            role += " (start)"
        table.add_row(r.id, r.category, _number(r.observed, r.unit), _number(r.median, r.unit),
                      _median_interval(r), _interval(r), inside, role)
    console.print(table)

    missing = by_observation([r for r in check.rows if not r.compared or r.starting_value])
    if missing:
        console.print("Not compared or not scored (left out of the summaries and the figures):")
        for (oid, _), members in missing.items():
            reasons = dict.fromkeys(m.note or "no observed value for this category" for m in members)
            cats = ", ".join(m.category for m in members)
            console.print(f"  {oid} [{cats}]: {'; '.join(reasons)}", highlight=False)

    summary, mc = check.summary, check.monte_carlo or {}
    console.print()
    console.print(_summary_line("Targets", summary["targets"], mc.get("targets_mae_points")), highlight=False)
    console.print(_summary_line("Out of sample", summary["out_of_sample"]), highlight=False)
    console.print(_summary_line("Out of sample, elections (the Assembly by region and front, the city dumas)",
                                summary["elections_out_of_sample"], mc.get("elections_out_of_sample_mae_points")),
                  highlight=False)
    if check.seeds_only is not None:
        console.print(_summary_line("Targets, seeds only (posterior median)", check.seeds_only["targets"]),
                      highlight=False)
        console.print(_summary_line("Out of sample, seeds only (posterior median)",
                                    check.seeds_only["out_of_sample"]), highlight=False)
    by_panel = Table(title="By figure family")
    for name in ("family", "role", "compared", "MAE (pp)", "coverage", "counts: mean |log10 ratio|"):
        by_panel.add_column(name, justify="left" if name in ("family", "role") else "right")
    for panel, roles in summary["by_panel"].items():
        for role, s in roles.items():
            if not s["rows"]:
                continue
            by_panel.add_row(PANEL_TITLES.get(panel, panel), role.replace("_", "-"), f"{s['scored']}/{s['rows']}",
                             "-" if s["mae_points"] is None else f"{s['mae_points']:.1f}",
                             "-" if s["coverage"] is None else f"{100 * s['coverage']:.0f}%",
                             "-" if s["mean_abs_log10_ratio"] is None else f"{s['mean_abs_log10_ratio']:.2f}")
    console.print(by_panel)
    if check.ca_regions and not check.ca_regional_record:
        console.print("Constituent Assembly by region and front: the record in use has only national figures; "
                      "the figure shows each region's and front's simulated shares with the national "
                      "observed value as reference (no regional error can be measured).", highlight=False)
    for path in plots:
        console.print(f"Plot: {path}", highlight=False)
