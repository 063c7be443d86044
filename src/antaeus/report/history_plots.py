"""Figures of ``antaeus check history``: the record beside the simulated runs, one PNG per family.

Every panel reads the same way: a dot is the observed value, a bar the simulated 90% interval
over runs (5% to 95% quantile), a dash the simulated median. Blue marks calibration targets,
orange out-of-sample observations. Rows without a simulated counterpart are left out (the
table of the command lists them with the reason). Drawn with ``matplotlib.figure.Figure`` and
the Agg canvas, as :mod:`antaeus.report.plots`.
"""
from __future__ import annotations

import datetime as dt
import math
import textwrap
from pathlib import Path

from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from antaeus.experiments.history_check import CheckRow, HistoryCheck
from antaeus.files import folder_for_files, save_figure

DPI = 100
ROLE_COLOURS = {True: "#2f6db5", False: "#d95f02"}
ROLE_NAMES = {True: "target", False: "out of sample"}
FILES = {"congresses": "congresses.png", "municipal": "municipal.png",
         "constituent_assembly": "constituent_assembly.png", "membership": "membership.png",
         "unrest": "unrest.png", "magnitudes": "magnitudes.png"}


def write_history_plots(check: HistoryCheck, out_dir: str | Path) -> list[Path]:
    """Write one PNG per family into ``out_dir`` (created if needed); return the paths.

    congresses.png, municipal.png, constituent_assembly.png, membership.png, unrest.png,
    magnitudes.png.
    """
    figures = {"congresses": observation_figure(check, "congresses", "Congresses and soviets"),
               "municipal": observation_figure(check, "municipal", "Municipal elections"),
               "constituent_assembly": constituent_assembly_figure(check),
               "membership": membership_figure(check),
               "unrest": unrest_figure(check),
               "magnitudes": magnitudes_figure(check)}
    paths = []
    with folder_for_files(out_dir) as folder:
        for name, fig in figures.items():
            FigureCanvasAgg(fig)
            paths.append(save_figure(fig, folder / FILES[name], dpi=DPI))
    return paths


# ---------------------------------------------------------------------------- figures


def observation_figure(check: HistoryCheck, panel: str, title: str) -> Figure:
    """One panel per observation of a family group, its categories along x (shares; the
    group's counts are drawn in :func:`magnitudes_figure`)."""
    groups = _by_observation(r for r in check.rows if r.panel == panel and r.values and r.unit == "share")
    fig, axes = _grid(len(groups))
    for ax, rows in zip(axes, groups.values()):
        for x, r in enumerate(rows):
            _draw(ax, x, r)
        _categories(ax, [r.category for r in rows])
        _share_axis(ax)
        ax.set_title(_observation_title(rows[0]), fontsize=9)
    _finish(fig, axes, len(groups), f"{title} — {_runs(check)}")
    return fig


def constituent_assembly_figure(check: HistoryCheck) -> Figure:
    """One panel per party category, the nation and every region and front along x; then one
    panel per other CA observation (the Left-SR test)."""
    national = [r for r in check.rows if r.panel == "constituent_assembly" and r.constituency == "national"
                and r.family == "constituent_assembly" and r.values]
    categories = [r.category for r in national]
    regional_record = [r for r in check.rows if r.family == "constituent_assembly" and r.values
                       and r.constituency != "national" and r.category in categories]
    others = _by_observation(r for r in check.rows if r.panel == "constituent_assembly" and r.values
                             and r.constituency != "national" and r.category not in categories)
    places = ["national"] + list(dict.fromkeys([r.constituency for r in check.ca_regions]
                                               + [r.constituency for r in regional_record]))
    n = len(categories) + len(others)
    fig, axes = _grid(n, ncols=2 if n > 1 else 1, width=7.0, height=3.4)
    for ax, category in zip(axes, categories):
        reference = next(r for r in national if r.category == category)
        if reference.observed is not None:
            ax.axhline(reference.observed, color=ROLE_COLOURS[reference.target], lw=0.9, ls="--", alpha=0.8)
        found = {r.constituency: r for r in check.ca_regions + regional_record + national
                 if r.category == category}
        for x, place in enumerate(places):
            if place in found:
                _draw(ax, x, found[place])
        ax.set_xticks(range(len(places)))
        ax.set_xticklabels([p.replace("_", " ") for p in places], rotation=60, ha="right", fontsize=7)
        ax.set_xlim(-0.6, len(places) - 0.4)
        _share_axis(ax)
        ax.set_title(category, fontsize=9)
    for ax, rows in zip(axes[len(categories):], others.values()):
        for x, r in enumerate(rows):
            _draw(ax, x, r)
        _categories(ax, [r.category for r in rows])
        _share_axis(ax)
        ax.set_title(_observation_title(rows[0]), fontsize=9)
    if check.ca_regions and not check.ca_regional_record:
        title = ("Constituent Assembly by region and front — the record has only national figures: "
                 "simulated regional shares,\nnational observed (dashed) as reference")
    else:
        title = "Constituent Assembly by region and front (dashed: national observed)"
    _finish(fig, axes, n, f"{title} — {_runs(check)}")
    return fig


