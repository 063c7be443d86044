"""The figures of an ensemble (``antaeus explore``), written beside its store.

* ``outcomes.png``: each outcome's probability per design point with its Wilson 95% interval
  (a forest plot);
* ``paths.png``: the regime-path tree of each point as an icicle chart: each column is the
  n-th government of a path, each box the share of runs that reached it by that route;
* ``fans.png``: fan charts (median and 90% band over runs) of national support and of the
  capital soviets' composition, per point;
* ``first_soviet.png``: a histogram of the date the first soviet government took power.

Drawn with ``matplotlib.figure.Figure`` on the Agg canvas; each file is written to a temporary
name and renamed, so a full disk never leaves a partial PNG.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..experiments.outcomes import OUTCOMES
from ..files import folder_for_files, save_figure
from .plots import PARTY_COLOURS

DPI = 100
#: points drawn in the per-point figures (the factual and the first counterfactuals)
MAX_POINTS_DRAWN = 6
POINT_COLOURS = ["#222222", "#c0392b", "#2e8b57", "#2f6db5", "#e67e22", "#8e44ad"]
#: the parties of the fan charts: the largest by the factual's mean national support
FAN_PARTIES = 3


def write_explore_plots(exploration, out_dir: Path) -> list[Path]:
    figures = {"outcomes.png": _forest(exploration), "paths.png": _icicles(exploration),
               "fans.png": _fans(exploration), "first_soviet.png": _first_soviet(exploration)}
    with folder_for_files(out_dir) as folder:
        return [save_figure(fig, folder / name) for name, fig in figures.items()]


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _forest(ex) -> Figure:
    table = ex.outcomes
    shown = [o for o in OUTCOMES if table.loc[table["outcome"] == o, "count"].sum() > 0] or list(OUTCOMES)[:1]
    points = ex.points
    fig = _figure(4.0 * len(shown), 0.45 * len(points) + 1.6)
    for i, outcome in enumerate(shown):
        ax = fig.add_subplot(1, len(shown), i + 1)
        rows = table[table["outcome"] == outcome].set_index("point").reindex(points)
        y = np.arange(len(points))[::-1]
        ax.errorbar(rows["p"], y, xerr=[rows["p"] - rows["lo"], rows["hi"] - rows["p"]], fmt="o",
                    color="#333333", ecolor="#777777", capsize=3)
        factual = rows["p"].iloc[0]
        ax.axvline(factual, color="#c0392b", lw=0.8, ls="--")
        ax.set_xlim(-0.02, 1.02)
        ax.set_yticks(y)
        ax.set_yticklabels(points if i == 0 else [""] * len(points), fontsize=8)
        ax.set_title(outcome.replace("_", " "), fontsize=9)
        ax.set_xlabel("probability (Wilson 95%)", fontsize=8)
    fig.suptitle(f"Outcomes over {ex.identity['replications']} replications per point "
                 f"({'posterior draws' if ex.posterior else 'posterior median'}); dashed: the factual", fontsize=10)
    fig.tight_layout()
    return fig


def _icicles(ex) -> Figure:
    points = ex.points[:MAX_POINTS_DRAWN]
    runs = ex.runs
    fig = _figure(12, 3.2 * len(points))
    for i, point in enumerate(points):
        ax = fig.add_subplot(len(points), 1, i + 1)
        paths = Counter(tuple(p.split(" → ")) for p in runs.loc[runs["point"] == point, "path"])
        total = sum(paths.values()) or 1
        depth = max((len(p) for p in paths), default=1)
        _icicle(ax, paths, total, (), 0.0, 1.0)
        ax.set_xlim(0, depth)
        ax.set_ylim(0, 1)
        ax.set_xticks(np.arange(depth) + 0.5)
        ax.set_xticklabels([f"government {k + 1}" for k in range(depth)], fontsize=8)
        ax.set_yticks([])
        ax.set_title(f"{point}: regime paths of {total} runs (box height = share of runs)", fontsize=9)
    fig.tight_layout()
    return fig


def _icicle(ax, paths: Counter, total: int, prefix: tuple, y0: float, y1: float) -> None:
    level = len(prefix)
    children = Counter()
    for path, n in paths.items():
        if path[:level] == prefix and len(path) > level:
            children[path[level]] += n
    y = y0
    for label, n in sorted(children.items(), key=lambda kv: (-kv[1], kv[0])):
        h = n / total
        colour = _regime_colour(label)
        ax.add_patch(_box(level, y, h, colour))
        if h > 0.04:
            ax.text(level + 0.03, y + h / 2, f"{label}  {n / total:.0%}", va="center", fontsize=7)
        _icicle(ax, paths, total, prefix + (label,), y, y + h)
        y += h


def _box(x: float, y: float, h: float, colour: str):
    from matplotlib.patches import Rectangle
    return Rectangle((x, y), 0.97, h, facecolor=colour, edgecolor="white", lw=0.8, alpha=0.6)


def _regime_colour(label: str) -> str:
    if label.startswith("military"):
        return "#555555"
    if label.startswith("soviet"):
        return "#c0392b" if "insurrection" in label else "#e67e22"
    if label.startswith("provisional"):
        return "#2f6db5"
    return "#999999"


def _fans(ex) -> Figure:
    points = ex.points[:MAX_POINTS_DRAWN]
    names = ["national_support"] + [f"soviet:{r}" for r in ex.capital_soviets]
    bands = ex.bands(names)
    national = bands[(bands["series"] == "national_support") & (bands["point"] == ex.points[0])]
    parties = list(national.groupby("party")["mean"].mean().sort_values(ascending=False).index[:FAN_PARTIES])
    fig = _figure(4.2 * max(1, len(parties)), 2.8 * max(1, len(names)))
    for a, name in enumerate(names):
        for b, party in enumerate(parties):
            ax = fig.add_subplot(len(names), len(parties), a * len(parties) + b + 1)
            cut = bands[(bands["series"] == name) & (bands["party"] == party)]
            for k, point in enumerate(points):
                q = cut[cut["point"] == point]
                if q.empty:
                    continue
                x = pd.to_datetime(q["date"])
                colour = POINT_COLOURS[k % len(POINT_COLOURS)]
                ax.fill_between(x, q["q0.05"], q["q0.95"], color=colour, alpha=0.15, lw=0)
                ax.plot(x, q["q0.5"], color=colour, lw=1.2, label=point)
            ax.set_ylim(0, 1)
            ax.set_title(f"{name.replace('_', ' ')}: {party}", fontsize=9, color=PARTY_COLOURS.get(party, "black"))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
            ax.tick_params(labelsize=7)
            if a == 0 and b == 0:
                ax.legend(fontsize=7)
    fig.suptitle("Median and 90% band over runs (national support share; soviet delegate share)", fontsize=10)
    fig.tight_layout()
    return fig


def _first_soviet(ex) -> Figure:
    runs = ex.runs
    fig = _figure(8, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    dates = pd.to_datetime(runs["first_soviet"].dropna())
    if len(dates):
        bins = pd.date_range(dates.min().normalize() - pd.Timedelta(days=7), dates.max() + pd.Timedelta(days=7),
                             freq="7D")
        for k, point in enumerate(ex.points[:MAX_POINTS_DRAWN]):
            mine = pd.to_datetime(runs.loc[runs["point"] == point, "first_soviet"].dropna())
            if len(mine):
                ax.hist(mine, bins=bins, histtype="step", lw=1.4, color=POINT_COLOURS[k % len(POINT_COLOURS)],
                        label=f"{point} ({len(mine)} of {int((runs['point'] == point).sum())} runs)")
        ax.legend(fontsize=7)
    else:
        ax.text(0.5, 0.5, "no run formed a soviet government", ha="center", transform=ax.transAxes)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_xlabel("date the first soviet government took power (N.S., weekly bins)")
    ax.set_ylabel("runs")
    fig.tight_layout()
    return fig
