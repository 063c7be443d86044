"""The terminal summary of an ensemble: outcome probabilities per point, with intervals and
paired differences from the factual; the first soviet government; how contested the course
was (coups, changes of power, risings from below); the most frequent paths."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..experiments.exploration import ON_TIME_DAYS
from ..experiments.outcomes import OUTCOMES

#: paths listed per point in the terminal
PATHS_SHOWN = 3
#: up to this many design points the outcome table has a column per point, beyond it a row per point
POINTS_AS_COLUMNS = 4


def render_exploration(ex, console: Console, written=()) -> None:
    ident = ex.identity
    n = ident["replications"]
    spread = "parameters drawn from the posterior per replication" if ex.posterior else "posterior median"
    console.print(f"[bold]{ident['scenario']}[/bold]: {len(ex.points)} points × {n:,} replications × "
                  f"{ident['agents']:,} agents, seed {ident['seed']} ({spread}); paired on common random numbers"
                  + (f"; every point continues the factual from {ident['from']}" if ident.get("from") else ""))
    out = ex.outcomes
    shown = [o for o in OUTCOMES if out.loc[out["outcome"] == o, "count"].sum() > 0]
    cell = {(r["point"], r["outcome"]): _cell(r, r["point"] != ex.points[0]) for r in out.to_dict("records")}
    table = Table(title="Outcome probability, Wilson 95% interval; Δ: paired difference from the factual, Newcombe 95%")
    if len(ex.points) <= POINTS_AS_COLUMNS:
        table.add_column("outcome")
        for point in ex.points:
            table.add_column(point, justify="right")
        for outcome in shown:
            table.add_row(outcome.replace("_", " "), *(cell[(point, outcome)] for point in ex.points))
    else:  # many points: a row each, so the table keeps to the terminal's width
        table.add_column("point")
        for outcome in shown:
            table.add_column(outcome.replace("_", " "), justify="right")
        for point in ex.points:
            table.add_row(point, *(cell[(point, outcome)] for outcome in shown))
    console.print(table)
    if ex.posterior:
        _render_variance(ex, console)
    first = ex.first_soviet.set_index("point")
    for point in ex.points:
        r = first.loc[point]
        when = f"; median {r['median']}, 90% of them {r['q05']} to {r['q95']}" if r["with_soviet_government"] else ""
        on_time = (f"; within {ON_TIME_DAYS} days of the record's {r['record']}: "
                   f"{_interval(r['on_time_share'], r['on_time_lo'], r['on_time_hi'])}, earlier {r['earlier'] / r['runs']:.1%}"
                   if r.get("record") is not None and r["runs"] else "")
        console.print(f"First soviet government, {point}: {r['with_soviet_government']} of {r['runs']} runs "
                      f"({r['share']:.0%}){when}{on_time}", soft_wrap=True)
    for r in ex.capital_majorities.to_dict("records"):
        when = f"; median {r['median']}, 90% of them {r['q05']} to {r['q95']}" if r["with_majority"] else ""
        console.print(f"Majority of {r['parties'].replace('+', ' and ').replace('_', ' ')} in the {r['region']} soviet, "
                      f"{r['point']}: {r['with_majority']} of {r['runs']} runs{when}", soft_wrap=True)
    _render_course(ex, console)
    _render_assembly(ex, console)
    _render_session(ex, console)
    _render_entries(ex, console)
    paths = ex.paths
    for point in ex.points:
        mine = paths[paths["point"] == point].head(PATHS_SHOWN)
        console.print(f"Most frequent paths, {point}:")
        for r in mine.to_dict("records"):
            console.print(f"  {r['runs']:>6,}  {r['path']}", soft_wrap=True)
    for label, value in written:
        console.print(f"{label}: {value}")


def _interval(p: float, lo: float, hi: float) -> str:
    """A share with its interval: ``12.5% [8.1%, 18.0%]``."""
    return f"{p:.1%} [{lo:.1%}, {hi:.1%}]"


def _cell(r: dict, paired: bool, value: str = "p") -> str:
    text = _interval(r[value], r["lo"], r["hi"])
    if paired:
        text += f"\nΔ {r['diff']:+.1%} [{r['diff_lo']:+.1%}, {r['diff_hi']:+.1%}]"
    return text


def _render_assembly(ex, console: Console) -> None:
    """The national Constituent Assembly as the record groups its parties, each grouping summed
    run by run (``Exploration.record``)."""
    rows = ex.record
    rows = rows[rows["id"].str.startswith("constituent_assembly:national:")]
    if rows.empty:
        return
    table = Table(title="The national Constituent Assembly as the record groups it: median share over runs with "
                        "its 90% interval; Δ: median paired difference from the factual, 95% interval")
    table.add_column("grouping")
    table.add_column("record", justify="right")
    for point in ex.points:
        table.add_column(point, justify="right")
    cells = {(r["category"], r["point"]): _cell(r, r["diff"] == r["diff"], "median") for r in rows.to_dict("records")}
    observed = dict(zip(rows["category"], rows["observed"]))
    for category in dict.fromkeys(rows["category"]):
        record = observed[category]
        table.add_row(category, "n/a" if record is None or record != record else f"{record:.1%}",
                      *(cells.get((category, point), "n/a") for point in ex.points))
    console.print(table)


def _render_session(ex, console: Console) -> None:
    """The government's answer to the Constituent Assembly, for the points that reach its session."""
    session = ex.assembly_session
    if session.empty:
        return
    table = Table(title="The Constituent Assembly's session: the government's answer, share of the sessions "
                        "with its Wilson 95% interval")
    table.add_column("point")
    table.add_column("sessions", justify="right")
    answers = list(dict.fromkeys(session["answer"]))
    for answer in answers:
        table.add_column(answer, justify="right")
    for point, rows in session.groupby("point", sort=False):
        cells = {r["answer"]: _interval(r["p"], r["lo"], r["hi"]) for r in rows.to_dict("records")}
        table.add_row(str(point), f"{rows['sessions'].iloc[0]:,}", *(cells[a] for a in answers))
    console.print(table)


