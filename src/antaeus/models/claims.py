"""Published results as checkable claims: one row of ``antaeus validate`` each.

A reference model module lists its ``CLAIMS``. Each claim names the paper's result, its
source and how sure that source is (the labels of ../shared/research/mechanisms.md: SRC,
2ND, CALC), what is expected, and a ``check`` that runs the model over a number of seeds and
returns what was observed and whether it matches. A published result that no
implementation reproduces (Epstein's 60-tick mean wait, say) is kept as a row with
``reproduces=False``: its check then confirms the non-reproduction, and the row says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Outcome:
    observed: str     # what the model gave, in words and numbers
    passed: bool


@dataclass(frozen=True)
class Claim:
    model: str                       # e.g. "granovetter"
    claim: str                       # the published result, briefly
    source: str                      # paper, figure or table; the secondary source if 2ND
    label: str                       # SRC, 2ND or CALC (mechanisms.md)
    expected: str                    # the expected value or behaviour, in words and numbers
    check: Callable[[int], Outcome]  # seeds -> outcome; deterministic claims ignore the count
    reproduces: bool = True          # False: the published result does not reproduce anywhere
    slow: bool = False               # True: too slow for the default test run (statistical marker)
