"""The one progress bar of every command: on stderr, so that stdout stays the result."""
from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)


#: seconds between the lines written in place of the bar where stderr is not a terminal
LOG_EVERY = 60.0


def duration(seconds: float) -> str:
    """Wall-clock time as a log line gives it: 2 min 07 s."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


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
        self.description = description
        self.start: tuple[float, int] | None = None
        #: where stderr is not a terminal (a log, a pipe) the bar is not drawn: a line is written
        #: instead every LOG_EVERY seconds, so that a long run's log shows it going on
        self.live = self.bar.console.is_terminal
        self.logged = time.perf_counter()  # when the last line was written (or the bar made)

    def __enter__(self):
        if self.live:  # elsewhere the bar would only leave a blank line
            self.bar.__enter__()
        return self.advance

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc) if self.live else None

    def note(self, text: str) -> None:
        """A line of its own on stderr: above the bar on a terminal, plain in a log."""
        self.bar.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def advance(self, done: int, total: int | None, label: str | None = None) -> None:
        """``done`` of ``total`` (None: not known yet); ``label`` replaces the description."""
        now = time.perf_counter()
        if self.start is None:
            self.start = (now, done)  # what was done before (--resume) does not count in the rate
        elapsed = now - self.start[0]
        rate = f"{(done - self.start[1]) / elapsed:.1f} {self.unit}/s" if elapsed > 0 and done > self.start[1] else ""
        if label is not None:
            self.description = label
            self.bar.update(self.task, description=label)
        if done == total and self.last:
            self.bar.update(self.task, description=self.last)
        self.bar.update(self.task, completed=done, total=total, rate=rate)
        if not self.live and now - self.logged >= LOG_EVERY:
            self.logged = now
            self.note(f"{self.description}: {done:,}{'' if total is None else f' of {total:,}'} {self.unit}"
                      f"{f', {rate}' if rate else ''}, {duration(elapsed)}")
