"""A run's summary in the terminal: power, elections against history, the actors' misreadings,
mobilisation and membership, as Rich tables built from the rows of :mod:`antaeus.report.summary`."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from antaeus.core import calendar
from antaeus.engine.result import Observable, Result
from antaeus.report.summary import (ALL_RUSSIA, NOT_CALIBRATED, compared_observables, final_membership,
                                    gaps_by_month, group_support_rows, mean_absolute_error,
                                    support_rows)


def render_summary(result: Result, console: Console, *, at: Iterable[dt.date] = (),
                   written: Iterable[tuple[str, Path | str]] = (), draws: tuple[Result, ...] = ()) -> None:
    """Print a run's summary: power, elections against history, the actors' misreadings,
    mobilisation, membership, and where the results went."""
    sections = [_header(result), _power_timeline(result)]
    compared = compared_observables(result)
    if compared:
        sections.append(_observables_table(result, compared))
    if result.decisions:
        sections += [_gaps_table(result), _acts_table(result)]
    if draws:
        sections.append(_ensemble_table(draws))
    sections.append(_mobilisation_table(result))
    for date in at:
        sections += [_support_table(result, date), _group_support_table(result, date)]
    sections.append(_membership_line(result))
    for section in sections:
        console.print(section)
        console.line()
    for label, path in written:
        console.print(Text.assemble((f"{label}:", "bold"), f" {path}"), soft_wrap=True)


def _header(result: Result) -> Panel:
    start, end = (result.dates[0], result.dates[-1]) if result.days else ("-", "-")
    text = (f"[bold]{escape(result.scenario)}[/]  seed {result.seed} · {result.agents:,} agents · "
            f"{result.days} days ({start} to {end}) · {result.runtime_s:.1f} s")
    if not result.calibrated:
        text += f"\n[bold yellow]{NOT_CALIBRATED}[/]"
    else:
        text += f"\nCalibrated: {escape(result.calibration_note)}"
    return Panel(text, box=box.ROUNDED, expand=False)


def _table(title: str, *columns: str, text_columns: int = 1) -> Table:
    """A compact table: the first ``text_columns`` columns left-aligned, numbers right."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                  padding=(0, 0, 0, 1), pad_edge=False, title_style="bold")
    for i, col in enumerate(columns):
        # labels and numbers stay whole; only the middle text columns may wrap
        numeric = i >= text_columns
        table.add_column(col, justify="right" if numeric else "left", no_wrap=numeric or i == 0)
    return table


def _power_timeline(result: Result) -> Table:
    """Date on the left, what happened on the right (wrapping under itself, not the date)."""
    table = Table.grid(padding=(0, 1))
    table.title, table.title_justify, table.title_style = "Who holds power", "left", "bold"
    table.add_column(no_wrap=True, style="cyan")
    table.add_column()
    for change in result.power_log:
        what = Text.assemble((change.holder, "bold"), f" by {change.route}")
        if np.isfinite(change.breadth):
            what.append(f", backed by {_percent(change.breadth)}% of the people")
        if change.note:
            what.append(f"\n{change.note}", style="dim")
        table.add_row(_both(change.date), what)
    return table


def _observables_table(result: Result, compared: list[Observable]) -> Table:
    """Parties down, observables across (numbered, named in the caption): fits 80 columns."""
    table = _table("Elections and congresses: simulated/observed, % (-: not recorded)", "party",
                   *[f"#{i}" for i in range(1, len(compared) + 1)])
    table.caption = "\n".join(f"#{i} {o.family} {o.constituency} {_both(o.date)}"
                               for i, o in enumerate(compared, 1))
    table.caption_justify = "left"
    for party in result.parties:
        cells = [f"{_percent(o.simulated.get(party, 0.0), 0)}/"
                 + (_percent(o.observed[party], 0) if party in o.observed else "-") for o in compared]
        table.add_row(_words(party), *cells)
    table.add_section()
    table.add_row("mean abs. error", *[_percent(mean_absolute_error(o)) for o in compared])
    table.add_row("turnout (simulated)", *[_percent(o.turnout, 0) for o in compared])
    return table


def _gaps_table(result: Result) -> Table:
    months = sorted({calendar.month_of(d) for d in result.dates})
    gaps = gaps_by_month(result)
    table = _table("Helplessness gap, p_true - p_perceived, percentage points (monthly mean; "
                   "> 0: stronger than it looked)", "actor", *[_month_label(m) for m in months])
    for actor, by_month in gaps.items():
        table.add_row(_words(actor), *[f"{round(100 * by_month[m]):+d}" if m in by_month else ""
                                       for m in months])
    return table


