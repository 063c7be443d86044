"""Two quick figures of one run: who was supported where, and how wrong the actors were.

Drawn with ``matplotlib.figure.Figure`` and the Agg canvas directly: no pyplot state, no
backend switch, safe in worker processes and fast enough to run after every simulation.
"""
from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from antaeus.engine.result import Result
from antaeus.files import folder_for_files, save_figure

DPI = 100

CAPITALS = ("petrograd", "moscow")

PARTY_COLOURS = {
    "bolsheviks": "#c0392b",
    "mensheviks": "#e67e22",
    "menshevik_internationalists": "#d4a017",
    "srs": "#2e8b57",
    "left_srs": "#9aae3a",
    "kadets": "#2f6db5",
    "others": "#8c8c8c",
}


def write_plots(result: Result, out_dir: Path) -> list[Path]:
    """Write ``support.png`` and ``gaps.png`` into ``out_dir``; return the paths written."""
    with folder_for_files(out_dir) as folder:
        paths = [folder / "support.png", folder / "gaps.png"]
        _save(support_figure(result), paths[0])
        _save(gaps_figure(result), paths[1])
    return paths


def region_groups(regions: list[str]) -> dict[str, list[int]]:
    """Panel name -> region indices; regions not named elsewhere count as agrarian."""
    groups: dict[str, list[int]] = {"Capitals": [], "Industrial & agrarian": [],
                                    "Fronts & fleets": []}
    for i, region in enumerate(regions):
        if region in CAPITALS:
            groups["Capitals"].append(i)
        elif region.endswith(("_front", "_fleet")):
            groups["Fronts & fleets"].append(i)
        else:
            groups["Industrial & agrarian"].append(i)
    groups = {name: idx for name, idx in groups.items() if idx}
    groups["All Russia"] = list(range(len(regions)))
    return groups


def party_colours(parties: list[str]) -> dict[str, str]:
    """Fixed colours for the known parties, the tab10 cycle for any others."""
    cycle = iter([f"C{i % 10}" for i in range(len(parties))])
    return {p: PARTY_COLOURS.get(p) or next(cycle) for p in parties}


def support_shares(result: Result, region_idx: list[int]) -> np.ndarray:
    """Share of the people in the given regions supporting each party, by day: [D,P]."""
    counts = np.asarray(result.support)[:, region_idx].sum(axis=(1, 2))
    total = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)


def support_figure(result: Result) -> Figure:
    """Party support share over time, one panel per group of regions."""
    groups = region_groups(result.regions)
    ncols = 2 if len(groups) > 1 else 1
    nrows = math.ceil(len(groups) / ncols)
    fig = Figure(figsize=(6.0 * ncols, 3.2 * nrows + 0.8), dpi=DPI)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    x = mdates.date2num(result.dates)
    colours = party_colours(result.parties)
    changes = [mdates.date2num(c.date) for c in result.power_log]

    for ax, (name, idx) in zip(axes, groups.items()):
        shares = support_shares(result, idx)
        for p, party in enumerate(result.parties):
            ax.plot(x, shares[:, p], color=colours[party], lw=1.4, label=party)
        for when in changes:
            ax.axvline(when, color="black", lw=0.6, ls=":", alpha=0.7)
        ax.set_title(name, fontsize=10)
        ax.grid(alpha=0.3, lw=0.5)
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    for ax in axes[::ncols]:
        ax.set_ylabel("share of people")
    axes[0].set_ylim(bottom=0)
    _date_axis(axes[0])

    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 7), fontsize=8,
               frameon=False)
    fig.suptitle(f"Party support — {result.scenario}, seed {result.seed}"
                 + ("  (dotted: changes of power)" if changes else ""), fontsize=11)
    fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.5 / fig.get_figheight(),
                        bottom=0.8 / fig.get_figheight(), hspace=0.3, wspace=0.08)
    return fig


def gaps_figure(result: Result) -> Figure:
    """Helplessness gap per strategic actor: how much likelier success was than it looked."""
    fig = Figure(figsize=(9.0, 4.0), dpi=DPI)
    ax = fig.add_subplot()
    series: dict[str, list] = defaultdict(list)
    for dec in result.decisions:
        series[dec.actor].append((mdates.date2num(dec.date), dec.helplessness_gap, dec.acted))

    for i, (actor, points) in enumerate(series.items()):
        days, gap, acted = (np.asarray(v) for v in zip(*sorted(points)))
        line, = ax.plot(days, gap, lw=1.3, color=f"C{i % 10}", label=actor)
        if acted.any():
            ax.plot(days[acted], gap[acted], "o", ms=4, color=line.get_color())
    ax.axhline(0.0, color="black", lw=0.8)
    if series:
        ax.legend(fontsize=8, frameon=False, loc="best")
    else:
        ax.text(0.5, 0.5, "no strategic decisions recorded", transform=ax.transAxes,
                ha="center", va="center", color="grey")
    if result.dates:
        ax.set_xlim(mdates.date2num(result.dates[0]), mdates.date2num(result.dates[-1]))
    _date_axis(ax)
    ax.set_ylabel("helplessness gap")
    ax.set_title("Helplessness gap: true minus perceived probability of success "
                 "(dots: acted)", fontsize=10)
    ax.grid(alpha=0.3, lw=0.5)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.12)
    return fig


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    save_figure(fig, path, dpi=DPI)
