"""The one progress bar of every command: on stderr, so that stdout stays the result."""
from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)


class ProgressBar:
    """A Rich progress bar over a count of ``unit`` (days of a run, runs of an ensemble,
    simulations of a calibration, claims of a validation), with the rate and the time left.
    Entered, it yields :meth:`advance`, the ``progress(done, total)`` callback that the
    library's long functions take; ``last`` names what follows the count (writing results)."""

    def __init__(self, description: str, unit: str, last: str | None = None):
        self.unit, self.last = unit, last
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
                            TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self.task = self.bar.add_task(description, total=None, rate="")
        self.start: tuple[float, int] | None = None

    def __enter__(self):
        self.bar.__enter__()
        return self.advance

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def advance(self, done: int, total: int | None, label: str | None = None) -> None:
        """``done`` of ``total`` (None: not known yet); ``label`` replaces the description."""
        now = time.perf_counter()
        if self.start is None:
            self.start = (now, done)  # what was done before (--resume) does not count in the rate
        elapsed = now - self.start[0]
        rate = f"{(done - self.start[1]) / elapsed:.1f} {self.unit}/s" if elapsed > 0 and done > self.start[1] else ""
        if label is not None:
            self.bar.update(self.task, description=label)
        if done == total and self.last:
            self.bar.update(self.task, description=self.last)
        self.bar.update(self.task, completed=done, total=total, rate=rate)
