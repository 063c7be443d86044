"""The ``antaeus`` command line: every command's parsing, checking and printing, over the
library's public API (ARCHITECTURE.md, "A thin CLI").

- :mod:`.main`: the app, the run, explore, show, data, check and validate commands, and the one
  error handler (exit codes 0, 1 for a bug, 2 for input);
- :mod:`.calibration`: ``calibrate`` and ``posterior``;
- :mod:`.progress`: the one progress bar; :mod:`.output`: the one JSON writer.

The library modules return data and raise the project's errors; nothing below this package
prints to the terminal or exits.
"""
from .main import app, main

__all__ = ["app", "main"]
