"""Reading TOML from a user: size and nesting limits first, then the parser.

Python's TOML parser descends recursively into nested arrays and inline tables, so a few
hundred brackets end in ``RecursionError``; and a scenario is a few tens of kilobytes. Both
limits are checked before parsing (docs/scenarios.md, "Domains and limits"), the depth of
the parsed tables after it, and each failure is one :class:`ScenarioError` with the line.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..core.errors import ScenarioError

MAX_BYTES = 1_000_000  # the built-in scenario is under 30 kB
MAX_DEPTH = 16  # nested arrays, inline tables and tables; the built-in scenario needs 5
MAX_SET_CHARS = 10_000  # a --set value: one number, date, name or short list
TOO_LARGE = "a scenario or patch is a few tens of kilobytes; check that this is the right file"


def bracket_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of ``[`` and ``{`` outside strings and comments, and its line."""
    depth = deepest = 0
    line = at = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and text[j:j + len(quote)] != quote:
                j += 2 if c == '"' and text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j + len(quote)
            continue
        elif c in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, line
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest, at


def table_depth(data) -> int:
    """The depth of parsed TOML (tables and arrays), counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return deepest


def read_toml(text: str, source: str) -> dict:
    """Parse TOML text from ``source`` within the limits."""
    if len(text) > MAX_BYTES:
        raise ScenarioError(f"{len(text):,} characters, more than the limit of {MAX_BYTES:,}", source=source,
                            hint=TOO_LARGE)
    depth, line = bracket_depth(text)
    if depth > MAX_DEPTH:
        raise ScenarioError(f"arrays or tables nested {depth} deep, more than the limit of {MAX_DEPTH}",
                            source=source, line=line, hint="flatten the nesting; no scenario field is that deep")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        raise ScenarioError(f"not valid TOML ({err})", source=source, line=int(m.group(1)) if m else None,
                            hint="check the quoting, brackets and '=' on that line") from None
    if table_depth(data) > MAX_DEPTH + 1:
        raise ScenarioError(f"tables nested more than {MAX_DEPTH} deep", source=source,
                            hint="shorten the dotted keys; no scenario field is that deep")
    return data


def read_file(path: str | Path) -> tuple[str, dict]:
    """A user's TOML file: its text and its tables."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError("no such file", source=str(path),
                            hint="give an existing TOML file or a built-in scenario name (see 'antaeus scenarios')")
    try:
        size = p.stat().st_size
        text = None if size > 4 * MAX_BYTES else p.read_text(encoding="utf-8")  # at most 4 bytes a character
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"cannot be read ({err})", source=str(path),
                            hint="check the file's permissions and encoding") from None
    if text is None:
        raise ScenarioError(f"{size:,} bytes, far more than a scenario", source=str(path), hint=TOO_LARGE)
    return text, read_toml(text, str(path))
