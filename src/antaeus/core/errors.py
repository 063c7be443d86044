"""User-facing errors: one exception type that carries where the mistake is and how to fix it.

The CLI turns a :class:`ScenarioError` into exit code 2 and a single message; exit code 1 is
left for bugs (ARCHITECTURE.md, "Errors").
"""
from __future__ import annotations


class ScenarioError(Exception):
    """A mistake in user input: a scenario file, a patch, an option value.

    ``source`` names the file or option, ``line`` the line in that file when known, ``field``
    the dotted path of the offending value, and ``hint`` what would fix it.
    """

    def __init__(self, problem: str, *, source: str | None = None, line: int | None = None,
                 field: str | None = None, hint: str | None = None):
        self.problem = problem
        self.source = source
        self.line = line
        self.field = field
        self.hint = hint
        super().__init__(self.message())

    def message(self) -> str:
        where = []
        if self.source:
            where.append(self.source + (f", line {self.line}" if self.line else ""))
        if self.field:
            where.append(f"field '{self.field}'")
        head = f"{': '.join(where)}: " if where else ""
        tail = f" Fix: {self.hint}" if self.hint else ""
        return f"{head}{self.problem}.{tail}"


class InputError(ScenarioError):
    """A mistake in a command-line option rather than in a scenario file."""
