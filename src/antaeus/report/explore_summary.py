"""The terminal summary of an ensemble: outcome probabilities per point, with intervals and
paired differences from the factual; the first soviet government; the most frequent paths."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..experiments.outcomes import OUTCOMES

#: paths listed per point in the terminal
PATHS_SHOWN = 3


def render_exploration(ex, console: Console, written=()) -> None:
    ident = ex.identity
    n = ident["replications"]
    spread = "parameters drawn from the posterior per replication" if ex.posterior else "posterior median"
    console.print(f"[bold]{ident['scenario']}[/bold]: {len(ex.points)} points × {n:,} replications × "
                  f"{ident['agents']:,} agents, seed {ident['seed']} ({spread}); paired on common random numbers"
                  + (f"; every point continues the factual from {ident['from']}" if ident.get("from") else ""))
    table = Table(title="Outcome probability, Wilson 95% interval; Δ: paired difference from the factual, Newcombe 95%")
    table.add_column("outcome")
    for point in ex.points:
        table.add_column(point, justify="right")
    out = ex.outcomes
    for outcome in OUTCOMES:
        rows = out[out["outcome"] == outcome].set_index("point")
        if rows["count"].sum() == 0:
            continue
        cells = []
        for point in ex.points:
            r = rows.loc[point]
            cell = f"{r['p']:.1%} [{r['lo']:.1%}, {r['hi']:.1%}]"
            if point != ex.points[0]:
                cell += f"\nΔ {r['diff']:+.1%} [{r['diff_lo']:+.1%}, {r['diff_hi']:+.1%}]"
            cells.append(cell)
        table.add_row(outcome.replace("_", " "), *cells)
    console.print(table)
    if ex.posterior:
        _render_variance(ex, console)
    first = ex.first_soviet.set_index("point")
    for point in ex.points:
        r = first.loc[point]
        when = f"; median {r['median']}, 90% of them {r['q05']} to {r['q95']}" if r["with_soviet_government"] else ""
        console.print(f"First soviet government, {point}: {r['with_soviet_government']} of {r['runs']} runs "
                      f"({r['share']:.0%}){when}")
    paths = ex.paths
    for point in ex.points:
        mine = paths[paths["point"] == point].head(PATHS_SHOWN)
        console.print(f"Most frequent paths, {point}:")
        for r in mine.to_dict("records"):
            console.print(f"  {r['runs']:>6,}  {r['path']}", soft_wrap=True)
    for label, value in written:
        console.print(f"{label}: {value}")


def _render_variance(ex, console: Console) -> None:
    out = ex.outcomes
    table = Table(title="Where the spread comes from: variance of each outcome over runs, from the parameters "
                        "(between posterior particles) and from chance (within)")
    table.add_column("point")
    table.add_column("outcome")
    table.add_column("parameters", justify="right")
    table.add_column("chance", justify="right")
    for r in out[out["count"] > 0].to_dict("records"):
        table.add_row(str(r["point"]), r["outcome"].replace("_", " "), _share(r["var_parameters"]), _share(r["var_chance"]))
    console.print(table)


def _share(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"
