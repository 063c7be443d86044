"""The reference models' published results, rerun, as a table in the terminal."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from antaeus.models.validate import Row, verdict

#: the table's width when the output is a file or a pipe: wide enough that no column is squeezed
TABLE_WIDTH = 200


def render_validation(rows: list[Row], console: Console, *, seeds: int) -> None:
    """The rows as a Rich table, then one summary line."""
    table = Table(title=f"Published results, rerun ({seeds} seeds per stochastic claim)", show_lines=True)
    for name, style in (("model", "bold"), ("claim", None), ("source", "dim"), ("expected", None),
                        ("observed", None), ("result", None)):
        table.add_column(name, style=style, overflow="fold")
    for r in rows:
        style = "green" if r.passed else "bold red"
        claim = r.claim if r.reproduces else f"{r.claim} [does not reproduce]"
        table.add_row(r.model, claim, f"[{r.label}] {r.source}", r.expected, r.observed,
                      f"[{style}]{verdict(r)}[/]")
    console.print(table)
    failed = sum(not r.passed for r in rows)
    missing = [r for r in rows if not r.reproduces]
    note = f"; {len(missing)} published result(s) do not reproduce, as their rows confirm" if missing else ""
    console.print(f"{len(rows)} rows: {len(rows) - failed} pass, {failed} fail{note}.")