def membership_figure(check: HistoryCheck) -> Figure:
    """Party members on a log scale, one panel per party, dates along x."""
    by_party: dict[str, list[CheckRow]] = {}
    for r in check.rows:
        if r.panel == "membership" and r.values:
            by_party.setdefault(r.constituency, []).append(r)
    fig, axes = _grid(len(by_party), ncols=min(3, max(1, len(by_party))), width=5.0)
    for ax, (party, rows) in zip(axes, by_party.items()):
        for r in rows:
            _draw(ax, mdates.date2num(_middle(r)), r)
        ax.set_yscale("log")
        locator = mdates.AutoDateLocator(maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        xs = [mdates.date2num(_middle(r)) for r in rows]
        ax.set_xlim(min(xs) - 20, max(xs) + 20)
        ax.set_title(party.replace("_", " "), fontsize=9)
        ax.set_ylabel("members (log scale)", fontsize=8)
        ax.grid(alpha=0.3, lw=0.5, which="both")
    _finish(fig, axes, len(by_party), f"Party membership (log scale) — {_runs(check)}")
    return fig


def unrest_figure(check: HistoryCheck) -> Figure:
    """Monthly shares of peasant actions, observed vs simulated, one panel per constituency."""
    by_place: dict[str, list[CheckRow]] = {}
    for r in check.rows:
        if r.panel == "unrest" and r.values and r.unit == "share":
            by_place.setdefault(r.constituency, []).append(r)
    fig, axes = _grid(len(by_place), ncols=min(2, max(1, len(by_place))), width=6.0)
    for ax, (place, rows) in zip(axes, by_place.items()):
        rows = sorted(rows, key=lambda r: r.date)
        for x, r in enumerate(rows):
            _draw(ax, x, r)
        ax.plot(range(len(rows)), [r.observed if r.observed is not None else math.nan for r in rows],
                color="black", lw=0.6, alpha=0.5, zorder=2)
        _categories(ax, [r.id.rsplit(":", 1)[-1] + " O.S." for r in rows], wrap=8)
        _share_axis(ax)
        ax.set_title(f"{place.replace('_', ' ')}: share of March–October actions per month", fontsize=9)
    _finish(fig, axes, len(by_place), f"Peasant unrest by month — {_runs(check)}")
    return fig


def magnitudes_figure(check: HistoryCheck) -> Figure:
    """Counts other than membership (strikers, deserters, land seizures, voters) on a log
    scale, one panel per family, the observations in the record's order along x; the dotted
    lines mark a factor of 2 either way of each observed value (issue 16's bar)."""
    by_family: dict[str, list[CheckRow]] = {}
    for r in check.rows:
        if r.values and r.unit != "share" and r.panel != "membership":
            by_family.setdefault(r.family, []).append(r)
    fig, axes = _grid(len(by_family), ncols=min(2, max(1, len(by_family))), width=6.0, height=3.8)
    for ax, (family, rows) in zip(axes, by_family.items()):
        for x, r in enumerate(rows):
            _draw(ax, x, r)
            if r.observed is not None and r.observed > 0:
                ax.hlines([r.observed / 2, r.observed * 2], x - 0.3, x + 0.3, color="black", lw=0.7, ls=":")
        _categories(ax, [f"{r.constituency.replace('_', ' ')} {_when(r)}" for r in rows], wrap=14)
        ax.set_yscale("log")
        ax.grid(alpha=0.3, lw=0.5, which="both", axis="y")
        ax.set_title(f"{family.replace('_', ' ')} ({rows[0].unit}, log scale)", fontsize=9)
    _finish(fig, axes, len(by_family), f"Magnitudes, out of sample (dotted: a factor of 2) — {_runs(check)}")
    return fig


# ---------------------------------------------------------------------------- pieces


def _draw(ax, x: float, r: CheckRow) -> None:
    colour = ROLE_COLOURS[r.target]
    if r.values:
        ax.vlines(x, r.q05, r.q95, color=colour, lw=7, alpha=0.35, zorder=1)
        ax.plot([x], [r.median], marker="_", ms=16, mew=2.2, color=colour, zorder=2, ls="none")
    if r.observed is not None:
        ax.plot([x], [r.observed], "o", ms=6.5, mfc=colour, mec="black", mew=0.9, zorder=3, ls="none")


def _grid(n: int, ncols: int = 3, width: float = 4.6, height: float = 3.4):
    n = max(n, 1)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(width * ncols, height * nrows + 1.2), dpi=DPI)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    return fig, axes