def _render_course(ex, console: Console) -> None:
    """How contested each point's path was: coups, changes of power, risings from below."""
    table = Table(title="The course: share of the runs (of the risings, for their failures) with its Wilson 95% "
                        "interval")
    for name in ("point", "runs", "coup tried", "coup succeeded", "more than two changes of power",
                 "risings from below (runs)", "of them failed"):
        table.add_column(name, justify="left" if name == "point" else "right")
    for r in ex.course.to_dict("records"):
        cells = [_interval(r[f"{k}_share"], r[f"{k}_lo"], r[f"{k}_hi"]) if r["runs"] else "n/a"
                 for k in ("coup_tried", "coup_succeeded", "more_than_two_changes")]
        failed = (_interval(r["risings_failed_share"], r["risings_failed_lo"], r["risings_failed_hi"])
                  if r["risings"] else "none")
        table.add_row(str(r["point"]), f"{r['runs']:,}", *cells, f"{r['rising_runs']:,}", failed)
    console.print(table)


def _render_entries(ex, console: Console) -> None:
    """The parties that entered a soviet government after it took power (the Left SRs)."""
    entries = ex.coalition_entries
    if entries.empty:
        return
    table = Table(title="Entries into the soviet government after the change of power: share of the runs with "
                        "its Wilson 95% interval, and the date (median and 90% range)")
    for name in ("point", "party"):
        table.add_column(name)
    for name in ("runs", "entered", "date"):
        table.add_column(name, justify="right")
    for r in entries.to_dict("records"):
        table.add_row(str(r["point"]), r["party"].replace("_", " "), f"{r['runs']:,}",
                      _interval(r["share"], r["lo"], r["hi"]), f"{r['median']} ({r['q05']} to {r['q95']})")
    console.print(table)


def _render_variance(ex, console: Console) -> None:
    out = ex.outcomes
    table = Table(title="Where the spread comes from: variance of each outcome over runs, from the parameters "
                        "(between posterior particles) and from chance (within)")
    table.add_column("point")
    table.add_column("outcome")
    table.add_column("parameters", justify="right")
    table.add_column("chance", justify="right")
    table.add_column("parameters' share", justify="right")
    for r in out[out["count"] > 0].to_dict("records"):
        total = r["var_parameters"] + r["var_chance"]
        share = f"{r['var_parameters'] / total:.0%}" if total > 0 else "n/a"
        table.add_row(str(r["point"]), r["outcome"].replace("_", " "), _share(r["var_parameters"]),
                      _share(r["var_chance"]), share)
    console.print(table)


def _share(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"