def _acts_table(result: Result) -> Table:
    table = _table("Acts", "date (O.S.)", "actor", "action", "outcome", "p_true", "p_perceived",
                   text_columns=4)
    for dec in result.decisions:
        if dec.acted:
            table.add_row(_both(dec.date), _words(dec.actor), dec.action, dec.outcome,
                          f"{dec.p_true:.2f}", f"{dec.p_perceived:.2f}")
    if not table.row_count:
        table.add_row("no actor acted", "", "", "", "", "")
    return table


def _mobilisation_table(result: Result) -> Table:
    rows = result.mobilisation_by_month()
    months = sorted({r["month"] for r in rows})
    onsets: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        onsets[r["kind"]][r["month"]] = r["onsets"]
    table = _table("People newly mobilised (onsets) by kind and month", "kind",
                   *[_month_label(m) for m in months])
    for kind, by_month in onsets.items():
        table.add_row(_words(kind), *[_compact(by_month.get(m, 0.0)) for m in months])
    if result.deserters is not None and result.days:
        gone = defaultdict(float)  # the men the villages called home (mechanisms.desertion)
        for d, date in enumerate(result.dates):
            gone[calendar.month_of(date)] += float(result.deserters[d].sum())
        table.add_row("deserters (men gone home)", *[_compact(gone.get(m, 0.0)) for m in months])
    return table


def _support_table(result: Result, date: dt.date) -> Table:
    return _shares_table(result, f"Support on {_both(date)}, % of all people", "region",
                         [*result.regions, ALL_RUSSIA], support_rows(result, [date]))


def _group_support_table(result: Result, date: dt.date) -> Table:
    return _shares_table(result, f"Support on {_both(date)} by social group, all Russia, % of the group",
                         "group", result.groups, group_support_rows(result, [date]))


def _shares_table(result: Result, title: str, key: str, names: list[str], rows: list[dict]) -> Table:
    """One row per name (a region or a group: ``key`` of the rows), one column per party."""
    table = _table(title, key, *[_words(p) for p in result.parties])
    for column in table.columns[1:]:  # party names are wider than the shares: let them wrap
        column.no_wrap = False
    for name in names:
        table.add_row(_words(name), *[_percent(r["share"]) for r in rows if r[key] == name])
    return table


def _membership_line(result: Result) -> str:
    members = final_membership(result)
    when = _both(result.dates[-1]) if result.days else "-"
    others = ", ".join(f"{p} {m:,.0f}" for p, m in members.items() if p != "bolsheviks")
    head = (f"[bold]Bolshevik membership on {when}:[/] {members['bolsheviks']:,.0f}\n"
            if "bolsheviks" in members else f"[bold]Membership on {when}:[/]\n")
    return head + f"[dim]{'other parties: ' if 'bolsheviks' in members else ''}{others}[/]"


# ------------------------------------------------------------------------- formatting


def _month_label(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%b")


def _both(date: dt.date) -> str:
    """Gregorian with the Julian beside it, where the Julian offset is known."""
    try:
        return calendar.both(date)
    except ValueError:
        return date.isoformat()


def _percent(share: float, decimals: int = 1) -> str:
    return "-" if share is None or not np.isfinite(share) else f"{100 * share:.{decimals}f}"


def _compact(n: float) -> str:
    """At most three significant digits and a suffix: 685k, 8.1M, 36.6k."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size:
            return f"{n / size:.{0 if abs(n) >= 100 * size else 1}f}{suffix}"
    return f"{n:.0f}"


def _words(name: str) -> str:
    """Identifiers with spaces for underscores, so narrow columns wrap them between words."""
    return name.replace("_", " ")


def _ensemble_table(draws: tuple[Result, ...]) -> Table:
    """Observables over posterior draws: median and 90% interval beside the record."""
    table = _table(f"Over {len(draws)} posterior draws: simulated median [5%-95%] / observed, %",
                   "observable", "party", "simulated", "observed", text_columns=2)
    spread: dict[tuple[str, str], list[float]] = {}
    observed: dict[str, dict[str, float]] = {}
    for r in draws:
        for o in r.observables:
            if o.observed:
                observed[o.id] = o.observed
                for party, share in o.simulated.items():
                    spread.setdefault((o.id, party), []).append(share)
    for (oid, party), values in spread.items():
        lo, mid, hi = np.quantile(values, [0.05, 0.5, 0.95]) * 100
        seen = observed[oid].get(party)
        table.add_row(oid, party.replace("_", " "), f"{mid:.0f} [{lo:.0f}-{hi:.0f}]",
                      "-" if seen is None else f"{seen * 100:.0f}")
    return table