def _finish(fig: Figure, axes, used: int, title: str) -> None:
    if used == 0:
        axes[0].text(0.5, 0.5, "nothing in the record in use has a simulated counterpart here",
                     transform=axes[0].transAxes, ha="center", va="center", color="grey")
        axes[0].set_axis_off()
    for ax in axes[max(used, 1):]:
        ax.set_visible(False)
    handles = [Line2D([], [], ls="none", marker="o", mfc="white", mec="black", label="observed"),
               Line2D([], [], color="grey", lw=7, alpha=0.5, label="simulated 90% interval"),
               Line2D([], [], ls="none", marker="_", ms=14, mew=2.2, color="grey", label="simulated median")]
    handles += [Line2D([], [], ls="none", marker="s", ms=9, color=c, label=ROLE_NAMES[t])
                for t, c in ROLE_COLOURS.items()]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    height = fig.get_figheight()
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.45 / height, 1, 1 - 0.15 / height))


def _categories(ax, labels: list[str], wrap: int = 16) -> None:
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels([textwrap.fill(label, wrap) for label in labels], fontsize=7)
    ax.set_xlim(-0.6, len(labels) - 0.4)


def _share_axis(ax) -> None:
    low, high = ax.get_ylim()
    ax.set_ylim(0, max(high, 0.05) * 1.04)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(alpha=0.3, lw=0.5, axis="y")


def _observation_title(r: CheckRow) -> str:
    label = r.id.rsplit(":", 1)[-1]
    return (f"{r.family.replace('_', ' ')}, {r.constituency.replace('_', ' ')}, {label}\n"
            f"({r.version}; {ROLE_NAMES[r.target]})")


def _by_observation(rows) -> dict[tuple[str, str], list[CheckRow]]:
    out: dict[tuple[str, str], list[CheckRow]] = {}
    for r in rows:
        out.setdefault((r.id, r.version), []).append(r)
    return out


def _when(r: CheckRow) -> str:
    return r.date.isoformat() if r.date_end is None else f"{r.date.isoformat()} to {r.date_end.isoformat()}"


def _middle(r: CheckRow) -> dt.date:
    return r.date if r.date_end is None else r.date + (r.date_end - r.date) / 2


def _runs(check: HistoryCheck) -> str:
    return f"{check.scenario}, {check.runs} runs × {check.agents:,} agents"
